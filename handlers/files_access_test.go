package handlers_test

import (
	"fmt"
	"jianyi/internal/agency"
	"net/http"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
)

// TestFileDownloadByIDFollowsOwnerKinds: an agency that may read a case still
// cannot download, by guessing an id, a file that is not meant for it — an
// internal file, or a non-internal attachment of a kind agencies never see
// (e.g. an investigation record's evidence) — while staff can.
func TestFileDownloadByIDFollowsOwnerKinds(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		c := env.CaseFixture(apitest.CaseFixture{State: cases.StateDelivered, DocumentNumber: "清河检八建〔2026〕7号",
			DeliveredOn: calendar.NewDate(2026, 3, 2), ReplyDue: calendar.NewDate(2026, 5, 4)})
		// The agency's files are its records' (their agency_id): a reply of agency1.
		ag1 := env.Org.Agency1.ID
		reply := &agency.Reply{CaseID: c.ID, AgencyID: &ag1, Kind: agency.ReplyKindFinal, Position: agency.PositionAdopted, Content: "{}",
			SubmittedBy: userID(t, db, "agency1"), SubmittedOn: calendar.NewDate(2026, 3, 3), CreatedAt: env.Now()}
		if err := db.Create(reply).Error; err != nil {
			t.Fatal(err)
		}
		store := func(owner string, internal bool) int64 {
			ownerID := c.ID
			if owner == cases.OwnerReply {
				ownerID = reply.ID
			}
			f := &files.StoredFile{CaseID: &c.ID, OwnerType: owner, OwnerID: ownerID, Filename: owner + ".txt",
				ContentType: "text/plain", Size: 2, SHA256: "x", Content: []byte("ok"), Internal: internal}
			if err := db.Create(f).Error; err != nil {
				t.Fatal(err)
			}
			return f.ID
		}
		cases := []struct {
			owner      string
			internal   bool
			agencyWant int
		}{
			{cases.OwnerReply, false, http.StatusOK},
			{cases.OwnerFollowUp, true, http.StatusNotFound},
			{"investigation_record", false, http.StatusNotFound},
			{"approval_form_pdf", true, http.StatusNotFound},
			{"recommendation_pdf", false, http.StatusOK},
		}
		for _, tc := range cases {
			id := store(tc.owner, tc.internal)
			path := fmt.Sprintf("/api/v1/files/%d", id)
			env.Do("GET", path, "agency1", nil).Expect(t, tc.agencyWant)
			env.Do("GET", path, "prosecutor1", nil).Expect(t, http.StatusOK)
			env.Do("GET", path, "agency2", nil).Expect(t, http.StatusNotFound)
		}
	})
}
