package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/migrations"
)

// Checked reads: on MariaDB/MySQL, the hot lists (cases, filings,
// projects) take the user's standing from this process's last read of it
// (the identity cache, identityTTL) instead of reading it first, and the
// statement that reads the page tests it (org.StandingCheck): one round trip
// fewer per request, while a disable, a password or role change made by
// another replica still counts on the very next request. A checked read
// answers only once the standing held: a statement that tested it returned a
// row, or — when none did (an empty page) — the standing read before the
// answer agreed (standingHeld). SQLite reads the standing first as every
// request does: there it is an in-process statement of ~20 µs, and the check
// cost as much to parse (its pure-Go driver prepares each statement anew;
// the filings page at 10^6: 448 µs with the standing read first, 455 µs with
// the check).

// errStandingMoved ends a checked read whose user now stands elsewhere (a
// role or unit changed): the handler runs again as the user now stands.
var errStandingMoved = errors.New("handlers: the user's standing changed during a checked read")

// checkedGET registers a checked read: read returns the page, which is
// written (200, JSON) only once the standing held (standingHeld), so no
// checked read can answer without it. The route's own middleware (a role
// check) runs inside checkedRead, so that what it decides on the assumed
// standing is decided again when the standing moved.
func (s *Server) checkedGET(g *echo.Group, path string, read func(echo.Context) (any, error), m ...echo.MiddlewareFunc) {
	h := func(c echo.Context) error {
		page, err := read(c)
		if err == nil {
			err = s.standingHeld(c)
		}
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, page)
	}
	for i := len(m) - 1; i >= 0; i-- {
		h = m[i](h)
	}
	r := g.GET(path, s.checkedRead(h))
	s.checkedReads[r.Path] = true
}

// assumedActor is the actor of a checked read: the identity and standing
// this process read for the token's user less than identityTTL ago (under
// the current epoch), if they let the token in. ok is false for any other
// request, or when there is no such identity: the standing is read now.
func (s *Server) assumedActor(c echo.Context, claims *tokenClaims) (*org.Actor, bool) {
	if s.db.Dialect != migrations.MySQL || c.Request().Method != http.MethodGet || !s.checkedReads[c.Path()] {
		return nil, false
	}
	userID, err := strconv.ParseInt(claims.Subject, 10, 64)
	if err != nil {
		return nil, false
	}
	e, ok := s.identities.recent(userID, identityTTL)
	if !ok || !e.admits(claims.TokenVersion) {
		return nil, false
	}
	a := e.actor(c.RealIP(), c.Response().Header().Get(echo.HeaderXRequestID))
	a.Check = &org.StandingCheck{UserID: userID, Standing: e.standing}
	return a, true
}

// standingHeld ends a checked read before it answers. Unless a
// statement that tested the standing returned a row, it reads the standing
// now: a revoked token is refused (401), and a user who now stands
// elsewhere gets errStandingMoved, with the actor as read now set for the
// handler's second run.
func (s *Server) standingHeld(c echo.Context) error {
	a := actorOf(c)
	if a == nil || a.Check == nil || a.Check.Held() {
		return nil
	}
	now, err := s.loadActor(c.Request().Context(), a.UserID, a.Check.Standing.TokenVersion, a.IP, a.RequestID)
	if err != nil {
		return err
	}
	c.Set(actorKey, now)
	if now.Role != a.Role || now.ProcuratorateID != a.ProcuratorateID || now.DepartmentID != a.DepartmentID || now.AgencyID != a.AgencyID {
		return errStandingMoved
	}
	return nil
}

// checkedRead runs a checked read's handler, and again once (with the
// standing read) when the user's standing moved. A handler that fails
// without having answered has its standing read too, so that a revoked
// token is told so rather than, say, that a filter is invalid.
func (s *Server) checkedRead(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := h(c)
		if err != nil && !errors.Is(err, errStandingMoved) && !errors.Is(err, apperr.ErrUnauthorized) && !c.Response().Committed {
			if held := s.standingHeld(c); held != nil {
				err = held
			}
		}
		if errors.Is(err, errStandingMoved) {
			return h(c)
		}
		return err
	}
}
