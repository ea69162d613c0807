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
	words := ""
	if letter != nil {
		words = search.Words(LetterTexts(letter.TitleFor(c), *letter)...)
	}
	return search.Cases.Put(tx, c.ID, search.Grams(c.Title, c.Summary), words)
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

// IndexMissing writes the tokens of up to batch cases after the id after
// that have none (rows from before the index, or loaded in bulk) and reports
// the last id and how many it wrote; call it with that id until it returns
// 0 rows.
func IndexMissing(ctx context.Context, db *database.DB, after int64, batch int) (last int64, n int, err error) {
	var list []Case
	tx := db.WithContext(ctx)
	if err := tx.Where(search.Cases.Missing(tx, "cases")).Where("id > ?", after).Order("id").Limit(batch).Find(&list).Error; err != nil {
		return 0, 0, err
	}
	if len(list) == 0 {
		return after, 0, nil
	}
	err = db.WithTx(ctx, func(tx *gorm.DB) error {
		for i := range list {
			c := &list[i]
			var letter *RecommendationContent
			if c.IssuedAt != nil {
				d, err := latestDraft(tx, c.ID, false)
				if err != nil {
					return err
				}
				if d != nil {
					rc, err := ParseRecommendationContent(d.Content)
					if err != nil {
						return err
					}
					letter = &rc
				}
			}
			if err := IndexCase(tx, c, letter); err != nil {
				return err
			}
		}
		return nil
	})
	return list[len(list)-1].ID, len(list), err
}

// IndexAll writes the tokens of every case that has none, in short batches.
func IndexAll(ctx context.Context, db *database.DB) (int, error) {
	return search.Backfill(ctx, func(ctx context.Context, after int64, limit int) (int64, int, error) {
		return IndexMissing(ctx, db, after, limit)
	})
}
