package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"jianyi/config"
	"jianyi/internal/notify"
)

// deliveryTimeout bounds one SMTP conversation or webhook request, so a
// hanging server delays a run but never blocks it.
const deliveryTimeout = 20 * time.Second

// SignatureHeader carries "sha256=<hex HMAC-SHA256 of the body>" keyed with
// webhook.secret; DeliveryHeader carries the outbox id, stable across
// retries, so a receiver can drop a repeat.
const (
	SignatureHeader = "X-Jianyi-Signature"
	DeliveryHeader  = "X-Jianyi-Delivery"
)

// Sign returns the X-Jianyi-Signature value for a body.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// PostWebhook POSTs the message's JSON payload, signed. Any answer but 2xx
// is a failure to retry.
func PostWebhook(ctx context.Context, cfg config.WebhookConfig, m *notify.OutboxMessage) error {
	ctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
	defer cancel()
	body := []byte(m.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "jianyi-webhook/1")
	req.Header.Set(SignatureHeader, Sign(cfg.Secret, body))
	req.Header.Set(DeliveryHeader, strconv.FormatInt(m.ID, 10))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", res.Status)
	}
	return nil
}

// BuildMail renders an RFC 5322 message: UTF-8 subject in MIME encoded-word
// form, a plain-text UTF-8 body in base64 with CRLF line ends.
func BuildMail(from, to, subject, body string, id int64, date time.Time) []byte {
	var b bytes.Buffer
	host := "jianyi.invalid"
	if addr, err := mail.ParseAddress(from); err == nil {
		if _, h, ok := strings.Cut(addr.Address, "@"); ok {
			host = h
		}
	}
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", from)
	hdr("To", to)
	hdr("Subject", mime.BEncoding.Encode("UTF-8", subject))
	hdr("Date", date.Format(time.RFC1123Z))
	hdr("Message-ID", fmt.Sprintf("<outbox-%d@%s>", id, host))
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=UTF-8")
	hdr("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// SendMail delivers the message over SMTP: STARTTLS when the server offers
// it, PLAIN authentication when a username is configured.
func SendMail(ctx context.Context, cfg config.MailConfig, m *notify.OutboxMessage, now time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
	defer cancel()
	addr := net.JoinHostPort(cfg.SMTPHost, strconv.Itoa(cfg.SMTPPort))
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, cfg.SMTPHost)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: cfg.SMTPHost, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", cfg.Username, cfg.Password, cfg.SMTPHost)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return fmt.Errorf("mail.from: %w", err)
	}
	to, err := mail.ParseAddress(m.Recipient)
	if err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	if err := c.Mail(from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to.Address); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(BuildMail(cfg.From, m.Recipient, m.Subject, m.Payload, m.ID, now)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
