package benchseed

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// scoringSheet is the default 质量评查评分表 (config reviews.scoring_sheet).
var scoringSheet = []struct {
	name string
	max  int
}{{"线索来源", 10}, {"调查核实充分性", 25}, {"文书质量", 25}, {"送达规范", 10}, {"跟踪落实", 15}, {"整改成效", 15}}

// writeReviews makes one special review (专项评查) per procuratorate and
// year over a sample of its closed cases, mostly scored.
func (g *generator) writeReviews(b *batch) {
	r := rand.New(rand.NewPCG(g.opts.Seed, 0x4e7))
	type key struct {
		proc *proc
		year int
	}
	groups := map[key][]reviewCandidate{}
	var order []key
	for _, c := range g.reviewPool {
		k := key{c.proc, g.dayOf(c.closed).year()}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], c)
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].proc.id != order[j].proc.id {
			return order[i].proc.id < order[j].proc.id
		}
		return order[i].year < order[j].year
	})
	var sheet strings.Builder
	sheet.WriteByte('[')
	maxScore := 0
	for i, l := range scoringSheet {
		if i > 0 {
			sheet.WriteByte(',')
		}
		fmt.Fprintf(&sheet, `{"name":%q,"max_score":%d}`, l.name, l.max)
		maxScore += l.max
	}
	sheet.WriteByte(']')
	for _, k := range order {
		items := groups[k]
		mgr := k.proc.casemgr
		created := g.dayStart(min(dayOf(k.year, 12, 10), g.untilDay)).Add(10 * time.Hour)
		if latest := items[len(items)-1].closed; created.Before(latest) {
			created = latest.Add(24 * time.Hour)
		}
		if created.After(g.untilTime) {
			continue
		}
		batchID := g.nextID("review_batches")
		title := fmt.Sprintf("%d年度检察建议专项评查", k.year)
		ids := make([]string, len(items))
		for i, c := range items {
			ids[i] = fmt.Sprint(c.caseID)
		}
		criteria := fmt.Sprintf(`{"kind":"special","title":%q,"filter":{},"case_ids":[%s]}`, title, strings.Join(ids, ","))
		b.reviewBatches.add(batchID, k.proc.id, "special", title, criteria, sheet.String(), maxScore, mgr.id, created)
		var s jsonObject
		s.num("cases", int64(len(items))).str("kind", "special").str("title", title)
		g.audit.add(mgr.actor(), "review.create", "review_batch", batchID, s.String(), "", created)
		for _, c := range items {
			reviewer := k.proc.depts[0].head
			if reviewer == c.dept.head {
				reviewer = k.proc.depts[len(k.proc.depts)-1].head
			}
			status, scores, total, findings, answer := "assigned", "{}", 0, "", ""
			var scoredAt, answeredAt any
			if r.IntN(10) < 8 {
				status = "scored"
				var sc jsonObject
				for _, l := range scoringSheet {
					v := l.max - r.IntN(l.max/3+1)
					sc.num(l.name, int64(v))
					total += v
				}
				scores, findings, scoredAt = sc.String(), "文书说理较充分，跟踪落实记录完整。", created.Add(7*24*time.Hour)
				if r.IntN(3) == 0 {
					status, answer, answeredAt = "answered", "已按评查意见完善相关材料。", created.Add(10*24*time.Hour)
				}
			}
			b.reviewItems.add(g.nextID("review_items"), batchID, c.caseID, c.pros.id, c.dept.id, reviewer.id, status, scores, total,
				maxScore, findings, answer, scoredAt, answeredAt, created, created)
		}
	}
}
