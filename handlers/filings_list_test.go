package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// TestFilingsListPagesNewestFirstAcrossProcuratorates pages through a city's
// filings one small page at a time: every filing of the procuratorates below
// it comes exactly once, newest first, however they interleave — the list
// merges each procuratorate's newest (cases.newestFilings) — and none of
// another city's.
func TestFilingsListPagesNewestFirstAcrossProcuratorates(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		city, district := env.Org.City, env.Org.District
		// A second district below the city and a city elsewhere with one of its own.
		second := addProcuratorate(t, db, "东岸区人民检察院", city.Path, city.ID)
		elsewhere := addProcuratorate(t, db, "外市某区人民检察院", env.Org.Province.Path, env.Org.Province.ID)
		// Filings interleaved between the two districts, unevenly, and some elsewhere.
		owners := []int64{district.ID, second, second, district.ID, elsewhere, second, district.ID, district.ID, second, elsewhere, district.ID}
		var want []int64
		for i, p := range owners {
			// One case per filing (a case has one); its own procuratorate does not matter to the list.
			addFiling(t, env, fmt.Sprintf("备案列表分页%d", i), p, city.ID)
		}
		db.Raw("SELECT id FROM filings WHERE procuratorate_id IN ? ORDER BY id DESC", []int64{district.ID, second}).Scan(&want)
		var got []int64
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > len(want) {
				t.Fatalf("paging does not end: %v", got)
			}
			var page struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
				NextCursor string `json:"next_cursor"`
			}
			env.Do("GET", "/api/v1/filings?limit=3&cursor="+cursor, "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &page)
			for _, f := range page.Items {
				got = append(got, f.ID)
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages %v, want %v", got, want)
		}
	})
}

// addProcuratorate adds a district below a parent (its path the parent's
// and its own id).
func addProcuratorate(t *testing.T, db *database.DB, name, parentPath string, parent int64) int64 {
	t.Helper()
	if err := db.Exec("INSERT INTO procuratorates (name, short_name, level, parent_id, path, created_at, updated_at) "+
		"VALUES (?, ?, 'district', ?, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", name, name[:6], parent).Error; err != nil {
		t.Fatal(err)
	}
	var id int64
	db.Raw("SELECT id FROM procuratorates WHERE name = ?", name).Scan(&id)
	if err := db.Exec("UPDATE procuratorates SET path = ? WHERE id = ?", fmt.Sprintf("%s%d/", parentPath, id), id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// addFiling files a new case (prosecutor1's; its own procuratorate does not
// matter to the list) as the procuratorate's with the parent: the filing's id.
func addFiling(t *testing.T, env *apitest.Env, title string, proc, parent int64) int64 {
	t.Helper()
	var c struct {
		ID int64 `json:"id"`
	}
	env.Do("POST", "/api/v1/cases", "prosecutor1", map[string]any{
		"title": title, "field": "生态环境", "source": "case_finding", "summary": "分页测试。", "agency_id": env.Org.Agency1.ID,
	}).Expect(t, http.StatusCreated).Decode(t, &c)
	if err := env.DB.Exec("INSERT INTO filings (case_id, procuratorate_id, parent_procuratorate_id, due_on, status, created_at) VALUES (?, ?, ?, '2026-12-01', 'pending', CURRENT_TIMESTAMP)",
		c.ID, proc, parent).Error; err != nil {
		t.Fatal(err)
	}
	var id int64
	env.DB.Raw("SELECT id FROM filings WHERE case_id = ?", c.ID).Scan(&id)
	return id
}

// TestFilingsListIsTheReferenceQuery compares the filings list, page by page
// and field by field, with the plain query it replaced (the filer's path
// LIKE the reader's, joined to the case and agency, newest first): for a city
// chief (a few procuratorates below: each one's newest merged), a province
// chief (more than cases.filingSeekLimit below: the walk newest first) and a
// district chief (none below), at small pages and the default one. The
// filings have filed and pending ones, cases with and without an agency, a
// 文号 and letter dates, and some of the city's and the province's own (not
// theirs to read). Each listed filing's detail is readable; one not listed is
// "not found".
func TestFilingsListIsTheReferenceQuery(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		prov, city, district := env.Org.Province, env.Org.City, env.Org.District
		second := addProcuratorate(t, db, "东岸区人民检察院", city.Path, city.ID)
		otherCity := addProcuratorate(t, db, "外市人民检察院", prov.Path, prov.ID)
		var otherPath string
		db.Raw("SELECT path FROM procuratorates WHERE id = ?", otherCity).Scan(&otherPath)
		// More procuratorates below the province than the list seeks one by one.
		var far []int64
		for i := 0; i < 66; i++ {
			far = append(far, addProcuratorate(t, db, fmt.Sprintf("外市第%d区人民检察院", i), otherPath, otherCity))
		}
		owners := []int64{district.ID, second, far[0], city.ID, district.ID, far[65], otherCity, second, prov.ID, district.ID,
			far[3], second, second, city.ID, district.ID, district.ID, far[7], district.ID, district.ID}
		ids := make([]int64, len(owners))
		for i, p := range owners {
			ids[i] = addFiling(t, env, fmt.Sprintf("备案列表对照%d", i), p, prov.ID)
		}
		// Letter facts on some cases, a filed filing with its report, a case without an agency.
		issued := time.Date(2026, 3, 2, 1, 2, 3, 456789000, time.UTC)
		for i, id := range ids {
			switch i % 3 {
			case 0:
				mustExec(t, db, "UPDATE cases SET document_number = ?, issued_at = ?, delivered_on = '2026-03-05', received_on = '2026-03-06', "+
					"reply_due = '2026-05-06', urgent_days = 15, state = 'delivered' WHERE id = (SELECT case_id FROM filings WHERE id = ?)",
					fmt.Sprintf("临检八建〔2026〕%d号", i+1), issued, id)
				mustExec(t, db, "UPDATE filings SET status = 'filed', filed_at = ?, filed_on = '2026-03-09', report_file_id = ? WHERE id = ?",
					issued.Add(7*24*time.Hour), 9000+i, id)
			case 1:
				mustExec(t, db, "UPDATE cases SET agency_id = NULL WHERE id = (SELECT case_id FROM filings WHERE id = ?)", id)
			}
		}
		var provChief org.User
		db.Where("username = ?", "citychief1").First(&provChief)
		provChief.ID, provChief.Username, provChief.ProcuratorateID = 0, "provchief1", &prov.ID
		if err := db.Create(&provChief).Error; err != nil {
			t.Fatal(err)
		}
		for _, u := range []struct {
			user, path string
			wantAny    bool
		}{{"citychief1", city.Path, true}, {"provchief1", prov.Path, true}, {"chief1", district.Path, false}} {
			want := referenceFilings(t, db, u.path)
			if (len(want) > 0) != u.wantAny {
				t.Fatalf("%s: the reference lists %d filings", u.user, len(want))
			}
			for _, limit := range []string{"2", "5", ""} {
				var got []json.RawMessage
				cursor := ""
				for pages := 0; ; pages++ {
					if pages > len(want) {
						t.Fatalf("%s: paging does not end", u.user)
					}
					var page struct {
						Items      []json.RawMessage `json:"items"`
						NextCursor string            `json:"next_cursor"`
					}
					env.Do("GET", "/api/v1/filings?limit="+limit+"&cursor="+cursor, u.user, nil).Expect(t, http.StatusOK).Decode(t, &page)
					got = append(got, page.Items...)
					if page.NextCursor == "" {
						break
					}
					cursor = page.NextCursor
				}
				if len(got) != len(want) {
					t.Fatalf("%s, limit %q: %d filings, want %d", u.user, limit, len(got), len(want))
				}
				for i := range want {
					if string(got[i]) != string(want[i]) {
						t.Fatalf("%s, limit %q, item %d:\n got %s\nwant %s", u.user, limit, i, got[i], want[i])
					}
				}
			}
			for _, item := range want {
				var f struct {
					ID int64 `json:"id"`
				}
				if err := json.Unmarshal(item, &f); err != nil {
					t.Fatal(err)
				}
				env.Do("GET", fmt.Sprintf("/api/v1/filings/%d", f.ID), u.user, nil).Expect(t, http.StatusOK)
			}
		}
		// The city's own filing is the province's to read, not the city's.
		env.Do("GET", fmt.Sprintf("/api/v1/filings/%d", ids[3]), "citychief1", nil).Expect(t, http.StatusNotFound)
		env.Do("GET", fmt.Sprintf("/api/v1/filings/%d", ids[3]), "provchief1", nil).Expect(t, http.StatusOK)
		env.Do("GET", fmt.Sprintf("/api/v1/filings/%d", ids[2]), "citychief1", nil).Expect(t, http.StatusNotFound)
	})
}

// referenceFilings are the list items of the filings strictly below a path,
// newest first, read with the plain query and encoded as the list encodes
// them.
func referenceFilings(t *testing.T, db *database.DB, path string) []json.RawMessage {
	t.Helper()
	var rows []struct {
		cases.Filing
		ProcuratorateName string
		DocumentNumber    *string
		Title, Field      string
		AgencyID          *int64
		AgencyName        string
		CaseState         cases.CaseState
		IssuedAt          *time.Time
		DeliveredOn       *calendar.Date
		ReceivedOn        *calendar.Date
		ReplyDue          *calendar.Date
		UrgentDays        int
	}
	err := db.Raw("SELECT filings.*, fp.name AS procuratorate_name, cases.document_number, cases.title, cases.field, cases.agency_id, "+
		"COALESCE(agencies.name, '') AS agency_name, cases.state AS case_state, cases.issued_at, cases.delivered_on, cases.received_on, "+
		"cases.reply_due, cases.urgent_days FROM filings JOIN procuratorates fp ON fp.id = filings.procuratorate_id "+
		"JOIN cases ON cases.id = filings.case_id LEFT JOIN agencies ON agencies.id = cases.agency_id "+
		"WHERE fp.path LIKE ? AND fp.path <> ? ORDER BY filings.id DESC", path+"%", path).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	out := make([]json.RawMessage, len(rows))
	for i, r := range rows {
		b, err := json.Marshal(cases.FilingView{Filing: r.Filing, ProcuratorateName: r.ProcuratorateName, DocumentNumber: r.DocumentNumber,
			Title: r.Title, Field: r.Field, AgencyID: r.AgencyID, AgencyName: r.AgencyName, CaseState: r.CaseState, IssuedAt: r.IssuedAt,
			DeliveredOn: r.DeliveredOn, ReceivedOn: r.ReceivedOn, ReplyDue: r.ReplyDue, UrgentDays: r.UrgentDays})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}

func mustExec(t *testing.T, db *database.DB, sql string, args ...any) {
	t.Helper()
	if err := db.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// TestFilingsListFirstPageKeepsUpWithNewFilings: the first page stays the
// newest filings as filings are added and a procuratorate is created below
// the reader's, and a renamed one shows its new name at once — on
// MariaDB/MySQL the first page reads the procuratorates below and the floor
// of their newest filings from a cache (cases.filerCache), which later
// filings (written straight into the database, as another process would)
// must not make wrong and this process's changes to the tree drop.
func TestFilingsListFirstPageKeepsUpWithNewFilings(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		city, district := env.Org.City, env.Org.District
		type item struct {
			ID                int64  `json:"id"`
			ProcuratorateName string `json:"procuratorate_name"`
		}
		first := func() []item {
			t.Helper()
			var page struct {
				Items []item `json:"items"`
			}
			env.Do("GET", "/api/v1/filings?limit=2", "citychief1", nil).Expect(t, http.StatusOK).Decode(t, &page)
			return page.Items
		}
		ids := func(items []item) []int64 {
			var out []int64
			for _, it := range items {
				out = append(out, it.ID)
			}
			return out
		}
		var made []int64
		for i := range 3 {
			made = append(made, addFiling(t, env, fmt.Sprintf("缓存备案%d", i), district.ID, city.ID))
		}
		if got := ids(first()); !slices.Equal(got, []int64{made[2], made[1]}) {
			t.Fatalf("first page %v, want %v", got, []int64{made[2], made[1]})
		}
		// One newer filing: the page is it and one read before it.
		made = append(made, addFiling(t, env, "缓存备案3", district.ID, city.ID))
		if got := ids(first()); !slices.Equal(got, []int64{made[3], made[2]}) {
			t.Fatalf("after one more filing: %v, want %v", got, []int64{made[3], made[2]})
		}
		// Newer filings above the floor read for the page before.
		for i := 4; i < 7; i++ {
			made = append(made, addFiling(t, env, fmt.Sprintf("缓存备案%d", i), district.ID, city.ID))
		}
		if got := ids(first()); !slices.Equal(got, []int64{made[6], made[5]}) {
			t.Fatalf("after four more filings: %v, want %v", got, []int64{made[6], made[5]})
		}
		// A procuratorate created below the city, and its filing.
		var created struct {
			ID int64 `json:"id"`
		}
		env.Do("POST", "/api/v1/admin/procuratorates", "admin", map[string]any{"parent_id": city.ID, "name": "临江市东湖区人民检察院",
			"short_name": "东湖", "level": "county"}).Expect(t, http.StatusCreated).Decode(t, &created)
		newest := addFiling(t, env, "新院的备案", created.ID, city.ID)
		if got := ids(first()); !slices.Equal(got, []int64{newest, made[6]}) {
			t.Fatalf("after a new procuratorate's filing: %v, want %v", got, []int64{newest, made[6]})
		}
		// Renamed: the list names it anew.
		env.Do("PUT", fmt.Sprintf("/api/v1/admin/procuratorates/%d", created.ID), "admin", map[string]any{"parent_id": city.ID,
			"name": "临江市东湖新区人民检察院", "short_name": "东湖", "level": "county"}).Expect(t, http.StatusOK)
		if got := first(); len(got) == 0 || got[0].ProcuratorateName != "临江市东湖新区人民检察院" {
			t.Fatalf("after the rename: %+v", got)
		}
	})
}
