package jobs_test

import (
	"bufio"
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/dbtest"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
	"jianyi/jobs"
)

// webhookReceiver is a test endpoint that fails its first requests, checks
// every signature and counts deliveries by X-Jianyi-Delivery.
type webhookReceiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	fail   int // answer 500 to this many more requests; -1 = always
	hits   int
	got    map[string]int
	bodies map[string][]byte
}

func (w *webhookReceiver) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.hits++
	if want := jobs.Sign(w.secret, body); !hmac.Equal([]byte(r.Header.Get(jobs.SignatureHeader)), []byte(want)) {
		w.t.Errorf("bad signature %q, want %q", r.Header.Get(jobs.SignatureHeader), want)
		rw.WriteHeader(http.StatusUnauthorized)
		return
	}
	if w.fail != 0 {
		if w.fail > 0 {
			w.fail--
		}
		http.Error(rw, "down for maintenance", http.StatusInternalServerError)
		return
	}
	id := r.Header.Get(jobs.DeliveryHeader)
	w.got[id]++
	w.bodies[id] = body
	rw.WriteHeader(http.StatusNoContent)
}

func (w *webhookReceiver) delivered() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]int{}
	for k, v := range w.got {
		out[k] = v
	}
	return out
}

// smtpServer speaks just enough SMTP for net/smtp: greeting, EHLO with AUTH
// PLAIN, AUTH, MAIL, RCPT, DATA, QUIT. Its first refuse connections get
// "421" and are closed, like a server that is down.
type smtpServer struct {
	ln       net.Listener
	user     string
	pass     string
	mu       sync.Mutex
	refuse   int
	messages []string
	authOK   int
}

func startSMTP(t *testing.T, user, pass string, refuse int) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, user: user, pass: pass, refuse: refuse}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *smtpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	s.mu.Lock()
	refuse := s.refuse > 0
	if refuse {
		s.refuse--
	}
	s.mu.Unlock()
	if refuse {
		tp.PrintfLine("421 4.3.2 service not available")
		return
	}
	tp.PrintfLine("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch cmd {
		case "EHLO", "HELO":
			tp.PrintfLine("250-test\r\n250-AUTH PLAIN\r\n250 8BITMIME")
		case "AUTH":
			parts := strings.Fields(line)
			raw, _ := base64.StdEncoding.DecodeString(parts[len(parts)-1])
			if string(raw) != "\x00"+s.user+"\x00"+s.pass {
				tp.PrintfLine("535 5.7.8 bad credentials")
				continue
			}
			s.mu.Lock()
			s.authOK++
			s.mu.Unlock()
			tp.PrintfLine("235 2.7.0 ok")
		case "MAIL", "RCPT", "RSET", "NOOP":
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 go ahead")
			data, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			s.mu.Lock()
			s.messages = append(s.messages, string(data))
			s.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 not implemented")
		}
	}
}

func (s *smtpServer) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.messages...)
}

func closedPortURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/hook"
}

func notifyUser(t *testing.T, db *database.DB, ch notify.Channels, userID int64, title, body string) {
	t.Helper()
	if err := db.WithTx(context.Background(), func(tx *gorm.DB) error {
		return notify.Send(tx, ch, notify.Spec{UserIDs: []int64{userID}, Kind: "test", Title: title, Body: body})
	}); err != nil {
		t.Fatal(err)
	}
}

func outboxRows(t *testing.T, db *database.DB) []notify.OutboxMessage {
	var rows []notify.OutboxMessage
	if err := db.Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestOutboxDeliversOnceAfterRecovery(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		cfg := testConfig(t)
		seed(t, db)
		hook := &webhookReceiver{t: t, secret: "webhook-test-secret", fail: 1, got: map[string]int{}, bodies: map[string][]byte{}}
		srv := httptest.NewServer(hook)
		defer srv.Close()
		smtpd := startSMTP(t, "mailer", "s3cret", 2)
		cfg.Webhook.URL, cfg.Webhook.Secret = closedPortURL(t), hook.secret // first: connection refused
		cfg.Mail.SMTPHost, cfg.Mail.SMTPPort, cfg.Mail.Username, cfg.Mail.Password = "127.0.0.1", smtpd.port(), "mailer", "s3cret"
		cfg.Mail.From = "检察建议系统 <jianyi@example.invalid>"
		prosecutor := userID(t, db, "prosecutor1")
		db.Model(&org.User{}).Where("id = ?", prosecutor).Update("email", "zhang@example.invalid")
		title, body := "检察建议回复已逾期", "《校园周边食品安全隐患》的书面回复期限（2026年5月6日）已届满，尚未收到书面回复。"
		notifyUser(t, db, jobs.ChannelsOf(cfg), prosecutor, title, body)

		clock := &testClock{}
		start := time.Now().Add(time.Second)
		clock.Set(start)
		s := newScheduler(t, db, cfg, clock)
		step := func(at time.Time, wantSent int) {
			t.Helper()
			clock.Set(at)
			run, err := s.Tick(context.Background(), "outbox")
			if err != nil || run == nil || run.Status != jobs.RunOK || run.Handled != wantSent {
				t.Fatalf("outbox run at +%s: %+v %v (want %d sent)", at.Sub(start), run, err, wantSent)
			}
		}
		step(start, 0) // webhook refuses, SMTP says 421
		rows := outboxRows(t, db)
		if len(rows) != 2 || rows[0].Attempts != 1 || rows[1].Attempts != 1 || rows[0].Status != notify.OutboxPending ||
			!rows[0].NextAttemptAt.Equal(start.Add(time.Minute).UTC().Truncate(time.Microsecond)) || rows[0].LastError == "" {
			t.Fatalf("after a failed attempt: %+v", rows)
		}
		step(start.Add(30*time.Second), 0) // not due yet: no attempt
		if rows := outboxRows(t, db); rows[0].Attempts != 1 {
			t.Fatalf("attempted before the backoff ran out: %+v", rows)
		}
		cfg.Webhook.URL = srv.URL          // endpoint up, but answers 500 once more
		step(start.Add(61*time.Second), 0) // SMTP: 421 again
		step(start.Add(4*time.Minute), 2)  // both up: delivered
		step(start.Add(time.Hour), 0)      // nothing left
		rows = outboxRows(t, db)
		for _, r := range rows {
			if r.Status != notify.OutboxSent || r.Attempts != 3 || r.SentAt == nil || r.LastError != "" {
				t.Fatalf("delivered row %+v", r)
			}
		}

		// The webhook: once, signed (checked by the receiver), with the notification as JSON.
		got := hook.delivered()
		hookRow := rows[1]
		if rows[0].Channel == "webhook" {
			hookRow = rows[0]
		}
		if len(got) != 1 || got[strconv.FormatInt(hookRow.ID, 10)] != 1 {
			t.Fatalf("webhook deliveries %v, want one of outbox %d", got, hookRow.ID)
		}
		var payload map[string]any
		if err := json.Unmarshal(hook.bodies[strconv.FormatInt(hookRow.ID, 10)], &payload); err != nil || payload["title"] != title || payload["username"] != "prosecutor1" {
			t.Fatalf("webhook payload %v (%v)", payload, err)
		}

		// The e-mail: once, authenticated, a proper message with a UTF-8 subject.
		msgs := smtpd.received()
		if len(msgs) != 1 || smtpd.authOK != 1 {
			t.Fatalf("%d mails, %d logins; want 1 and 1", len(msgs), smtpd.authOK)
		}
		m, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(msgs[0])))
		if err != nil {
			t.Fatal(err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil || subject != title || !strings.HasPrefix(m.Header.Get("Subject"), "=?UTF-8?b?") {
			t.Fatalf("subject %q (raw %q): %v", subject, m.Header.Get("Subject"), err)
		}
		from, err := m.Header.AddressList("From")
		if err != nil || from[0].Name != "检察建议系统" || m.Header.Get("To") != "zhang@example.invalid" {
			t.Fatalf("from %v (%v), to %q", from, err, m.Header.Get("To"))
		}
		raw, _ := io.ReadAll(m.Body)
		text, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
		if err != nil || string(text) != body {
			t.Fatalf("body %q (%v), want %q", text, err, body)
		}
		for _, h := range []string{"Date", "Message-ID", "MIME-Version"} {
			if m.Header.Get(h) == "" {
				t.Fatalf("missing %s header", h)
			}
		}
		if ct := m.Header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
			t.Fatalf("content type %q", ct)
		}
	})
}

func TestOutboxGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		cfg := testConfig(t)
		seed(t, db)
		hook := &webhookReceiver{t: t, secret: "webhook-test-secret", fail: -1, got: map[string]int{}, bodies: map[string][]byte{}}
		srv := httptest.NewServer(hook)
		defer srv.Close()
		cfg.Webhook.URL, cfg.Webhook.Secret, cfg.Webhook.MaxAttempts = srv.URL, hook.secret, 3
		notifyUser(t, db, jobs.ChannelsOf(cfg), userID(t, db, "prosecutor1"), "提醒", "内容")
		clock := &testClock{}
		start := time.Now().Add(time.Second)
		s := newScheduler(t, db, cfg, clock)
		for i := range 6 {
			clock.Set(start.Add(time.Duration(i) * 10 * time.Minute))
			if _, err := s.Tick(context.Background(), "outbox"); err != nil {
				t.Fatal(err)
			}
		}
		rows := outboxRows(t, db)
		if len(rows) != 1 || rows[0].Status != notify.OutboxFailed || rows[0].Attempts != 3 || !strings.Contains(rows[0].LastError, "500") {
			t.Fatalf("row %+v, want failed after 3 attempts with the last error", rows)
		}
		if hook.hits != 3 {
			t.Fatalf("endpoint hit %d times, want 3", hook.hits)
		}
	})
}

// TestOutboxTwoSenders runs the sender on two database handles at once: the
// conditional claim gives each message to one of them.
func TestOutboxTwoSenders(t *testing.T) {
	t.Parallel()
	for _, driver := range dbtest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			db1, db2 := twoHandles(t, driver)
			cfg := testConfig(t)
			seed(t, db1)
			hook := &webhookReceiver{t: t, secret: "webhook-test-secret", got: map[string]int{}, bodies: map[string][]byte{}}
			srv := httptest.NewServer(hook)
			defer srv.Close()
			cfg.Webhook.URL, cfg.Webhook.Secret = srv.URL, hook.secret
			const n = 40
			for i := range n {
				notifyUser(t, db1, jobs.ChannelsOf(cfg), userID(t, db1, "prosecutor1"), fmt.Sprint("提醒", i), "内容")
			}
			clock := &testClock{}
			clock.Set(time.Now().Add(time.Second))
			senders := []*jobs.Scheduler{newScheduler(t, db1, cfg, clock), newScheduler(t, db2, cfg, clock)}
			var wg sync.WaitGroup
			for range 2 {
				for _, s := range senders {
					wg.Go(func() {
						if _, err := s.RunNow(context.Background(), nil, "outbox"); err != nil && err != jobs.ErrJobRunning {
							t.Errorf("sender: %v", err)
						}
					})
				}
			}
			wg.Wait()
			got := hook.delivered()
			if len(got) != n {
				t.Fatalf("%d distinct deliveries, want %d", len(got), n)
			}
			for id, c := range got {
				if c != 1 {
					t.Fatalf("delivery %s arrived %d times", id, c)
				}
			}
			if sent := countRows(t, db1, &notify.OutboxMessage{}, "status = ?", notify.OutboxSent); sent != n {
				t.Fatalf("%d rows sent, want %d", sent, n)
			}
		})
	}
}
