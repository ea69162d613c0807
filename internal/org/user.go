package org

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
)

// User is an account: procuratorate staff or an agency clerk.
type User struct {
	ID                int64      `gorm:"primaryKey" json:"id"`
	Username          string     `json:"username"`
	DisplayName       string     `json:"display_name"`
	PasswordHash      string     `json:"-"`
	Role              Role       `json:"role"`
	ProcuratorateID   *int64     `json:"procuratorate_id"`
	DepartmentID      *int64     `json:"department_id"`
	AgencyID          *int64     `json:"agency_id"`
	Email             string     `json:"email"`
	Phone             string     `json:"phone"`
	Disabled          bool       `json:"disabled"`
	TokenVersion      int        `json:"-"`
	PasswordChangedAt *time.Time `json:"password_changed_at"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// UserInput is what an admin sends to create or change a user.
type UserInput struct {
	Username        string `json:"username" validate:"required,min=3,max=64,username"`
	DisplayName     string `json:"display_name" validate:"required,max=64"`
	Password        string `json:"password" validate:"omitempty,min=8,max=128"`
	Role            Role   `json:"role" validate:"required,oneof=prosecutor dept_head chief case_manager admin agency"`
	ProcuratorateID *int64 `json:"procuratorate_id"`
	DepartmentID    *int64 `json:"department_id"`
	AgencyID        *int64 `json:"agency_id"`
	Email           string `json:"email" validate:"omitempty,email,max=200"`
	Phone           string `json:"phone" validate:"max=30"`
}

// MinPasswordCost is bcrypt's lowest cost (auth.password_cost may not go below).
const MinPasswordCost = bcrypt.MinCost

// Passwords hashes passwords with bcrypt at the configured cost
// (auth.password_cost). The shipped 11 takes about 0.12 s per hash on one
// core of the 2-core development machine, so a login costs that much; the
// tests use MinPasswordCost (under 1 ms).
type Passwords struct {
	cost  int
	dummy func() []byte
}

// NewPasswords returns a hasher working at cost.
func NewPasswords(cost int) *Passwords {
	return &Passwords{cost: cost, dummy: sync.OnceValue(func() []byte {
		h, _ := bcrypt.GenerateFromPassword([]byte("jianyi-timing-equaliser"), cost)
		return h
	})}
}

// Hash hashes a password.
func (p *Passwords) Hash(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), p.cost)
	return string(h), err
}

// checkUnknown spends what checking a real password costs, so a login for an
// unknown user takes as long as one for a known user and the response time
// does not reveal which usernames exist.
func (p *Passwords) checkUnknown(pw string) {
	_ = bcrypt.CompareHashAndPassword(p.dummy(), []byte(pw))
}

// CheckPassword compares a password with a stored hash (at the cost the hash
// was made with).
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// UserService manages accounts.
type UserService struct {
	DB                *database.DB
	Clock             *calendar.Clock
	Passwords         *Passwords
	MinPasswordLength int
}

// validateMembership checks that a user's procuratorate, department and agency fit its role.
func (s *UserService) validateMembership(tx *gorm.DB, actor *Actor, in UserInput) error {
	if in.Role == RoleAgency {
		if in.AgencyID == nil {
			return apperr.InvalidField("agency_id", "被建议单位用户必须指定所属单位")
		}
		if _, err := AgencyByID(tx, *in.AgencyID); err != nil {
			return apperr.InvalidField("agency_id", "被建议单位不存在")
		}
		if in.ProcuratorateID != nil || in.DepartmentID != nil {
			return apperr.InvalidField("procuratorate_id", "被建议单位用户不属于检察院")
		}
		return nil
	}
	if in.AgencyID != nil {
		return apperr.InvalidField("agency_id", "检察院用户不能属于被建议单位")
	}
	if in.ProcuratorateID == nil {
		return apperr.InvalidField("procuratorate_id", "检察院用户必须指定所属检察院")
	}
	p, err := ProcuratorateByID(tx, *in.ProcuratorateID)
	if err != nil || !InSubtree(p.Path, actor.ProcuratoratePath) {
		return apperr.InvalidField("procuratorate_id", "检察院不存在或不在管理范围内")
	}
	if in.DepartmentID == nil {
		if in.Role == RoleProsecutor || in.Role == RoleDeptHead {
			return apperr.InvalidField("department_id", "检察官和部门负责人必须指定部门")
		}
		return nil
	}
	var d Department
	if err := tx.First(&d, *in.DepartmentID).Error; err != nil || d.ProcuratorateID != p.ID {
		return apperr.InvalidField("department_id", "部门不存在或不属于该检察院")
	}
	return nil
}

// adminMayManage reports whether the admin's scope covers the user.
func adminMayManage(tx *gorm.DB, actor *Actor, u *User) bool {
	if u.ProcuratorateID == nil {
		// Agency users are managed by any admin; agencies are shared by the tree.
		return true
	}
	p, err := ProcuratorateByID(tx, *u.ProcuratorateID)
	return err == nil && InSubtree(p.Path, actor.ProcuratoratePath)
}

// ListUsers lists the accounts an admin manages.
func (s *UserService) ListUsers(ctx context.Context, actor *Actor, role string) ([]User, error) {
	lo, hi := SubtreeRange(actor.ProcuratoratePath)
	q := s.DB.WithContext(ctx).Model(&User{}).
		Joins("LEFT JOIN procuratorates p ON p.id = users.procuratorate_id").
		Where("users.procuratorate_id IS NULL OR (p.path >= ? AND p.path < ?)", lo, hi)
	if role != "" {
		q = q.Where("users.role = ?", role)
	}
	var out []User
	err := q.Order("users.id").Limit(1000).Find(&out).Error
	return out, err
}

// CreateUser creates an account; the password is required and hashed.
func (s *UserService) CreateUser(ctx context.Context, actor *Actor, in UserInput) (*User, error) {
	in.Username = NormalizeUsername(in.Username)
	if err := CheckNewPassword("password", in.Password, in.Username, s.MinPasswordLength); err != nil {
		return nil, err
	}
	hash, err := s.Passwords.Hash(in.Password)
	if err != nil {
		return nil, err
	}
	var out *User
	err = s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		if err := s.validateMembership(tx, actor, in); err != nil {
			return err
		}
		now := s.Clock.Now()
		u := &User{Username: in.Username, DisplayName: in.DisplayName, PasswordHash: hash, Role: in.Role,
			ProcuratorateID: in.ProcuratorateID, DepartmentID: in.DepartmentID, AgencyID: in.AgencyID,
			Email: in.Email, Phone: in.Phone, TokenVersion: 1, PasswordChangedAt: &now}
		if err := tx.Create(u).Error; err != nil {
			return database.UniqueOr(err, "username", "用户名已存在")
		}
		out = u
		return audit.Record(tx, actor, "user.create", "user", u.ID, map[string]any{"after": u})
	})
	return out, err
}

// UpdateUser changes an account; a new password, role or membership
// invalidates the user's existing tokens.
func (s *UserService) UpdateUser(ctx context.Context, actor *Actor, id int64, in UserInput) (*User, error) {
	defer identityChanged()
	in.Username = NormalizeUsername(in.Username)
	var out *User
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		u, err := UserByID(tx, id)
		if err != nil || !adminMayManage(tx, actor, u) {
			return apperr.NotFound("用户")
		}
		if err := s.validateMembership(tx, actor, in); err != nil {
			return err
		}
		before := *u
		if in.Password != "" {
			if err := CheckNewPassword("password", in.Password, in.Username, s.MinPasswordLength); err != nil {
				return err
			}
			if u.PasswordHash, err = s.Passwords.Hash(in.Password); err != nil {
				return err
			}
			now := s.Clock.Now()
			u.PasswordChangedAt = &now
			u.TokenVersion++
		}
		if u.Role != in.Role || !sameID(u.ProcuratorateID, in.ProcuratorateID) || !sameID(u.AgencyID, in.AgencyID) {
			u.TokenVersion++
		}
		u.Username, u.DisplayName, u.Role = in.Username, in.DisplayName, in.Role
		u.ProcuratorateID, u.DepartmentID, u.AgencyID = in.ProcuratorateID, in.DepartmentID, in.AgencyID
		u.Email, u.Phone = in.Email, in.Phone
		if err := tx.Save(u).Error; err != nil {
			return database.UniqueOr(err, "username", "用户名已存在")
		}
		out = u
		return audit.Record(tx, actor, "user.update", "user", u.ID, map[string]any{"before": before, "after": u})
	})
	return out, err
}

// SetUserDisabled disables or re-enables an account. Disabling bumps the token
// version, so tokens already issued stop working at once.
func (s *UserService) SetUserDisabled(ctx context.Context, actor *Actor, id int64, disabled bool) (*User, error) {
	defer identityChanged()
	var out *User
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		u, err := UserByID(tx, id)
		if err != nil || !adminMayManage(tx, actor, u) {
			return apperr.NotFound("用户")
		}
		if u.ID == actor.UserID && disabled {
			return apperr.Conflict("cannot_disable_self", "不能停用自己的账号")
		}
		u.Disabled = disabled
		u.TokenVersion++
		if err := tx.Model(u).Updates(map[string]any{"disabled": disabled, "token_version": u.TokenVersion}).Error; err != nil {
			return err
		}
		out = u
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return audit.Record(tx, actor, action, "user", u.ID, map[string]any{"username": u.Username})
	})
	return out, err
}

// ChangeOwnPassword changes the actor's password after checking the current one.
func (s *UserService) ChangeOwnPassword(ctx context.Context, actor *Actor, current, next string) error {
	if err := CheckNewPassword("new_password", next, actor.Username, s.MinPasswordLength); err != nil {
		return err
	}
	if current == next {
		return apperr.InvalidField("new_password", "新密码不能与当前密码相同")
	}
	hash, err := s.Passwords.Hash(next)
	if err != nil {
		return err
	}
	defer identityChanged()
	return s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		u, err := UserByID(tx, actor.UserID)
		if err != nil {
			return err
		}
		if !CheckPassword(u.PasswordHash, current) {
			return apperr.InvalidField("current_password", "当前密码不正确")
		}
		now := s.Clock.Now()
		if err := tx.Model(u).Updates(map[string]any{"password_hash": hash, "password_changed_at": now, "token_version": u.TokenVersion + 1}).Error; err != nil {
			return err
		}
		return audit.Record(tx, actor, "user.change_password", "user", u.ID, map[string]any{})
	})
}

// LoginResult is a successful login.
type LoginResult struct {
	User *User
}

// LoginPolicy holds the throttling limits. Failed logins slow down what
// follows them, and never lock an account: the delays grow per (username,
// address) and per address, and a per-user ceiling only spaces the attempts
// on that user out, so the right password from a fresh address still gets
// in after a short wait, whatever someone elsewhere is trying.
type LoginPolicy struct {
	// MaxFailuresPerUser failures of one username from one address within
	// Window are free; each further one doubles the wait before the next
	// try from that address (1 s, 2 s, 4 s … up to Window).
	MaxFailuresPerUser int
	// MaxFailuresPerIP failures from one address (any username) are free;
	// then the same growing waits for the address.
	MaxFailuresPerIP int
	Window           time.Duration
	// UserCeiling failures of one username from all addresses (default 4 ×
	// MaxFailuresPerUser) space every try on the username UserGap apart
	// (default 2 s): slower guessing from many addresses, and a short wait
	// for the owner.
	UserCeiling int
	UserGap     time.Duration
}

// ThrottleError says how long to wait; the handler sets Retry-After.
func throttled(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return &apperr.Error{Kind: apperr.ErrTooMany, Code: "login_throttled",
		Message: "登录失败次数过多，请" + waitText(secs) + "后再试", Details: map[string]any{"retry_after_seconds": secs}}
}

// waitText says a wait in Chinese: seconds under a minute, else minutes
// rounded up.
func waitText(secs int) string {
	if secs < 60 {
		return strconv.Itoa(secs) + "秒"
	}
	return strconv.Itoa((secs+59)/60) + "分钟"
}

// growingWait is the wait after n failures of which free were free.
func growingWait(n, free int, window time.Duration) time.Duration {
	if n < free {
		return 0
	}
	shift := n - free
	if shift > 20 {
		shift = 20
	}
	if d := time.Second << shift; d < window {
		return d
	}
	return window
}

// failures counts the failed attempts matching where since a time, and
// the newest.
func failures(db *gorm.DB, since time.Time, where string, args ...any) (int, time.Time, error) {
	q := func() *gorm.DB {
		return db.Model(&loginAttempt{}).Where("success = ? AND throttled = ? AND created_at > ?", false, false, since).Where(where, args...)
	}
	var n int64
	if err := q().Count(&n).Error; err != nil || n == 0 {
		return 0, time.Time{}, err
	}
	var last []loginAttempt
	if err := q().Select("created_at").Order("created_at DESC").Limit(1).Find(&last).Error; err != nil || len(last) == 0 {
		return int(n), time.Time{}, err
	}
	return int(n), last[0].CreatedAt, nil
}

// Authenticate checks a username and password, slowing repeated failures
// (LoginPolicy). Every real attempt is recorded and audited; a throttled
// try is audited once per burst: the first refusal after a failure writes
// one row, the refusals that follow it write nothing.
func (s *UserService) Authenticate(ctx context.Context, username, password, ip, requestID string, pol LoginPolicy) (*User, error) {
	if pol.UserCeiling <= 0 {
		pol.UserCeiling = 4 * pol.MaxFailuresPerUser
	}
	if pol.UserGap <= 0 {
		pol.UserGap = 2 * time.Second
	}
	// A username with spaces around it or other characters names nobody;
	// the rest compare in lower case on every database.
	valid := CheckUsername(username) == nil
	username = NormalizeUsername(username)
	now := s.Clock.Now()
	since := now.Add(-pol.Window)
	db := s.DB.WithContext(ctx)
	pairN, pairLast, err := failures(db, since, "username = ? AND ip = ?", username, ip)
	if err != nil {
		return nil, err
	}
	ipN, ipLast, err := failures(db, since, "ip = ?", ip)
	if err != nil {
		return nil, err
	}
	userN, userLast, err := failures(db, since, "username = ?", username)
	if err != nil {
		return nil, err
	}
	var until time.Time
	if w := growingWait(pairN, pol.MaxFailuresPerUser, pol.Window); w > 0 && pairLast.Add(w).After(until) {
		until = pairLast.Add(w)
	}
	if w := growingWait(ipN, pol.MaxFailuresPerIP, pol.Window); w > 0 && ipLast.Add(w).After(until) {
		until = ipLast.Add(w)
	}
	if userN >= pol.UserCeiling && userLast.Add(pol.UserGap).After(until) {
		until = userLast.Add(pol.UserGap)
	}
	anon := &Actor{Username: username, IP: ip, RequestID: requestID}
	if now.Before(until) {
		// One audit row per burst: the first refusal since the last failure
		// of this username from this address is recorded, with a marker row.
		// A burst starts at the newest failure that could have caused it.
		last := pairLast
		for _, t := range []time.Time{ipLast, userLast} {
			if t.After(last) {
				last = t
			}
		}
		var marked int64
		if err := db.Model(&loginAttempt{}).Where("username = ? AND ip = ? AND throttled = ? AND created_at >= ?", username, ip, true, last).
			Count(&marked).Error; err != nil {
			return nil, err
		}
		if marked == 0 {
			if err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
				if err := tx.Create(&loginAttempt{Username: username, IP: ip, Throttled: true, CreatedAt: now}).Error; err != nil {
					return err
				}
				return audit.Record(tx, anon, "auth.login_throttled", "user", 0, map[string]any{"username": username,
					"failures_user_address": pairN, "failures_address": ipN, "failures_user": userN, "until": until})
			}); err != nil {
				return nil, err
			}
		}
		return nil, throttled(until.Sub(now))
	}
	var u User
	err = gorm.ErrRecordNotFound
	if valid {
		err = db.Where("username = ?", username).First(&u).Error
	}
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	ok := false
	if err == nil {
		ok = CheckPassword(u.PasswordHash, password)
	} else {
		s.Passwords.checkUnknown(password)
	}
	if ok && u.Disabled {
		ok = false
	}
	werr := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&loginAttempt{Username: username, IP: ip, Success: ok, CreatedAt: now}).Error; err != nil {
			return err
		}
		if ok {
			return audit.Record(tx, ActorFor(&u, ip, requestID), "auth.login", "user", u.ID, map[string]any{})
		}
		return audit.Record(tx, anon, "auth.login_failed", "user", u.ID, map[string]any{"username": username})
	})
	if werr != nil {
		return nil, werr
	}
	if !ok {
		return nil, &apperr.Error{Kind: apperr.ErrUnauthorized, Code: "bad_credentials", Message: "用户名或密码错误，或账号已停用"}
	}
	return &u, nil
}

// UnlockLogin clears a user's recorded login failures (an administrator's
// unlock), so no delay applies to the next try from any address.
func (s *UserService) UnlockLogin(ctx context.Context, actor *Actor, id int64) (*User, error) {
	var out *User
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		u, err := UserByID(tx, id)
		if err != nil || !adminMayManage(tx, actor, u) {
			return apperr.NotFound("用户")
		}
		res := tx.Where("username = ? AND success = ?", NormalizeUsername(u.Username), false).Delete(&loginAttempt{})
		if res.Error != nil {
			return res.Error
		}
		out = u
		return audit.Record(tx, actor, "user.unlock_login", "user", u.ID, map[string]any{"username": u.Username, "failures_cleared": res.RowsAffected})
	})
	return out, err
}

// loginAttempt records one login try for throttling.
type loginAttempt struct {
	ID       int64 `gorm:"primaryKey"`
	Username string
	IP       string `gorm:"column:ip"`
	Success  bool
	// Throttled marks the one row written for a burst of throttled tries;
	// it is not a failure.
	Throttled bool
	CreatedAt time.Time
}

func (loginAttempt) TableName() string { return "login_attempts" }

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
