package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// submitFiling is POST /filings/{id}/submit: the handling prosecutor (or the
// department head) files the 备案 with the higher procuratorate.
func (s *Server) submitFiling(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := s.cases.SubmitFiling(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}
