package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// cpuMs is a CPU time per request, "–" when none was measured.
func cpuMs(d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func size(n int64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 10<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// machine describes where the run happened.
func machine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %d kB", &kb)
		mem = fmt.Sprintf(", %.0f GB RAM", float64(kb)/(1<<20))
	}
	return fmt.Sprintf("%d CPU (%s)%s, %s/%s, %s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// loadAverage is the machine's 1-minute load average: other work on the
// machine shows in the figures.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func renderReport(c config, fx *fixtures, results []result, health map[int]*result, logs *logSummary, loadBefore string, idle idleMemory) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s, %d cases, %d published disclosures — %s\n\n", c.driver, fx.cases, fx.disclosures, time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&b, "Machine: %s. Each endpoint ran %s per client count (every client finishing at least one request, at most %d requests); "+
		"“× healthz” is p50 over the p50 of `/healthz` at the same client count in the same run. “server CPU” is the server's processor time (user + system) over the run divided by its requests: a busy machine inflates it much less than latency. Server RSS is its resident memory when the run began → its peak during the run (VmHWM, reset before each run, and sampled every 50 ms).\n\n",
		machine(), c.duration, c.maxRequests)
	fmt.Fprintf(&b, "Load average (1 min) %s before the run, %s after.\n\n", loadBefore, loadAverage())
	fmt.Fprintf(&b, "Server RSS when ready %s, after logging in and %s of settling %s (the baseline every run starts from; %s).\n\n",
		size(idle.ready), idle.settle, size(idle.settled), idle.note)
	fmt.Fprintf(&b, "Users: province `%s` / `%s`, district `%s`, prosecutor `%s` (%s), city `%s`, agency `%s`.\n\n",
		fx.provinceMgr, fx.provinceChief, fx.districtMgr, fx.busiestPros, fx.busiestName, fx.cityChief, fx.agencyUser)
	dbCol, dbAlign := "", ""
	if c.dbPID > 0 {
		// The database server's processor time over each run divided by its
		// requests: with MariaDB on the same machine, what a request costs
		// there too.
		b.WriteString("“db CPU” is the same for the database server (" + c.driver + ", pid " + fmt.Sprint(c.dbPID) + "), which serves only this benchmark.\n\n")
		dbCol, dbAlign = " db CPU |", "---:|"
	}
	b.WriteString("| request | clients | n | p50 | p99 | req/s | × healthz (p50) | server CPU |" + dbCol + " 5xx | other errors | body | server RSS before → peak |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|" + dbAlign + "---:|---:|---:|---:|\n")
	for _, r := range results {
		ratio := "–"
		if h := health[r.clients]; h != nil && h.p50 > 0 && r.p50 > 0 && r.name != healthzName {
			ratio = fmt.Sprintf("%.0f×", float64(r.p50)/float64(h.p50))
			if float64(r.p50)/float64(h.p50) < 10 {
				ratio = fmt.Sprintf("%.1f×", float64(r.p50)/float64(h.p50))
			}
		}
		other := fmt.Sprint(r.failures + r.status4xx)
		if r.exhausted {
			other += " (ran out of letters)"
		}
		db := ""
		if c.dbPID > 0 {
			db = " " + cpuMs(r.dbCPUPerReq) + " |"
		}
		fmt.Fprintf(&b, "| `%s` | %d | %d | %s | %s | %.1f | %s | %s |%s %d | %s | %s | %s |\n", strings.TrimPrefix(r.name, "GET "), r.clients, r.n,
			ms(r.p50), ms(r.p99), r.throughput, ratio, cpuMs(r.cpuPerReq), db, r.status5xx, other, size(r.bytes), size(r.rssBefore)+" → "+size(r.peakRSS))
	}
	b.WriteString("\n")
	var notes []string
	for _, r := range results {
		for _, e := range r.firstErrors {
			notes = append(notes, fmt.Sprintf("%s at %d clients: %s", r.name, r.clients, e))
		}
	}
	fmt.Fprintf(&b, "Server log: %d requests, %d answered 5xx", logs.requests, logs.fiveXX())
	if logs.deadlocks > 0 {
		fmt.Fprintf(&b, ", %d of them deadlocks (MySQL error 1213)", logs.deadlocks)
	}
	b.WriteString(".\n")
	if top := logs.topErrors(5); len(top) > 0 {
		b.WriteString("Errors in the server log (any status):\n")
		for _, e := range top {
			fmt.Fprintf(&b, "- %s\n", e)
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nFirst client-side errors:\n")
		for i, n := range notes {
			if i == 20 {
				fmt.Fprintf(&b, "- … %d more\n", len(notes)-20)
				break
			}
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}
