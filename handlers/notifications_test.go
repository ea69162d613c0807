package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"gorm.io/gorm"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

type inboxPage struct {
	Items []struct {
		ID     int64   `json:"id"`
		UserID int64   `json:"user_id"`
		Title  string  `json:"title"`
		ReadAt *string `json:"read_at"`
	} `json:"items"`
	NextCursor  string `json:"next_cursor"`
	UnreadCount int64  `json:"unread_count"`
}

func notifyUser(t *testing.T, db *database.DB, username string, n int) []int64 {
	t.Helper()
	var u org.User
	if err := db.Where("username = ?", username).First(&u).Error; err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := db.WithTx(context.Background(), func(tx *gorm.DB) error {
			return notify.Send(tx, notify.Channels{}, notify.Spec{UserIDs: []int64{u.ID}, Kind: "test",
				Title: fmt.Sprintf("%s的通知%d", username, i), Body: "内容"})
		}); err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	db.Model(&notify.Notification{}).Where("user_id = ?", u.ID).Order("id DESC").Pluck("id", &ids)
	return ids
}

func TestNotificationsAPI(t *testing.T) {
	t.Parallel()
	dbtest.EachSeeded(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		mine := notifyUser(t, db, "prosecutor1", 5)
		theirs := notifyUser(t, db, "agency1", 2)

		var page inboxPage
		env.Do("GET", "/api/v1/notifications?limit=3", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &page)
		if len(page.Items) != 3 || page.UnreadCount != 5 || page.NextCursor == "" || page.Items[0].ID != mine[0] {
			t.Fatalf("first page %+v", page)
		}
		var rest inboxPage
		env.Do("GET", "/api/v1/notifications?limit=3&cursor="+page.NextCursor, "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &rest)
		if len(rest.Items) != 2 || rest.NextCursor != "" || rest.Items[1].ID != mine[4] {
			t.Fatalf("second page %+v", rest)
		}

		for _, tt := range []struct {
			name, method, path, user string
			want                     int
		}{
			{"someone else's notification is not found", "POST", fmt.Sprintf("/api/v1/notifications/%d/read", theirs[0]), "prosecutor1", http.StatusNotFound},
			{"nor for an administrator", "POST", fmt.Sprintf("/api/v1/notifications/%d/read", theirs[0]), "admin", http.StatusNotFound},
			{"no such id", "POST", "/api/v1/notifications/999999/read", "prosecutor1", http.StatusNotFound},
			{"not an id", "POST", "/api/v1/notifications/abc/read", "prosecutor1", http.StatusNotFound},
			{"bad unread filter", "GET", "/api/v1/notifications?unread=maybe", "prosecutor1", http.StatusBadRequest},
			{"bad cursor", "GET", "/api/v1/notifications?cursor=-1", "prosecutor1", http.StatusBadRequest},
			{"anonymous", "GET", "/api/v1/notifications", "", http.StatusUnauthorized},
		} {
			t.Run(tt.name, func(t *testing.T) {
				env.Do(tt.method, tt.path, tt.user, nil).Expect(t, tt.want)
			})
		}

		read := env.Do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", mine[1]), "prosecutor1", nil).Expect(t, http.StatusOK).JSON()
		if read["read_at"] == nil {
			t.Fatalf("read %v", read)
		}
		var unread inboxPage
		env.Do("GET", "/api/v1/notifications?unread=true", "prosecutor1", nil).Expect(t, http.StatusOK).Decode(t, &unread)
		if len(unread.Items) != 4 || unread.UnreadCount != 4 {
			t.Fatalf("unread %+v", unread)
		}
		for _, it := range unread.Items {
			if it.ID == mine[1] {
				t.Fatal("a read notification listed as unread")
			}
		}
		all := env.Do("POST", "/api/v1/notifications/read-all", "prosecutor1", nil).Expect(t, http.StatusOK).JSON()
		if all["marked"] != float64(4) {
			t.Fatalf("read-all %v", all)
		}
		// The agency's inbox is untouched.
		var other inboxPage
		env.Do("GET", "/api/v1/notifications", "agency1", nil).Expect(t, http.StatusOK).Decode(t, &other)
		if len(other.Items) != 2 || other.UnreadCount != 2 || other.Items[0].Title != "agency1的通知1" {
			t.Fatalf("agency inbox %+v", other)
		}
	})
}
