package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"jianyi/internal/agency"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
)

// agencyRoutes: the recipient agency's inbox and its view of one
// recommendation, and the same records for staff on the case. The agency's
// actions (sign, object, request_extension, reply, report_progress) go
// through POST /cases/{id}/actions/{action} like every other action.
func (s *Server) agencyRoutes(g *echo.Group) {
	ag := g.Group("/agency", requireRole(org.RoleAgency))
	ag.GET("/recommendations", s.agencyInbox)
	ag.GET("/recommendations/:id", s.agencyRecommendation)
	g.GET("/cases/:id/agency-records", s.caseAgencyRecords)
}

func (s *Server) agencyInbox(c echo.Context) error {
	q := agency.AgencyInboxQuery{State: c.QueryParam("state"), Cursor: c.QueryParam("cursor")}
	if q.State != "" && !cases.CaseState(q.State).Valid() {
		return apperr.InvalidField("state", "未知的案件状态："+q.State)
	}
	if v := c.QueryParam("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1990 || y > 2200 {
			return apperr.InvalidField("year", "年份应为四位数字")
		}
		q.Year = y
	}
	if v := c.QueryParam("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return apperr.InvalidField("overdue", "应为 true 或 false")
		}
		q.Overdue = b
	}
	limit, err := optionalInt(c, "limit")
	if err != nil {
		return err
	}
	q.Limit = int(limit)
	items, next, err := s.agency.ListAgencyInbox(c.Request().Context(), actorOf(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[agency.AgencyInboxItem]{Items: items, NextCursor: next})
}

func (s *Server) agencyRecommendation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.agency.AgencyRecommendation(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) caseAgencyRecords(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, rec, err := s.agency.LoadAgencyRecords(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rec)
}
