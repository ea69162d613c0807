package handlers

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"jianyi/internal/platform/apperr"
)

// requestLogger writes one structured line per request with its request id.
func requestLogger(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			// A duration, measured on the monotonic clock; no date is taken here.
			start := time.Now()
			defer func() {
				// A handler that aborted its response (http.ErrAbortHandler:
				// a download cut short) is logged with the status it set.
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						logRequest(log, c, start)
					}
					panic(r)
				}
			}()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			logRequest(log, c, start)
			return nil
		}
	}
}

// logRequest writes the request's line. The record is built and handed to
// the handler directly: slog.Logger.Log would box each value and take the
// caller's stack for a source the handler does not print (it was a tenth of
// the line's cost); the line is the same.
func logRequest(log *slog.Logger, c echo.Context, start time.Time) {
	status := c.Response().Status
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	ctx := c.Request().Context()
	if !log.Enabled(ctx, level) {
		return
	}
	r := slog.NewRecord(time.Now(), level, "http request", 0)
	r.AddAttrs(
		slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
		slog.String("method", c.Request().Method),
		slog.String("route", c.Path()),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("ip", c.RealIP()),
	)
	if a := actorOf(c); a != nil {
		r.AddAttrs(slog.Int64("user_id", a.UserID))
	}
	_ = log.Handler().Handle(ctx, r)
}

// bodyLimit caps request bodies: JSON at the body limit, multipart uploads at
// the upload limit (plus room for the form fields). Over the limit → 413.
func bodyLimit(jsonLimit, uploadLimit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			limit := jsonLimit
			if strings.HasPrefix(req.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
				limit = uploadLimit + 64<<10
			}
			if req.ContentLength > limit {
				return &apperr.Error{Kind: apperr.ErrTooLarge, Code: "body_too_large", Message: "请求内容超过大小限制（" + strconv.FormatInt(limit, 10) + " 字节）"}
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			return next(c)
		}
	}
}

// metrics records request counts and latencies per route.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jianyi_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "jianyi_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now() // a duration (see requestLogger)
		err := next(c)
		status := c.Response().Status
		if err != nil {
			var he *echo.HTTPError
			var de *apperr.Error
			switch {
			case errors.As(err, &he):
				status = he.Code
			case errors.As(err, &de):
				status, _ = errorResponse(err)
			default:
				status = http.StatusInternalServerError
			}
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(route, c.Request().Method).Observe(time.Since(start).Seconds())
		return err
	}
}

// securityHeaders sets conservative defaults for the HTML pages and the API.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
		return next(c)
	}
}

// noStore keeps tokens and personal data out of every cache: the login
// answer and every authenticated API response. A handler may still set a
// stricter or equal value after it.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// metricsGuard lets /metrics be read only from http.metrics_allow or with
// the bearer http.metrics_token; anyone else gets 404, as if there were none.
func (s *Server) metricsGuard() echo.MiddlewareFunc {
	var nets []*net.IPNet
	for _, cidr := range s.cfg.HTTP.MetricsAllow {
		if _, n, err := net.ParseCIDR(cidr); err == nil {
			nets = append(nets, n)
		}
	}
	token := s.cfg.HTTP.MetricsToken
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if token != "" {
				got := strings.TrimPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
				if subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1 {
					return next(c)
				}
			}
			if ip := net.ParseIP(c.RealIP()); ip != nil {
				for _, n := range nets {
					if n.Contains(ip) {
						return next(c)
					}
				}
			}
			return echo.ErrNotFound
		}
	}
}

// dbDeadline puts each request's database work under a deadline shorter
// than the HTTP timeouts (database.query_timeout): a frozen or unreachable
// database makes the request answer 503 with Retry-After in that time,
// rather than hang. A multipart body is read before the clock starts, so a
// slow upload does not eat the database's time.
func dbDeadline(timeout time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if strings.HasPrefix(req.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
				if _, err := c.MultipartForm(); err != nil {
					return multipartError(err)
				}
			}
			c.Set(ctxWithoutDBDeadline, req.Context())
			ctx, cancel := context.WithTimeout(req.Context(), timeout)
			defer cancel()
			c.SetRequest(req.WithContext(ctx))
			return next(c)
		}
	}
}

// ctxWithoutDBDeadline is the echo key of the request's context before
// dbDeadline: a streaming export puts each batch under the deadline instead.
const ctxWithoutDBDeadline = "ctx_without_db_deadline"

// streamContext is the request's context without the database deadline
// (cancelled still when the client goes away), for a response that runs many
// short database steps, each under its own deadline.
func streamContext(c echo.Context) context.Context {
	if ctx, ok := c.Get(ctxWithoutDBDeadline).(context.Context); ok {
		return ctx
	}
	return c.Request().Context()
}
