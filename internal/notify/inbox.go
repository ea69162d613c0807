package notify

import (
	"context"
	"strconv"
	"time"

	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// InboxQuery pages through a user's in-app notifications, newest first.
type InboxQuery struct {
	UnreadOnly bool
	Cursor     int64 // list ids below this
	Limit      int
}

// InboxPage is one page of the inbox with the user's unread count (the badge).
type InboxPage struct {
	Items       []Notification
	NextCursor  string
	UnreadCount int64
}

// ListInbox returns the actor's own notifications; nobody reads another
// user's inbox, administrators included.
func ListInbox(ctx context.Context, db *database.DB, a *org.Actor, q InboxQuery) (*InboxPage, error) {
	if a == nil || a.UserID == 0 {
		return nil, &apperr.Error{Kind: apperr.ErrUnauthorized, Code: "unauthorized", Message: "未登录或登录已过期，请重新登录"}
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	tx := db.WithContext(ctx).Where("user_id = ?", a.UserID)
	if q.UnreadOnly {
		tx = tx.Where("read_at IS NULL")
	}
	if q.Cursor > 0 {
		tx = tx.Where("id < ?", q.Cursor)
	}
	page := &InboxPage{Items: []Notification{}}
	if err := tx.Order("id DESC").Limit(q.Limit + 1).Find(&page.Items).Error; err != nil {
		return nil, err
	}
	fillLinks(page.Items, a.Role)
	if len(page.Items) > q.Limit {
		page.Items = page.Items[:q.Limit]
		page.NextCursor = strconv.FormatInt(page.Items[len(page.Items)-1].ID, 10)
	}
	var err error
	if page.UnreadCount, err = UnreadCount(ctx, db, a); err != nil {
		return nil, err
	}
	return page, nil
}

// UnreadCount is the number on the actor's bell.
func UnreadCount(ctx context.Context, db *database.DB, a *org.Actor) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", a.UserID).Count(&n).Error
	return n, err
}

// MarkNotificationRead marks one of the actor's notifications read. Another
// user's notification is "not found", so ids do not leak. Marking twice
// keeps the first read time.
func MarkNotificationRead(ctx context.Context, db *database.DB, a *org.Actor, id int64, now time.Time) (*Notification, error) {
	var n Notification
	if err := db.WithContext(ctx).Where("id = ? AND user_id = ?", id, a.UserID).First(&n).Error; err != nil {
		return nil, database.NotFoundOr(err, "通知")
	}
	one := []Notification{n}
	fillLinks(one, a.Role)
	n = one[0]
	if n.ReadAt != nil {
		return &n, nil
	}
	t := now.UTC().Truncate(time.Microsecond)
	if err := db.WithContext(ctx).Model(&Notification{}).Where("id = ? AND read_at IS NULL", id).
		Update("read_at", t).Error; err != nil {
		return nil, err
	}
	n.ReadAt = &t
	return &n, nil
}

// MarkAllNotificationsRead marks every unread notification of the actor read
// and reports how many it marked.
func MarkAllNotificationsRead(ctx context.Context, db *database.DB, a *org.Actor, now time.Time) (int64, error) {
	res := db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", a.UserID).
		Update("read_at", now.UTC().Truncate(time.Microsecond))
	return res.RowsAffected, res.Error
}
