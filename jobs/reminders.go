package jobs

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/notify"
	"jianyi/internal/platform/database"
)

// reminderID is a reminders row's unique key.
type reminderID struct {
	subjectID int64
	kind      string
	deadline  string
}

// sentReminders returns which of the keys for these subjects already have a
// reminders row. It lets a re-run skip known reminders with one indexed read
// per chunk instead of one insert attempt each; EmitReminder's unique index
// still decides races.
func sentReminders(ctx context.Context, db *gorm.DB, subjectType string, ids []int64, kinds []string) (map[reminderID]bool, error) {
	out := map[reminderID]bool{}
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		end := min(start+chunk, len(ids))
		var rows []notify.Reminder
		if err := db.WithContext(ctx).Select("subject_id", "kind", "deadline").
			Where("subject_type = ? AND subject_id IN ? AND kind IN ?", subjectType, ids[start:end], kinds).
			Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[reminderID{r.SubjectID, r.Kind, r.Deadline}] = true
		}
	}
	return out, nil
}

// inTx runs fn in one transaction, retrying a few times when MySQL reports a
// deadlock or lock wait timeout: two replicas inserting the same reminder
// keys can deadlock on the unique index, and the retry then finds the row.
func inTx(ctx context.Context, db *database.DB, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		err = db.WithTx(ctx, fn)
		if err == nil || !isRetryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 20 * time.Millisecond):
		}
	}
	return err
}

func isRetryable(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "Error 1213") || strings.Contains(msg, "Error 1205") ||
		strings.Contains(msg, "Deadlock found") || strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// uniqueIDs drops zero and repeated user ids, keeping order.
func uniqueIDs(ids ...[]int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, list := range ids {
		for _, id := range list {
			if id != 0 && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// caseLabel names a case in a message: its title and, once issued, its 文号.
func caseLabel(title string, docNumber *string) string {
	s := "《" + title + "》"
	if docNumber != nil && *docNumber != "" {
		s += "（" + *docNumber + "）"
	}
	return s
}
