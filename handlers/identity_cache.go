package handlers

import (
	"sync"
	"time"

	"jianyi/internal/org"
)

// identityTTL bounds how long an identity read by an earlier request serves
// later ones. It only matters for what the standing does not cover (names):
// the standing is read again on every request, and this process's own
// changes to users drop every entry at once (org.IdentityEpoch).
const identityTTL = 10 * time.Second

// identityCacheMax bounds the cache: past it, it starts again empty.
const identityCacheMax = 10000

// identityCache keeps, per user, the identity a token is turned into: the
// user's names, role and units and its procuratorate's path. Authentication
// then reads only the user's standing (org.StandingOf) instead of the whole
// user joined with its procuratorate.
type identityCache struct {
	mu      sync.RWMutex
	entries map[int64]identity
}

// identity is one user as read at the given epoch and time.
type identity struct {
	user     org.User // the columns ActorFor reads, and the standing
	path     string
	standing org.Standing
	epoch    uint64
	read     time.Time // monotonic
	// standingRead is when the standing was last read from the database
	// under epoch (auth.standing_cache_ttl).
	standingRead time.Time
}

func newIdentityCache() *identityCache {
	return &identityCache{entries: map[int64]identity{}}
}

// get is the user's identity if it is recent, was read under the current
// epoch and has the standing just read; otherwise ok is false.
func (ic *identityCache) get(userID int64, now org.Standing) (identity, bool) {
	ic.mu.RLock()
	e, ok := ic.entries[userID]
	ic.mu.RUnlock()
	if !ok || e.epoch != org.IdentityEpoch() || time.Since(e.read) >= identityTTL || e.standing != now {
		return identity{}, false
	}
	return e, true
}

// recent is the user's identity if its standing was read under the current
// epoch less than maxAge ago (and the identity is recent); it may then stand
// for a read of the standing.
func (ic *identityCache) recent(userID int64, maxAge time.Duration) (identity, bool) {
	ic.mu.RLock()
	e, ok := ic.entries[userID]
	ic.mu.RUnlock()
	if !ok || e.epoch != org.IdentityEpoch() || time.Since(e.standingRead) >= maxAge || time.Since(e.read) >= identityTTL {
		return identity{}, false
	}
	return e, true
}

// standingSeen records that the user's standing, read under epoch (taken
// before the read began), was the entry's: an entry read under another
// epoch keeps its time.
func (ic *identityCache) standingSeen(userID int64, st org.Standing, epoch uint64, at time.Time) {
	ic.mu.Lock()
	if e, ok := ic.entries[userID]; ok && e.epoch == epoch && e.standing == st && at.After(e.standingRead) {
		e.standingRead = at
		ic.entries[userID] = e
	}
	ic.mu.Unlock()
}

// admits reports whether the identity's standing lets a token of the given
// version in: not disabled, and the version current.
func (e identity) admits(tokenVersion int) bool {
	return !e.standing.Disabled && e.standing.TokenVersion == tokenVersion
}

// actor is the request's actor built from the identity.
func (e identity) actor(ip, rid string) *org.Actor {
	a := org.ActorFor(&e.user, ip, rid)
	a.ProcuratoratePath = e.path
	return a
}

// put keeps a user read under epoch (taken before the read began).
func (ic *identityCache) put(u *org.User, path string, epoch uint64) {
	now := time.Now()
	e := identity{path: path, standing: org.StandingOfUser(u), epoch: epoch, read: now, standingRead: now}
	e.user = org.User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role,
		ProcuratorateID: u.ProcuratorateID, DepartmentID: u.DepartmentID, AgencyID: u.AgencyID,
		Disabled: u.Disabled, TokenVersion: u.TokenVersion}
	ic.mu.Lock()
	if len(ic.entries) >= identityCacheMax {
		clear(ic.entries)
	}
	ic.entries[u.ID] = e
	ic.mu.Unlock()
}
