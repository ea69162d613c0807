package handlers

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"jianyi/config"
	"jianyi/jobs"
	"jianyi/models"
)

// Server holds what the handlers need: configuration, the database and the
// domain services.
type Server struct {
	cfg      *config.Config
	db       *models.DB
	log      *slog.Logger
	users    *models.UserService
	org      *models.OrgService
	cases    *models.CaseService
	registry *prometheus.Registry
	pub      *publicServices // citizen applications and disclosure (applications.go)
	jobs     *jobs.Scheduler
	web      *webUI // templates and cookies of the HTML pages (web.go)
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// Options configure a Server.
type Options struct {
	Config *config.Config
	DB     *models.DB
	Logger *slog.Logger
}

// New builds the Echo router with every route and middleware.
func New(opts Options) (*echo.Echo, *Server) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Server{
		cfg:      opts.Config,
		db:       opts.DB,
		log:      log,
		users:    &models.UserService{DB: opts.DB, MinPasswordLength: opts.Config.Auth.MinPasswordLength},
		org:      &models.OrgService{DB: opts.DB},
		cases:    NewCaseService(opts.Config, opts.DB),
		registry: prometheus.NewRegistry(),
		Now:      time.Now,
		web:      newWebUI(opts.Config),
	}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(opts.DB.SQL(), "jianyi"))

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Validator = NewValidator()
	e.HTTPErrorHandler = s.htmlErrors(NewHTTPErrorHandler(log))
	e.IPExtractor = ipExtractor(opts.Config.HTTP.TrustedProxies)

	m := newMetrics(s.registry)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		Generator: func() string { return newRequestID() },
	}))
	e.Use(requestLogger(log))
	e.Use(middleware.Recover())
	e.Use(m.middleware)
	e.Use(securityHeaders)
	e.Use(bodyLimit(int64(opts.Config.HTTP.BodyLimit), int64(opts.Config.HTTP.UploadLimit)))

	s.routes(e)
	return e, s
}

// routes wires every endpoint. Each feature registers its own group.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})))
	e.GET("/openapi.yaml", s.openAPI)

	api := e.Group("/api/v1")
	api.POST("/auth/login", s.login)

	authed := api.Group("", s.requireAuth())
	authed.GET("/me", s.me)
	authed.POST("/me/password", s.changePassword)

	s.caseRoutes(authed)
	s.publicRoutes(e, api, authed)
	s.documentRoutes(authed)
	s.agencyRoutes(authed)
	s.lifecycleRoutes(authed)
	authed.POST("/filings/:id/submit", s.submitFiling, requireRole(models.RoleProsecutor, models.RoleDeptHead))
	s.projectRoutes(authed)
	s.adminRoutes(authed.Group("/admin", requireRole(models.RoleAdmin)))
	s.auditRoutes(authed.Group("/audit", requireRole(models.RoleAdmin, models.RoleCaseManager, models.RoleChief)))
	s.jobRoutes(authed.Group("/admin/jobs", requireRole(models.RoleAdmin)))
	s.notificationRoutes(authed)
}

// NewCaseService builds the case service from configuration.
func NewCaseService(cfg *config.Config, db *models.DB) *models.CaseService {
	roles := make([]models.Role, 0, len(cfg.Disclosure.PublishRoles))
	for _, r := range cfg.Disclosure.PublishRoles {
		roles = append(roles, models.Role(r))
	}
	return &models.CaseService{DB: db, Calendar: models.NewCalendarCache().Calendar, Settings: models.CaseSettings{
		ReplyMonths:    cfg.Deadlines.ReplyMonths,
		FilingDays:     cfg.Deadlines.FilingDays,
		ObjectionDays:  cfg.Deadlines.ObjectionDays,
		Location:       cfg.Location(),
		Channels:       jobs.ChannelsOf(cfg),
		PublishRoles:   roles,
		StageLimitDays: cfg.Deadlines.StageLimits,
	}}
}

// Cases exposes the case service (for jobs and tests).
func (s *Server) Cases() *models.CaseService { return s.cases }

func ipExtractor(trusted []string) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	var opts []echo.TrustOption
	for _, cidr := range trusted {
		if _, n, err := net.ParseCIDR(cidr); err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.Warn("readiness check failed", "error", err.Error())
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "down"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "database": "up"})
}
