package stats

import (
	"context"
	"sort"

	"jianyi/internal/org"
)

// AgencyReply is one agency's reply figures in the actor's scope: the
// reply classes (按期 / 慢回复 / 粗回复 / 不回复) and the rates, counted by
// the same tally as the totals of Compute, so the rows add up to them.
type AgencyReply struct {
	AgencyID int64  `json:"agency_id"`
	Agency   string `json:"agency"`
	ReplyFigures
}

// ReplyByAgency breaks the reply figures of Compute down by agency, for the
// same actor and filters: the agencies with recommendations that fell due in
// the period, most recommendations due first (then by name), at most limit
// of them (0: all). Compute's reply_classes with agency_id set give the same
// numbers for one agency.
func (s *Service) ReplyByAgency(ctx context.Context, a *org.Actor, q StatsQuery, limit int) ([]AgencyReply, error) {
	tx := s.DB.WithContext(ctx)
	sc, err := s.resolveScope(tx, a, q)
	if err != nil {
		return nil, err
	}
	p, asOf := sc.period(), sc.q.Today
	tallies := map[int64]*ReplyTally{}
	err = ScanFacts(ctx, s.DB, sc.loc, sc.applyScope, func(batch []CaseFacts) error {
		for i := range batch {
			f := &batch[i]
			if f.AgencyID == 0 {
				continue
			}
			t := tallies[f.AgencyID]
			if t == nil {
				t = &ReplyTally{}
				tallies[f.AgencyID] = t
			}
			t.Add(f, p, asOf)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := []AgencyReply{}
	ids := make([]int64, 0, len(tallies))
	for id, t := range tallies {
		if t.Due > 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	var agencies []org.Agency
	if err := tx.Where("id IN ?", ids).Find(&agencies).Error; err != nil {
		return nil, err
	}
	for _, ag := range agencies {
		out = append(out, AgencyReply{AgencyID: ag.ID, Agency: ag.Name, ReplyFigures: tallies[ag.ID].Figures()})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ReplyDue != out[j].ReplyDue {
			return out[i].ReplyDue > out[j].ReplyDue
		}
		if out[i].Agency != out[j].Agency {
			return out[i].Agency < out[j].Agency
		}
		return out[i].AgencyID < out[j].AgencyID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
