package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"jianyi/internal/platform/apperr"
	"jianyi/jobs"
)

// jobRoutes lets administrators see the scheduled jobs and run one now, on
// the scheduler the composition root built (the serve command starts it
// when jobs.enabled; the admin API works either way).
func (s *Server) jobRoutes(g *echo.Group) {
	g.GET("", s.listJobs)
	g.POST("/:name/run", s.runJobNow)
}

// Scheduler returns the job scheduler (nil when its configuration is bad).
func (s *Server) Scheduler() *jobs.Scheduler { return s.jobs }

func (s *Server) listJobs(c echo.Context) error {
	n := 5
	if v := c.QueryParam("runs"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 50 {
			return apperr.InvalidField("runs", "应为 1 到 50 之间的整数")
		}
	}
	items, err := s.jobs.List(c.Request().Context(), n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[jobs.JobStatus]{Items: items})
}

func (s *Server) runJobNow(c echo.Context) error {
	// The run outlives a client that hangs up: it is audited and recorded.
	run, err := s.jobs.RunNow(context.WithoutCancel(c.Request().Context()), actorOf(c), c.Param("name"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, run)
}
