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
// ErrTooMany (and the wait until the window ends) once the window holds
// more than Max hits. The increment is one conditional upsert, so concurrent
// requests on any replica are all counted.
func Hit(ctx context.Context, db *database.DB, now time.Time, l Limit, value string) error {
	return db.WithTx(ctx, func(tx *gorm.DB) error { return HitTx(tx, now, l, value) })
}

// HitTx is Hit inside the caller's transaction: called after the action it
// limits has been written, it counts only what was accepted, and its
// refusal rolls the action and the count back together.
func HitTx(tx *gorm.DB, now time.Time, l Limit, value string) error {
	start, win := window(now, l)
	hits, err := countTx(tx, Key(l.Name, value), start, 1)
	if err != nil {
		return err
	}
	if hits > l.Max {
		return tooMany(start, win, now)
	}
	return nil
}

// countTx adds n hits to a key's counter of the window that starts at start
// (one conditional upsert, so concurrent replicas are all counted) and
// returns the counter's new value.
func countTx(tx *gorm.DB, key string, start int64, n int) (int, error) {
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "bucket"}, {Name: "window_start"}},
		DoUpdates: clause.Assignments(map[string]any{"hits": gorm.Expr("rate_limits.hits + ?", n)}),
	}).Create(&rateLimitRow{Bucket: key, WindowStart: start, Hits: n}).Error
	if err != nil {
		return 0, err
	}
	var hits int
	err = tx.Model(&rateLimitRow{}).Where("bucket = ? AND window_start = ?", key, start).Pluck("hits", &hits).Error
	return hits, err
}

// Full refuses, without counting, when the window already holds Max hits
// for value: the cheap early answer before an action counted by HitTx.
func Full(ctx context.Context, db *database.DB, now time.Time, l Limit, value string) error {
	start, win := window(now, l)
	var hits []int
	if err := db.WithContext(ctx).Model(&rateLimitRow{}).Where("bucket = ? AND window_start = ?", Key(l.Name, value), start).
		Pluck("hits", &hits).Error; err != nil {
		return err
	}
	if len(hits) > 0 && hits[0] >= l.Max {
		return tooMany(start, win, now)
	}
	return nil
}

func window(now time.Time, l Limit) (start, win int64) {
	win = int64(l.Window / time.Second)
	if win <= 0 {
		win = 1
	}
	return now.Unix() / win * win, win
}

// tooMany is the refusal, the wait said in minutes (rounded up): "2116 秒"
// means nothing to a citizen.
func tooMany(start, win int64, now time.Time) error {
	retry := int(start + win - now.Unix())
	if retry < 1 {
		retry = 1
	}
	return &apperr.Error{Kind: apperr.ErrTooMany, Code: "rate_limited",
		Message: fmt.Sprintf("操作过于频繁，请在 %d 分钟后再试", WaitMinutes(retry)),
		Details: map[string]any{"retry_after_seconds": retry, "retry_after_minutes": WaitMinutes(retry)}}
}

// WaitMinutes is a wait in seconds as whole minutes, rounded up, at least 1.
func WaitMinutes(secs int) int {
	if secs <= 60 {
		return 1
	}
	return (secs + 59) / 60
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
