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
		"“× healthz” is p50 over the p50 of `/healthz` at the same client count at the start of the run; “× healthz around it” is over the mean p50 of two `/healthz` runs at the same client count (up to 2 s each, uncapped) immediately before and after the list (lists only: the machine's speed drifts over a run of many minutes). “server CPU” is the server's processor time (user + system) over the run divided by its requests: a busy machine inflates it much less than latency. Server RSS is its resident memory when the run began → its peak during the run (VmHWM, reset before each run, and sampled every 50 ms).\n\n",
		machine(), c.duration, c.maxRequests)
	fmt.Fprintf(&b, "Load average (1 min) %s before the run, %s after.\n\n", loadBefore, loadAverage())
	fmt.Fprintf(&b, "Server RSS when ready %s, after logging in and %s of settling %s (the baseline every run starts from; %s).\n\n",
		size(idle.ready), idle.settle, size(idle.settled), idle.note)
	fmt.Fprintf(&b, "Users: province `%s` / `%s`, district `%s`, prosecutor `%s` (%s), prosecutor where the rare word is `%s`, city `%s`, agency `%s`.\n\n",
		fx.provinceMgr, fx.provinceChief, fx.districtMgr, fx.busiestPros, fx.busiestName, fx.searchPros, fx.cityChief, fx.agencyUser)
	dbCol, dbAlign := "", ""
	if c.dbPID > 0 {
		// The database server's processor time over each run divided by its
		// requests: with MariaDB on the same machine, what a request costs
		// there too.
		b.WriteString("“db CPU” is the same for the database server (" + c.driver + ", pid " + fmt.Sprint(c.dbPID) + "), which serves only this benchmark.\n\n")
		dbCol, dbAlign = " db CPU |", "---:|"
	}
	b.WriteString("| request | clients | n | p50 | p99 | req/s | × healthz (p50) | × healthz around it (its p50) | server CPU |" + dbCol + " 5xx | other errors | body | server RSS before → peak |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|" + dbAlign + "---:|---:|---:|---:|\n")
	var over []string
	for _, r := range results {
		ratio, besideRatio := "–", "–"
		if h := health[r.clients]; h != nil && r.name != healthzName {
			ratio = times(r.p50, h.p50)
		}
		if r.beside != nil {
			besideRatio = times(r.p50, r.beside.p50) + " (" + ms(r.beside.p50) + ")"
			if r.clients == 8 && r.beside.p50 > 0 && r.p50 > 20*r.beside.p50 {
				// One decimal: the table's "20×" of a list just over the
				// line would read as within it.
				over = append(over, fmt.Sprintf("`%s` %.1f×", strings.TrimPrefix(r.name, "GET "), float64(r.p50)/float64(r.beside.p50)))
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
		fmt.Fprintf(&b, "| `%s` | %d | %d | %s | %s | %.1f | %s | %s | %s |%s %d | %s | %s | %s |\n", strings.TrimPrefix(r.name, "GET "), r.clients, r.n,
			ms(r.p50), ms(r.p99), r.throughput, ratio, besideRatio, cpuMs(r.cpuPerReq), db, r.status5xx, other, size(r.bytes), size(r.rssBefore)+" → "+size(r.peakRSS))
	}
	b.WriteString("\n")
	if len(over) > 0 {
		b.WriteString("Lists over 20× the `/healthz` around them at 8 clients: " + strings.Join(over, ", ") + ".\n\n")
	} else if hasListAt(results, 8) {
		b.WriteString("Every list at 8 clients is within 20× the `/healthz` around it.\n\n")
	}
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

// times is p50 over base as "17×" (one decimal under 10), or "–".
func times(p50, base time.Duration) string {
	if base <= 0 || p50 <= 0 {
		return "–"
	}
	r := float64(p50) / float64(base)
	if r < 10 {
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.0f×", r)
}

// besideNote is the progress line's note of a list's ratio to the /healthz
// runs around it.
func besideNote(r result) string {
	if r.beside == nil {
		return ""
	}
	return fmt.Sprintf(" (healthz around it %s: %s)", ms(r.beside.p50), times(r.p50, r.beside.p50))
}

func hasListAt(results []result, clients int) bool {
	for _, r := range results {
		if r.list && r.clients == clients {
			return true
		}
	}
	return false
}
