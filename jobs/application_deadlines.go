package jobs

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/applications"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/ratelimit"
)

// applicationDueSoonDays is how far ahead the handlers are warned of an
// applicant deadline (the procedural answer has only 7 working days).
const applicationDueSoonDays = 2

// RunApplicationDeadlines reminds the case managers (and the prosecutor of
// the lead, once there is one) of applicant deadlines: the procedural answer
// (7 working days) and the result/monthly progress updates. Each reminder is
// keyed by (application, kind, deadline), so re-runs and replicas never send
// one twice. It also prunes rate-limit counters older than a day.
func RunApplicationDeadlines(ctx context.Context, env *Env) (int, error) {
	soon := env.Today.AddDays(applicationDueSoonDays).String()
	var apps []applications.Application
	err := env.DB.WithContext(ctx).Select("id", "tracking_no", "procuratorate_id", "status", "answer_due", "next_update_due", "case_id").
		Where("(status = ? AND answer_due <= ?) OR (status IN ? AND next_update_due IS NOT NULL AND next_update_due <= ?)",
			applications.AppSubmitted, soon, []applications.ApplicationStatus{applications.AppUnderReview, applications.AppAccepted}, soon).
		Order("id").Find(&apps).Error
	if err != nil {
		return 0, err
	}
	sent := 0
	for i := range apps {
		app := &apps[i]
		kind, due, what := "", calendar.Date{}, ""
		switch {
		case app.Status == applications.AppSubmitted:
			kind, due, what = "answer", app.AnswerDue, "程序性答复（受理/补正/移送）"
		case app.NextUpdateDue != nil:
			kind, due, what = "update", *app.NextUpdateDue, "告知申请人审查结果或办理进展"
		default:
			continue
		}
		if env.Today.After(due) {
			kind += "_overdue"
		} else {
			kind += "_due_soon"
		}
		err := env.DB.WithTx(ctx, func(tx *gorm.DB) error {
			users, err := org.UsersWithRole(tx, app.ProcuratorateID, org.RoleCaseManager)
			if err != nil {
				return err
			}
			caseID := int64(0)
			if app.CaseID != nil {
				caseID = *app.CaseID
				var c cases.Case
				if err := tx.Select("id", "prosecutor_id", "state").First(&c, caseID).Error; err == nil {
					if c.State.IsFinal() {
						// The lead's case is over: its outcome was the last word,
						// no more monthly updates are owed.
						return nil
					}
					users = append(users, c.ProsecutorID)
				}
			}
			title := "公民申请期限提醒"
			body := fmt.Sprintf("公民申请 %s 须于%s前%s。", app.TrackingNo, due.Chinese(), what)
			if env.Today.After(due) {
				title = "公民申请已超期"
				body = fmt.Sprintf("公民申请 %s 应于%s前%s，现已超期。", app.TrackingNo, due.Chinese(), what)
			}
			ok, err := notify.EmitReminder(tx, env.Channels, notify.ReminderKey{SubjectType: "application", SubjectID: app.ID, CaseID: caseID,
				Kind: "application_" + kind, Deadline: due}, notify.Spec{UserIDs: users, Kind: "application." + kind, Title: title, Body: body})
			if ok {
				sent++
			}
			return err
		})
		if err != nil {
			return sent, err
		}
	}
	if _, err := ratelimit.Prune(ctx, env.DB, env.Now.Add(-24*time.Hour)); err != nil {
		return sent, err
	}
	return sent, nil
}
