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
	grams, words := disclosureTokens(d)
	return search.Disclosures.Put(tx, search.Doc{ID: d.ID, Grams: grams, Words: words})
}

// disclosureTokens are a published letter's tokens.
func disclosureTokens(d *Disclosure) (grams, words string) {
	return search.Grams(d.Title, d.DocumentNumber, d.AgencyName, d.Summary, d.RecommendationText),
		search.Words(d.Title, d.Title, d.RecommendationText)
}

// IndexAll writes the tokens of every disclosure that has none (rows
// loaded in bulk), in short batches.
func IndexAll(ctx context.Context, db *database.DB) (int, error) {
	return search.Disclosures.Backfill(ctx, db.WithTx, func(ctx context.Context, after int64, limit int) ([]search.Pending, error) {
		var list []Disclosure
		tx := db.WithContext(ctx)
		if err := tx.Where("disclosures.id > ?", after).Where(search.Disclosures.Missing(tx, "disclosures")).
			Order("id").Limit(limit).Find(&list).Error; err != nil {
			return nil, err
		}
		out := make([]search.Pending, len(list))
		for i := range list {
			d := &list[i]
			out[i] = search.Pending{ID: d.ID, Tokens: func() (string, string) { return disclosureTokens(d) }}
		}
		return out, nil
	})
}
