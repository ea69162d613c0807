package benchseed

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// caseBuilder turns one case's plan into rows: the case as it stands on the
// seeding day, its timeline with the audit entry of every step, and the
// records each step leaves (drafts, approval steps, deliveries, replies, …).
type caseBuilder struct {
	g  *generator
	b  *batch
	p  *plan
	r  *rand.Rand // texts
	id int64

	state, prevState                    string
	version                             int
	caseNumber, docNumber               string
	docYear, docSeq                     int
	issuedAt, stateEnteredAt, updatedAt time.Time
	closedAt, signedAt                  time.Time
	signedBy                            *user
	signerName                          string
	deliveredOn, receivedOn, replyDue   day
	objectionDue, firstReplied          day
	replyDueRule, replyDueExplanation   string
	replyClass, rectification           string
	outcome, endReason                  string
	title, summary, place               string
	origDue                             day
	drafts                              []draftRow
	replies                             []replyRow
	filingID                            int64
	filingDue                           day
	filingAt                            time.Time
	published                           bool
	disclosureID                        int64
	publishedAt, disclosureUpdated      time.Time
	revision                            int
	unpublishedAt                       time.Time
	content                             string
	itemsText, itemBases                []string
	problemSource, facts, illegality    string
	filingReport                        int64
}

type draftRow struct {
	id               int64
	version          int
	status, comments string
	created, updated time.Time
}

type replyRow struct {
	id        int64
	kind      string
	position  string
	submitted day
	due       day
	late      bool
	returned  bool
	text      string
}

func (cb *caseBuilder) null(d day) any {
	if d == 0 {
		return nil
	}
	return d.String()
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (cb *caseBuilder) requestID() string {
	return strconv.FormatUint(cb.r.Uint64()|1<<63, 16)[:16]
}

func (cb *caseBuilder) actor(u *user) auditActor {
	a := u.actor()
	a.ip = fmt.Sprintf("10.%d.%d.%d", 20+cb.r.IntN(40), cb.r.IntN(256), 1+cb.r.IntN(254))
	return a
}

// event writes a timeline event and its audit entry. An action (Execute)
// bumps the version and audits from/to; a record-only event (AddCaseEvent)
// audits the note and data only.
func (cb *caseBuilder) event(s *step, action string, to string, note string, internal, isAction bool, data *jsonObject) {
	from := cb.state
	if isAction {
		cb.version++
		if to != from {
			cb.stateEnteredAt = s.at
		}
		cb.state = to
		cb.updatedAt = s.at
	} else {
		to = from
	}
	id := cb.g.nextID("case_events")
	d := data.String()
	role := s.by.role
	cb.b.caseEvents.add(id, cb.id, action, from, to, s.by.id, s.by.displayName, role, note, d, internal, s.at)
	var sum jsonObject
	sum.raw("data", d).num("event_id", id)
	if isAction {
		sum.str("from", from).str("note", note).str("to", to).num("version", int64(cb.version))
	} else {
		sum.str("note", note)
	}
	cb.g.audit.add(cb.actor(s.by), "case."+action, "case", cb.id, sum.String(), cb.requestID(), s.at)
}

func (cb *caseBuilder) notify(u *user, kind, title, body string, at time.Time) {
	var read any
	if at.Before(cb.g.untilTime.Add(-72*time.Hour)) && cb.r.IntN(10) != 0 {
		read = at.Add(time.Duration(cb.r.IntN(48*60)) * time.Minute)
	}
	cb.b.notifications.add(cb.g.nextID("notifications"), u.id, cb.id, kind, title, body, read, at)
}

// storeFile stores a placeholder PDF and audits it as a generated document.
func (cb *caseBuilder) storeFile(owner string, internal bool, filename string, by *user, at time.Time, docKind string) (int64, string) {
	id := cb.g.nextID("stored_files")
	pdf := placeholderPDF(fmt.Sprintf("%s of case %d", owner, cb.id))
	sum := sha256Hex(pdf)
	cb.b.storedFiles.add(id, cb.id, owner, cb.id, filename, "application/pdf", len(pdf), sum, pdf, internal, by.id, at)
	if docKind != "" {
		var s jsonObject
		s.str("document_number", cb.docNumber).num("file_id", id).str("kind", docKind).str("sha256", sum)
		cb.g.audit.add(cb.actor(by), "document.generate", "case", cb.id, s.String(), cb.requestID(), at)
	}
	return id, sum
}

func (cb *caseBuilder) dateText(d day) string {
	t := d.time()
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// build writes case p with id.
func (g *generator) build(b *batch, p *plan, id int64) {
	cb := &caseBuilder{g: g, b: b, p: p, r: g.caseRand(p.idx, 1), id: id, version: 0}
	cb.texts()
	for i := range p.steps {
		cb.apply(&p.steps[i])
	}
	cb.finish()
}

func (cb *caseBuilder) texts() {
	p, r := cb.p, cb.r
	cb.place = strings.TrimSuffix(strings.TrimSuffix(p.proc.place, "省"), "市")
	village := string(placeFirst[r.IntN(len(placeFirst))]) + string(placeSecond[r.IntN(len(placeSecond))]) + villageSuffix[r.IntN(len(villageSuffix))]
	subject := fieldSubjects[p.field][p.subject]
	if p.rare {
		subject = rareTitle + "污染隐患"
	}
	cb.title = cb.place + village + subject
	src := problemSources[min(p.source, len(problemSources)-1)]
	cb.summary = fmt.Sprintf("%s，%s%s存在%s问题，涉及群众约%d人。%s相关问题持续时间较长，%s", src, cb.place, village, subject,
		20+r.IntN(2000), factFragments[r.IntN(len(factFragments))], hazardFragments[r.IntN(len(hazardFragments))])
	cb.summary += "建议依法督促" + p.agency.name + "履行监管职责。"
	cb.itemsText, cb.itemBases = make([]string, p.items), make([]string, p.items)
	var it jsonObject
	it.b = append(it.b, '[')
	for i := range cb.itemsText {
		cb.itemsText[i] = recommendationItems[(p.subject+i)%len(recommendationItems)]
		cb.itemBases[i] = legalBases[(p.field+i)%len(legalBases)]
		if i > 0 {
			it.b = append(it.b, ',')
		}
		var o jsonObject
		o.str("text", cb.itemsText[i]).str("legal_basis", cb.itemBases[i])
		it.b = append(it.b, o.String()...)
	}
	it.b = append(it.b, ']')
	copyTo := []string{}
	if p.agency.superior != "" {
		copyTo = []string{p.agency.superior}
	}
	cb.problemSource = src + "，" + cb.place + village + "存在" + subject + "问题。"
	cb.facts = factFragments[r.IntN(len(factFragments))] + cb.summary
	cb.illegality = hazardFragments[r.IntN(len(hazardFragments))] + "违反了" + legalBases[p.field%len(legalBases)] + "的规定。"
	// Keys in the order encoding/json writes RecommendationContent's fields.
	var c jsonObject
	c.str("title", "").str("addressee", p.agency.name).str("problem_source", cb.problemSource).str("facts", cb.facts).
		str("illegality", cb.illegality).raw("items", string(it.b)).raw("copy_to", jsonStrings(copyTo)).raw("attachments", "[]")
	cb.content = c.String()
}

func (cb *caseBuilder) apply(s *step) {
	p, g, r := cb.p, cb.g, cb.r
	today := g.dayOf(s.at)
	switch s.kind {
	case stRegister:
		cb.state, cb.version, cb.stateEnteredAt, cb.updatedAt = "lead", 1, s.at, s.at
		id := g.nextID("case_events")
		cb.b.caseEvents.add(id, cb.id, "register", "", "lead", s.by.id, s.by.displayName, s.by.role, "登记线索", "{}", true, s.at)
		var sum jsonObject
		sum.str("field", fieldNames[p.field]).str("source", sourceKeys[p.source]).str("title", cb.title)
		g.audit.add(cb.actor(s.by), "case.register", "case", cb.id, sum.String(), cb.requestID(), s.at)
		if p.source == 1 {
			cb.application(s.at)
		}
		if p.project != nil {
			var d jsonObject
			d.num("project_id", p.project.id)
			cb.event(&step{kind: s.kind, at: s.at.Add(time.Minute), by: p.project.lead}, "project_link", "", "纳入项目“"+p.project.title+"”", true, false, &d)
			cb.b.projectEvents.add(g.nextID("project_events"), p.project.id, "case_link", nil, cb.id, p.project.lead.id,
				p.project.lead.displayName, "纳入案件“"+cb.title+"”", true, s.at.Add(time.Minute))
		}
	case stCheck:
		cb.event(s, "check", "checking", "", true, true, &jsonObject{})
	case stInvestigate:
		cb.event(s, "investigate", "investigating", "", true, true, &jsonObject{})
	case stDecline, stWithdraw, stTerminate:
		action, to := "decline", "not_filed"
		if s.kind == stWithdraw {
			action, to = "withdraw", "withdrawn"
		} else if s.kind == stTerminate {
			action, to = "terminate", "terminated"
		}
		cb.endReason, cb.outcome, cb.closedAt = endReasons[s.n], to, s.at
		var d jsonObject
		d.str("reason", cb.endReason)
		cb.event(s, action, to, "", action == "decline", true, &d)
		if cb.deliveredOn != 0 {
			for _, u := range p.agency.users {
				cb.notify(u, "case_"+to, "检察建议已"+map[string]string{"withdrawn": "撤回", "terminated": "终结"}[to],
					fmt.Sprintf("%s：%s。理由：%s", cb.docNumber, map[string]string{"withdrawn": "撤回", "terminated": "终结"}[to], cb.endReason), s.at)
			}
		}
	case stFile:
		cb.caseNumber = fmt.Sprintf("%s检%s立〔%d〕%d号", p.proc.short, p.dept.code, today.year(), g.caseSeq[p.idx])
		var d jsonObject
		d.str("case_number", cb.caseNumber)
		cb.event(s, "file", "filed", "", true, true, &d)
	case stInvRecord, stConsult:
		kinds := []string{"consult_files", "site_visit", "interview", "obtain_evidence", "expert_consultation", "commissioned_review", "recipient_opinion"}
		labels := []string{"查阅资料", "实地走访", "询问", "调取书证物证", "咨询专家/行业协会", "委托鉴定评估审计", "征求被建议单位意见"}
		k := s.n
		if s.kind == stConsult {
			k = 6
		}
		recID := g.nextID("investigation_records")
		cb.b.investigationRecords.add(recID, cb.id, kinds[k], today.String(), cb.place, s.by.displayName+"、"+p.dept.head.displayName,
			labels[k]+"："+factFragments[r.IntN(len(factFragments))]+"已形成笔录。", k != 6, "[]", s.by.id, s.at)
		var d jsonObject
		if s.kind == stConsult {
			d.str("date", today.String()).raw("file_ids", "[]").num("investigation_record_id", recID)
			cb.event(s, "consult", cb.state, "", true, true, &d)
		} else {
			d.str("date", today.String()).str("files", "0").str("kind", kinds[k]).num("record_id", recID)
			cb.event(s, "investigation_record", "", labels[k], true, false, &d)
		}
	case stDraft:
		var d jsonObject
		d.num("agency_id", p.agency.id)
		cb.event(s, "draft", "drafting", "", true, true, &d)
	case stDraftSaved:
		dr := draftRow{id: g.nextID("recommendation_drafts"), version: s.n, status: "working", created: s.at, updated: s.at}
		cb.drafts = append(cb.drafts, dr)
		var d jsonObject
		d.num("draft_id", dr.id).num("version_no", int64(dr.version))
		cb.event(s, "draft_saved", "", "", true, false, &d)
	case stSubmit:
		dr := cb.lastDraft()
		dr.status, dr.updated = "submitted", s.at
		cb.approvalStep(dr, "submit", s, "", "提请审批")
		var d jsonObject
		d.num("draft_id", dr.id).num("version_no", int64(dr.version))
		cb.event(s, "submit", "reviewing", "", true, true, &d)
		cb.notify(p.proc.chief, "approval_requested", "检察建议书待审批", fmt.Sprintf("“%s”的检察建议书（第%d稿）已提请审批。", cb.title, dr.version), s.at)
	case stReturn:
		dr := cb.lastDraft()
		dr.status, dr.comments, dr.updated = "returned", "请进一步补充调查核实的事实和证据，完善建议内容的针对性。", s.at
		cb.approvalStep(dr, "return", s, dr.comments, "退回修改")
		var d jsonObject
		d.str("comments", dr.comments).num("draft_id", dr.id)
		cb.event(s, "return", "drafting", "", true, true, &d)
	case stApprove:
		dr := cb.lastDraft()
		dr.status, dr.updated = "approved", s.at
		cb.approvalStep(dr, "approve", s, "同意制发", "同意制发")
		var d jsonObject
		d.str("decision", "同意制发").num("draft_id", dr.id).str("stage", "approve")
		cb.event(s, "approve", "approved", "", true, true, &d)
	case stIssue:
		cb.issue(s, today)
	case stFilingSubmitted:
		fileID, sum := cb.storeFile("filing_report_pdf", true, "备案报告（"+cb.docNumber+"）.pdf", s.by, s.at, "filing-report")
		cb.filingAt = s.at
		var d jsonObject
		d.num("filing_id", cb.filingID).num("parent_procuratorate_id", p.proc.parent.id).str("parent_procuratorate", p.proc.parent.name).
			num("report_file_id", fileID).str("sha256", sum)
		cb.event(s, "filing_submitted", "", "", true, false, &d)
		cb.filingReport = fileID
	case stDeliver:
		cb.deliver(s, today)
	case stSign:
		cb.signedBy, cb.signerName, cb.signedAt = s.by, s.by.displayName, s.at
		var d jsonObject
		d.str("received_on", cb.receivedOn.String()).str("reply_due", cb.replyDue.String()).str("signer_name", cb.signerName)
		cb.event(s, "sign", cb.state, "", false, true, &d)
		cb.notify(p.pros, "agency_signed", "被建议单位已签收检察建议", fmt.Sprintf("%s已签收%s，回复期限至%s。", cb.signerName, cb.docNumber, cb.dateText(cb.replyDue)), s.at)
	case stInterim, stReply, stSupplement:
		cb.reply(s, today)
	case stReturnReply:
		var target *replyRow
		for i := len(cb.replies) - 1; i >= 0; i-- {
			if cb.replies[i].kind != "interim" && !cb.replies[i].returned {
				target = &cb.replies[i]
				break
			}
		}
		target.returned = true
		reason := "回复未逐项说明整改措施和完成时限，内容过于笼统，请补充。"
		due := g.cal.daysDeadline(today, s.n)
		cb.b.replyReturns.add(g.nextID("reply_returns"), target.id, cb.id, s.by.id, reason, due.String(), s.at)
		cb.replyDue, cb.replyDueRule = due, "supplement"
		cb.replyDueExplanation = fmt.Sprintf("回复被退回补充。收到日 %s，次日起算%s日，届满日 %s（%s）", today, chineseCount(s.n), due, weekdayNames[due.weekday()])
		cb.replyClass = "perfunctory"
		var d jsonObject
		d.str("reason", reason).num("reply_id", target.id).str("supplement_due", due.String())
		cb.event(s, "return_reply", "delivered", "", false, true, &d)
		for _, u := range p.agency.users {
			cb.notify(u, "reply_returned", "书面回复被退回补充", fmt.Sprintf("你单位就%s的回复被退回，请于%s前补充回复。理由：%s", cb.docNumber, cb.dateText(due), reason), s.at)
		}
	case stAssess:
		cb.rectification = verdictKeys[s.n]
		opinion := []string{"经回访核实，问题已整改到位。", "部分问题已整改，仍需持续跟进。", "整改措施未落实，将依法督促。"}[s.n]
		var d jsonObject
		d.str("opinion", opinion).str("verdict", cb.rectification)
		cb.event(s, "assess", "following_up", "", false, true, &d)
		cb.refreshDisclosure(s.at)
	case stFollowUp:
		kinds := []string{"inquiry", "visit", "consultation", "joint_meeting", "return_visit"}
		fid := g.nextID("follow_ups")
		cb.b.followUps.add(fid, cb.id, kinds[s.n%5], today.String(), s.by.displayName+"、"+p.agency.contact, followUpFindings[r.IntN(len(followUpFindings))], false, s.by.id, s.at)
		var d jsonObject
		d.raw("file_ids", "[]").num("follow_up_id", fid).str("held_on", today.String()).str("kind", kinds[s.n%5])
		cb.event(s, "follow_up", cb.state, "", false, true, &d)
	case stProgress:
		rid := g.nextID("progress_reports")
		cb.b.progressReports.add(rid, cb.id, s.n, fmt.Sprintf("已完成整改任务的%d%%，其余工作正在推进。", s.n), s.by.id, today.String(), s.at)
		var d jsonObject
		d.raw("file_ids", "[]").num("percent", int64(s.n)).num("progress_report_id", rid)
		cb.event(s, "report_progress", cb.state, "", false, true, &d)
	case stEscalate:
		kinds := []string{"report_higher_procuratorate", "notify_superior_regulator", "public_interest_litigation"} // agency.Escalate…
		eid := g.nextID("escalations")
		target := p.agency.superior
		if target == "" {
			target = p.proc.place + "人民政府"
		}
		cb.b.escalations.add(eid, cb.id, kinds[s.n], today.String(), target, "被建议单位逾期未回复、未整改，决定报告上级机关。", s.by.id, s.at)
		var d jsonObject
		d.raw("escalation_ids", fmt.Sprintf("[%d]", eid)).raw("kinds", jsonStrings([]string{kinds[s.n]}))
		cb.event(s, "escalate", cb.state, "", false, true, &d)
	case stClose:
		cb.outcome, cb.closedAt = verdictKeys[s.n], s.at
		cb.classify(today)
		var d jsonObject
		d.str("outcome", cb.outcome).str("summary", "被建议单位已按检察建议落实整改，经跟进监督，本案结案。")
		cb.event(s, "close", "closed", "", false, true, &d)
		cb.refreshDisclosure(s.at)
	case stPublish:
		cb.published, cb.publishedAt, cb.disclosureUpdated, cb.revision = true, s.at, s.at, 1
		cb.disclosureID = g.nextID("disclosures")
		var d jsonObject
		d.num("confirmed_not_names", 0).num("disclosure_id", cb.disclosureID).num("extra_terms", 0).num("person_names", 0).
			str("pdf_sha256", "").num("redactions", int64(r.IntN(4))).num("revision", 1)
		cb.event(s, "disclosure_publish", "", "决定公开", false, false, &d)
	case stUnpublish:
		cb.unpublishedAt = s.at
		var d jsonObject
		reason := "经复查，公开内容需进一步核实，暂予撤回。"
		d.num("disclosure_id", cb.disclosureID).str("reason", reason)
		cb.event(s, "disclosure_withdraw", "", "撤回公开："+reason, false, false, &d)
	}
}

func (cb *caseBuilder) lastDraft() *draftRow { return &cb.drafts[len(cb.drafts)-1] }

func (cb *caseBuilder) approvalStep(dr *draftRow, stage string, s *step, opinion, decision string) {
	cb.b.approvalSteps.add(cb.g.nextID("approval_steps"), cb.id, dr.id, stage, s.by.id, s.by.displayName, s.by.role, opinion, decision,
		cb.g.dayOf(s.at).String(), nil, s.at)
}

func (cb *caseBuilder) issue(s *step, today day) {
	p, g := cb.p, cb.g
	dr := cb.lastDraft()
	dr.status, dr.updated = "issued", s.at
	cb.docYear, cb.docSeq = today.year(), int(g.docSeq[p.idx])
	cb.docNumber = fmt.Sprintf("%s检%s建〔%d〕%d号", p.proc.short, p.dept.code, cb.docYear, cb.docSeq)
	cb.issuedAt = s.at
	var d jsonObject
	copyTo := []string{}
	if p.agency.superior != "" {
		copyTo = []string{p.agency.superior}
	}
	d.raw("copy_to", jsonStrings(copyTo)).str("document_number", cb.docNumber).num("draft_id", dr.id)
	if p.proc.parent != nil {
		cb.filingID, cb.filingDue = g.nextID("filings"), today+5
		d.str("filing_due_on", cb.filingDue.String()).num("filing_id", cb.filingID)
	}
	// Letters issued before freezing existed have no stored PDF: the
	// service freezes them on first download.
	if !s.at.Before(g.freezingSince) {
		cb.storeFile("recommendation_pdf", false, "检察建议书（"+cb.docNumber+"）.pdf", s.by, s.at, "recommendation")
	}
	cb.event(s, "issue", "issued", "", false, true, &d)
}

func (cb *caseBuilder) deliver(s *step, today day) {
	p, g, r := cb.p, cb.g, cb.r
	method, channel, place, attendees := "written", "in_person", "", "[]"
	if r.IntN(5) == 0 {
		method, channel, place = "announced", "", p.agency.name+"会议室"
		attendees = `[{"name":"` + string(surnames[r.IntN(len(surnames))]) + `某","role":"人大代表"}]`
	}
	cb.deliveredOn, cb.receivedOn = today, today
	cb.b.deliveries.add(g.nextID("case_deliveries"), cb.id, method, channel, today.String(), today.String(), place, p.agency.contact, attendees, s.by.id, s.at)
	dl := g.cal.replyDeadline(today, p.urgent)
	cb.replyDue, cb.replyDueRule, cb.replyDueExplanation, cb.origDue = dl.due, dl.rule, dl.explanation, dl.due
	cb.objectionDue = g.cal.daysDeadline(today, 10)
	var d jsonObject
	d.str("delivered_on", today.String()).str("method", method).str("received_on", today.String()).
		str("reply_due", dl.due.String()).str("reply_due_explanation", dl.explanation)
	cb.event(s, "deliver", "delivered", "", false, true, &d)
	for _, u := range p.agency.users {
		cb.notify(u, "recommendation_delivered", "收到检察建议书",
			fmt.Sprintf("%s已于%s送达，请于%s前书面回复。", cb.docNumber, cb.dateText(today), cb.dateText(dl.due)), s.at)
	}
}

func (cb *caseBuilder) reply(s *step, today day) {
	p, g, r := cb.p, cb.g, cb.r
	kind := map[stepKind]string{stInterim: "interim", stReply: "final", stSupplement: "supplement"}[s.kind]
	rr := replyRow{id: g.nextID("replies"), kind: kind, position: positionKeys[s.n], submitted: today, due: cb.replyDue,
		late: today > cb.replyDue, text: replyTexts[r.IntN(len(replyTexts))]}
	var content jsonObject
	content.str("text", rr.text).str("measures_taken", "已开展专项检查，整改问题清单逐项销号。").raw("measures_planned", "[]")
	cb.b.replies.add(rr.id, cb.id, kind, rr.position, content.String(), p.agency.contact, p.agency.phone, s.by.id, today.String(),
		cb.replyDue.String(), rr.late, false, s.at)
	if kind != "interim" {
		for i := range cb.itemsText {
			pos := rr.position
			var reason any
			if pos == "partly_adopted" && i == len(cb.itemsText)-1 {
				pos, reason = "not_adopted", "受客观条件限制，暂无法全部落实，已制定分步实施计划。"
			}
			if pos == "not_adopted" && reason == nil {
				reason = "该项建议涉及的事项不属于本单位职责范围。"
			}
			cb.b.replyItems.add(g.nextID("reply_items"), rr.id, cb.id, i+1, pos, reason)
		}
	}
	cb.replies = append(cb.replies, rr)
	to := cb.state
	if kind != "interim" && cb.state == "delivered" {
		to = "replied"
	}
	if kind == "final" && cb.firstReplied == 0 {
		cb.firstReplied = today
	}
	cb.classify(today)
	var d jsonObject
	d.raw("file_ids", "[]").str("kind", kind).boolean("late", rr.late).str("position", rr.position).num("reply_id", rr.id)
	cb.event(s, "reply", to, "", false, true, &d)
	title := "被建议单位提交书面回复"
	if rr.late {
		title = "被建议单位逾期提交书面回复"
	}
	cb.notify(p.pros, "agency_replied", title, fmt.Sprintf("被建议单位就%s提交了%s。", cb.docNumber,
		map[string]string{"interim": "阶段性回复", "final": "正式回复", "supplement": "补充回复"}[kind]), s.at)
	if kind != "interim" {
		cb.refreshDisclosure(s.at)
	}
}

// classify is the service's reply class rule over the replies so far.
func (cb *caseBuilder) classify(today day) {
	var first *replyRow
	for i := range cb.replies {
		rr := &cb.replies[i]
		if rr.returned {
			cb.replyClass = "perfunctory"
			return
		}
		if rr.kind == "final" && first == nil {
			first = rr
		}
	}
	switch {
	case first != nil && (first.late || first.submitted > first.due):
		cb.replyClass = "late"
	case first != nil:
		cb.replyClass = "on_time"
	case cb.replyDue != 0 && today > cb.replyDue:
		cb.replyClass = "no_reply"
	default:
		cb.replyClass = ""
	}
}

// refreshDisclosure records that a published item was brought up to date.
func (cb *caseBuilder) refreshDisclosure(at time.Time) {
	if !cb.published || !cb.unpublishedAt.IsZero() {
		return
	}
	cb.revision++
	cb.disclosureUpdated = at
	s := &step{at: at.Add(time.Hour), by: cb.p.proc.chief}
	if s.at.After(cb.g.untilTime) {
		s.at = at
	}
	var d jsonObject
	d.num("confirmed_not_names", 0).num("disclosure_id", cb.disclosureID).num("extra_terms", 0).num("person_names", 0).
		str("pdf_sha256", "").num("redactions", 0).num("revision", int64(cb.revision))
	cb.event(s, "disclosure_refresh", "", "更新公开内容", false, false, &d)
}
