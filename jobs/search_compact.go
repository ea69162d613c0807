package jobs

import (
	"context"

	"jianyi/internal/platform/database"
	"jianyi/internal/platform/search"
)

// CompactSearch merges the segments of the full-text indexes on SQLite
// (search.Index.Compact): the public feed's first, then the cases'. It
// reports the merge steps written; on MariaDB/MySQL there is nothing to do.
func CompactSearch(ctx context.Context, db *database.DB) (int, error) {
	total := 0
	for _, ix := range []search.Index{search.Disclosures, search.Cases} {
		n, err := ix.Compact(ctx, db.WithTx)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func runSearchCompact(ctx context.Context, env *Env) (int, error) {
	return CompactSearch(ctx, env.DB)
}
