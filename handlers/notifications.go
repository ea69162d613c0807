package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"jianyi/internal/notify"
	"jianyi/internal/platform/apperr"
)

// notificationRoutes serve each user's own in-app inbox.
func (s *Server) notificationRoutes(g *echo.Group) {
	g.GET("/notifications", s.listNotifications)
	g.POST("/notifications/read-all", s.readAllNotifications)
	g.POST("/notifications/:id/read", s.readNotification)
}

// inboxResponse is a page of the inbox with the unread badge count.
type inboxResponse struct {
	Items       []notify.Notification `json:"items"`
	NextCursor  string                `json:"next_cursor,omitempty"`
	UnreadCount int64                 `json:"unread_count"`
}

func (s *Server) listNotifications(c echo.Context) error {
	var q notify.InboxQuery
	var err error
	if q.Cursor, err = optionalInt(c, "cursor"); err != nil {
		return err
	}
	limit, err := optionalInt(c, "limit")
	if err != nil {
		return err
	}
	q.Limit = int(limit)
	if v := c.QueryParam("unread"); v != "" {
		if q.UnreadOnly, err = strconv.ParseBool(v); err != nil {
			return apperr.InvalidField("unread", "应为 true 或 false")
		}
	}
	page, err := notify.ListInbox(c.Request().Context(), s.db, actorOf(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, inboxResponse{Items: page.Items, NextCursor: page.NextCursor, UnreadCount: page.UnreadCount})
}

func (s *Server) readNotification(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	n, err := notify.MarkNotificationRead(c.Request().Context(), s.db, actorOf(c), id, s.clock.Now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

func (s *Server) readAllNotifications(c echo.Context) error {
	n, err := notify.MarkAllNotificationsRead(c.Request().Context(), s.db, actorOf(c), s.clock.Now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int64{"marked": n})
}
