package handlers

import (
	"strings"

	"jianyi/internal/agency"
	"jianyi/internal/applications"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/projects"
	"jianyi/internal/reviews"
)

// fieldLabels are the Chinese names of request fields, used in validation
// messages ("意见为必填字段") while the error's fields map keeps the JSON
// name so clients can attach the message to their input.
var fieldLabels = map[string]string{
	"accuracy": "准确性评分", "address": "地址", "addressee": "主送单位", "agency_id": "被建议单位",
	"agency_name": "被建议单位名称", "answer": "答复", "applicant_name": "申请人姓名", "attachments": "附件",
	"attendees": "参加人员", "body": "正文", "case_id": "案件", "case_ids": "案件", "challenge": "验证题",
	"channel": "送达途径", "comment": "意见", "comments": "审查意见", "committee_decision": "检察委员会决定",
	"contact_person": "联系人", "contact_phone": "联系电话", "content": "内容", "copy_to": "抄送单位",
	"current_password": "当前密码", "days": "天数", "decided_on": "决定日期", "decision": "决定",
	"description": "说明", "display_name": "姓名", "due_on": "期限", "duty": "职责", "effect": "效果评分",
	"email": "电子邮箱", "expert_ids": "专家", "extra_terms": "补充屏蔽词", "facts": "查明的事实及证据",
	"field": "领域", "findings": "发现的问题", "goals": "目标", "held_on": "日期", "id_number": "证件号码",
	"id_type": "证件类型", "illegality": "违法情形或隐患", "item_no": "建议序号", "items": "建议事项",
	"kind": "类型", "lead_id": "牵头人", "legal_basis": "法律依据", "level": "级别", "measure": "措施",
	"measures": "措施", "measures_planned": "拟采取的措施", "measures_taken": "已采取的措施", "members": "成员",
	"method": "方式", "missing": "需补正的材料", "name": "名称", "new_password": "新密码", "nonce": "计算结果",
	"note": "备注", "number_code": "部门代字", "opinion": "意见", "organisation": "单位",
	"origin_case_number": "原案号", "outcome": "结果", "owner_id": "负责人", "participants": "参加人员",
	"password": "密码", "percent": "整改进度", "person_names": "需隐名的人名", "phone": "电话", "place": "地点",
	"position": "采纳情况", "problem": "反映的问题", "problem_source": "问题来源", "procuratorate_id": "检察院",
	"project_role": "项目角色", "prosecutor_id": "承办检察官", "reason": "理由", "reasons": "理由",
	"recipient_person": "受送达人", "requested_days": "申请延长天数", "reviewer_id": "评查人", "role": "角色",
	"sample_size": "抽样数量", "scores": "评分", "short_name": "院简称", "signer_name": "签收人",
	"sort_order": "排序", "source": "线索来源", "state": "状态", "status": "状态", "summary": "摘要",
	"superior_body": "上级主管部门", "target": "对象", "text": "内容", "title": "标题",
	"transferred_to": "移送单位", "user_id": "用户", "username": "用户名", "verdict": "评估结论",
	"version": "版本号", "website": "网址", "workability": "可操作性评分", "year": "年度",
	"urgent_days": "紧急回复天数", "urgent_reason": "紧急理由", "delivered_on": "送达日期", "received_on": "收到日期",
	"date": "日期", "meeting_date": "会议日期",
}

// enumLabelSets name the values of the fields that take one of a fixed set
// (validate:"oneof=…"), so a refusal lists the choices as a person knows
// them: 方式必须是“书面送达”“宣告送达”之一. A oneof is named by the smallest
// set that has a label for every one of its values (so "withdraw" reads
// 撤回检察建议 among the decisions and 指令撤回 among a filing's orders). TestEveryEnumHasLabels keeps the list complete.
var enumLabelSets = []map[string]string{
	cases.DeliveryMethodLabels,
	{"in_person": "直接送达", "post": "邮寄送达"},
	cases.AttendeeKindLabels,
	cases.SourceLabels,
	cases.DecisionKindLabels,
	{"amend": "指令变更", "withdraw": "指令撤回"},
	{"amend": "变更检察建议", "withdraw": "撤回检察建议", "keep": "维持检察建议"},
	{"grant": "准予延期", "refuse": "不准予延期"},
	{"accept": "决定启动", "decline": "不予启动"},
	stringLabels(org.RoleLabels),
	{"supreme": "最高人民检察院", "provincial": "省级", "municipal": "市级", "county": "县级"},
	{"holiday": "放假", "workday": "调休上班"},
	{"resident_id": "居民身份证", "passport": "护照", "hmt_permit": "港澳台居民来往内地通行证"},
	applications.AnswerKindLabels,
	projects.ProjectRoleLabels,
	projects.TaskStatusLabels,
	reviews.ReviewKindLabels,
	reviews.ScopeLabels,
	{"interim": "阶段性回复", "final": "正式回复", "supplement": "补充回复"},
	agency.PositionLabels,
	agency.RectificationLabels,
	agency.FollowUpKindLabels,
	agency.EscalationKindLabels,
	agency.CloseOutcomeLabels,
	agency.LookBackVerdictLabels,
}

func stringLabels[K ~string](m map[K]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[string(k)] = v
	}
	return out
}

// enumChoices names the values of a oneof ("written announced") by their
// labels, each in Chinese quotes; a value no set names keeps its code.
func enumChoices(param string) string {
	values := strings.Fields(param)
	var set map[string]string
	for _, s := range enumLabelSets {
		all := true
		for _, v := range values {
			if _, ok := s[v]; !ok {
				all = false
				break
			}
		}
		if all && (set == nil || len(s) < len(set)) {
			set = s
		}
	}
	var b strings.Builder
	for _, v := range values {
		label, ok := set[v]
		if !ok {
			label = enumLabel(v)
		}
		b.WriteString("“" + label + "”")
	}
	return b.String()
}

// enumLabel is a value's label from any set, or the value itself.
func enumLabel(v string) string {
	for _, s := range enumLabelSets {
		if l, ok := s[v]; ok {
			return l
		}
	}
	return v
}
