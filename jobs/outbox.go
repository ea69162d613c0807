package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/notify"
)

// claimLease is how long a claimed delivery is hidden from other senders. A
// sender that dies mid-delivery leaves the row pending; it is retried once
// the lease runs out, so nothing is lost (the receiver may then see it twice
// and can tell by X-Jianyi-Delivery / Message-ID).
const claimLease = 5 * time.Minute

// RetryDelay is the wait before attempt n+1 after n failed attempts:
// base·2^(n−1), at most max.
func RetryDelay(failed int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < failed && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// deliverer sends one outbox message.
type deliverer func(ctx context.Context, msg *notify.OutboxMessage) error

// outboxDueQuery reads the due deliveries by the (status, next_attempt_at) index.
func outboxDueQuery(tx *gorm.DB, now time.Time, limit int) *gorm.DB {
	return tx.Model(&notify.OutboxMessage{}).Where("status = ? AND next_attempt_at <= ?", notify.OutboxPending, now).
		Order("next_attempt_at").Limit(limit)
}

func runOutbox(ctx context.Context, env *Env) (int, error) {
	send := map[string]deliverer{
		"email": func(ctx context.Context, m *notify.OutboxMessage) error {
			return SendMail(ctx, env.Config.Mail, m, env.Now)
		},
		"webhook": func(ctx context.Context, m *notify.OutboxMessage) error {
			return PostWebhook(ctx, env.Config.Webhook, m)
		},
	}
	var due []notify.OutboxMessage
	if err := outboxDueQuery(env.DB.WithContext(ctx), env.Now, env.Config.Jobs.OutboxBatch).Find(&due).Error; err != nil {
		return 0, err
	}
	sent := 0
	for i := range due {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		m := &due[i]
		ok, err := claimDelivery(ctx, env, m)
		if err != nil {
			return sent, err
		}
		if !ok {
			continue // another sender has it
		}
		deliver, known := send[m.Channel]
		var sendErr error
		switch {
		case !known:
			sendErr = fmt.Errorf("unknown channel %q", m.Channel)
		case m.Channel == "email" && env.Config.Mail.SMTPHost == "":
			sendErr = fmt.Errorf("e-mail is not configured (mail.smtp_host)")
		case m.Channel == "webhook" && env.Config.Webhook.URL == "":
			sendErr = fmt.Errorf("webhook is not configured (webhook.url)")
		default:
			sendErr = deliver(ctx, m)
		}
		if err := finishDelivery(ctx, env, m, sendErr); err != nil {
			return sent, err
		}
		if sendErr == nil {
			sent++
		} else {
			env.Log.Warn("outbox delivery failed", "outbox_id", m.ID, "channel", m.Channel, "attempt", m.Attempts, "error", sendErr.Error())
		}
	}
	return sent, nil
}

// claimDelivery takes a due message for this sender: the conditional update
// succeeds for exactly one of several senders that read the same row, and it
// counts the attempt before the attempt is made.
func claimDelivery(ctx context.Context, env *Env, m *notify.OutboxMessage) (bool, error) {
	lease := env.Now.Add(claimLease)
	res := env.DB.WithContext(ctx).Model(&notify.OutboxMessage{}).
		Where("id = ? AND status = ? AND next_attempt_at <= ? AND attempts = ?", m.ID, notify.OutboxPending, env.Now, m.Attempts).
		Updates(map[string]any{"next_attempt_at": lease, "attempts": m.Attempts + 1})
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected != 1 {
		return false, nil
	}
	m.Attempts++
	m.NextAttemptAt = lease
	return true, nil
}

// finishDelivery records the outcome: sent, retried later with backoff, or
// failed for good after the configured number of attempts.
func finishDelivery(ctx context.Context, env *Env, m *notify.OutboxMessage, sendErr error) error {
	ctx = context.WithoutCancel(ctx) // record what happened even during shutdown
	now := env.Now
	upd := map[string]any{}
	switch {
	case sendErr == nil:
		upd["status"], upd["sent_at"], upd["last_error"] = notify.OutboxSent, now, ""
	case m.Attempts >= env.Config.Webhook.MaxAttempts:
		upd["status"], upd["last_error"] = notify.OutboxFailed, truncate(sendErr.Error(), 2000)
	default:
		upd["next_attempt_at"] = now.Add(RetryDelay(m.Attempts, env.Config.Jobs.OutboxRetryBase, env.Config.Jobs.OutboxRetryMax))
		upd["last_error"] = truncate(sendErr.Error(), 2000)
	}
	return env.DB.WithContext(ctx).Model(&notify.OutboxMessage{}).
		Where("id = ? AND attempts = ?", m.ID, m.Attempts).Updates(upd).Error
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
