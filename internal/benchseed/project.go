package benchseed

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// project is a 项目 (项目化管理): a team tackling one field's problem for
// some months; cases of that field registered meanwhile may join it.
type project struct {
	id             int64
	proc           *proc
	dept           *dept
	field          int
	title          string
	lead           *user
	startAt, endAt time.Time
}

var projectStages = []string{"initiation", "planning", "investigation", "issuance", "follow_up", "evaluation"}

// planProjects gives each procuratorate projects in proportion to its work.
func (g *generator) planProjects(r *rand.Rand) {
	span := g.untilTime.Sub(g.start)
	for _, p := range g.org.procs {
		expected := p.weight / g.org.procCum[len(g.org.procCum)-1] * float64(g.opts.Cases)
		n := int(expected / 5000)
		if r.Float64() < expected/5000-float64(n) {
			n++
		}
		for k := 0; k < n; k++ {
			d := p.depts[len(p.depts)-1] // 第八检察部 runs most projects
			if r.IntN(4) == 0 {
				d = p.depts[r.IntN(len(p.depts))]
			}
			start := g.workTime(g.start.Add(time.Duration(r.Float64()*0.95*float64(span))), r, 0)
			pr := &project{id: g.nextID("projects"), proc: p, dept: d, field: choose(r, fieldCum), lead: d.prosecutors[0],
				startAt: start, endAt: g.workTime(start.Add(time.Duration(120+r.IntN(245))*24*time.Hour), r, 0)}
			subject := fieldSubjects[pr.field][r.IntN(len(fieldSubjects[pr.field]))]
			pr.title = p.place + subject + "专项治理"
			p.projects = append(p.projects, pr)
			g.org.projects = append(g.org.projects, pr)
		}
	}
}

// writeProjects buffers the projects with their stages, team, tasks and
// project timeline.
func (g *generator) writeProjects(b *batch, r *rand.Rand) {
	for _, pr := range g.org.projects {
		startDay, endDay := g.dayOf(pr.startAt), g.dayOf(pr.endAt)
		done := !pr.endAt.After(g.untilTime)
		stage, status := 0, "active"
		var actualEnd any
		if done {
			stage, status, actualEnd = len(projectStages)-1, "completed", endDay.String()
		} else {
			frac := float64(g.untilTime.Sub(pr.startAt)) / float64(pr.endAt.Sub(pr.startAt))
			stage = min(len(projectStages)-1, int(frac*float64(len(projectStages))))
		}
		lead := pr.lead
		ev := func(action, note string, internal bool, at time.Time, task any) {
			b.projectEvents.add(g.nextID("project_events"), pr.id, action, task, nil, lead.id, lead.displayName, note, internal, at)
		}
		b.projects.add(pr.id, pr.proc.id, pr.dept.id, pr.title, fieldNames[pr.field],
			"本院在办案中发现辖区内"+fieldSubjects[pr.field][0]+"等问题较为突出，需系统治理。",
			"推动相关职能部门依法履职，建立长效治理机制。", lead.id, projectStages[stage], status,
			startDay.String(), endDay.String(), actualEnd, 1+stage, lead.id, pr.startAt, pr.startAt)
		ev("create", "立项："+pr.title, true, pr.startAt, nil)
		length := endDay - startDay
		for i, st := range projectStages {
			planned := startDay + length*day(i+1)/day(len(projectStages))
			var actual any
			if i < stage || done {
				actual = planned.String()
			}
			b.projectStages.add(g.nextID("project_stages"), pr.id, st, i+1, planned.String(), actual)
			if i > 0 && i <= stage {
				ev("advance_stage", "进入下一阶段", true, g.dayStart(planned).Add(10*time.Hour), nil)
			}
		}
		b.projectMembers.add(g.nextID("project_members"), pr.id, lead.id, "lead", "牵头", pr.startAt)
		team := []*user{lead}
		for _, u := range pr.dept.prosecutors[1:min(len(pr.dept.prosecutors), 4)] {
			b.projectMembers.add(g.nextID("project_members"), pr.id, u.id, "member", "调查核实", pr.startAt)
			ev("add_member", u.displayName+"以“团队成员”身份加入团队", false, pr.startAt, nil)
			team = append(team, u)
		}
		if other := pr.proc.depts[0]; other != pr.dept && len(other.prosecutors) > 0 {
			u := other.prosecutors[0]
			b.projectMembers.add(g.nextID("project_members"), pr.id, u.id, "external_member", "协助", pr.startAt)
			ev("add_member", u.displayName+"以“其他部门成员”身份加入团队", false, pr.startAt, nil)
		}
		for k := 0; k < 4+r.IntN(5); k++ {
			taskID := g.nextID("project_tasks")
			due := startDay + day(r.IntN(int(length)+1))
			owner := team[r.IntN(len(team))]
			status, doneOn := "todo", any(nil)
			switch {
			case due < g.untilDay && r.IntN(100) < 85:
				status, doneOn = "done", due.String()
			case due < g.untilDay+30 && r.IntN(2) == 0:
				status = "doing"
			}
			title := fmt.Sprintf("任务%d：%s", k+1, []string{"摸排问题底数", "调取执法台账", "走访相关单位", "组织专家论证", "起草检察建议", "跟进整改情况", "形成治理报告"}[r.IntN(7)])
			b.projectTasks.add(taskID, pr.id, title, "按计划完成本项任务并提交材料。", owner.id, due.String(), status, r.IntN(3) == 0, doneOn,
				lead.id, pr.startAt, pr.startAt)
			ev("task_create", "新增任务："+title, false, pr.startAt, taskID)
		}
	}
}
