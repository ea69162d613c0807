package cases

import (
	"context"
	"encoding/json"

	"gorm.io/gorm"

	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/search"
)

// A case's full-text tokens (internal/platform/search): the grams of its
// title and summary, which `GET /api/v1/cases?q=` searches, from
// registration on; and, once the letter is issued, the words of the letter
// (title, facts, illegality, items), which the similar-letter search
// (类案参考) compares drafts with. They are written in the transaction that
// writes the case or issues the letter.

// LetterTexts are the parts of a letter the similar-letter search compares,
// the title twice, as it names the problem.
func LetterTexts(title string, rc RecommendationContent) []string {
	out := []string{title, title, rc.Facts, rc.Illegality}
	for _, it := range rc.Items {
		out = append(out, it.Text)
	}
	return out
}

// IndexCase writes the case's tokens; letter is its issued content, nil
// before issuance.
func IndexCase(tx *gorm.DB, c *Case, letter *RecommendationContent) error {
	grams, words := caseTokens(c, letter)
	return search.Cases.Put(tx, search.Doc{ID: c.ID, Scope: c.ProcuratorateID, Grams: grams, Words: words})
}

// caseTokens are a case's tokens: the grams of its title and summary, and
// the words of its letter (none before issuance, letter nil).
func caseTokens(c *Case, letter *RecommendationContent) (grams, words string) {
	grams = search.Grams(c.Title, c.Summary)
	if letter != nil {
		words = search.Words(LetterTexts(letter.TitleFor(c), *letter)...)
	}
	return grams, words
}

// RegisterLead inserts a new lead (线索) with its register event and its
// tokens, in the caller's transaction; the caller records the audit entry.
func RegisterLead(tx *gorm.DB, a *org.Actor, c *Case, note string, data map[string]any) (*CaseEvent, error) {
	if err := tx.Create(c).Error; err != nil {
		return nil, err
	}
	raw := "{}"
	if len(data) > 0 {
		b, err := json.Marshal(data)
		if err != nil {
			return nil, err
		}
		raw = string(b)
	}
	uid := a.UserID
	ev := &CaseEvent{CaseID: c.ID, Action: "register", FromState: "", ToState: StateLead, ActorID: &uid, ActorName: a.DisplayName,
		Role: string(a.Role), Note: note, Data: raw, Internal: true, CreatedAt: c.CreatedAt}
	if err := tx.Create(ev).Error; err != nil {
		return nil, err
	}
	return ev, IndexCase(tx, c, nil)
}

// missingFromIndex reads up to limit cases above after that have no tokens
// (rows from before the index, or loaded in bulk), with the latest draft of
// the issued ones — two queries — for search.Backfill.
func missingFromIndex(ctx context.Context, db *database.DB, after int64, limit int) ([]search.Pending, error) {
	var list []Case
	tx := db.WithContext(ctx)
	if err := tx.Select("id, procuratorate_id, title, summary, issued_at").Where("cases.id > ?", after).Where(search.Cases.Missing(tx, "cases")).
		Order("id").Limit(limit).Find(&list).Error; err != nil {
		return nil, err
	}
	var issued []int64
	for _, c := range list {
		if c.IssuedAt != nil {
			issued = append(issued, c.ID)
		}
	}
	latest := map[int64]string{}
	if len(issued) > 0 {
		var drafts []RecommendationDraft
		if err := tx.Select("case_id, version_no, content").Where("case_id IN ?", issued).Order("case_id, version_no").
			Find(&drafts).Error; err != nil {
			return nil, err
		}
		for _, d := range drafts {
			latest[d.CaseID] = d.Content // the highest version comes last
		}
	}
	out := make([]search.Pending, len(list))
	for i := range list {
		c := &list[i]
		content, issued := latest[c.ID]
		out[i] = search.Pending{ID: c.ID, Scope: c.ProcuratorateID, Tokens: func() (string, string) {
			if !issued {
				return caseTokens(c, nil)
			}
			rc, err := ParseRecommendationContent(content)
			if err != nil {
				return caseTokens(c, nil) // unreadable content has no words; the next issue rewrites them
			}
			return caseTokens(c, &rc)
		}}
	}
	return out, nil
}

// IndexAll writes the tokens of every case that has none, in short batches.
func IndexAll(ctx context.Context, db *database.DB) (int, error) {
	return search.Cases.Backfill(ctx, db.WithTx, func(ctx context.Context, after int64, limit int) ([]search.Pending, error) {
		return missingFromIndex(ctx, db, after, limit)
	})
}
