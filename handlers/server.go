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
	"jianyi/documents"
	"jianyi/internal/agency"
	"jianyi/internal/analysis"
	"jianyi/internal/applications"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
	"jianyi/internal/reviews"
	"jianyi/internal/stats"
	"jianyi/jobs"
)

// Server holds what the handlers need: configuration, the database, the
// clock, the renderer and the domain services, all built once by the
// composition root (server/app).
type Server struct {
	cfg            *config.Config
	db             *database.DB
	log            *slog.Logger
	clock          *calendar.Clock
	renderer       *documents.Renderer
	users          *org.UserService
	org            *org.OrgService
	cases          *cases.Service
	agency         *agency.Service
	projectService *projects.Service
	reviewService  *reviews.Service
	statsService   *stats.Service
	analysis       *analysis.Service
	registry       *prometheus.Registry
	pub            *publicServices // citizen applications and disclosure (applications.go)
	jobs           *jobs.Scheduler
	web            *webUI          // templates and cookies of the HTML pages (web.go)
	exports        chan struct{}   // ledger downloads streaming now (http.export_slots)
	identities     *identityCache  // users as authentication last read them (identity_cache.go)
	standingTTL    time.Duration   // auth.standing_cache_ttl (identity_cache.go)
	tokens         *verifiedTokens // tokens whose signature checked out (auth.go)
	checkedReads   map[string]bool // GET routes that test the standing in their statement (checked_read.go)
}

// Services are what the handlers are built with.
type Services struct {
	Config       *config.Config
	DB           *database.DB
	Logger       *slog.Logger
	Clock        *calendar.Clock
	Renderer     *documents.Renderer
	Users        *org.UserService
	Org          *org.OrgService
	Cases        *cases.Service
	Agency       *agency.Service
	Applications *applications.Service
	Disclosures  *disclosure.Service
	Projects     *projects.Service
	Reviews      *reviews.Service
	Stats        *stats.Service
	Analysis     *analysis.Service
	Jobs         *jobs.Scheduler
}

// New builds the Echo router with every route and middleware.
func New(svc Services) (*echo.Echo, *Server) {
	log := svc.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Server{
		cfg:            svc.Config,
		db:             svc.DB,
		log:            log,
		clock:          svc.Clock,
		renderer:       svc.Renderer,
		users:          svc.Users,
		org:            svc.Org,
		cases:          svc.Cases,
		agency:         svc.Agency,
		projectService: svc.Projects,
		reviewService:  svc.Reviews,
		statsService:   svc.Stats,
		analysis:       svc.Analysis,
		pub:            &publicServices{apps: svc.Applications, disclosures: svc.Disclosures},
		jobs:           svc.Jobs,
		registry:       prometheus.NewRegistry(),
		web:            newWebUI(svc.Config),
		exports:        make(chan struct{}, max(1, svc.Config.HTTP.ExportSlots)),
		identities:     newIdentityCache(),
		standingTTL:    svc.Config.Auth.StandingCacheTTL,
		tokens:         newVerifiedTokens(),
		checkedReads:   map[string]bool{},
	}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(svc.DB.SQL(), "jianyi"))

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Validator = NewValidator()
	e.JSONSerializer = jsonSerializer{}
	e.HTTPErrorHandler = s.htmlErrors(NewHTTPErrorHandler(log))
	e.IPExtractor = ipExtractor(svc.Config.HTTP.TrustedProxies)

	m := newMetrics(s.registry)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		Generator: func() string { return newRequestID() },
	}))
	e.Use(requestLogger(log))
	e.Use(middleware.Recover())
	e.Use(m.middleware)
	e.Use(securityHeaders)
	e.Use(bodyLimit(int64(svc.Config.HTTP.BodyLimit), int64(svc.Config.HTTP.UploadLimit)))
	e.Use(dbDeadline(svc.Config.Database.QueryTimeout))

	s.routes(e)
	return e, s
}

// routes wires every endpoint. Each feature registers its own group.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})), s.metricsGuard())
	e.GET("/openapi.yaml", s.openAPI)

	api := e.Group("/api/v1")
	api.POST("/auth/login", s.login, noStore)

	authed := api.Group("", s.requireAuth(), noStore)
	authed.GET("/me", s.me)
	authed.POST("/me/password", s.changePassword)

	s.caseRoutes(authed)
	s.publicRoutes(e, api, authed)
	s.documentRoutes(authed)
	s.agencyRoutes(authed)
	s.lifecycleRoutes(authed)
	authed.POST("/filings/:id/submit", s.submitFiling, requireRole(org.RoleProsecutor, org.RoleDeptHead))
	s.decisionRoutes(authed)
	s.projectRoutes(authed)
	s.analysisRoutes(authed)
	s.adminRoutes(authed.Group("/admin", requireRole(org.RoleAdmin)))
	s.auditRoutes(authed.Group("/audit", requireRole(org.RoleAdmin, org.RoleCaseManager, org.RoleChief)))
	s.jobRoutes(authed.Group("/admin/jobs", requireRole(org.RoleAdmin)))
	s.notificationRoutes(authed)
	s.pageRoutes(e)
}

// Cases exposes the case service (for tests).
func (s *Server) Cases() *cases.Service { return s.cases }

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
