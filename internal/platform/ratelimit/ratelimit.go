package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// rateLimitRow is one fixed-window counter. The counters live in the database
// (not in a replica's memory) so a limit holds however many replicas serve the
// public pages.
type rateLimitRow struct {
	Bucket      string `gorm:"primaryKey"`
	WindowStart int64  `gorm:"primaryKey"`
	Hits        int
}

func (rateLimitRow) TableName() string { return "rate_limits" }

// Limit is one limit: at most Max hits per Window for a key.
type Limit struct {
	Name   string // "apply_ip", "lookup_tracking", …
	Max    int
	Window time.Duration
}

// Key turns a personal value (an IP address, an ID number) into a bucket
// key that does not store the value itself.
func Key(limit, value string) string {
	sum := sha256.Sum256([]byte(limit + "\x1f" + value))
	return limit + ":" + hex.EncodeToString(sum[:16])
}

// Hit counts one hit for value under the limit and refuses it with
// ErrTooMany (and the seconds until the window ends) once the window holds
// more than Max hits. The increment is one conditional upsert, so concurrent
// requests on any replica are all counted.
func Hit(ctx context.Context, db *database.DB, now time.Time, l Limit, value string) error {
	win := int64(l.Window / time.Second)
	if win <= 0 {
		win = 1
	}
	start := now.Unix() / win * win
	key := Key(l.Name, value)
	var hits int
	err := db.WithTx(ctx, func(tx *gorm.DB) error {
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "bucket"}, {Name: "window_start"}},
			DoUpdates: clause.Assignments(map[string]any{"hits": gorm.Expr("rate_limits.hits + 1")}),
		}).Create(&rateLimitRow{Bucket: key, WindowStart: start, Hits: 1}).Error
		if err != nil {
			return err
		}
		return tx.Model(&rateLimitRow{}).Where("bucket = ? AND window_start = ?", key, start).Pluck("hits", &hits).Error
	})
	if err != nil {
		return err
	}
	if hits > l.Max {
		retry := int(start + win - now.Unix())
		if retry < 1 {
			retry = 1
		}
		return &apperr.Error{Kind: apperr.ErrTooMany, Code: "rate_limited",
			Message: fmt.Sprintf("操作过于频繁，请在 %d 秒后再试", retry),
			Details: map[string]any{"retry_after_seconds": retry}}
	}
	return nil
}

// UseOnce records a single-use token (a solved challenge, a form token) that
// expires at expires, and reports false when it was already used; the
// primary key decides, so two replicas cannot both accept it.
func UseOnce(ctx context.Context, db *database.DB, kind, token string, expires time.Time) (bool, error) {
	// A plain insert: the duplicate-key error, not an affected-row count
	// (which MariaDB reports differently for ON DUPLICATE KEY), decides.
	err := db.WithContext(ctx).Create(&rateLimitRow{Bucket: Key("once_"+kind, token), WindowStart: expires.Unix(), Hits: 1}).Error
	if err != nil {
		if database.IsUniqueViolation(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// Prune deletes counters whose windows ended before cutoff.
func Prune(ctx context.Context, db *database.DB, cutoff time.Time) (int64, error) {
	res := db.WithContext(ctx).Where("window_start < ?", cutoff.Unix()).Delete(&rateLimitRow{})
	return res.RowsAffected, res.Error
}
