package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"gorm.io/gorm"

	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// TestPublicStatsPagedAndCached: the public agency table comes a page at a
// time with the total, the pages add up to the table tallied from the raw
// rows, an unchanged table answers 304 to If-None-Match and
// If-Modified-Since, and an action (recorded in the audit trail) changes
// both the figures and the ETag.
func TestPublicStatsPagedAndCached(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := newPublicEnv(t, db)
		createCaseFixture(t, env, publicCaseFixture{Marker: "甲", State: cases.StateReplied, Issued: true, Replied: true, Seq: 1})
		other := createCaseFixture(t, env, publicCaseFixture{Marker: "乙", State: cases.StateDelivered, Issued: true, Seq: 2})
		createCaseFixture(t, env, publicCaseFixture{Marker: "丙", State: cases.StateDelivered, Issued: true, Seq: 3})
		if err := db.Model(other).Update("agency_id", env.Org.Agency2.ID).Error; err != nil {
			t.Fatal(err)
		}
		type page struct {
			Agencies   []disclosure.AgencyStat `json:"agencies"`
			Total      int                     `json:"total"`
			Limit      int                     `json:"limit"`
			NextOffset *int                    `json:"next_offset"`
		}
		var first, second, all page
		res := env.Do("GET", "/api/v1/public/stats?limit=1", "", nil).Expect(t, http.StatusOK)
		res.Decode(t, &first)
		if first.Total != 2 || len(first.Agencies) != 1 || first.NextOffset == nil || *first.NextOffset != 1 {
			t.Fatalf("first page: %+v", first)
		}
		env.Do("GET", fmt.Sprintf("/api/v1/public/stats?limit=1&offset=%d", *first.NextOffset), "", nil).Expect(t, http.StatusOK).Decode(t, &second)
		if second.Total != 2 || len(second.Agencies) != 1 || second.NextOffset != nil || second.Agencies[0].AgencyID == first.Agencies[0].AgencyID {
			t.Fatalf("second page: %+v", second)
		}
		env.Do("GET", "/api/v1/public/stats", "", nil).Expect(t, http.StatusOK).Decode(t, &all)
		raw, err := env.App.Disclosures.AgencyStatsFromRows(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if all.Limit != 50 || !reflect.DeepEqual(all.Agencies, raw) || !reflect.DeepEqual(append(first.Agencies, second.Agencies...), raw) {
			t.Fatalf("pages %+v + %+v, all %+v; from the raw rows %+v", first.Agencies, second.Agencies, all.Agencies, raw)
		}
		env.Do("GET", "/api/v1/public/stats?limit=501", "", nil).Expect(t, http.StatusBadRequest)

		etag, modified := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
		if etag == "" || modified == "" {
			t.Fatalf("no validators: %v", res.Header)
		}
		conditional := func(header, value string) int {
			req := httptest.NewRequest("GET", "/api/v1/public/stats?limit=1", nil)
			req.Header.Set(header, value)
			return env.DoRequest(req, "").Status
		}
		if s := conditional("If-None-Match", etag); s != http.StatusNotModified {
			t.Fatalf("If-None-Match of the current version: %d", s)
		}
		if s := conditional("If-Modified-Since", modified); s != http.StatusNotModified {
			t.Fatalf("If-Modified-Since the last change: %d", s)
		}

		// An action: the agency's letter is replied to, recorded as every
		// action is.
		if err := db.WithTx(context.Background(), func(tx *gorm.DB) error {
			if err := tx.Model(other).Updates(map[string]any{"first_replied_on": "2026-03-01", "state": cases.StateReplied}).Error; err != nil {
				return err
			}
			return audit.Record(tx, nil, "case.reply", "case", other.ID, map[string]any{})
		}); err != nil {
			t.Fatal(err)
		}
		if s := conditional("If-None-Match", etag); s != http.StatusOK {
			t.Fatalf("If-None-Match after a change: %d", s)
		}
		raw, err = env.App.Disclosures.AgencyStatsFromRows(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		env.Do("GET", "/api/v1/public/stats", "", nil).Expect(t, http.StatusOK).Decode(t, &all)
		if !reflect.DeepEqual(all.Agencies, raw) {
			t.Fatalf("after the reply %+v; from the raw rows %+v", all.Agencies, raw)
		}
		html := env.Do("GET", "/public/stats", "", nil).Expect(t, http.StatusOK)
		if !strings.Contains(string(html.Body), env.Org.Agency1.Name) || !strings.Contains(string(html.Body), env.Org.Agency2.Name) {
			t.Fatalf("public page: %s", html.Body)
		}
	})
}
