package disclosure

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
	"jianyi/internal/platform/packed"
	"jianyi/internal/platform/search"
	"jianyi/internal/stats"
)

// FeedQuery filters the public feed.
type FeedQuery struct {
	ProcuratorateID int64
	Field           string
	AgencyID        int64
	Year            int
	ReplyStatus     string // replied | awaiting | overdue
	Q               string
	Cursor          int64
	Limit           int
	ClientIP        string // counts text searches against SearchPerIP
}

// PublicDisclosure is a published item as the public sees it. Built only
// from the stored, redacted row.
type PublicDisclosure struct {
	ID                 int64            `json:"id"`
	DocumentNumber     string           `json:"document_number"`
	Title              string           `json:"title"`
	ProcuratorateID    int64            `json:"procuratorate_id"`
	Procuratorate      string           `json:"procuratorate"`
	Field              string           `json:"field"`
	AgencyID           *int64           `json:"agency_id"`
	Agency             string           `json:"agency"`
	IssuedOn           calendar.Date    `json:"issued_on"`
	DeliveredOn        *calendar.Date   `json:"delivered_on"`
	ReplyDue           *calendar.Date   `json:"reply_due"`
	RepliedOn          *calendar.Date   `json:"replied_on"`
	ReplyStatus        string           `json:"reply_status"`
	ReplyStatusLabel   string           `json:"reply_status_label"`
	ReplyClass         string           `json:"reply_class"`
	ReplyClassLabel    string           `json:"reply_class_label"`
	Rectification      string           `json:"rectification"`
	RectificationLabel string           `json:"rectification_label"`
	Summary            string           `json:"summary"`
	Revision           int              `json:"revision"`
	PublishedAt        time.Time        `json:"published_at"`
	UpdatedAt          time.Time        `json:"updated_at"`
	RecommendationText []string         `json:"recommendation_text,omitempty"`
	Replies            []PublishedReply `json:"replies,omitempty"`
	PDFSHA256          string           `json:"pdf_sha256,omitempty"`
	pdfFileID          *int64
}

// stillPublishable keeps an item out of every public format as soon as its
// case is flagged state secret, trade secret, privacy or minors, even if the
// flag was set after publication (a primary-key probe per row read).
const stillPublishable = "NOT EXISTS (SELECT 1 FROM cases WHERE cases.id = disclosures.case_id AND " +
	"(cases.involves_state_secret = ? OR cases.involves_trade_secret = ? OR cases.involves_privacy = ? OR cases.involves_minors = ?))"

// listColumns are what a feed page reads: never the long texts.
var listColumns = []string{"id", "document_number", "title", "procuratorate_id", "procuratorate_name", "field", "agency_id",
	"agency_name", "issued_on", "delivered_on", "reply_due", "replied_on", "reply_class", "rectification", "summary",
	"revision", "published_at", "updated_at"}

// findListed runs a feed page's statement (listColumns), scanned by hand:
// gorm's reflection per cell was a quarter of the feed's CPU on MySQL.
func findListed(tx *gorm.DB, limit int) ([]Disclosure, error) {
	var (
		d                                Disclosure
		agencyID                         sql.NullInt64
		deliveredOn, replyDue, repliedOn calendar.Date
	)
	dest := []any{&d.ID, &d.DocumentNumber, &d.Title, &d.ProcuratorateID, &d.ProcuratorateName, &d.Field, &agencyID,
		&d.AgencyName, &d.IssuedOn, &deliveredOn, &replyDue, &repliedOn, &d.ReplyClass, &d.Rectification, &d.Summary,
		&d.Revision, &d.PublishedAt, &d.UpdatedAt}
	out := make([]Disclosure, 0, limit)
	err := database.ScanEach(tx, dest, func() error {
		d.AgencyID = cases.Nullable(agencyID.Int64, agencyID.Valid)
		d.DeliveredOn, d.ReplyDue, d.RepliedOn = cases.OptDate(deliveredOn), cases.OptDate(replyDue), cases.OptDate(repliedOn)
		out = append(out, d)
		return nil
	})
	return out, err
}

// listPackedColumns are listColumns as SQLite reads them: the numbers,
// dates and times packed in one text (CONCAT_WS with CHAR(31), NULL as "",
// timestamps as their stored text), the texts apart — the pure-Go driver's
// calls for each cell were most of its share (as in cases'
// casePackedColumns).
var listPackedColumns = []string{"CONCAT_WS(CHAR(31), id, procuratorate_id, COALESCE(agency_id, ''), COALESCE(issued_on, ''), " +
	"COALESCE(delivered_on, ''), COALESCE(reply_due, ''), COALESCE(replied_on, ''), revision, " +
	"COALESCE(CAST(published_at AS TEXT), ''), COALESCE(CAST(updated_at AS TEXT), ''))",
	"document_number", "title", "procuratorate_name", "field", "agency_name", "reply_class", "rectification", "summary"}

// listPackedFields is the number of fields packed in listPackedColumns[0].
const listPackedFields = 10

// findPackedListed runs a feed page's statement reading listPackedColumns.
func findPackedListed(tx *gorm.DB, limit int) ([]Disclosure, error) {
	var (
		d   Disclosure
		row string
		f   [listPackedFields]string
	)
	dest := []any{&row, &d.DocumentNumber, &d.Title, &d.ProcuratorateName, &d.Field, &d.AgencyName, &d.ReplyClass, &d.Rectification,
		&d.Summary}
	out := make([]Disclosure, 0, limit)
	err := database.ScanEach(tx, dest, func() error {
		if !packed.Split(row, f[:]) {
			return fmt.Errorf("disclosure: an item read as %q, not %d fields", row, len(f))
		}
		var p packed.Parser
		d.ID, d.ProcuratorateID, d.AgencyID, d.IssuedOn = p.ID(f[0]), p.ID(f[1]), p.OptID(f[2]), p.Date(f[3])
		d.DeliveredOn, d.ReplyDue, d.RepliedOn, d.Revision = p.OptDate(f[4]), p.OptDate(f[5]), p.OptDate(f[6]), int(p.ID(f[7]))
		d.PublishedAt, d.UpdatedAt = time.Time{}, time.Time{}
		if t := p.Instant(f[8]); t != nil {
			d.PublishedAt = *t
		}
		if t := p.Instant(f[9]); t != nil {
			d.UpdatedAt = *t
		}
		if p.Err != nil {
			return fmt.Errorf("disclosure: item %s: %w", f[0], p.Err)
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

// ReplyStatusOn derives the reply status on a day from the published dates.
func ReplyStatusOn(repliedOn, due *calendar.Date, today calendar.Date) string {
	switch {
	case repliedOn != nil:
		return "replied"
	case due != nil && today.After(*due):
		return "overdue"
	}
	return "awaiting"
}

func (d *Disclosure) public(today calendar.Date, full bool) PublicDisclosure {
	p := PublicDisclosure{ID: d.ID, DocumentNumber: d.DocumentNumber, Title: d.Title, ProcuratorateID: d.ProcuratorateID,
		Procuratorate: d.ProcuratorateName, Field: d.Field, AgencyID: d.AgencyID, Agency: d.AgencyName, IssuedOn: d.IssuedOn,
		DeliveredOn: d.DeliveredOn, ReplyDue: d.ReplyDue, RepliedOn: d.RepliedOn, ReplyClass: d.ReplyClass,
		ReplyClassLabel: ReplyClassLabels[d.ReplyClass], Rectification: d.Rectification, RectificationLabel: agency.RectificationLabels[d.Rectification],
		Summary: d.Summary, Revision: d.Revision, PublishedAt: d.PublishedAt, UpdatedAt: d.UpdatedAt, pdfFileID: d.PDFFileID}
	switch {
	case d.Rectification == "":
		p.RectificationLabel = "尚未评估"
	case p.RectificationLabel == "":
		p.RectificationLabel = d.Rectification
	}
	p.ReplyStatus = ReplyStatusOn(d.RepliedOn, d.ReplyDue, today)
	p.ReplyStatusLabel = ReplyStatusLabels[p.ReplyStatus]
	if full {
		p.RecommendationText = strings.Split(d.RecommendationText, "\n")
		p.Replies = []PublishedReply{}
		_ = json.Unmarshal([]byte(d.RepliesJSON), &p.Replies)
		p.PDFSHA256 = d.PDFSHA256
	}
	return p
}

// FeedState is the feed's revision and last change, for ETag and
// Last-Modified; one row, read without touching the feed.
func (s *Service) FeedState(ctx context.Context) (int64, time.Time, error) {
	var f disclosureFeed
	err := s.DB.WithContext(ctx).First(&f, 1).Error
	return f.Revision, f.UpdatedAt.UTC(), err
}

// Today is the legal date now (reply status depends on it).
func (s *Service) Today() calendar.Date { return s.Cases.Today() }

// FeedIndex is the index of disclosures the unfiltered feed is read on in
// MySQL: (status, id), the feed's filter and order (migration 0007).
const FeedIndex = "ix_disclosures_feed"

// ListPublished returns a page of published items, newest first.
func (s *Service) ListPublished(ctx context.Context, q FeedQuery) ([]PublicDisclosure, string, error) {
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	cols, find := listColumns, findListed
	if s.DB.Dialector.Name() == "sqlite" {
		cols, find = listPackedColumns, findPackedListed
	}
	tx := s.DB.WithContext(ctx).Model(&Disclosure{}).Select(cols).Where("status = ?", DisclosurePublished).
		Where(stillPublishable, true, true, true, true)
	if q.ProcuratorateID != 0 {
		tx = tx.Where("procuratorate_id = ?", q.ProcuratorateID)
	}
	if q.Field != "" {
		tx = tx.Where("field = ?", q.Field)
	}
	if q.AgencyID != 0 {
		tx = tx.Where("agency_id = ?", q.AgencyID)
	}
	if q.Year != 0 {
		tx = tx.Where("pub_year = ?", q.Year)
	}
	today := s.Today().String()
	switch q.ReplyStatus {
	case "":
	case "replied":
		tx = tx.Where("replied_on IS NOT NULL")
	case "overdue":
		tx = tx.Where("replied_on IS NULL AND reply_due IS NOT NULL AND reply_due < ?", today)
	case "awaiting":
		tx = tx.Where("replied_on IS NULL AND (reply_due IS NULL OR reply_due >= ?)", today)
	default:
		return nil, "", apperr.InvalidField("reply_status", "回复状态应为 replied、awaiting 或 overdue")
	}
	ranked := false
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		if len([]rune(q.Q)) > 50 {
			return nil, "", apperr.InvalidField("q", "检索词不能超过50字")
		}
		if s.SearchPerIP != nil {
			if err := s.SearchPerIP.Hit(ctx, s.DB, s.Cases.Now(), q.ClientIP); err != nil {
				return nil, "", err
			}
		}
		// The full-text index (IndexDisclosure) holds the whole published
		// text and ranks the items; a query with a single character between
		// spaces falls back to LIKE over the short columns only (a LIKE over
		// every letter's full text costs half a second on 100,000 items).
		if sq := search.ParseQuery(q.Q); sq.Usable() {
			tx = search.Disclosures.Match(tx, "disclosures", sq)
			ranked = true
		} else {
			p := database.LikePattern(q.Q)
			tx = tx.Where("(title LIKE ? ESCAPE '!' OR document_number LIKE ? ESCAPE '!' OR agency_name LIKE ? ESCAPE '!' OR summary LIKE ? ESCAPE '!')", p, p, p, p)
		}
	}
	var rows []Disclosure
	next := ""
	if ranked {
		// Ranked results page by position (the cursor counts the results
		// already shown).
		var err error
		if rows, err = find(tx.Order("disclosures.id DESC").Offset(int(q.Cursor)).Limit(q.Limit+1), q.Limit+1); err != nil {
			return nil, "", err
		}
		if len(rows) > q.Limit {
			rows = rows[:q.Limit]
			next = strconv.FormatInt(q.Cursor+int64(q.Limit), 10)
		}
	} else {
		if q.Cursor > 0 {
			tx = tx.Where("id < ?", q.Cursor)
		}
		if q == (FeedQuery{Cursor: q.Cursor, Limit: q.Limit, ClientIP: q.ClientIP}) && s.DB.Dialect == "mysql" {
			// The feed unfiltered is a walk of FeedIndex newest first;
			// named, the optimizer weighs it alone: the status starts 6
			// of the 7 indexes of disclosures and it estimated each with
			// a dive (0.14 → 0.10 ms of the statement's planning, 0.28 →
			// 0.21 ms in all of mariadbd's CPU, at 10^5).
			tx = tx.Table("disclosures FORCE INDEX (" + FeedIndex + ")")
		}
		var err error
		if rows, err = find(tx.Order("id DESC").Limit(q.Limit+1), q.Limit+1); err != nil {
			return nil, "", err
		}
		if len(rows) > q.Limit {
			rows = rows[:q.Limit]
			next = strconv.FormatInt(rows[len(rows)-1].ID, 10)
		}
	}
	td := s.Today()
	out := make([]PublicDisclosure, len(rows))
	for i := range rows {
		out[i] = rows[i].public(td, false)
	}
	return out, next, nil
}

// GetPublished returns one published item; a withdrawn or unknown one is
// not found.
func (s *Service) GetPublished(ctx context.Context, id int64) (*PublicDisclosure, error) {
	var d Disclosure
	if err := s.DB.WithContext(ctx).Where("id = ? AND status = ?", id, DisclosurePublished).Where(stillPublishable, true, true, true, true).First(&d).Error; err != nil {
		return nil, database.NotFoundOr(err, "公开信息")
	}
	p := d.public(s.Today(), true)
	return &p, nil
}

// PublishedPDF returns the stored PDF of a published item.
func (s *Service) PublishedPDF(ctx context.Context, id int64) (*PublicDisclosure, []byte, error) {
	p, err := s.GetPublished(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if p.pdfFileID == nil {
		return nil, nil, apperr.NotFound("公开版 PDF")
	}
	var f files.StoredFile
	if err := s.DB.WithContext(ctx).Where("id = ? AND owner_type = ?", *p.pdfFileID, "disclosure").First(&f).Error; err != nil {
		return nil, nil, database.NotFoundOr(err, "公开版 PDF")
	}
	return p, f.Content, nil
}

// AgencyStat is one agency's public record on recommendations, counted by
// the statistics definitions (internal/stats) as the staff figures are.
type AgencyStat struct {
	AgencyID    int64      `json:"agency_id"`
	Agency      string     `json:"agency"`
	Received    int64      `json:"received"`     // issued recommendations addressed to it (withdrawn ones left out)
	ReplyDue    int64      `json:"reply_due"`    // 应回复: reply due date passed
	Replied     int64      `json:"replied"`      // 已回复 (on time or late)
	OnTime      int64      `json:"on_time"`      // 按期回复
	Late        int64      `json:"late"`         // 慢回复
	Perfunctory int64      `json:"perfunctory"`  // 粗回复
	NoReply     int64      `json:"no_reply"`     // 不回复
	ReplyRate   stats.Rate `json:"reply_rate"`   // 回复率
	OnTimeRate  stats.Rate `json:"on_time_rate"` // 按期回复率
}

// AgencyStatsPage is a page of the public agency table: Total agencies in
// all, Version names the state of the statistics it was read from (for an
// ETag) and UpdatedAt when that state last changed (Last-Modified).
type AgencyStatsPage struct {
	Agencies  []AgencyStat
	Total     int
	Version   string
	UpdatedAt time.Time
}

// agencyStatsCache is the whole table of one version.
type agencyStatsCache struct {
	version   string
	updatedAt time.Time
	all       []AgencyStat
}

// agencyStatsHolder keeps a database's public agency table as of one state
// of the statistics aggregates, for the requests that follow.
type agencyStatsHolder struct {
	mu    sync.Mutex
	cache *agencyStatsCache
}

// agencyStatsCaches holds one agencyStatsHolder per database.
var agencyStatsCaches sync.Map // *database.DB → *agencyStatsHolder

// AgencyStatsPage counts issued recommendations per agency and their reply
// figures, by agency name, limit agencies from offset (limit 0: all).
// Counts of issued recommendations are public facts and carry no personal
// data; cases involving state secrets are left out entirely, as even their
// number per agency may be sensitive. The figures come from the statistics
// aggregates (stats.Service.PublicAgencies), caught up to the last action;
// the table of the current version is kept, so anonymous readers cost one
// version check each until something changes.
func (s *Service) AgencyStatsPage(ctx context.Context, offset, limit int) (*AgencyStatsPage, error) {
	st := s.Stats
	version, updated, err := st.RollupVersion(ctx)
	if err != nil {
		return nil, err
	}
	v, _ := agencyStatsCaches.LoadOrStore(s.DB, &agencyStatsHolder{})
	holder := v.(*agencyStatsHolder)
	holder.mu.Lock()
	defer holder.mu.Unlock()
	c := holder.cache
	if c == nil || c.version != version {
		rows, v, err := st.PublicAgencies(ctx)
		if err != nil {
			return nil, err
		}
		c = &agencyStatsCache{version: v, updatedAt: updated, all: make([]AgencyStat, 0, len(rows))}
		for _, r := range rows {
			f := r.Tally.Figures()
			c.all = append(c.all, AgencyStat{AgencyID: r.AgencyID, Agency: r.Name, Received: r.Received, ReplyDue: f.ReplyDue,
				Replied: f.Replied, OnTime: f.OnTime, Late: f.LateReply, Perfunctory: f.Perfunctory, NoReply: f.NoReply,
				ReplyRate: f.ReplyRate, OnTimeRate: f.OnTimeRate})
		}
		holder.cache = c
	}
	page := &AgencyStatsPage{Total: len(c.all), Version: c.version, UpdatedAt: c.updatedAt}
	from := min(max(offset, 0), len(c.all))
	to := len(c.all)
	if limit > 0 {
		to = min(from+limit, len(c.all))
	}
	page.Agencies = c.all[from:to:to]
	return page, nil
}

// AgencyStatsFromRows is the public agency table tallied from the raw rows,
// as before the aggregates: the tests compare the two.
func (s *Service) AgencyStatsFromRows(ctx context.Context) ([]AgencyStat, error) {
	today := s.Cases.Today()
	received := map[int64]int64{}
	tallies := map[int64]*stats.ReplyTally{}
	err := stats.ScanFacts(ctx, s.DB, s.Cases.Clock.Location(), func(q *gorm.DB) *gorm.DB {
		return q.Where("cases.involves_state_secret = ? AND cases.agency_id IS NOT NULL", false)
	}, func(batch []stats.CaseFacts) error {
		for i := range batch {
			f := &batch[i]
			t := tallies[f.AgencyID]
			if t == nil {
				t = &stats.ReplyTally{}
				tallies[f.AgencyID] = t
			}
			if f.State != cases.StateWithdrawn {
				received[f.AgencyID]++
			}
			t.Add(f, stats.Period{}, today)
		}
		return nil
	})
	if err != nil || len(tallies) == 0 {
		return []AgencyStat{}, err
	}
	ids := make([]int64, 0, len(tallies))
	for id := range tallies {
		ids = append(ids, id)
	}
	var agencies []org.Agency
	if err := s.DB.WithContext(ctx).Where("id IN ?", ids).Order("name, id").Find(&agencies).Error; err != nil {
		return nil, err
	}
	out := make([]AgencyStat, 0, len(agencies))
	for _, a := range agencies {
		if received[a.ID] == 0 {
			continue
		}
		f := tallies[a.ID].Figures()
		out = append(out, AgencyStat{AgencyID: a.ID, Agency: a.Name, Received: received[a.ID], ReplyDue: f.ReplyDue, Replied: f.Replied,
			OnTime: f.OnTime, Late: f.LateReply, Perfunctory: f.Perfunctory, NoReply: f.NoReply, ReplyRate: f.ReplyRate, OnTimeRate: f.OnTimeRate})
	}
	return out, nil
}

// PublicProcuratorate is a procuratorate citizens may address.
type PublicProcuratorate struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Level    string `json:"level"`
	ParentID *int64 `json:"parent_id"`
}

// PublishedScope restricts a query on the disclosures table to the items
// the public may read now: published, and their case not flagged since.
func PublishedScope(q *gorm.DB) *gorm.DB {
	return q.Where("disclosures.status = ?", DisclosurePublished).Where(stillPublishable, true, true, true, true)
}
