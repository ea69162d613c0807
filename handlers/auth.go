package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	echojwt "github.com/labstack/echo-jwt/v4"
	"github.com/labstack/echo/v4"

	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
)

const actorKey = "jianyi.actor"

// tokenClaims are the JWT claims: subject is the user id, tv the token version
// (bumped when a user is disabled or changes password, which revokes tokens).
type tokenClaims struct {
	TokenVersion int `json:"tv"`
	jwt.RegisteredClaims
}

// issueToken signs a token for the user.
func (s *Server) issueToken(u *org.User) (string, time.Time, error) {
	now := s.clock.Now()
	exp := now.Add(s.cfg.Auth.TokenTTL)
	claims := tokenClaims{
		TokenVersion: u.TokenVersion,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   strconv.FormatInt(u.ID, 10),
			Issuer:    "jianyi",
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-30 * time.Second)),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(s.cfg.Auth.SigningKey))
	return tok, exp, err
}

// requireAuth validates the bearer token, then loads the user so a disabled
// account or a revoked token stops at once.
func (s *Server) requireAuth() echo.MiddlewareFunc {
	jwtMW := echojwt.WithConfig(echojwt.Config{
		// Expiry and not-before are judged by the server's clock.
		ParseTokenFunc: func(c echo.Context, auth string) (any, error) { return s.parseToken(auth) },
		ErrorHandler: func(c echo.Context, err error) error {
			return &apperr.Error{Kind: apperr.ErrUnauthorized, Code: "invalid_token", Message: "未登录或登录已过期，请重新登录"}
		},
	})
	load := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			tok, ok := c.Get("user").(*jwt.Token)
			if !ok {
				return &apperr.Error{Kind: apperr.ErrUnauthorized, Code: "invalid_token", Message: "未登录或登录已过期，请重新登录"}
			}
			claims := tok.Claims.(*tokenClaims)
			actor, ok := s.assumedActor(c, claims)
			if !ok {
				var err error
				if actor, err = s.actorOfToken(c, claims); err != nil {
					return err
				}
			}
			c.Set(actorKey, actor)
			return next(c)
		}
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc { return jwtMW(load(next)) }
}

// parseToken checks a token's signature, method and validity times (judged
// by the server's clock). The API's bearer tokens and the web session cookie
// are the same tokens. A token whose signature and method checked out once
// is kept (s.tokens): its claims cannot change without breaking the
// signature, so a later request skips decoding and verifying it again, but
// its validity times and issuer are judged anew every time.
func (s *Server) parseToken(raw string) (*jwt.Token, error) {
	opts := []jwt.ParserOption{jwt.WithTimeFunc(s.clock.Now), jwt.WithExpirationRequired(), jwt.WithIssuer("jianyi")}
	if claims, ok := s.tokens.get(raw); ok {
		if err := jwt.NewValidator(opts...).Validate(claims); err != nil {
			return nil, err
		}
		return &jwt.Token{Raw: raw, Method: jwt.SigningMethodHS256, Claims: claims, Valid: true}, nil
	}
	tok, err := jwt.ParseWithClaims(raw, new(tokenClaims), func(*jwt.Token) (any, error) { return []byte(s.cfg.Auth.SigningKey), nil },
		append(opts, jwt.WithValidMethods([]string{"HS256"}))...)
	if err != nil {
		return nil, err
	}
	s.tokens.put(raw, tok.Claims.(*tokenClaims))
	return tok, nil
}

// verifiedTokens are tokens whose signature and method checked out, with
// their claims (at most verifiedTokensMax; past it, the set starts again).
type verifiedTokens struct {
	mu     sync.RWMutex
	claims map[string]tokenClaims
}

const verifiedTokensMax = 10000

func newVerifiedTokens() *verifiedTokens { return &verifiedTokens{claims: map[string]tokenClaims{}} }

// get returns a copy of the token's claims: callers may not change the kept ones.
func (v *verifiedTokens) get(raw string) (*tokenClaims, bool) {
	v.mu.RLock()
	c, ok := v.claims[raw]
	v.mu.RUnlock()
	return &c, ok
}

func (v *verifiedTokens) put(raw string, c *tokenClaims) {
	v.mu.Lock()
	if len(v.claims) >= verifiedTokensMax {
		clear(v.claims)
	}
	v.claims[raw] = *c
	v.mu.Unlock()
}

// actorOfToken loads the user a valid token names; a disabled account or a
// revoked token version is refused.
func (s *Server) actorOfToken(c echo.Context, claims *tokenClaims) (*org.Actor, error) {
	id, err := strconv.ParseInt(claims.Subject, 10, 64)
	if err != nil {
		return nil, &apperr.Error{Kind: apperr.ErrUnauthorized, Code: "invalid_token", Message: "登录凭证无效"}
	}
	return s.loadActor(c.Request().Context(), id, claims.TokenVersion, c.RealIP(), c.Response().Header().Get(echo.HeaderXRequestID))
}

// loadActor turns a valid token's user into the actor. The user's standing
// (token version, disabled, role and units) is read on every request, so a
// disabled account, a revoked token or a changed role or department counts at
// once, on every replica; the rest (names, the procuratorate's path, which
// never changes) may come from an identity read shortly before. With
// auth.standing_cache_ttl set, a standing read by this process less than
// that long before, with no change to users by this process since, stands
// for the read: this process's changes still count at once, another
// replica's after at most the TTL.
func (s *Server) loadActor(ctx context.Context, userID int64, tokenVersion int, ip, rid string) (*org.Actor, error) {
	revoked := &apperr.Error{Kind: apperr.ErrUnauthorized, Code: "token_revoked", Message: "登录已失效（账号停用或密码已更改），请重新登录"}
	if ttl := s.standingTTL; ttl > 0 {
		// auth.standing_cache_ttl: a standing this process read less than
		// ttl ago, with no change to users by this process since.
		if e, ok := s.identities.recent(userID, ttl); ok {
			if !e.admits(tokenVersion) {
				return nil, revoked
			}
			return e.actor(ip, rid), nil
		}
	}
	db := s.db.WithContext(ctx)
	read := org.IdentityEpoch()
	st, err := org.StandingOf(db, userID)
	if err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			return nil, revoked
		}
		return nil, err
	}
	if st.Disabled || st.TokenVersion != tokenVersion {
		return nil, revoked
	}
	if e, ok := s.identities.get(userID, st); ok {
		if s.standingTTL > 0 {
			s.identities.standingSeen(userID, st, read, time.Now())
		}
		return e.actor(ip, rid), nil
	}
	epoch := org.IdentityEpoch()
	u, path, err := org.UserWithPath(db, userID)
	if err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			return nil, revoked
		}
		return nil, err
	}
	if u.Disabled || u.TokenVersion != tokenVersion {
		return nil, revoked
	}
	s.identities.put(u, path, epoch)
	a := org.ActorFor(u, ip, rid)
	a.ProcuratoratePath = path
	return a, nil
}

// actorOf returns the authenticated actor, or nil on public routes.
func actorOf(c echo.Context) *org.Actor {
	a, _ := c.Get(actorKey).(*org.Actor)
	return a
}

// requireRole lets only the listed roles through (403 otherwise).
func requireRole(roles ...org.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !actorOf(c).HasRole(roles...) {
				return apperr.Forbidden("当前角色无权执行该操作")
			}
			return next(c)
		}
	}
}

type loginRequest struct {
	Username string `json:"username" validate:"required,max=64"`
	Password string `json:"password" validate:"required,max=128"`
}

// LoginResponse is the answer to a successful login.
type LoginResponse struct {
	Token     string   `json:"token"`
	ExpiresAt string   `json:"expires_at"`
	User      userView `json:"user"`
}

func (s *Server) login(c echo.Context) error {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, err := s.authenticate(c, req.Username, req.Password)
	if err != nil {
		return err
	}
	tok, exp, err := s.issueToken(u)
	if err != nil {
		return err
	}
	view, err := s.userView(c.Request().Context(), u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, LoginResponse{Token: tok, ExpiresAt: exp.UTC().Format(time.RFC3339), User: view})
}

// authenticate checks a username and password under the login throttling;
// the API's login and the web login page both come through here.
func (s *Server) authenticate(c echo.Context, username, password string) (*org.User, error) {
	return s.users.Authenticate(c.Request().Context(), username, password, c.RealIP(),
		c.Response().Header().Get(echo.HeaderXRequestID), org.LoginPolicy{
			MaxFailuresPerUser: s.cfg.Auth.MaxFailuresPerUser,
			MaxFailuresPerIP:   s.cfg.Auth.MaxFailuresPerIP,
			Window:             s.cfg.Auth.FailureWindow,
		})
}

// userView is a user as shown to themselves and to admins.
type userView struct {
	ID                int64   `json:"id"`
	Username          string  `json:"username"`
	DisplayName       string  `json:"display_name"`
	Role              string  `json:"role"`
	RoleLabel         string  `json:"role_label"`
	ProcuratorateID   *int64  `json:"procuratorate_id"`
	ProcuratorateName string  `json:"procuratorate_name,omitempty"`
	DepartmentID      *int64  `json:"department_id"`
	DepartmentName    string  `json:"department_name,omitempty"`
	AgencyID          *int64  `json:"agency_id"`
	AgencyName        string  `json:"agency_name,omitempty"`
	Email             string  `json:"email"`
	Phone             string  `json:"phone"`
	Disabled          bool    `json:"disabled"`
	PasswordChangedAt *string `json:"password_changed_at"`
}

func (s *Server) userView(ctx context.Context, u *org.User) (userView, error) {
	views, err := s.userViews(ctx, []org.User{*u})
	if err != nil {
		return userView{}, err
	}
	return views[0], nil
}

// userViews shows users with the names of their units, loaded together
// so that a list of users costs the same few queries as one user.
func (s *Server) userViews(ctx context.Context, users []org.User) ([]userView, error) {
	names, err := org.UnitNamesOfUsers(s.db.WithContext(ctx), users)
	if err != nil {
		return nil, err
	}
	views := make([]userView, 0, len(users))
	for i := range users {
		u := &users[i]
		v := userView{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: string(u.Role), RoleLabel: org.RoleLabels[u.Role],
			ProcuratorateID: u.ProcuratorateID, DepartmentID: u.DepartmentID, AgencyID: u.AgencyID, Email: u.Email, Phone: u.Phone, Disabled: u.Disabled}
		if u.PasswordChangedAt != nil {
			t := u.PasswordChangedAt.UTC().Format(time.RFC3339)
			v.PasswordChangedAt = &t
		}
		if u.ProcuratorateID != nil {
			v.ProcuratorateName = names.Procuratorates[*u.ProcuratorateID]
		}
		if u.DepartmentID != nil {
			v.DepartmentName = names.Departments[*u.DepartmentID]
		}
		if u.AgencyID != nil {
			v.AgencyName = names.Agencies[*u.AgencyID]
		}
		views = append(views, v)
	}
	return views, nil
}

func (s *Server) me(c echo.Context) error {
	u, err := org.UserByID(s.db.WithContext(c.Request().Context()), actorOf(c).UserID)
	if err != nil {
		return err
	}
	v, err := s.userView(c.Request().Context(), u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password" validate:"required,max=128"`
	NewPassword     string `json:"new_password" validate:"required,max=128"`
}

func (s *Server) changePassword(c echo.Context) error {
	var req changePasswordRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := s.users.ChangeOwnPassword(c.Request().Context(), actorOf(c), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
