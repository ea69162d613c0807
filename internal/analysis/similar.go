package analysis

import (
	"context"
	"sort"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/search"
)

// SimilarInput is the draft being written (its title, facts, illegality and
// items), or the case whose latest draft to use when they are all empty.
type SimilarInput struct {
	// CaseID is the draft's case: it is left out of the results.
	CaseID     int64         `json:"case_id" validate:"omitempty,gt=0"`
	Title      string        `json:"title" validate:"max=200"`
	Facts      string        `json:"facts" validate:"max=20000"`
	Illegality string        `json:"illegality" validate:"max=10000"`
	Items      []SimilarItem `json:"items" validate:"max=30,dive"`
	// Limit is the number of letters wanted, 1 to 20 (default 5).
	Limit int `json:"limit" validate:"omitempty,min=1,max=20"`
}

// SimilarItem is one recommendation item of the draft.
type SimilarItem struct {
	Text string `json:"text" validate:"max=5000"`
}

// Similar letter sources.
const (
	SourceOwn       = "own"       // a letter of the user's procuratorate, read as a case
	SourcePublished = "published" // the published, redacted version of another procuratorate's letter
)

// SimilarLetter is an earlier letter like the draft, with how it ended.
type SimilarLetter struct {
	Source            string         `json:"source"`
	CaseID            *int64         `json:"case_id"`       // own letters only
	DisclosureID      *int64         `json:"disclosure_id"` // published letters only
	Score             float64        `json:"score"`         // cosine similarity of the words, 0–1
	SharedWords       []string       `json:"shared_words"`
	Title             string         `json:"title"`
	DocumentNumber    string         `json:"document_number"`
	ProcuratorateName string         `json:"procuratorate_name"`
	AgencyName        string         `json:"agency_name"`
	Field             string         `json:"field"`
	IssuedOn          *calendar.Date `json:"issued_on"`
	State             string         `json:"state,omitempty"`
	// The reply class and the outcome: for own letters by the statistics
	// definitions as of today; for published ones as published.
	ReplyClass         string `json:"reply_class"`
	ReplyClassLabel    string `json:"reply_class_label"`
	Position           string `json:"position"`
	PositionLabel      string `json:"position_label"`
	Rectification      string `json:"rectification"`
	RectificationLabel string `json:"rectification_label"`
	Summary            string `json:"summary"`
}

// SimilarResult is the answer of the similar-letter search.
type SimilarResult struct {
	Words   []string        `json:"words"` // the draft's words searched with
	Letters []SimilarLetter `json:"letters"`
}

// candidatesPerSource is how many letters each index proposes per letter
// wanted, before they are ranked together.
const candidatesPerSource = 4

// Similar finds the earlier letters most like a draft (类案参考): issued
// letters of the actor's procuratorate the actor may read, and the
// published, redacted letters of every procuratorate — never an unpublished
// letter of another procuratorate. Each index proposes candidates by its
// own ranking (BM25 / TF-IDF over the draft's most frequent words); the
// candidates are then ranked together by the cosine similarity of their
// words to the draft's.
func (s *Service) Similar(ctx context.Context, a *org.Actor, in SimilarInput) (*SimilarResult, error) {
	if a == nil || !a.Role.IsStaff() || a.Role == org.RoleAdmin || a.ProcuratorateID == 0 {
		return nil, apperr.Forbidden("只有检察人员可以查看类案参考")
	}
	if in.Limit == 0 {
		in.Limit = 5
	}
	tx := s.DB.WithContext(ctx)
	rc := cases.RecommendationContent{Title: in.Title, Facts: in.Facts, Illegality: in.Illegality}
	for _, it := range in.Items {
		rc.Items = append(rc.Items, cases.RecommendationItem{Text: it.Text})
	}
	title := strings.TrimSpace(in.Title)
	if in.CaseID != 0 {
		var c cases.Case
		if err := tx.First(&c, in.CaseID).Error; err != nil || !cases.CanReadCase(a, &c) {
			return nil, apperr.InvalidField("case_id", "案件不存在或无权查看")
		}
		empty := title == "" && strings.TrimSpace(in.Facts) == "" && strings.TrimSpace(in.Illegality) == "" && len(in.Items) == 0
		if empty {
			var d cases.RecommendationDraft
			err := tx.Where("case_id = ?", c.ID).Order("version_no DESC").Limit(1).Take(&d).Error
			if err != nil && !database.IsNotFound(err) {
				return nil, err
			}
			if err == nil {
				if rc, err = cases.ParseRecommendationContent(d.Content); err != nil {
					return nil, err
				}
			}
		}
		title = rc.TitleFor(&c)
	}
	texts := cases.LetterTexts(title, rc)
	terms := search.Terms(texts...) // segmented once: the query, the vector and the names come from it
	sq := search.SimilarFromTerms(terms)
	if sq.Empty() {
		return nil, &apperr.Error{Kind: apperr.ErrInvalid, Code: "draft_too_short",
			Message: "草稿中没有可用于比对的词语，请先填写标题、事实或建议事项", Fields: map[string]string{"facts": "请填写查明的事实"}}
	}
	draft := search.VectorOfTerms(terms)
	names := map[string]string{}
	for w := range terms {
		names[search.WordToken(w)] = w
	}

	n := in.Limit * candidatesPerSource
	own, err := search.Cases.Similar(tx, "cases", sq, n, func(q *gorm.DB) *gorm.DB {
		return q.Scopes(cases.CaseScope(a)).Where("cases.procuratorate_id = ? AND cases.issued_at IS NOT NULL AND cases.id <> ?",
			a.ProcuratorateID, in.CaseID)
	})
	if err != nil {
		return nil, err
	}
	pub, err := search.Disclosures.Similar(tx, "disclosures", sq, n, func(q *gorm.DB) *gorm.DB {
		return disclosure.PublishedScope(q).Where("disclosures.case_id <> ?", in.CaseID)
	})
	if err != nil {
		return nil, err
	}
	out := &SimilarResult{Letters: []SimilarLetter{}}
	for _, t := range sq.Tokens() {
		out.Words = append(out.Words, names[t])
	}
	letters, err := s.ownLetters(tx, hitIDs(own))
	if err != nil {
		return nil, err
	}
	published, err := publishedLetters(tx, hitIDs(pub))
	if err != nil {
		return nil, err
	}
	ownWords, err := search.Cases.StoredWords(tx, hitIDs(own))
	if err != nil {
		return nil, err
	}
	pubWords, err := search.Disclosures.StoredWords(tx, hitIDs(pub))
	if err != nil {
		return nil, err
	}
	ownCases := map[int64]bool{}
	for _, h := range own {
		l, ok := letters[h.ID]
		if !ok {
			continue
		}
		ownCases[h.ID] = true
		l.Score, l.SharedWords = score(draft, ownWords[h.ID], names)
		out.Letters = append(out.Letters, l)
	}
	for _, h := range pub {
		l, ok := published[h.ID]
		if !ok || ownCases[l.caseID] {
			continue // the user reads this letter as a case already
		}
		l.Score, l.SharedWords = score(draft, pubWords[h.ID], names)
		out.Letters = append(out.Letters, l.SimilarLetter)
	}
	sort.SliceStable(out.Letters, func(i, j int) bool { return out.Letters[i].Score > out.Letters[j].Score })
	if len(out.Letters) > in.Limit {
		out.Letters = out.Letters[:in.Limit]
	}
	return out, nil
}

func hitIDs(hits []search.Hit) []int64 {
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

// score is a candidate's cosine similarity to the draft, rounded to three
// places, with up to eight words they share.
func score(draft search.Vector, words string, names map[string]string) (float64, []string) {
	v := search.VectorOf(words)
	shared := []string{}
	for t := range draft {
		if _, ok := v[t]; ok && names[t] != "" {
			shared = append(shared, names[t])
		}
	}
	sort.Slice(shared, func(i, j int) bool {
		if len(shared[i]) != len(shared[j]) {
			return len(shared[i]) > len(shared[j])
		}
		return shared[i] < shared[j]
	})
	if len(shared) > 8 {
		shared = shared[:8]
	}
	return float64(int(search.Cosine(draft, v)*1000+0.5)) / 1000, shared
}

// ownLetters reads the candidates of the actor's procuratorate with their
// reply class, position and rectification by the statistics definitions.
func (s *Service) ownLetters(tx *gorm.DB, ids []int64) (map[int64]SimilarLetter, error) {
	out := map[int64]SimilarLetter{}
	if len(ids) == 0 {
		return out, nil
	}
	var list []cases.Case
	if err := tx.Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, err
	}
	loc, today := s.Clock.Location(), s.Clock.Today()
	facts, err := agency.LoadReplyFacts(tx, list, loc)
	if err != nil {
		return nil, err
	}
	var replies []agency.ReplyFactRow
	if err := tx.Table("replies").Select(agency.ReplyFactColumns).Where("replies.case_id IN ?", ids).
		Order("replies.case_id, replies.id").Scan(&replies).Error; err != nil {
		return nil, err
	}
	folds := map[int64]*agency.ReplyFold{}
	for _, r := range replies {
		if folds[r.CaseID] == nil {
			folds[r.CaseID] = &agency.ReplyFold{}
		}
		folds[r.CaseID].Add(r)
	}
	procs, agencies, err := names(tx, list)
	if err != nil {
		return nil, err
	}
	for i := range list {
		c := &list[i]
		cl := agency.ReplyClassesOf(facts[c.ID], today)
		id := c.ID
		l := SimilarLetter{Source: SourceOwn, CaseID: &id, Title: c.Title, Field: c.Field, State: string(c.State),
			ProcuratorateName: procs[c.ProcuratorateID], ReplyClass: cl.ReplyClass, ReplyClassLabel: cl.ReplyClassLabel,
			Rectification: c.Rectification, RectificationLabel: agency.StatsRectificationLabels[c.Rectification],
			Summary: summaryOf(c.Summary)}
		if c.DocumentNumber != nil {
			l.DocumentNumber = *c.DocumentNumber
		}
		if c.AgencyID != nil {
			l.AgencyName = agencies[*c.AgencyID]
		}
		if c.IssuedAt != nil {
			d := calendar.DateOf(*c.IssuedAt, loc)
			l.IssuedOn = &d
		}
		if f := folds[c.ID]; f != nil {
			l.Position, l.PositionLabel = f.Position, agency.StatsPositionLabels[f.Position]
		}
		out[c.ID] = l
	}
	return out, nil
}

// names reads the procuratorate and agency names of cases.
func names(tx *gorm.DB, list []cases.Case) (map[int64]string, map[int64]string, error) {
	var procIDs, agencyIDs []int64
	for _, c := range list {
		procIDs = append(procIDs, c.ProcuratorateID)
		if c.AgencyID != nil {
			agencyIDs = append(agencyIDs, *c.AgencyID)
		}
	}
	procs, agencies := map[int64]string{}, map[int64]string{}
	var pl []org.Procuratorate
	if err := tx.Where("id IN ?", procIDs).Find(&pl).Error; err != nil {
		return nil, nil, err
	}
	for _, p := range pl {
		procs[p.ID] = p.Name
	}
	if len(agencyIDs) > 0 {
		var al []org.Agency
		if err := tx.Where("id IN ?", agencyIDs).Find(&al).Error; err != nil {
			return nil, nil, err
		}
		for _, ag := range al {
			agencies[ag.ID] = ag.Name
		}
	}
	return procs, agencies, nil
}

// summaryOf shortens a text to its first 120 characters.
func summaryOf(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return string(r)
}

type publishedLetter struct {
	SimilarLetter
	caseID int64
}

// publishedLetters reads published candidates: only what the public sees.
func publishedLetters(tx *gorm.DB, ids []int64) (map[int64]publishedLetter, error) {
	out := map[int64]publishedLetter{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []disclosure.Disclosure
	if err := disclosure.PublishedScope(tx.Model(&disclosure.Disclosure{})).Where("disclosures.id IN ?", ids).
		Select("id, case_id, title, document_number, procuratorate_name, agency_name, field, issued_on, reply_class, rectification, summary").
		Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, d := range rows {
		id, issued := d.ID, d.IssuedOn
		out[d.ID] = publishedLetter{caseID: d.CaseID, SimilarLetter: SimilarLetter{Source: SourcePublished, DisclosureID: &id,
			Title: d.Title, DocumentNumber: d.DocumentNumber, ProcuratorateName: d.ProcuratorateName, AgencyName: d.AgencyName,
			Field: d.Field, IssuedOn: &issued, ReplyClass: d.ReplyClass, ReplyClassLabel: agency.StatsReplyClassLabels[d.ReplyClass],
			Rectification: d.Rectification, RectificationLabel: agency.StatsRectificationLabels[d.Rectification],
			Summary: summaryOf(d.Summary)}}
	}
	return out, nil
}
