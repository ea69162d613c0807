package disclosure

import (
	"context"

	"gorm.io/gorm"

	"jianyi/internal/platform/database"
	"jianyi/internal/platform/search"
)

// IndexDisclosure writes a published letter's full-text tokens
// (internal/platform/search) in the transaction that stores it: the grams
// of what the public feed's `?q=` searches (title, 文号, agency, the
// redacted text) and the words the similar-letter search compares (title,
// redacted text). Only redacted text is indexed, so the index of a public
// letter holds nothing the public may not read.
func IndexDisclosure(tx *gorm.DB, d *Disclosure) error {
	return search.Disclosures.Put(tx, d.ID,
		search.Grams(d.Title, d.DocumentNumber, d.AgencyName, d.Summary, d.RecommendationText),
		search.Words(d.Title, d.Title, d.RecommendationText))
}

// IndexMissing writes the tokens of up to batch disclosures that have none
// after the id after, and reports the last id and how many it wrote;
// call it with that id until it returns 0 rows.
func IndexMissing(ctx context.Context, db *database.DB, after int64, batch int) (last int64, n int, err error) {
	var list []Disclosure
	tx := db.WithContext(ctx)
	if err := tx.Where(search.Disclosures.Missing(tx, "disclosures")).Where("id > ?", after).Order("id").Limit(batch).Find(&list).Error; err != nil {
		return 0, 0, err
	}
	if len(list) == 0 {
		return after, 0, nil
	}
	err = db.WithTx(ctx, func(tx *gorm.DB) error {
		for i := range list {
			if err := IndexDisclosure(tx, &list[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return list[len(list)-1].ID, len(list), err
}

// IndexAll writes the tokens of every disclosure that has none, in short batches.
func IndexAll(ctx context.Context, db *database.DB) (int, error) {
	return search.Backfill(ctx, func(ctx context.Context, after int64, limit int) (int64, int, error) {
		return IndexMissing(ctx, db, after, limit)
	})
}
