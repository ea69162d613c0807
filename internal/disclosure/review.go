package disclosure

import (
	"context"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
)

// ReviewEntry is a recommendation the actor may prepare for publication
// (issued and later), with where its publication stands.
type ReviewEntry struct {
	CaseID         int64           `json:"case_id"`
	Title          string          `json:"title"`
	DocumentNumber string          `json:"document_number"`
	Field          string          `json:"field"`
	Agency         string          `json:"agency"`
	State          cases.CaseState `json:"state"`
	StateLabel     string          `json:"state_label"`
	IssuedOn       calendar.Date   `json:"issued_on"`
	Version        int             `json:"version"`
	// Blockers say why the case may never be published (国家秘密 …).
	Blockers []string `json:"blockers"`
	// DisclosureID is 0 while nothing was published; Status is then "".
	DisclosureID int64      `json:"disclosure_id"`
	Status       string     `json:"status"`
	Revision     int        `json:"revision"`
	PublishedAt  *time.Time `json:"published_at"`
	UpdatedAt    *time.Time `json:"updated_at"`
	WithdrawnAt  *time.Time `json:"withdrawn_at"`
	Withdrawn    string     `json:"withdraw_reason"`
}

// maxReviewEntries bounds the review list; older items are reached from
// the case list.
const maxReviewEntries = 300

// ReviewQueue lists the issued recommendations of the actor's
// procuratorate with their publication status, not yet published first,
// newest first within each group.
func (s *Service) ReviewQueue(ctx context.Context, a *org.Actor) ([]ReviewEntry, error) {
	if !a.HasRole(org.RoleProsecutor, org.RoleDeptHead, org.RoleChief) && !a.HasRole(s.Cases.Settings.PublishRoles...) {
		return nil, apperr.Forbidden("无权审查公开内容")
	}
	return s.reviewEntries(s.DB.WithContext(ctx), a, 0)
}

// ReviewEntryOf is one case's entry of the review list (not found when the
// actor may not read the case or it was never issued).
func (s *Service) ReviewEntryOf(ctx context.Context, a *org.Actor, caseID int64) (*ReviewEntry, error) {
	out, err := s.reviewEntries(s.DB.WithContext(ctx), a, caseID)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, apperr.NotFound("案件")
	}
	return &out[0], nil
}

func (s *Service) reviewEntries(tx *gorm.DB, a *org.Actor, caseID int64) ([]ReviewEntry, error) {
	states := make([]cases.CaseState, 0, len(publishableStates))
	for st := range publishableStates {
		states = append(states, st)
	}
	q := tx.Model(&cases.Case{}).Scopes(cases.CaseScope(a)).Where("cases.state IN ? AND cases.issued_at IS NOT NULL AND cases.document_number IS NOT NULL", states)
	if caseID != 0 {
		q = q.Where("cases.id = ?", caseID)
	}
	var cs []cases.Case
	if err := q.Order("cases.issued_at DESC, cases.id DESC").Limit(maxReviewEntries).Find(&cs).Error; err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(cs))
	agencyIDs := []int64{}
	for _, c := range cs {
		ids = append(ids, c.ID)
		if c.AgencyID != nil {
			agencyIDs = append(agencyIDs, *c.AgencyID)
		}
	}
	var ds []Disclosure
	if err := tx.Select("id", "case_id", "status", "revision", "published_at", "updated_at", "withdrawn_at", "withdraw_reason").
		Where("case_id IN ?", ids).Find(&ds).Error; err != nil {
		return nil, err
	}
	byCase := map[int64]Disclosure{}
	for _, d := range ds {
		byCase[d.CaseID] = d
	}
	var ags []org.Agency
	if len(agencyIDs) > 0 {
		if err := tx.Select("id", "name").Where("id IN ?", agencyIDs).Find(&ags).Error; err != nil {
			return nil, err
		}
	}
	agencyName := map[int64]string{}
	for _, ag := range ags {
		agencyName[ag.ID] = ag.Name
	}
	loc := s.Cases.Clock.Location()
	var todo, done []ReviewEntry
	for _, c := range cs {
		e := ReviewEntry{CaseID: c.ID, Title: c.Title, DocumentNumber: *c.DocumentNumber, Field: c.Field, State: c.State,
			StateLabel: cases.StateLabels[c.State], IssuedOn: calendar.DateOf(*c.IssuedAt, loc), Version: c.Version, Blockers: PublishBlockers(&c)}
		if c.AgencyID != nil {
			e.Agency = agencyName[*c.AgencyID]
		}
		if d, ok := byCase[c.ID]; ok {
			pub, upd := d.PublishedAt, d.UpdatedAt
			e.DisclosureID, e.Status, e.Revision, e.PublishedAt, e.UpdatedAt, e.WithdrawnAt, e.Withdrawn =
				d.ID, d.Status, d.Revision, &pub, &upd, d.WithdrawnAt, d.WithdrawReason
		}
		if e.Status == "" && len(e.Blockers) == 0 {
			todo = append(todo, e)
		} else {
			done = append(done, e)
		}
	}
	return append(todo, done...), nil
}

// PublicPreview is the public page of the case as a publish with these
// lists would make it: built like the stored item, nothing written. The
// lists are used as given (the review page always sends them).
func (s *Service) PublicPreview(ctx context.Context, a *org.Actor, caseID int64, in DisclosureInput) (*PublicDisclosure, error) {
	tx := s.DB.WithContext(ctx)
	c, err := s.loadForDisclosure(tx, a, caseID, false)
	if err != nil {
		return nil, err
	}
	if err := publishCheck(c); err != nil {
		return nil, err
	}
	src, err := s.loadSource(tx, c, in)
	if err != nil {
		return nil, err
	}
	d := s.build(src, a, s.Cases.Now())
	p := d.public(s.Cases.Today(), true)
	return &p, nil
}
