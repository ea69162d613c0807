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

// put keeps a user read under epoch (taken before the read began).
func (ic *identityCache) put(u *org.User, path string, epoch uint64) {
	e := identity{path: path, standing: org.StandingOfUser(u), epoch: epoch, read: time.Now()}
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
