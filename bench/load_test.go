package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunScenarioCountsWhatTheServerDid: statuses, bodies cut short and
// request counts end up where the report reads them.
func TestRunScenarioCountsWhatTheServerDid(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/fail":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "/cut":
			// Promise more than is sent, then drop the connection: a
			// download cut short with status 200.
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte(strings.Repeat("x", 10)))
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
		default:
			w.Write([]byte("ok"))
		}
	}))
	defer ts.Close()
	c := config{listen: strings.TrimPrefix(ts.URL, "http://"), duration: 2 * time.Second, maxRequests: 50, timeout: 5 * time.Second, clients: []int{4}}
	srv := &server{pid: os.Getpid()}
	cl := newClient(c)
	path := func(p string) scenario {
		return scenario{name: p, next: func(int64) (string, string, bool) { return p, "", true }}
	}
	ok := runScenario(context.Background(), cl, srv, path("/ok"), 4, c)
	if ok.n != 50 || ok.status5xx != 0 || ok.failures != 0 || ok.p50 <= 0 || ok.p99 < ok.p50 || ok.bytes != 2 {
		t.Errorf("ok: %+v", ok)
	}
	fail := runScenario(context.Background(), cl, srv, path("/fail"), 4, c)
	if fail.status5xx != fail.n || fail.n == 0 {
		t.Errorf("fail: %+v", fail)
	}
	cut := runScenario(context.Background(), cl, srv, path("/cut"), 2, c)
	if cut.failures == 0 || cut.n != 0 || len(cut.firstErrors) == 0 || !strings.Contains(cut.firstErrors[0], "cut short") {
		t.Errorf("cut: %+v", cut)
	}
	// A scenario that runs out of fixtures stops and says so.
	var left atomic.Int64
	left.Store(3)
	few := scenario{name: "few", next: func(int64) (string, string, bool) {
		return "/ok", "", left.Add(-1) >= 0
	}}
	r := runScenario(context.Background(), cl, srv, few, 2, c)
	if r.n != 3 || !r.exhausted {
		t.Errorf("few: %+v", r)
	}
}

// TestLogSummaryCountsErrorsBehindAnyStatus: an export that failed after
// its 200 went out shows among the errors; deadlocks are counted.
func TestLogSummaryCountsErrorsBehindAnyStatus(t *testing.T) {
	dir := t.TempDir()
	log := strings.Join([]string{
		`{"level":"INFO","msg":"http request","route":"/api/v1/stats/ledger.csv","status":200}`,
		`{"level":"ERROR","msg":"ledger export failed","format":"csv","error":"write tcp 127.0.0.1:18099->127.0.0.1:36940: i/o timeout"}`,
		`{"level":"ERROR","msg":"ledger export failed","format":"csv","error":"write tcp 127.0.0.1:18099->127.0.0.1:40780: i/o timeout"}`,
		`{"level":"ERROR","msg":"http request","status":500}`,
		`{"level":"ERROR","msg":"request failed","error":"Error 1213 (40001): Deadlock found when trying to get lock; try restarting transaction"}`,
		`not json`,
	}, "\n")
	srv := &server{dir: dir, logPath: dir + "/server.log", stopped: true}
	if err := os.WriteFile(srv.logPath, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := srv.stopAndSummarise()
	if err != nil {
		t.Fatal(err)
	}
	if sum.requests != 2 || sum.fiveXX() != 1 || sum.deadlocks != 1 {
		t.Errorf("summary %+v", sum)
	}
	top := sum.topErrors(5)
	if len(top) != 2 || !strings.HasPrefix(top[0], "2 × ledger export failed: write tcp") {
		t.Errorf("top errors %q", top)
	}
}

// TestCPUTimeReadsTheProcess: the server's CPU time comes from /proc and
// grows with work done.
func TestCPUTimeReadsTheProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	s := &server{pid: os.Getpid()}
	before := s.cpuTime()
	deadline := time.Now().Add(100 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	after := s.cpuTime()
	if after <= before || x == 0 {
		t.Fatalf("CPU time %v → %v after 100 ms of work", before, after)
	}
}

// TestDatabaseCPUPerRequest: with --db-pid the run also reports the CPU the
// database process spent per request (here the test process itself, whose
// handler burns about 5 ms per request), and the report gains its column.
func TestDatabaseCPUPerRequest(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for end := time.Now().Add(5 * time.Millisecond); time.Now().Before(end); {
		}
		w.Write([]byte("ok"))
	}))
	defer ts.Close()
	c := config{listen: strings.TrimPrefix(ts.URL, "http://"), duration: 300 * time.Millisecond, maxRequests: 40, timeout: 5 * time.Second, clients: []int{1}}
	srv := &server{pid: os.Getpid()}
	sc := scenario{name: "GET /busy", next: func(int64) (string, string, bool) { return "/busy", "", true }}
	without := runScenario(context.Background(), newClient(c), srv, sc, 1, c)
	if without.dbCPUPerReq != 0 {
		t.Errorf("no --db-pid, yet db CPU %v", without.dbCPUPerReq)
	}
	c.dbPID = os.Getpid()
	with := runScenario(context.Background(), newClient(c), srv, sc, 1, c)
	if with.dbCPUPerReq < 2*time.Millisecond {
		t.Errorf("db CPU per request %v, want about 5 ms", with.dbCPUPerReq)
	}
	report := renderReport(c, &fixtures{}, []result{with}, map[int]*result{}, &logSummary{}, "0.00", idleMemory{})
	if !strings.Contains(report, "| server CPU | db CPU |") || !strings.Contains(report, "| `/busy` | 1 |") {
		t.Errorf("report lacks the db CPU column:\n%s", report)
	}
}

// A list's ratio is given both to the run's first /healthz and to the
// /healthz measured around it, and the lists over 20× of the latter at 8
// clients are named.
func TestReportRatiosToTheHealthzAroundEachList(t *testing.T) {
	ms := time.Millisecond
	start := &result{name: healthzName, clients: 8, p50: ms / 4}
	results := []result{
		*start,
		{name: "GET /slow list", list: true, clients: 8, p50: 6 * ms, beside: &result{name: healthzName, clients: 8, p50: ms / 2}},
		{name: "GET /bad list", list: true, clients: 8, p50: 11 * ms, beside: &result{name: healthzName, clients: 8, p50: ms / 2}},
		{name: "GET /line list", list: true, clients: 8, p50: 10100 * time.Microsecond, beside: &result{name: healthzName, clients: 8, p50: ms / 2}},
		{name: "GET /stats", clients: 8, p50: 30 * ms},
	}
	report := renderReport(config{}, &fixtures{}, results, map[int]*result{8: start}, &logSummary{}, "0.00", idleMemory{})
	for _, want := range []string{
		"| `/slow list` | 8 | 0 | 6.00 ms | – | 0.0 | 24× | 12× (0.50 ms) |",
		"| `/bad list` | 8 | 0 | 11 ms | – | 0.0 | 44× | 22× (0.50 ms) |",
		"| `/stats` | 8 | 0 | 30 ms | – | 0.0 | 120× | – |",
		"| `/line list` | 8 | 0 | 10 ms | – | 0.0 | 40× | 20× (0.50 ms) |",
		"Lists over 20× the `/healthz` around them at 8 clients: `/bad list` 22.0×, `/line list` 20.2×.",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	results[2].p50, results[3].p50 = 9*ms, 10*ms
	report = renderReport(config{}, &fixtures{}, results, map[int]*result{8: start}, &logSummary{}, "0.00", idleMemory{})
	if !strings.Contains(report, "Every list at 8 clients is within 20× the `/healthz` around it.") {
		t.Errorf("all within 20×, yet:\n%s", report)
	}
}
