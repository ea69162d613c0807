package ratelimit

import (
	"context"
	"sync"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/platform/database"
)

// Batched is a limit on a frequent read (the public feed's text search)
// whose hits are counted in the replica's memory and added to the shared
// database counter in batches, not one write per hit: a write per search
// serialised every search through SQLite's single writer and made every
// other connection drop its page cache (a fifth of a search's CPU at 10^6
// cases, docs/scale.md §17).
//
// One replica refuses exactly as Hit would: it sees the shared count as of
// its last batch plus its own hits since. Across replicas a key may get up
// to Batch-1 more hits per other replica before its batches reach the
// database.
type Batched struct {
	Limit Limit
	Batch int // hits per database write; Max/10, between 1 and 50, when 0

	mu   sync.Mutex
	keys map[string]*batchedKey
}

type batchedKey struct {
	window  int64 // start of the window counted
	stored  int   // the shared counter when this replica last wrote it
	pending int   // this replica's hits not written yet
}

// NewBatched is a batched limit with the default batch size.
func NewBatched(l Limit) *Batched { return &Batched{Limit: l} }

func (b *Batched) batch() int {
	if b.Batch > 0 {
		return b.Batch
	}
	return min(max(b.Limit.Max/10, 1), 50)
}

// Hit counts one hit for value and refuses it with ErrTooMany once the
// window holds more than Max hits.
func (b *Batched) Hit(ctx context.Context, db *database.DB, now time.Time, value string) error {
	start, win := window(now, b.Limit)
	key := Key(b.Limit.Name, value)
	b.mu.Lock()
	if b.keys == nil {
		b.keys = map[string]*batchedKey{}
	}
	k := b.keys[key]
	if k == nil || k.window != start {
		if k == nil && len(b.keys) >= 4096 {
			b.dropEnded(start)
		}
		k = &batchedKey{window: start}
		b.keys[key] = k
	}
	k.pending++
	seen := k.stored + k.pending
	n := 0
	if k.pending >= b.batch() {
		n, k.pending = k.pending, 0
	}
	b.mu.Unlock()
	if n > 0 {
		var total int
		err := db.WithTx(ctx, func(tx *gorm.DB) (err error) {
			total, err = countTx(tx, key, start, n)
			return err
		})
		if err != nil {
			return err
		}
		b.mu.Lock()
		if k.window == start && total > k.stored {
			k.stored = total
		}
		seen = max(seen, total)
		b.mu.Unlock()
	}
	if seen > b.Limit.Max {
		return tooMany(start, win, now)
	}
	return nil
}

// dropEnded forgets keys whose window ended; the caller holds mu.
func (b *Batched) dropEnded(current int64) {
	for key, k := range b.keys {
		if k.window != current {
			delete(b.keys, key)
		}
	}
}
