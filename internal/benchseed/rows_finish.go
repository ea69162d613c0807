package benchseed

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// finish writes the rows that show a case's state on the seeding day: the
// case itself, its draft versions, 备案, publication, reminders sent and
// ratings.
func (cb *caseBuilder) finish() {
	p, g, r := cb.p, cb.g, cb.r
	var agencyID any
	if cb.hasStep(stDraft) || r.IntN(10) < 6 {
		agencyID = p.agency.id
	}
	origin := ""
	if p.source == 0 && r.IntN(2) == 0 {
		origin = fmt.Sprintf("%s检刑诉〔%d〕%d号", p.proc.short, g.dayOf(p.created).year(), 1+r.IntN(900))
	}
	urgentDays, urgentReason := 0, ""
	if p.urgent > 0 {
		urgentReason = "涉及群众生命财产安全，需尽快整改"
	}
	if !cb.issuedAt.IsZero() {
		urgentDays = p.urgent
	} else {
		urgentReason = ""
	}
	var projectID any
	if p.project != nil {
		projectID = p.project.id
	}
	var docYear, docSeq, signedBy any
	if cb.docNumber != "" {
		docYear, docSeq = cb.docYear, cb.docSeq
	}
	if cb.signedBy != nil {
		signedBy = cb.signedBy.id
	}
	cb.b.cases.add(cb.id, p.proc.id, p.dept.id, nullStr(cb.caseNumber), cb.title, fieldNames[p.field], sourceKeys[p.source], origin,
		cb.summary, agencyID, p.pros.id, cb.state, cb.version, nullStr(cb.docNumber), docYear, docSeq, nullTime(cb.issuedAt),
		cb.null(cb.deliveredOn), cb.null(cb.receivedOn), cb.null(cb.replyDue), cb.replyDueRule, cb.replyDueExplanation, urgentDays,
		map[bool]string{true: urgentReason, false: ""}[urgentDays > 0], cb.null(cb.objectionDue), cb.null(cb.firstReplied), cb.replyClass,
		cb.rectification, cb.outcome, p.secret[0], p.secret[1], p.secret[2], p.secret[3], projectID, cb.stateEnteredAt, p.pros.id,
		p.created, cb.updatedAt, nullTime(cb.closedAt), cb.endReason, signedBy, cb.signerName, nullTime(cb.signedAt))
	for _, d := range cb.drafts {
		cb.b.drafts.add(d.id, cb.id, d.version, cb.content, d.status, p.pros.id, d.comments, d.created, d.updated, p.urgent, urgentReason)
	}
	if cb.filingID != 0 {
		status, filedAt, report := "pending", any(nil), any(nil)
		if cb.filingReport != 0 {
			status, filedAt, report = "filed", cb.filingAt, cb.filingReport
		}
		cb.b.filings.add(cb.filingID, cb.id, p.proc.id, p.proc.parent.id, cb.filingDue.String(), status, filedAt, report, cb.issuedAt)
	}
	if cb.published {
		cb.disclosure()
	}
	if cb.origDue != 0 {
		cb.reminders()
	}
	if cb.state == "closed" && r.IntN(20) == 0 {
		at := g.workTime(cb.closedAt.Add(time.Duration(3+r.IntN(30))*24*time.Hour), r, 0)
		if !at.After(g.untilTime) {
			u := p.agency.users[0]
			rid := g.nextID("case_ratings")
			cb.b.ratings.add(rid, cb.id, "agency", fmt.Sprint(u.id), 3+r.IntN(3), 3+r.IntN(3), 3+r.IntN(3), "检察建议针对性强，整改效果明显。", at)
			var d jsonObject
			d.str("rater_type", "agency").num("rating_id", rid)
			cb.event(&step{at: at, by: u}, "rate", "", "被建议单位评价", false, false, &d)
		}
	}
	if cb.state == "closed" && r.IntN(300) == 0 {
		g.reviewPool = append(g.reviewPool, reviewCandidate{caseID: cb.id, proc: p.proc, dept: p.dept, pros: p.pros, closed: cb.closedAt})
	}
}

func (cb *caseBuilder) hasStep(k stepKind) bool {
	for _, s := range cb.p.steps {
		if s.kind == k {
			return true
		}
	}
	return false
}

// letterText is the 检察建议书 as published: title, addressee, then the
// paragraphs in the order the letter prints them.
func (cb *caseBuilder) letterText() []string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	out := []string{"关于" + cb.title + "的检察建议书", cb.p.agency.name + "：", cb.problemSource, cb.facts, cb.illegality,
		"为此，根据《中华人民共和国人民检察院组织法》第二十一条、《人民检察院检察建议工作规定》等规定，提出如下检察建议："}
	for i, t := range cb.itemsText {
		out = append(out, fmt.Sprintf("%s、%s（依据：%s）", digits[i+1], t, cb.itemBases[i]))
	}
	if cb.p.urgent > 0 {
		out = append(out, fmt.Sprintf("请你单位在收到本检察建议书之日起%d日内将办理情况书面回复本院。", cb.p.urgent))
	} else {
		out = append(out, "请你单位在收到本检察建议书之日起二个月内将办理情况书面回复本院。")
	}
	return append(out, "如对本检察建议书有异议，可以在收到之日起10日内向本院书面提出。")
}

func (cb *caseBuilder) disclosure() {
	p, g := cb.p, cb.g
	lines := cb.letterText()
	body := []rune(strings.Join(lines[2:], ""))
	summary := string(body)
	if len(body) > 150 {
		summary = string(body[:150]) + "……"
	}
	replies := []byte{'['}
	for i, rr := range cb.replies {
		if i > 0 {
			replies = append(replies, ',')
		}
		var o jsonObject
		o.str("kind", rr.kind).str("kind_label", map[string]string{"interim": "阶段性回复", "final": "正式回复", "supplement": "补充回复"}[rr.kind]).
			str("position", rr.position).str("position_label", map[string]string{"adopted": "采纳", "partly_adopted": "部分采纳", "not_adopted": "不采纳"}[rr.position]).
			str("submitted_on", rr.submitted.String()).boolean("late", rr.late).boolean("returned", rr.returned).str("text", rr.text)
		replies = append(replies, o.String()...)
	}
	replies = append(replies, ']')
	status, withdrawn, reason := "published", any(nil), ""
	if !cb.unpublishedAt.IsZero() {
		status, withdrawn, reason = "withdrawn", cb.unpublishedAt, "经复查，公开内容需进一步核实，暂予撤回。"
	}
	fileID, sum := cb.storeFile("disclosure", false, "检察建议书（公开版）"+cb.docNumber+".pdf", p.proc.chief, cb.publishedAt, "")
	issued := g.dayOf(cb.issuedAt)
	g.disclosures++
	if cb.disclosureUpdated.After(g.lastPublication) {
		g.lastPublication = cb.disclosureUpdated
	}
	cb.b.disclosures.add(cb.disclosureID, cb.id, status, cb.revision, p.proc.id, p.proc.name, fieldNames[p.field], p.agency.id,
		p.agency.name, cb.docNumber, lines[0], issued.year(), issued.String(), cb.null(cb.deliveredOn), cb.null(cb.replyDue),
		cb.null(cb.firstReplied), cb.replyClass, cb.rectification, summary, strings.Join(lines, "\n"), string(replies), fileID, sum,
		"[]", "[]", reason, p.proc.chief.id, cb.publishedAt, cb.disclosureUpdated, withdrawn)
}

// reminders are the reply reminders the daily job sent while the letter
// waited for its answer (one per case, kind and deadline), with the agency's
// notification and, once overdue, the urging letter draft.
func (cb *caseBuilder) reminders() {
	p, g, r := cb.p, cb.g, cb.r
	end := g.untilTime
	for _, s := range p.steps {
		if (s.kind == stReply || s.kind == stWithdraw || s.kind == stTerminate) && s.at.Before(end) {
			end = s.at
		}
	}
	due := cb.origDue
	triggers := []struct {
		kind string
		on   day
	}{
		{"reply_due_soon_15", max(due-15, cb.receivedOn+1)},
		{"reply_due_soon_3", max(due-3, cb.receivedOn+1)},
		{"reply_overdue", due + 1},
		{"reply_very_overdue", due + 30},
	}
	for _, t := range triggers {
		at := g.dayStart(t.on).Add(8*time.Hour + time.Duration(r.IntN(600))*time.Second)
		if !at.Before(end) {
			continue
		}
		cb.b.reminders.add(g.nextID("reminders"), "case", cb.id, cb.id, t.kind, due.String(), at)
		title := "检察建议回复期限将至"
		if t.kind == "reply_overdue" || t.kind == "reply_very_overdue" {
			title = "检察建议回复已逾期"
		}
		cb.notify(p.agency.users[0], t.kind, title, fmt.Sprintf("%s的书面回复期限为%s，请按期书面回复。", cb.docNumber, cb.dateText(due)), at)
		if t.kind == "reply_overdue" {
			status, sent := "draft", any(nil)
			if s := at.Add(time.Duration(3+r.IntN(10)) * 24 * time.Hour); s.Before(end) {
				status, sent = "sent", s
			}
			cb.b.urgingLetters.add(g.nextID("urging_letters"), cb.id, due.String(), status, p.pros.id, nil, at, sent)
		}
	}
}

// application is the citizen application (公民申请) a case of that source
// started from, and now and then another application to the same
// procuratorate that went elsewhere (declined, transferred or pending).
func (cb *caseBuilder) application(registered time.Time) {
	p, g, r := cb.p, cb.g, cb.r
	write := func(submitted day, status, decision string, caseID any, decided day) {
		id := g.nextID("applications")
		tracking := fmt.Sprintf("SQ%s%08d", strings.ReplaceAll(submitted.String(), "-", ""), (id*48271)%100000000)
		secret := sha256.Sum256([]byte(fmt.Sprintf("%d-%d", g.opts.Seed, id)))
		idNumber := residentID(r, submitted)
		idHash := sha256.Sum256([]byte("idnumber\x1fresident_id\x1f" + idNumber))
		answerDue := g.cal.workdaysAfter(submitted, 7)
		explanation := fmt.Sprintf("收到日 %s，次日起算七个工作日（不计法定节假日和休息日），届满日 %s（%s）", submitted, answerDue, weekdayNames[answerDue.weekday()])
		answered := min(g.cal.workdaysAfter(submitted, 1+r.IntN(7)), max(decided, submitted+1))
		created := g.dayStart(submitted).Add(time.Duration(9*3600+r.IntN(8*3600)) * time.Second)
		answerKind, resultDue, nextUpdate, transferred := "", any(nil), any(nil), ""
		var answeredOn any
		if status != "submitted" {
			answeredOn, answerKind = answered.String(), "accepted"
			resultDue = answered.addMonthsClamped(3).String()
		}
		switch status {
		case "transferred":
			answerKind, transferred, resultDue = "transferred", p.agency.name, nil
		case "needs_supplement":
			answerKind, resultDue = "needs_supplement", nil
		case "under_review":
			nextUpdate = resultDue
		case "accepted":
			if cb.closedAt.IsZero() {
				nextUpdate = g.untilDay.addMonthsClamped(1).String()
			}
		}
		var decidedOn any
		if decided != 0 {
			decidedOn = decided.String()
		}
		phone := fmt.Sprintf("13%09d", r.IntN(1000000000))
		b := cb.b
		b.applications.add(id, tracking, hex.EncodeToString(secret[:]), p.proc.id, string(surnames[r.IntN(len(surnames))])+"某某", "resident_id",
			idNumber, hex.EncodeToString(idHash[:]), phone, cb.summary, cb.place, p.agency.name, p.agency.id, status, 2+r.IntN(3),
			submitted.String(), answerDue.String(), explanation, answeredOn, answerKind, transferred, resultDue, nextUpdate, decidedOn,
			decision, map[bool]string{true: "反映的问题已由有关部门处理。", false: ""}[decision == "decline"], caseID, nil, 0,
			fmt.Sprintf("36.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254)), created, created)
		answer := func(kind, text string, on day) {
			b.applicationAnswers.add(g.nextID("application_answers"), id, kind, text, on.String(), nil, g.dayStart(on).Add(10*time.Hour))
		}
		answer("received", "本院已收到您的申请。", submitted)
		if answeredOn != nil {
			answer(answerKind, "本院已对您的申请作出答复。", answered)
		}
		if decision == "accept" {
			answer("started", "本院经审查，决定对您反映的问题启动检察建议办理程序，将定期告知办理进展。", decided)
		} else if decision == "decline" {
			answer("declined", "反映的问题已由有关部门处理。", decided)
		}
	}
	regDay := g.dayOf(registered)
	write(max(regDay-day(5+r.IntN(20)), g.startDay), "accepted", "accept", cb.id, regDay)
	if r.IntN(10) < 4 {
		other := max(regDay-day(r.IntN(60)), g.startDay)
		switch k := r.IntN(5); k {
		case 0:
			write(other, "declined", "decline", nil, min(other+day(20+r.IntN(40)), g.untilDay))
		case 1:
			write(other, "transferred", "", nil, 0)
		case 2:
			write(other, "needs_supplement", "", nil, 0)
		case 3:
			write(other, "under_review", "", nil, 0)
		default:
			write(min(g.untilDay, regDay+day(r.IntN(10))), "submitted", "", nil, 0)
		}
	}
}

// residentID makes a well-formed 18-digit 居民身份证号 (with its check digit).
func residentID(r interface{ IntN(int) int }, on day) string {
	born := on - day(365*(20+r.IntN(50))) - day(r.IntN(365))
	s := fmt.Sprintf("%06d%s%03d", 110101+r.IntN(500000), strings.ReplaceAll(born.String(), "-", ""), r.IntN(1000))
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range s[:17] {
		sum += int(c-'0') * weights[i]
	}
	return s + string("10X98765432"[sum%11])
}
