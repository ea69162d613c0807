package stats

import (
	"context"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/org"
)

// Scope is a statistics scope resolved for another package that counts by
// the same access rule (StatsAccess) — the analysis of internal/analysis:
// the procuratorates, department or own cases the actor's role allows, and
// the caller's filters (procuratorate, field, agency, period).
type Scope struct{ sc *statsScope }

// ResolveScope applies the statistics access rule to q, as the statistics
// page does.
func (s *Service) ResolveScope(ctx context.Context, a *org.Actor, q StatsQuery) (*Scope, error) {
	sc, err := s.resolveScope(s.DB.WithContext(ctx), a, q)
	if err != nil {
		return nil, err
	}
	return &Scope{sc}, nil
}

// Apply restricts a query on the cases table to the scope and filters,
// without the period.
func (s *Scope) Apply(q *gorm.DB) *gorm.DB { return s.sc.applyScope(q) }

// Today is the day the figures are counted as of.
func (s *Scope) Today() calendar.Date { return s.sc.q.Today }

// Location is the zone legal dates are counted in.
func (s *Scope) Location() *time.Location { return s.sc.loc }
