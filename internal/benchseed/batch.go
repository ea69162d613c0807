package benchseed

// batch holds the rows of one transaction: the organisation, or a run of
// consecutive cases with everything they own. Tables are listed parents
// first, the order they are written in.
type batch struct {
	procuratorates, departments, agencies, users                          *table
	projects, projectStages, projectMembers, projectTasks, projectEvents  *table
	cases, caseEvents, drafts, approvalSteps, investigationRecords        *table
	deliveries, storedFiles, filings, replies, replyItems, replyReturns   *table
	followUps, progressReports, escalations, notifications, reminders     *table
	urgingLetters, disclosures, applications, applicationAnswers, ratings *table
	reviewBatches, reviewItems, counters, audit                           *table
	all                                                                   []*table
	// cases in this batch, for progress reporting
	caseCount int
}

func newBatch() *batch {
	b := &batch{}
	add := func(t *table) *table { b.all = append(b.all, t); return t }
	b.procuratorates = add(newTable("procuratorates", 0, "id", "parent_id", "name", "short_name", "level", "path", "created_at", "updated_at"))
	b.departments = add(newTable("departments", 0, "id", "procuratorate_id", "name", "number_code", "created_at", "updated_at"))
	b.agencies = add(newTable("agencies", 0, "id", "name", "kind", "superior_body", "contact_person", "contact_phone", "address", "created_at", "updated_at"))
	b.users = add(newTable("users", 0, "id", "username", "display_name", "password_hash", "role", "procuratorate_id", "department_id", "agency_id",
		"email", "phone", "disabled", "token_version", "password_changed_at", "created_at", "updated_at"))
	b.projects = add(newTable("projects", 0, "id", "procuratorate_id", "department_id", "title", "field", "problem", "goals", "lead_id", "stage",
		"status", "start_on", "planned_end_on", "actual_end_on", "version", "created_by", "created_at", "updated_at"))
	b.projectStages = add(newTable("project_stages", 0, "id", "project_id", "stage", "seq", "planned_end_on", "actual_end_on"))
	b.projectMembers = add(newTable("project_members", 0, "id", "project_id", "user_id", "project_role", "duty", "created_at"))
	b.projectTasks = add(newTable("project_tasks", 0, "id", "project_id", "title", "description", "owner_id", "due_on", "status", "internal",
		"done_on", "created_by", "created_at", "updated_at"))
	b.cases = add(newTable("cases", 0, "id", "procuratorate_id", "department_id", "case_number", "title", "field", "source", "origin_case_number",
		"summary", "agency_id", "prosecutor_id", "state", "version", "document_number", "doc_year", "doc_seq", "issued_at", "delivered_on",
		"received_on", "reply_due", "reply_due_rule", "reply_due_explanation", "urgent_days", "urgent_reason", "objection_due",
		"first_replied_on", "reply_class", "rectification", "outcome", "involves_state_secret", "involves_trade_secret",
		"involves_privacy", "involves_minors", "project_id", "state_entered_at", "created_by", "created_at", "updated_at", "closed_at",
		"end_reason", "signed_by", "signer_name", "signed_at"))
	b.projectEvents = add(newTable("project_events", 0, "id", "project_id", "action", "task_id", "case_id", "actor_id", "actor_name", "note",
		"internal", "created_at"))
	b.caseEvents = add(newTable("case_events", 0, "id", "case_id", "action", "from_state", "to_state", "actor_id", "actor_name", "role", "note",
		"data", "internal", "created_at"))
	b.drafts = add(newTable("recommendation_drafts", 500, "id", "case_id", "version_no", "content", "status", "author_id", "review_comments",
		"created_at", "updated_at", "urgent_days", "urgent_reason"))
	b.approvalSteps = add(newTable("approval_steps", 0, "id", "case_id", "draft_id", "stage", "person_id", "person_name", "role", "opinion",
		"decision", "decided_on", "meeting_date", "created_at"))
	b.investigationRecords = add(newTable("investigation_records", 0, "id", "case_id", "kind", "record_date", "place", "participants", "summary",
		"internal", "expert_ids", "created_by", "created_at"))
	b.deliveries = add(newTable("case_deliveries", 0, "id", "case_id", "method", "channel", "delivered_on", "received_on", "place",
		"recipient_person", "attendees", "created_by", "created_at"))
	b.storedFiles = add(newTable("stored_files", 1000, "id", "case_id", "owner_type", "owner_id", "filename", "content_type", "size", "sha256",
		"content", "internal", "uploaded_by", "created_at"))
	b.filings = add(newTable("filings", 0, "id", "case_id", "procuratorate_id", "parent_procuratorate_id", "due_on", "status", "filed_at",
		"report_file_id", "created_at"))
	b.replies = add(newTable("replies", 0, "id", "case_id", "kind", "position", "content", "contact_person", "contact_phone", "submitted_by",
		"submitted_on", "due_on", "late", "returned", "created_at"))
	b.replyItems = add(newTable("reply_items", 0, "id", "reply_id", "case_id", "item_no", "position", "reason"))
	b.replyReturns = add(newTable("reply_returns", 0, "id", "reply_id", "case_id", "returned_by", "reason", "supplement_due", "created_at"))
	b.followUps = add(newTable("follow_ups", 0, "id", "case_id", "kind", "held_on", "participants", "findings", "internal", "created_by", "created_at"))
	b.progressReports = add(newTable("progress_reports", 0, "id", "case_id", "percent", "description", "reported_by", "reported_on", "created_at"))
	b.escalations = add(newTable("escalations", 0, "id", "case_id", "kind", "decided_on", "target", "summary", "decided_by", "created_at"))
	b.notifications = add(newTable("notifications", 0, "id", "user_id", "case_id", "kind", "title", "body", "read_at", "created_at"))
	b.reminders = add(newTable("reminders", 0, "id", "subject_type", "subject_id", "case_id", "kind", "deadline", "created_at"))
	b.urgingLetters = add(newTable("urging_letters", 0, "id", "case_id", "deadline", "status", "prosecutor_id", "file_id", "created_at", "sent_at"))
	b.disclosures = add(newTable("disclosures", 300, "id", "case_id", "status", "revision", "procuratorate_id", "procuratorate_name", "field",
		"agency_id", "agency_name", "document_number", "title", "pub_year", "issued_on", "delivered_on", "reply_due", "replied_on",
		"reply_class", "rectification", "summary", "recommendation_text", "replies_json", "pdf_file_id", "pdf_sha256", "person_names",
		"extra_terms", "withdraw_reason", "published_by", "published_at", "updated_at", "withdrawn_at"))
	b.applications = add(newTable("applications", 0, "id", "tracking_no", "secret_hash", "procuratorate_id", "applicant_name", "id_type",
		"id_number", "id_number_hash", "phone", "problem", "place", "agency_name", "agency_id", "status", "version", "submitted_on",
		"answer_due", "answer_due_explanation", "answered_on", "answer_kind", "transferred_to", "result_due", "next_update_due",
		"decided_on", "decision", "decision_reasons", "case_id", "duplicate_of", "duplicate_score", "client_ip", "created_at", "updated_at"))
	b.applicationAnswers = add(newTable("application_answers", 0, "id", "application_id", "kind", "text", "given_on", "actor_id", "created_at"))
	b.ratings = add(newTable("case_ratings", 0, "id", "case_id", "rater_type", "rater_ref", "accuracy", "workability", "effect", "comment", "created_at"))
	b.reviewBatches = add(newTable("review_batches", 0, "id", "procuratorate_id", "kind", "title", "criteria", "sheet", "max_score", "created_by", "created_at"))
	b.reviewItems = add(newTable("review_items", 0, "id", "batch_id", "case_id", "prosecutor_id", "department_id", "reviewer_id", "status",
		"scores", "total_score", "max_score", "findings", "answer", "scored_at", "answered_at", "created_at", "updated_at"))
	b.counters = add(newTable("number_counters", 0, "kind", "procuratorate_id", "department_id", "year", "last_value"))
	b.audit = add(newTable("audit_entries", 0, "id", "actor_id", "actor_name", "role", "procuratorate_id", "action", "object_type", "object_id",
		"summary", "ip", "request_id", "created_at", "prev_hash", "hash"))
	return b
}
