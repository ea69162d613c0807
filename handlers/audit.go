package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"jianyi/internal/org"
	"jianyi/internal/platform/audit"
)

func (s *Server) auditRoutes(g *echo.Group) {
	g.GET("", s.listAudit)
}

func (s *Server) listAudit(c echo.Context) error {
	q := org.AuditQuery{ObjectType: c.QueryParam("object_type")}
	q.ObjectID, _ = strconv.ParseInt(c.QueryParam("object_id"), 10, 64)
	q.ActorID, _ = strconv.ParseInt(c.QueryParam("actor_id"), 10, 64)
	q.AfterID, _ = strconv.ParseInt(c.QueryParam("cursor"), 10, 64)
	q.Limit, _ = strconv.Atoi(c.QueryParam("limit"))
	items, err := org.ListAudit(c.Request().Context(), s.db, actorOf(c), q)
	if err != nil {
		return err
	}
	resp := listResponse[audit.Entry]{Items: items}
	if len(items) > 0 && len(items) == effectiveLimit(q.Limit) {
		resp.NextCursor = strconv.FormatInt(items[len(items)-1].ID, 10)
	}
	return c.JSON(http.StatusOK, resp)
}

func effectiveLimit(n int) int {
	if n <= 0 || n > 500 {
		return 100
	}
	return n
}
