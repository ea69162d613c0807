package agency

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
	"jianyi/internal/platform/packed"
)

// AgencyInboxQuery filters the agency's inbox.
type AgencyInboxQuery struct {
	State   string
	Year    int  // year of delivery
	Overdue bool // delivered, no answer, reply deadline passed
	Cursor  string
	Limit   int
}

// AgencyInboxItem is one recommendation in an agency's inbox.
type AgencyInboxItem struct {
	ID                int64           `json:"id"`
	Version           int             `json:"version"`
	State             cases.CaseState `json:"state"`
	StateLabel        string          `json:"state_label"`
	DocumentNumber    *string         `json:"document_number"`
	Title             string          `json:"title"`
	ProcuratorateName string          `json:"procuratorate_name"`
	DeliveredOn       *calendar.Date  `json:"delivered_on"`
	ReceivedOn        *calendar.Date  `json:"received_on"`
	Signed            bool            `json:"signed"`
	ReplyDue          *calendar.Date  `json:"reply_due"`
	DaysLeft          *int            `json:"days_left"`
	Overdue           bool            `json:"overdue"`
	// The reply classes by the statistics definitions, as of today.
	ReplyClasses
}

// Service reads cases from the recipient agency's side: its inbox, the
// recommendation as delivered, and the agency records of a case (objections,
// extension requests, replies, follow-up). The actions themselves run through
// the case lifecycle.
type Service struct {
	Cases *cases.Service
}

// ListAgencyInbox lists the recommendations addressed to the actor's agency,
// most recently delivered first, with a keyset cursor on (delivered_on, id).
func (s *Service) ListAgencyInbox(ctx context.Context, a *org.Actor, q AgencyInboxQuery) ([]AgencyInboxItem, string, error) {
	if a == nil || a.Role != org.RoleAgency || a.AgencyID == 0 {
		return nil, "", apperr.Forbidden("只有被建议单位用户可以查看本单位收到的检察建议")
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	today := s.Cases.Today()
	packedRows := s.Cases.DB.Dialector.Name() == "sqlite"
	cols := inboxColumns
	if packedRows {
		cols = inboxPackedColumns
	}
	tx := s.Cases.DB.WithContext(ctx).Model(&cases.Case{}).Scopes(cases.CaseScope(a)).Select(cols).
		Joins("JOIN procuratorates ON procuratorates.id = cases.procuratorate_id")
	if q.State != "" {
		tx = tx.Where("cases.state = ?", q.State)
	}
	if q.Year != 0 {
		tx = tx.Where("cases.delivered_on LIKE ?", fmt.Sprintf("%04d-%%", q.Year))
	}
	if q.Overdue {
		tx = tx.Where("cases.state = ? AND cases.reply_due < ?", cases.StateDelivered, today.String())
	}
	if q.Cursor != "" {
		day, id, ok := parseInboxCursor(q.Cursor)
		if !ok {
			return nil, "", apperr.InvalidField("cursor", "分页游标无效")
		}
		tx = tx.Where("(cases.delivered_on < ? OR (cases.delivered_on = ? AND cases.id < ?))", day, day, id)
	}
	if !packedRows && q.State == "" && !q.Overdue {
		// The inbox as it opens is a walk of InboxIndex newest first that
		// stops at the page's end; named, the optimizer weighs it alone
		// instead of the 14 indexes of cases (a fifth of the statement's
		// CPU in mariadbd at 10^5).
		tx = tx.Table("cases FORCE INDEX (" + InboxIndex + ")")
	}
	find := findInboxRows
	if packedRows {
		find = findPackedInboxRows
	}
	rows, err := find(tx.Order("cases.delivered_on DESC").Order("cases.id DESC").Limit(q.Limit+1), q.Limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		last := rows[len(rows)-1]
		next = last.DeliveredOn.String() + "_" + strconv.FormatInt(last.ID, 10)
	}
	list := make([]cases.Case, len(rows))
	for i := range rows {
		list[i] = rows[i].Case
	}
	classes, err := s.CaseReplyClasses(s.Cases.DB.WithContext(ctx), list)
	if err != nil {
		return nil, "", err
	}
	out := make([]AgencyInboxItem, len(list))
	for i := range list {
		c := &list[i]
		out[i] = AgencyInboxItem{ID: c.ID, Version: c.Version, State: c.State, StateLabel: cases.StateLabels[c.State],
			DocumentNumber: AgencyDocumentNumber(c), Title: c.Title, ProcuratorateName: rows[i].ProcuratorateName,
			DeliveredOn: c.DeliveredOn, ReceivedOn: c.ReceivedOn, Signed: c.SignedAt != nil, ReplyDue: c.ReplyDue,
			ReplyClasses: classes[c.ID]}
		out[i].DaysLeft, out[i].Overdue = ReplyDaysLeft(c, today)
	}
	return out, next, nil
}

// InboxIndex is the index of cases an agency's inbox is read on in MySQL
// when no state filter leaves a better one: (agency_id, delivered_on, id),
// the inbox's scope and order (migration 0004).
const InboxIndex = "ix_cases_agency_delivered"

// inboxRow is a case as the inbox reads it (inboxColumns), with the name
// of its procuratorate.
type inboxRow struct {
	cases.Case
	ProcuratorateName string
}

// findInboxRows runs an inbox page's statement (inboxColumns), scanned by hand: gorm's reflection per
// cell was a fifth of the inbox's CPU.
func findInboxRows(tx *gorm.DB, limit int) ([]inboxRow, error) {
	var (
		r                                                 inboxRow
		documentNumber                                    sql.NullString
		agencyID, deliveredAgencyID                       sql.NullInt64
		issuedAt, signedAt, closedAt                      sql.NullTime
		deliveredOn, receivedOn, replyDue, firstRepliedOn calendar.Date
	)
	c := &r.Case
	dest := []any{&c.ID, &c.ProcuratorateID, &c.Version, (*string)(&c.State), &documentNumber, &c.Title, &agencyID,
		&deliveredAgencyID, &issuedAt, &deliveredOn, &receivedOn, &signedAt, &replyDue, &firstRepliedOn, &closedAt, &r.ProcuratorateName}
	out := make([]inboxRow, 0, limit)
	err := database.ScanEach(tx, dest, func() error {
		c.DocumentNumber, c.AgencyID = cases.Nullable(documentNumber.String, documentNumber.Valid), cases.Nullable(agencyID.Int64, agencyID.Valid)
		c.DeliveredAgencyID = cases.Nullable(deliveredAgencyID.Int64, deliveredAgencyID.Valid)
		c.IssuedAt, c.SignedAt = cases.Nullable(issuedAt.Time, issuedAt.Valid), cases.Nullable(signedAt.Time, signedAt.Valid)
		c.ClosedAt = cases.Nullable(closedAt.Time, closedAt.Valid)
		c.DeliveredOn, c.ReceivedOn = cases.OptDate(deliveredOn), cases.OptDate(receivedOn)
		c.ReplyDue, c.FirstRepliedOn = cases.OptDate(replyDue), cases.OptDate(firstRepliedOn)
		out = append(out, r)
		return nil
	})
	return out, err
}

// inboxPackedColumns are inboxColumns as SQLite reads them: the numbers,
// codes, dates and times packed in one text (CONCAT_WS with CHAR(31), NULL
// as "", timestamps as their stored text), the free texts apart — the
// pure-Go driver's calls for each cell were most of its share (as in
// cases' casePackedColumns).
var inboxPackedColumns = []string{"CONCAT_WS(CHAR(31), cases.id, cases.procuratorate_id, cases.version, cases.state, " +
	"COALESCE(cases.agency_id, ''), COALESCE(cases.delivered_agency_id, ''), COALESCE(CAST(cases.issued_at AS TEXT), ''), " +
	"COALESCE(cases.delivered_on, ''), COALESCE(cases.received_on, ''), COALESCE(CAST(cases.signed_at AS TEXT), ''), " +
	"COALESCE(cases.reply_due, ''), COALESCE(cases.first_replied_on, ''), COALESCE(CAST(cases.closed_at AS TEXT), ''))",
	"cases.document_number", "cases.title", "procuratorates.name AS procuratorate_name"}

// inboxPackedFields is the number of fields packed in inboxPackedColumns[0].
const inboxPackedFields = 13

// findPackedInboxRows runs an inbox page's statement reading inboxPackedColumns.
func findPackedInboxRows(tx *gorm.DB, limit int) ([]inboxRow, error) {
	var (
		r              inboxRow
		row            string
		documentNumber sql.NullString
		f              [inboxPackedFields]string
	)
	c := &r.Case
	dest := []any{&row, &documentNumber, &c.Title, &r.ProcuratorateName}
	out := make([]inboxRow, 0, limit)
	err := database.ScanEach(tx, dest, func() error {
		if !packed.Split(row, f[:]) {
			return fmt.Errorf("agency: an inbox case read as %q, not %d fields", row, len(f))
		}
		var p packed.Parser
		c.ID, c.ProcuratorateID, c.Version, c.State = p.ID(f[0]), p.ID(f[1]), int(p.ID(f[2])), cases.CaseState(f[3])
		c.AgencyID, c.DeliveredAgencyID, c.IssuedAt, c.DeliveredOn = p.OptID(f[4]), p.OptID(f[5]), p.Instant(f[6]), p.OptDate(f[7])
		c.ReceivedOn, c.SignedAt, c.ReplyDue, c.FirstRepliedOn = p.OptDate(f[8]), p.Instant(f[9]), p.OptDate(f[10]), p.OptDate(f[11])
		c.ClosedAt = p.Instant(f[12])
		if p.Err != nil {
			return fmt.Errorf("agency: inbox case %s: %w", f[0], p.Err)
		}
		c.DocumentNumber = cases.Nullable(documentNumber.String, documentNumber.Valid)
		out = append(out, r)
		return nil
	})
	return out, err
}

// inboxColumns are what an inbox item shows and is computed from: the
// reply facts (CaseReplyFacts) and whether the agency sees the letter's
// number (AgencySeesLetter). On SQLite each cell read costs: the whole case
// row (50 columns) was most of the inbox's time.
var inboxColumns = []string{"cases.id", "cases.procuratorate_id", "cases.version", "cases.state", "cases.document_number",
	"cases.title", "cases.agency_id", "cases.delivered_agency_id", "cases.issued_at", "cases.delivered_on", "cases.received_on",
	"cases.signed_at", "cases.reply_due", "cases.first_replied_on", "cases.closed_at", "procuratorates.name AS procuratorate_name"}

// AgencyDocumentNumber is the 文号 the recipient is shown: the current
// letter's, once that letter has been delivered to it (AgencySeesLetter).
func AgencyDocumentNumber(c *cases.Case) *string {
	if !cases.AgencySeesLetter(c) {
		return nil
	}
	return c.DocumentNumber
}

// ReplyDaysLeft is the number of days until the reply deadline while the
// case awaits the agency's answer (negative once overdue); nil otherwise.
func ReplyDaysLeft(c *cases.Case, today calendar.Date) (*int, bool) {
	if c.ReplyDue == nil || c.State != cases.StateDelivered {
		return nil, false
	}
	d := today.DaysUntil(*c.ReplyDue)
	return &d, d < 0
}

func parseInboxCursor(s string) (string, int64, bool) {
	day, idText, ok := strings.Cut(s, "_")
	if !ok {
		return "", 0, false
	}
	if _, err := calendar.ParseDate(day); err != nil {
		return "", 0, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, false
	}
	return day, id, true
}

// ReplyRecord is a reply with its per-item positions, files and, if it was
// returned, the return.
type ReplyRecord struct {
	Reply
	PositionLabel string             `json:"position_label"`
	Body          ReplyContent       `json:"body"`
	Items         []ReplyItem        `json:"items"`
	Files         []files.StoredFile `json:"files"`
	Return        *ReplyReturn       `json:"return"`
}

// AgencyRecords is everything exchanged with the recipient on a case, as the
// actor may see it: the letter as issued, replies, objections, extension
// requests, follow-up records, progress reports and files. Staff also see
// internal follow-ups, escalations and internal files; agencies never do.
type AgencyRecords struct {
	Content           *cases.RecommendationContent `json:"content"`
	LetterTitle       string                       `json:"letter_title"`
	Replies           []ReplyRecord                `json:"replies"`
	Objections        []Objection                  `json:"objections"`
	ExtensionRequests []ExtensionRequest           `json:"extension_requests"`
	FollowUps         []FollowUp                   `json:"follow_ups"`
	ProgressReports   []ProgressReport             `json:"progress_reports"`
	Escalations       []Escalation                 `json:"escalations,omitempty"`
	Files             []files.StoredFile           `json:"files"`
}

// LoadAgencyRecords loads a readable case and its agency records.
func (s *Service) LoadAgencyRecords(ctx context.Context, a *org.Actor, caseID int64) (*cases.Case, *AgencyRecords, error) {
	c, err := s.Cases.LoadCaseRecords(ctx, a, caseID)
	if err != nil {
		return nil, nil, err
	}
	tx := s.Cases.DB.WithContext(ctx)
	internal := cases.SeesInternal(a)
	// An agency reads only the records it submitted or was served with
	// (their agency_id), whoever the case is addressed to now.
	mine := func(q *gorm.DB) *gorm.DB {
		if internal {
			return q
		}
		return q.Where("agency_id = ?", a.AgencyID)
	}
	out := &AgencyRecords{Replies: []ReplyRecord{}, Objections: []Objection{}, ExtensionRequests: []ExtensionRequest{},
		FollowUps: []FollowUp{}, ProgressReports: []ProgressReport{}, Files: []files.StoredFile{}}
	var rc cases.RecommendationContent
	var ok bool
	if internal {
		rc, ok, err = IssuedContent(tx, c.ID)
	} else if cases.CurrentRecipient(a, c) {
		rc, ok, err = DeliveredContent(tx, c)
	}
	if err != nil {
		return nil, nil, err
	}
	if ok {
		out.Content = &rc
		out.LetterTitle = rc.TitleFor(c)
	}
	var onlyAgency int64
	if !internal {
		onlyAgency = a.AgencyID
	}
	if err := s.loadReplyRecords(tx, c.ID, internal, onlyAgency, out); err != nil {
		return nil, nil, err
	}
	if err := tx.Scopes(mine).Where("case_id = ?", c.ID).Order("id").Find(&out.Objections).Error; err != nil {
		return nil, nil, err
	}
	for i := range out.Objections {
		if out.Objections[i].Files, err = files.FileMeta(tx, cases.OwnerObjection, []int64{out.Objections[i].ID}, internal); err != nil {
			return nil, nil, err
		}
	}
	if err := tx.Scopes(mine).Where("case_id = ?", c.ID).Order("id").Find(&out.ExtensionRequests).Error; err != nil {
		return nil, nil, err
	}
	fq := tx.Scopes(mine).Where("case_id = ?", c.ID)
	if !internal {
		fq = fq.Where("internal = ?", false)
	}
	if err := fq.Order("id").Find(&out.FollowUps).Error; err != nil {
		return nil, nil, err
	}
	for i := range out.FollowUps {
		if out.FollowUps[i].Files, err = files.FileMeta(tx, cases.OwnerFollowUp, []int64{out.FollowUps[i].ID}, internal); err != nil {
			return nil, nil, err
		}
	}
	if err := tx.Scopes(mine).Where("case_id = ?", c.ID).Order("id").Find(&out.ProgressReports).Error; err != nil {
		return nil, nil, err
	}
	for i := range out.ProgressReports {
		if out.ProgressReports[i].Files, err = files.FileMeta(tx, cases.OwnerProgressReport, []int64{out.ProgressReports[i].ID}, internal); err != nil {
			return nil, nil, err
		}
	}
	if internal {
		if err := tx.Where("case_id = ?", c.ID).Order("id").Find(&out.Escalations).Error; err != nil {
			return nil, nil, err
		}
		for i := range out.Escalations {
			if out.Escalations[i].Files, err = files.FileMeta(tx, cases.OwnerEscalation, []int64{out.Escalations[i].ID}, true); err != nil {
				return nil, nil, err
			}
		}
	}
	// The flat file list: staff see every file of the case; agencies only
	// the non-internal files of their own records, gathered above.
	if !internal {
		out.Files = append(out.Files, agencyFiles(out)...)
		sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].ID < out.Files[j].ID })
		return c, out, nil
	}
	if err := tx.Omit("content").Where("case_id = ?", c.ID).Order("id").Find(&out.Files).Error; err != nil {
		return nil, nil, err
	}
	return c, out, nil
}

// agencyFiles are the files of an agency's own records.
func agencyFiles(out *AgencyRecords) []files.StoredFile {
	var fs []files.StoredFile
	for _, r := range out.Replies {
		fs = append(fs, r.Files...)
	}
	for _, o := range out.Objections {
		fs = append(fs, o.Files...)
	}
	for _, f := range out.FollowUps {
		fs = append(fs, f.Files...)
	}
	for _, p := range out.ProgressReports {
		fs = append(fs, p.Files...)
	}
	return fs
}

func (s *Service) loadReplyRecords(tx *gorm.DB, caseID int64, internal bool, onlyAgency int64, out *AgencyRecords) error {
	replies, err := LoadReplies(tx, caseID)
	if err != nil {
		return err
	}
	if onlyAgency != 0 {
		replies = slices.DeleteFunc(replies, func(r Reply) bool { return r.AgencyID == nil || *r.AgencyID != onlyAgency })
	}
	// Items, files and returns of all replies are read in one query each.
	ids := make([]int64, len(replies))
	for i, r := range replies {
		ids[i] = r.ID
	}
	var items []ReplyItem
	if len(ids) > 0 {
		if err := tx.Where("reply_id IN ?", ids).Order("item_no, id").Find(&items).Error; err != nil {
			return err
		}
	}
	uploads, err := files.FileMeta(tx, cases.OwnerReply, ids, internal)
	if err != nil {
		return err
	}
	var returns []ReplyReturn
	if len(ids) > 0 {
		if err := tx.Where("reply_id IN ?", ids).Order("id").Find(&returns).Error; err != nil {
			return err
		}
	}
	lastReturn := map[int64]*ReplyReturn{}
	for i := range returns {
		lastReturn[returns[i].ReplyID] = &returns[i]
	}
	for _, r := range replies {
		rec := ReplyRecord{Reply: r, PositionLabel: PositionLabels[r.Position], Body: ParseReplyContent(r.Content), Items: []ReplyItem{}, Files: []files.StoredFile{}}
		rec.Content = ""
		for _, it := range items {
			if it.ReplyID == r.ID {
				rec.Items = append(rec.Items, it)
			}
		}
		for _, f := range uploads {
			if f.OwnerID == r.ID {
				rec.Files = append(rec.Files, f)
			}
		}
		if r.Returned {
			rec.Return = lastReturn[r.ID]
		}
		out.Replies = append(out.Replies, rec)
	}
	return nil
}

// AgencyRecommendation is one recommendation as its recipient sees it: the
// inbox facts, who issued it, the dates and deadlines with how they were
// computed, the procuratorate's verdicts, and the records exchanged.
type AgencyRecommendation struct {
	AgencyInboxItem
	DepartmentName      string         `json:"department_name"`
	ObjectionDue        *calendar.Date `json:"objection_due"`
	ReplyDueExplanation string         `json:"reply_due_explanation"`
	SignerName          string         `json:"signer_name"`
	FirstRepliedOn      *calendar.Date `json:"first_replied_on"`
	Rectification       string         `json:"rectification"`
	Outcome             string         `json:"outcome"`
	AllowedActions      []string       `json:"allowed_actions"`
	*AgencyRecords
}

// AgencyRecommendation loads one recommendation addressed to the actor's
// agency (not found for anything else, so existence does not leak).
func (s *Service) AgencyRecommendation(ctx context.Context, a *org.Actor, id int64) (*AgencyRecommendation, error) {
	if a == nil || a.Role != org.RoleAgency {
		return nil, apperr.NotFound("检察建议")
	}
	c, rec, err := s.LoadAgencyRecords(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !cases.CurrentRecipient(a, c) {
		// A former recipient reads its own records (LoadAgencyRecords), not
		// the case as it goes on for another agency.
		return nil, apperr.NotFound("检察建议")
	}
	tx := s.Cases.DB.WithContext(ctx)
	names, err := procuratorateNames(tx, []cases.Case{*c})
	if err != nil {
		return nil, err
	}
	var dept org.Department
	if err := tx.Select("id", "name").First(&dept, c.DepartmentID).Error; err != nil && !database.IsNotFound(err) {
		return nil, err
	}
	classes, err := s.CaseReplyClasses(tx, []cases.Case{*c})
	if err != nil {
		return nil, err
	}
	v := &AgencyRecommendation{
		AgencyInboxItem: AgencyInboxItem{ID: c.ID, Version: c.Version, State: c.State, StateLabel: cases.StateLabels[c.State],
			DocumentNumber: AgencyDocumentNumber(c), Title: c.Title, ProcuratorateName: names[c.ProcuratorateID],
			DeliveredOn: c.DeliveredOn, ReceivedOn: c.ReceivedOn, Signed: c.SignedAt != nil, ReplyDue: c.ReplyDue,
			ReplyClasses: classes[c.ID]},
		DepartmentName: dept.Name, ObjectionDue: c.ObjectionDue, ReplyDueExplanation: c.ReplyDueExplanation,
		SignerName: c.SignerName, FirstRepliedOn: c.FirstRepliedOn, Rectification: c.Rectification, Outcome: c.Outcome,
		AllowedActions: cases.AllowedActions(a, c), AgencyRecords: rec,
	}
	v.DaysLeft, v.Overdue = ReplyDaysLeft(c, s.Cases.Today())
	return v, nil
}
