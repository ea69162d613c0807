package projects

import (
	"context"
	"fmt"
	"strings"

	"jianyi/documents"
	"jianyi/internal/agency"
	"jianyi/internal/org"
)

// ProjectReportLetter builds the project report (项目工作报告) as the actor
// may see it: outside experts and readers outside the team get a report
// without internal tasks and notes.
func (s *Service) ProjectReportLetter(ctx context.Context, a *org.Actor, id int64) (*documents.Letter, error) {
	d, err := s.GetProject(ctx, a, id)
	if err != nil {
		return nil, err
	}
	tx := s.DB.WithContext(ctx)
	proc, err := org.ProcuratorateByID(tx, d.ProcuratorateID)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, m := range d.Members {
		names[m.UserID] = m.DisplayName
	}
	var body []documents.Block
	h1 := 0
	heading := func(text string) {
		h1++
		body = append(body, documents.Block{Kind: documents.Heading1, Text: documents.NumberLabel(documents.Heading1, h1) + text})
	}
	para := func(format string, args ...any) {
		body = append(body, documents.Block{Kind: documents.Paragraph, Text: fmt.Sprintf(format, args...)})
	}

	heading("项目概况")
	para("项目名称：%s。所属领域：%s。项目周期：%s至%s。当前阶段：%s。", d.Title, d.Field, d.StartOn.Chinese(), d.PlannedEndOn.Chinese(), ProjectStageLabels[d.Stage])
	para("问题描述：%s", strings.TrimSpace(d.Problem))
	para("工作目标：%s", strings.TrimSpace(d.Goals))
	var team []string
	for _, m := range d.Members {
		team = append(team, fmt.Sprintf("%s（%s）", m.DisplayName, ProjectRoleLabels[m.ProjectRole]))
	}
	para("项目团队：%s。", strings.Join(team, "、"))

	heading("推进情况")
	for i, st := range d.Stages {
		line := fmt.Sprintf("%s阶段", ProjectStageLabels[st.Stage])
		if st.PlannedEndOn != nil {
			line += "，计划" + st.PlannedEndOn.Chinese() + "完成"
		}
		if st.ActualEndOn != nil {
			line += "，已于" + st.ActualEndOn.Chinese() + "完成"
		} else if st.Stage == d.Stage && d.Status == ProjectActive {
			line += "，正在进行"
		}
		body = append(body, documents.Block{Kind: documents.Heading2, Text: documents.NumberLabel(documents.Heading2, i+1) + line + "。"})
	}
	p := d.Progress
	para("总体进度%.1f%%：任务%d项，已完成%d项；关联案件%d件，已回复并评估整改%d件，已回复待评估%d件。", p.Percent, p.TasksTotal, p.TasksDone, p.CasesTotal, p.CasesAssessed, p.CasesReplied)

	heading("责任分解落实情况")
	if len(d.Tasks) == 0 {
		para("暂无分解任务。")
	}
	for i, t := range d.Tasks {
		owner := names[t.OwnerID]
		body = append(body, documents.Block{Kind: documents.Heading3, Text: fmt.Sprintf("%s%s（负责人：%s，期限：%s，%s）", documents.NumberLabel(documents.Heading3, i+1), t.Title, owner, t.DueOn.Chinese(), TaskStatusLabels[t.Status])})
	}

	heading("关联案件办理情况")
	if len(d.Cases) == 0 {
		para("暂无关联案件。")
	}
	for i, c := range d.Cases {
		num := "尚未编号"
		if c.DocumentNumber != nil {
			num = *c.DocumentNumber
		}
		line := fmt.Sprintf("%s%s（%s），%s", documents.NumberLabel(documents.Heading3, i+1), c.Title, num, c.StateLabel)
		if l, ok := agency.StatsRectificationLabels[c.Rectification]; ok {
			line += "，" + l
		}
		body = append(body, documents.Block{Kind: documents.Heading3, Text: line + "。"})
	}

	if len(d.Notes) > 0 {
		heading("阶段性成果")
		for i, n := range d.Notes {
			body = append(body, documents.Block{Kind: documents.Heading2, Text: fmt.Sprintf("%s%s（%s）", documents.NumberLabel(documents.Heading2, i+1), n.Title, ProjectStageLabels[n.Stage])})
			if strings.TrimSpace(n.Body) != "" {
				para("%s", strings.TrimSpace(n.Body))
			}
		}
	}

	date := s.Clock.Today()
	return &documents.Letter{
		Procuratorate: proc.Name,
		Title:         reportTitle(d.Title),
		Body:          body,
		Date:          date.MidnightUTC(),
	}, nil
}

// reportTitle names the project's report; a name that already ends with 项目
// is not followed by another 项目.
func reportTitle(name string) string {
	if strings.HasSuffix(name, "项目") {
		return "关于“" + name + "”的工作报告"
	}
	return "关于“" + name + "”项目的工作报告"
}
