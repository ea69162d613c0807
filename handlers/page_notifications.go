package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"jianyi/internal/notify"
	"jianyi/internal/platform/apperr"
)

// notificationPages: every signed-in user's notifications (staff and
// agencies), on the same notify functions as the API.
func (s *Server) notificationPages(app pages) {
	app.GET("/notifications", s.notificationsPage)
	app.GET("/notifications/:id/open", s.openNotification)
	app.POST("/notifications/:id/read", s.readNotificationForm)
	app.POST("/notifications/read-all", s.readAllNotificationsForm)
}

type notificationsData struct {
	Items   []notify.Notification
	NextURL string
	Unread  int64
}

func (s *Server) notificationsPage(c echo.Context) error {
	var q notify.InboxQuery
	if v := c.QueryParam("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return s.errorPage(c, apperr.InvalidField("cursor", "分页参数无效"))
		}
		q.Cursor = n
	}
	q.Limit = 30
	page, err := notify.ListInbox(c.Request().Context(), s.db, actorOf(c), q)
	if err != nil {
		return s.errorPage(c, err)
	}
	d := notificationsData{Items: page.Items, Unread: page.UnreadCount}
	if page.NextCursor != "" {
		d.NextURL = "/notifications?cursor=" + page.NextCursor
	}
	p, err := s.appPage(c, "通知", "notifications", d)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "staff/notifications", p)
}

// openNotification marks a notification read and goes where it leads (back
// to the list when it leads nowhere).
func (s *Server) openNotification(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	n, err := notify.MarkNotificationRead(c.Request().Context(), s.db, actorOf(c), id, s.clock.Now())
	if err != nil {
		return s.errorPage(c, err)
	}
	if n.Link != nil && safeNext(*n.Link) != "" {
		return c.Redirect(http.StatusSeeOther, *n.Link)
	}
	return c.Redirect(http.StatusSeeOther, "/notifications")
}

func (s *Server) readNotificationForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return s.errorPage(c, err)
	}
	if _, err := notify.MarkNotificationRead(c.Request().Context(), s.db, actorOf(c), id, s.clock.Now()); err != nil {
		return s.errorPage(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/notifications")
}

func (s *Server) readAllNotificationsForm(c echo.Context) error {
	n, err := notify.MarkAllNotificationsRead(c.Request().Context(), s.db, actorOf(c), s.clock.Now())
	if err != nil {
		return s.errorPage(c, err)
	}
	if n > 0 {
		s.setFlash(c, "success", "已将 "+strconv.FormatInt(n, 10)+" 条通知标为已读。")
	}
	return c.Redirect(http.StatusSeeOther, "/notifications")
}
