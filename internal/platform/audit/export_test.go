package audit

import (
	"context"

	"jianyi/internal/platform/database"
)

// RehashWithoutKey rewrites the whole trail with plain SHA-256 hashes, as
// someone with write access to the database but without the key would after
// editing an entry.
func RehashWithoutKey(ctx context.Context, db *database.DB) error {
	var all []Entry
	if err := db.WithContext(ctx).Order("id").Find(&all).Error; err != nil {
		return err
	}
	prev := ""
	for i := range all {
		e := &all[i]
		e.PrevHash = prev
		e.Hash = e.chainHash()
		if err := db.WithContext(ctx).Model(&Entry{}).Where("id = ?", e.ID).Updates(map[string]any{"prev_hash": e.PrevHash, "hash": e.Hash}).Error; err != nil {
			return err
		}
		prev = e.Hash
	}
	return db.WithContext(ctx).Model(&auditHead{}).Where("id = 1").Updates(map[string]any{"last_id": all[len(all)-1].ID, "last_hash": prev}).Error
}
