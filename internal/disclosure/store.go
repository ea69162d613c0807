package disclosure

import (
	"context"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// This file is the disclosure store: the queries the package's services and
// the other domains read disclosure data with (the feed revision and the
// procuratorates with published items).

// bumpFeed moves the feed revision so caches revalidate.
func bumpFeed(tx *gorm.DB, now time.Time) error {
	return tx.Model(&disclosureFeed{}).Where("id = 1").Updates(map[string]any{"revision": gorm.Expr("revision + 1"), "updated_at": now}).Error
}

// PublicProcuratorates lists every procuratorate, in tree order.
func PublicProcuratorates(ctx context.Context, db *database.DB) ([]PublicProcuratorate, error) {
	var ps []org.Procuratorate
	if err := db.WithContext(ctx).Order("path").Find(&ps).Error; err != nil {
		return nil, err
	}
	out := make([]PublicProcuratorate, len(ps))
	for i, p := range ps {
		out[i] = PublicProcuratorate{ID: p.ID, Name: p.Name, Level: p.Level, ParentID: p.ParentID}
	}
	return out, nil
}
