package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is the jianyi binary under test, run on the seeded database in a
// temporary directory (so no ./config.yaml is picked up), with scheduled
// jobs off and the public search rate limit out of the way.
type server struct {
	cmd     *exec.Cmd
	pid     int
	dir     string
	logPath string
	keepLog string
	stopped bool
}

func startServer(ctx context.Context, c config) (*server, error) {
	dir, err := os.MkdirTemp("", "jianyi-bench-")
	if err != nil {
		return nil, err
	}
	bin := c.serverBin
	if bin == "" {
		bin = filepath.Join(dir, "server")
		fmt.Fprintln(os.Stderr, "building ./server …")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./server")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("building the server (run the bench from the repository root, or pass --server): %w", err)
		}
	}
	dsn := c.dsn
	if c.driver == "sqlite" {
		if dsn, err = filepath.Abs(c.dsn); err != nil {
			return nil, err
		}
	}
	s := &server{dir: dir, logPath: filepath.Join(dir, "server.log"), keepLog: c.keepServerLog}
	logf, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(),
		"JIANYI_DATABASE_DRIVER="+c.driver,
		"JIANYI_DATABASE_DSN="+dsn,
		"JIANYI_HTTP_LISTEN="+c.listen,
		"JIANYI_JOBS_ENABLED=false",
		// Every search comes from 127.0.0.1: the per-IP limit would answer
		// 429 after 60 searches a minute.
		"JIANYI_PUBLIC_SEARCH_PER_IP=100000000",
	)
	cmd.Env = append(cmd.Env, c.serverEnv...)
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	logf.Close()
	s.cmd, s.pid = cmd, cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case err := <-exited:
			s.stopped = true
			return nil, fmt.Errorf("the server exited before it was ready (%v); its log:\n%s", err, s.tail(30))
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := http.Get("http://" + c.listen + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				go func() { <-exited }()
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the server was not ready within 2 minutes; its log:\n%s", s.tail(30))
		}
	}
}

func (s *server) tail(n int) string {
	b, _ := os.ReadFile(s.logPath)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// stop ends the server (SIGTERM, then SIGKILL after 30 s), keeps its log
// if asked to and removes its directory.
func (s *server) stop() {
	s.halt()
	if s.keepLog != "" {
		if b, err := os.ReadFile(s.logPath); err == nil {
			_ = os.WriteFile(s.keepLog, b, 0o644)
		}
	}
	os.RemoveAll(s.dir)
}

func (s *server) halt() {
	if s.stopped {
		return
	}
	s.stopped = true
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() {
			for i := 0; i < 300; i++ {
				if err := s.cmd.Process.Signal(syscall.Signal(0)); err != nil {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	}
}

// resetPeak starts a new peak-RSS window (Linux: writing 5 to clear_refs
// resets VmHWM); false when the kernel or permissions do not allow it.
func (s *server) resetPeak() bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.pid), []byte("5"), 0) == nil
}

// cpuTime is the processor time the server has used so far (user and
// system, from /proc/PID/stat; 0 where that cannot be read). Read before and
// after a run, it gives the server's CPU per request, which a busy machine
// inflates much less than latency.
func (s *server) cpuTime() time.Duration { return processCPU(s.pid) }

// processCPU is the processor time process pid has used so far (0 when pid
// is 0 or its /proc/PID/stat cannot be read).
func processCPU(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count from the ')' after it.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	// Linux reports clock ticks of 1/100 s (USER_HZ) on every common platform.
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// memory returns the server's resident and peak resident memory in bytes.
func (s *server) memory() (rss, peak int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(fields[0], 10, 64)
		switch k {
		case "VmRSS":
			rss = n * 1024
		case "VmHWM":
			peak = n * 1024
		}
	}
	return rss, peak
}

var digits = regexp.MustCompile(`[0-9]+`)

// logSummary is what the server's log says about the run.
type logSummary struct {
	requests  int
	byStatus  map[int]int
	errors    map[string]int // first words of "request failed" errors
	deadlocks int
}

// stopAndSummarise stops the server and reads its log.
func (s *server) stopAndSummarise() (*logSummary, error) {
	s.halt()
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return nil, err
	}
	sum := &logSummary{byStatus: map[int]int{}, errors: map[string]int{}}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var e struct {
			Level  string `json:"level"`
			Msg    string `json:"msg"`
			Status int    `json:"status"`
			Error  string `json:"error"`
		}
		if json.Unmarshal([]byte(line), &e) != nil {
			continue
		}
		switch {
		case e.Msg == "http request":
			sum.requests++
			sum.byStatus[e.Status]++
		case e.Level == "ERROR":
			// Every error the server logged, also those behind a status
			// 200 (an export that failed half-way), grouped with the
			// numbers (ports, ids) taken out.
			if strings.Contains(e.Error, "Deadlock found") {
				sum.deadlocks++
			}
			key := e.Msg + ": " + digits.ReplaceAllString(e.Error, "N")
			if r := []rune(key); len(r) > 110 {
				key = string(r[:110]) + "…"
			}
			sum.errors[key]++
		}
	}
	return sum, nil
}

func (l *logSummary) fiveXX() int {
	n := 0
	for st, c := range l.byStatus {
		if st >= 500 {
			n += c
		}
	}
	return n
}

func (l *logSummary) topErrors(n int) []string {
	type kv struct {
		k string
		v int
	}
	var list []kv
	for k, v := range l.errors {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].v > list[j].v })
	var out []string
	for i, e := range list {
		if i == n {
			break
		}
		out = append(out, fmt.Sprintf("%d × %s", e.v, e.k))
	}
	return out
}
