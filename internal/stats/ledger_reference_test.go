package stats

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/platform/database"
)

// LedgerReferenceCSV is the ledger of every issued recommendation in the
// database, in case-id order, as CSV built the simple way — gorm reading
// each table whole into structs, the facts folded case by case, the names
// from whole tables, encoding/csv writing — for the tests to compare the
// streamed export with, byte for byte. today is the ledger's day, loc the
// zone of its dates.
func LedgerReferenceCSV(db *database.DB, loc *time.Location, today calendar.Date) ([]byte, error) {
	var rows []struct {
		ID, ProcuratorateID, DepartmentID, ProsecutorID   int64
		AgencyID, ProjectID                               *int64
		State                                             cases.CaseState
		IssuedAt, ClosedAt                                *time.Time
		DeliveredOn, ReceivedOn, ReplyDue, FirstRepliedOn *calendar.Date
		Rectification, Source, Field, Title               string
		CaseNumber, DocumentNumber                        *string
	}
	if err := db.Table("cases").Where("issued_at IS NOT NULL").Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	names := map[string]map[int64]string{}
	for _, t := range [][2]string{{"procuratorates", "name"}, {"departments", "name"}, {"users", "display_name"}, {"agencies", "name"}, {"projects", "title"}} {
		var list []struct {
			ID   int64
			Name string
		}
		if err := db.Table(t[0]).Select("id, " + t[1] + " AS name").Find(&list).Error; err != nil {
			return nil, err
		}
		names[t[0]] = map[int64]string{}
		for _, n := range list {
			names[t[0]][n.ID] = n.Name
		}
	}
	var replies []agency.ReplyFactRow
	if err := db.Table("replies").Select(agency.ReplyFactColumns).Order("replies.case_id, replies.id").Find(&replies).Error; err != nil {
		return nil, err
	}
	folds := map[int64]agency.ReplyFold{} // a case's replies, folded in id order
	for _, r := range replies {
		fold := folds[r.CaseID]
		fold.Add(r)
		folds[r.CaseID] = fold
	}
	var deliveries []struct {
		CaseID int64
		Method string
	}
	if err := db.Table("case_deliveries").Select("case_id, method").Order("case_id, id").Find(&deliveries).Error; err != nil {
		return nil, err
	}
	method := map[int64]string{}
	for _, d := range deliveries {
		method[d.CaseID] = d.Method
	}
	var filings []struct {
		CaseID  int64
		DueOn   calendar.Date
		FiledAt *time.Time
	}
	if err := db.Table("filings").Select("case_id, due_on, filed_at").Order("id").Find(&filings).Error; err != nil {
		return nil, err
	}
	filing := map[int64]*FilingFact{}
	for _, f := range filings {
		filing[f.CaseID] = &FilingFact{Due: f.DueOn}
		if f.FiledAt != nil {
			filing[f.CaseID].FiledOn = calendar.DateOf(*f.FiledAt, loc)
		}
	}
	var escalations []struct {
		CaseID          int64
		Kind            string
		DecidedOn       calendar.Date
		ResultReference string
		ResultOn        calendar.Date
	}
	if err := db.Table("escalations").Order("case_id, id").Find(&escalations).Error; err != nil {
		return nil, err
	}
	escalated := map[int64][]EscalationFact{}
	for _, e := range escalations {
		escalated[e.CaseID] = append(escalated[e.CaseID], EscalationFact{Kind: e.Kind, DecidedOn: e.DecidedOn, Outcome: e.ResultReference, OutcomeOn: e.ResultOn})
	}

	date := func(d *calendar.Date) calendar.Date {
		if d == nil {
			return calendar.Date{}
		}
		return *d
	}
	id := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	text := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	if err := w.Write(LedgerHeaders()); err != nil {
		return nil, err
	}
	for i, c := range rows {
		f := CaseFacts{CaseID: c.ID, ProcuratorateID: c.ProcuratorateID, DepartmentID: c.DepartmentID, AgencyID: id(c.AgencyID),
			IssuedOn: calendar.DateOf(*c.IssuedAt, loc), DeliveryMethod: method[c.ID], DeliveredOn: date(c.DeliveredOn),
			ReplyFacts:    cases.ReplyFacts{State: c.State, ReceivedOn: date(c.ReceivedOn), ReplyDue: date(c.ReplyDue), RepliedOn: date(c.FirstRepliedOn)},
			Rectification: c.Rectification, Escalations: escalated[c.ID], Filing: filing[c.ID]}
		if c.ClosedAt != nil && c.State.IsFinal() {
			f.EndedOn = calendar.DateOf(*c.ClosedAt, loc)
		}
		if o, ok := folds[c.ID]; ok {
			o.Apply(&f.ReplyFacts)
			f.Position = o.Position
		}
		r := &LedgerRow{CaseRow: CaseRow{ID: c.ID, ProcuratorateID: c.ProcuratorateID, DepartmentID: c.DepartmentID, State: c.State},
			CaseNumber: text(c.CaseNumber), DocumentNumber: text(c.DocumentNumber), Title: c.Title,
			Procuratorate: names["procuratorates"][c.ProcuratorateID], Department: names["departments"][c.DepartmentID],
			Prosecutor: names["users"][c.ProsecutorID], Agency: names["agencies"][id(c.AgencyID)], Field: c.Field, Source: c.Source,
			Project: names["projects"][id(c.ProjectID)], Facts: f}
		rec := []string{strconv.Itoa(i + 1)}
		for _, col := range ledgerColumns[1:] {
			switch v := col.Value(r, today); v.kind {
			case cellDate:
				rec = append(rec, v.date.String())
			case cellNumber:
				rec = append(rec, strconv.Itoa(v.num))
			default:
				rec = append(rec, csvSafe(v.text))
			}
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// csvSafe is a text cell as the ledger writes it: an apostrophe before a
// formula's first character.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune(csvFormulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

// TestAppendCSVText: a text cell is written as encoding/csv writes
// csvSafe(text), the headers as it writes them.
func TestAppendCSVText(t *testing.T) {
	texts := []string{"", "a", "中文", " lead", "\tlead", "\u3000全角空格", "trail ", "a,b", `say "hi"`, "line\nbreak", "cr\rlf\r\n",
		`\.`, `\..`, "=1+1", "+1", "-1", "@x", "=a,\"b\"", "\r\n", "'", "\"", "\xff\xfe", "\x1f", "\u00a0nbsp", "-", "=",
		"\t\"q\"", "\r=1,2",
		// eight bytes at a time: a special byte in either half, at either end, after multi-byte characters;
		// bytes just below and above '-' that are not special
		"0123456789abcdef", "0123456,89abcdef", "01234567\n9abcdef", "0123456789abcde\"", "\"123456789abcdef",
		"中文中文中文,中文", "中文中文中文中文\r", "!#$%&'()*+-./!#$%&'()*+-./", "-+*)('&%$#!-+*)('&%$#!\"", "中文!#$%&'()*+中文",
		"\u2003em space lead", "\u205fmedium", "\u1680ogham", "\u2060not a space", "\u3001标点开头", "\u00a9copy"}
	for _, s := range texts {
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		if err := w.Write([]string{csvSafe(s), s}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		got := appendCSVField(append(appendCSVText([]byte(nil), s), ','), s)
		if string(got)+"\n" != want.String() {
			t.Errorf("%q: %q, encoding/csv %q", s, got, want.String())
		}
	}
}
