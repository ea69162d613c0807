package jobs

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"gorm.io/gorm"

	"jianyi/config"
	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
)

// Reply reminder kinds (the reminders.kind and notifications.kind values).
// Due-soon kinds carry their day count: "reply_due_soon_15", "reply_due_soon_3".
const (
	KindReplyDueSoonPrefix = "reply_due_soon_"
	KindReplyOverdue       = "reply_overdue"
	KindReplyVeryOverdue   = "reply_very_overdue"
	KindUrgingLetterDraft  = "urging_letter_draft"
)

// ReplyReminder is one reminder a delivered case's reply deadline calls for.
type ReplyReminder struct {
	Kind      string
	DaysLeft  int // days from today to the deadline (negative when overdue)
	TriggerOn calendar.Date
}

// ReplyRemindersDue lists the reminders due today for a reply deadline:
//
//   - due soon: the nearest configured day count N whose trigger date
//     (deadline − N) has come, while the deadline has not passed — so a run
//     that missed the 15-day date sends one "15 days" reminder late, but never
//     a "due soon" for a deadline already passed, nor both at once;
//   - overdue: from the day after the deadline;
//   - very overdue: from veryOverdueDays after the deadline.
//
// Which of them were already sent is the reminders table's business.
func ReplyRemindersDue(due, today calendar.Date, dueSoonDays []int, veryOverdueDays int) []ReplyReminder {
	var out []ReplyReminder
	left := today.DaysUntil(due)
	if left >= 0 {
		nearest := -1
		for _, n := range dueSoonDays {
			if n >= left && (nearest < 0 || n < nearest) {
				nearest = n
			}
		}
		if nearest >= 0 {
			out = append(out, ReplyReminder{Kind: KindReplyDueSoonPrefix + strconv.Itoa(nearest), DaysLeft: left, TriggerOn: due.AddDays(-nearest)})
		}
		return out
	}
	out = append(out, ReplyReminder{Kind: KindReplyOverdue, DaysLeft: left, TriggerOn: due.AddDays(1)})
	if veryOverdueDays > 0 && -left >= veryOverdueDays {
		out = append(out, ReplyReminder{Kind: KindReplyVeryOverdue, DaysLeft: left, TriggerOn: due.AddDays(veryOverdueDays)})
	}
	return out
}

// DateWindow is an inclusive range of dates.
type DateWindow struct{ From, To calendar.Date }

// ReplyReminderWindows are the reply_due ranges that can need a reminder
// today; the scan reads only these, by the (state, reply_due) index:
// deadlines within the longest due-soon period, and deadlines passed within
// the catch-up period (for overdue and for very overdue).
func ReplyReminderWindows(today calendar.Date, jc config.JobsConfig) []DateWindow {
	var out []DateWindow
	if len(jc.DueSoonDays) > 0 {
		out = append(out, DateWindow{today, today.AddDays(slices.Max(jc.DueSoonDays))})
	}
	out = append(out, DateWindow{today.AddDays(-1 - jc.CatchUpDays), today.AddDays(-1)})
	if jc.VeryOverdueDays > 0 {
		out = append(out, DateWindow{today.AddDays(-jc.VeryOverdueDays - jc.CatchUpDays), today.AddDays(-jc.VeryOverdueDays)})
	}
	return out
}

// ReplyCase is what the reminder scan reads of a delivered case.
type ReplyCase struct {
	ID              int64
	ProcuratorateID int64
	AgencyID        *int64
	ProsecutorID    int64
	Title           string
	DocumentNumber  *string
	ReplyDue        calendar.Date
}

// ScanReplyCases returns the delivered cases whose reply deadline falls in
// one of the windows — one index range read per window.
func ScanReplyCases(ctx context.Context, db *gorm.DB, windows []DateWindow) ([]ReplyCase, error) {
	seen := map[int64]bool{}
	var out []ReplyCase
	for _, w := range windows {
		var rows []ReplyCase
		if err := replyWindowQuery(db.WithContext(ctx), w).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			if !seen[r.ID] {
				seen[r.ID] = true
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// replyWindowQuery reads one window by the (state, reply_due) index.
func replyWindowQuery(tx *gorm.DB, w DateWindow) *gorm.DB {
	return tx.Model(&cases.Case{}).
		Select("id", "procuratorate_id", "agency_id", "prosecutor_id", "title", "document_number", "reply_due").
		Where("state = ? AND reply_due >= ? AND reply_due <= ?", cases.StateDelivered, w.From.String(), w.To.String())
}

func runReplyReminders(ctx context.Context, env *Env) (int, error) {
	jc := env.Config.Jobs
	cases, err := ScanReplyCases(ctx, env.DB.DB, ReplyReminderWindows(env.Today, jc))
	if err != nil {
		return 0, err
	}
	kinds := []string{KindReplyOverdue, KindReplyVeryOverdue}
	for _, n := range jc.DueSoonDays {
		kinds = append(kinds, KindReplyDueSoonPrefix+strconv.Itoa(n))
	}
	ids := make([]int64, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	sent, err := sentReminders(ctx, env.DB.DB, "case", ids, kinds)
	if err != nil {
		return 0, err
	}
	handled := 0
	for i := range cases {
		c := &cases[i]
		for _, r := range ReplyRemindersDue(c.ReplyDue, env.Today, jc.DueSoonDays, jc.VeryOverdueDays) {
			if sent[reminderID{c.ID, r.Kind, c.ReplyDue.String()}] {
				continue
			}
			if err := ctx.Err(); err != nil {
				return handled, err
			}
			created, err := emitReplyReminder(ctx, env, c, r)
			if err != nil {
				return handled, fmt.Errorf("case %d %s: %w", c.ID, r.Kind, err)
			}
			if created {
				handled++
			}
		}
	}
	return handled, nil
}

// emitReplyReminder sends one reminder in its own transaction, after checking
// under the transaction that the case is still waiting for a reply with the
// same deadline (a reply or an extension may have landed since the scan).
func emitReplyReminder(ctx context.Context, env *Env, c *ReplyCase, r ReplyReminder) (bool, error) {
	var created bool
	err := inTx(ctx, env.DB, func(tx *gorm.DB) error {
		created = false
		var cur cases.Case
		if err := tx.Select("id", "state", "reply_due").First(&cur, c.ID).Error; err != nil {
			return err
		}
		if cur.State != cases.StateDelivered || cur.ReplyDue == nil || *cur.ReplyDue != c.ReplyDue {
			return nil
		}
		var agencyUsers []int64
		if c.AgencyID != nil {
			var err error
			if agencyUsers, err = org.UsersOfAgency(tx, *c.AgencyID); err != nil {
				return err
			}
		}
		title, body := replyReminderText(c, r)
		key := notify.ReminderKey{SubjectType: "case", SubjectID: c.ID, CaseID: c.ID, Kind: r.Kind, Deadline: c.ReplyDue}
		ok, err := notify.EmitReminder(tx, env.Channels, key, notify.Spec{
			UserIDs: uniqueIDs(agencyUsers, []int64{c.ProsecutorID}), Kind: r.Kind, Title: title, Body: body})
		if err != nil || !ok {
			return err
		}
		created = true
		if r.Kind != KindReplyOverdue {
			return nil
		}
		made, err := agency.CreateUrgingLetterDraft(tx, c.ID, c.ProsecutorID, c.ReplyDue)
		if err != nil || !made {
			return err
		}
		return notify.Send(tx, env.Channels, notify.Spec{UserIDs: []int64{c.ProsecutorID}, CaseID: c.ID,
			Kind: KindUrgingLetterDraft, Title: "催办函草稿已生成",
			Body: fmt.Sprintf("%s的书面回复已逾期（回复期限%s），系统已生成催办函草稿，请审核后发送。", caseLabel(c.Title, c.DocumentNumber), c.ReplyDue.Chinese())})
	})
	return created, err
}

func replyReminderText(c *ReplyCase, r ReplyReminder) (title, body string) {
	label := caseLabel(c.Title, c.DocumentNumber)
	due := c.ReplyDue.Chinese()
	switch r.Kind {
	case KindReplyOverdue:
		return "检察建议回复已逾期",
			fmt.Sprintf("%s的书面回复期限（%s）已届满，尚未收到书面回复，请尽快回复。", label, due)
	case KindReplyVeryOverdue:
		return fmt.Sprintf("检察建议回复逾期已超过%d日", -r.DaysLeft),
			fmt.Sprintf("%s的书面回复期限（%s）已届满%d日，仍未收到书面回复。", label, due, -r.DaysLeft)
	}
	if r.DaysLeft == 0 {
		return "检察建议回复期限今日届满", fmt.Sprintf("%s的书面回复期限为今日（%s），请按期书面回复。", label, due)
	}
	return fmt.Sprintf("检察建议回复期限将至（还剩%d日）", r.DaysLeft),
		fmt.Sprintf("%s的书面回复期限为%s，距今还有%d日，请按期书面回复。", label, due, r.DaysLeft)
}
