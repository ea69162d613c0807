package main

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

const healthzName = "GET /healthz"

// scenario is one endpoint as one kind of user calls it. next returns the
// path and token of request i, or ok=false when there is nothing left to
// request (first downloads use each letter once).
type scenario struct {
	name string
	list bool // a list request: the issue wants it within 20× /healthz at 8 clients
	next func(i int64) (path, token string, ok bool)
}

func buildScenarios(fx *fixtures, c config) []scenario {
	tok := func(u string) string { return fx.tokens[u] }
	fixed := func(path, user string) func(int64) (string, string, bool) {
		return func(int64) (string, string, bool) { return path, tok(user), true }
	}
	q := url.QueryEscape(c.rareWord)
	var unfrozen atomic.Int64
	return []scenario{
		{name: healthzName, next: fixed("/healthz", "")},
		{name: "GET /api/v1/stats (province case manager)", next: fixed("/api/v1/stats", fx.provinceMgr)},
		{name: "GET /api/v1/stats (district case manager)", next: fixed("/api/v1/stats", fx.districtMgr)},
		{name: "GET /api/v1/public/stats (anonymous)", next: fixed("/api/v1/public/stats", "")},
		{name: "GET /api/v1/stats/ledger.xlsx (province chief)", next: fixed("/api/v1/stats/ledger.xlsx", fx.provinceChief)},
		{name: "GET /api/v1/stats/ledger.csv (province chief)", next: fixed("/api/v1/stats/ledger.csv", fx.provinceChief)},
		{name: "GET /api/v1/cases?q=<rare word> (prosecutor)", list: true, next: fixed("/api/v1/cases?q="+q, fx.busiestPros)},
		{name: "GET /api/v1/cases?q=<rare word> (prosecutor where it is)", list: true, next: fixed("/api/v1/cases?q="+q, fx.searchPros)},
		{name: "GET /api/v1/public/disclosures?q=<rare word>", list: true, next: fixed("/api/v1/public/disclosures?q="+q, "")},
		{name: "GET /api/v1/cases?state=delivered&overdue=true", list: true, next: fixed("/api/v1/cases?state=delivered&overdue=true", fx.busiestPros)},
		{name: "GET /api/v1/cases/{id} (case page)", next: func(i int64) (string, string, bool) {
			return fmt.Sprintf("/api/v1/cases/%d", fx.caseIDs[i%int64(len(fx.caseIDs))]), tok(fx.busiestPros), true
		}},
		{name: "GET /api/v1/cases/{id}/events", next: func(i int64) (string, string, bool) {
			return fmt.Sprintf("/api/v1/cases/%d/events", fx.caseIDs[i%int64(len(fx.caseIDs))]), tok(fx.busiestPros), true
		}},
		{name: "GET /api/v1/agency/recommendations (agency inbox)", list: true, next: fixed("/api/v1/agency/recommendations", fx.agencyUser)},
		{name: "GET /api/v1/public/disclosures (feed, first page)", list: true, next: fixed("/api/v1/public/disclosures", "")},
		{name: "GET /api/v1/public/disclosures?cursor=<deep>", list: true, next: fixed(fmt.Sprintf("/api/v1/public/disclosures?cursor=%d", fx.deepCursor), "")},
		{name: "GET /api/v1/filings (city chief)", list: true, next: fixed("/api/v1/filings", fx.cityChief)},
		{name: "GET /api/v1/applications (district case manager)", list: true, next: fixed("/api/v1/applications", fx.districtMgr)},
		{name: "GET /api/v1/projects (province case manager)", list: true, next: fixed("/api/v1/projects", fx.provinceMgr)},
		{name: "GET …/documents/recommendation.pdf (first download)", next: func(int64) (string, string, bool) {
			k := unfrozen.Add(1) - 1
			if k >= int64(len(fx.unfrozen)) {
				return "", "", false
			}
			l := fx.unfrozen[k]
			return fmt.Sprintf("/api/v1/cases/%d/documents/recommendation.pdf", l.caseID), tok(fx.unfrozenByProcs[l.procID]), true
		}},
	}
}

func newClient(c config) *http.Client {
	maxClients := 1
	for _, n := range c.clients {
		maxClients = max(maxClients, n)
	}
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        maxClients * 2,
			MaxIdleConnsPerHost: maxClients * 2,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// result is one scenario at one client count.
type result struct {
	name        string
	list        bool
	clients     int
	n           int
	p50, p99    time.Duration
	throughput  float64 // completed requests per second
	status5xx   int
	status4xx   int
	failures    int // transport errors, timeouts, bodies cut short
	bytes       int64
	cpuPerReq   time.Duration // server CPU time over the run / requests
	dbCPUPerReq time.Duration // the database server's CPU over the run / requests (with --db-pid)
	rssBefore   int64         // resident memory when the run began
	peakRSS     int64
	exhausted   bool
	firstErrors []string
	// beside is /healthz at the same client count around this list (lists
	// only): its p50 is the mean of the p50s of a run just before and one
	// just after. The machine's speed drifts over a run of many minutes,
	// and the ratio to it is to the machine as it was then.
	beside *result
}

// runScenario runs clients workers for the configured duration (each
// finishing at least one request), up to maxRequests in all.
func runScenario(ctx context.Context, cl *http.Client, srv *server, sc scenario, clients int, c config) result {
	res := result{name: sc.name, list: sc.list, clients: clients}
	res.rssBefore, _ = srv.memory()
	cpuBefore, dbBefore := srv.cpuTime(), processCPU(c.dbPID)
	resettable := srv.resetPeak()
	var peak atomic.Int64
	stopSampling := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			rss, _ := srv.memory()
			if rss > peak.Load() {
				peak.Store(rss)
			}
			select {
			case <-stopSampling:
				return
			case <-t.C:
			}
		}
	}()

	var (
		mu        sync.Mutex
		durations []time.Duration
		seq       atomic.Int64
		started   atomic.Int64
		exhausted atomic.Bool
	)
	begin := time.Now()
	deadline := begin.Add(c.duration)
	var wg sync.WaitGroup
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for first := true; ; first = false {
				if ctx.Err() != nil || (!first && time.Now().After(deadline)) || started.Add(1) > int64(c.maxRequests) {
					return
				}
				path, token, ok := sc.next(seq.Add(1) - 1)
				if !ok {
					exhausted.Store(true)
					return
				}
				d, status, n, err := do(ctx, cl, c, path, token)
				mu.Lock()
				switch {
				case err != nil:
					res.failures++
					if len(res.firstErrors) < 3 {
						res.firstErrors = append(res.firstErrors, err.Error())
					}
				case status >= 500:
					res.status5xx++
				case status >= 400:
					res.status4xx++
					if len(res.firstErrors) < 3 {
						res.firstErrors = append(res.firstErrors, fmt.Sprintf("status %d on %s", status, path))
					}
				}
				if err == nil {
					durations = append(durations, d)
					res.bytes += n
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(begin)
	cpu, dbCPU := srv.cpuTime()-cpuBefore, processCPU(c.dbPID)-dbBefore
	close(stopSampling)
	sampler.Wait()
	res.n = len(durations)
	res.exhausted = exhausted.Load()
	if res.n > 0 {
		sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
		res.p50 = durations[(res.n-1)/2]
		res.p99 = durations[int(math.Ceil(0.99*float64(res.n)))-1]
		res.throughput = float64(res.n) / elapsed.Seconds()
		res.bytes /= int64(res.n)
		res.cpuPerReq = cpu / time.Duration(res.n)
		res.dbCPUPerReq = dbCPU / time.Duration(res.n)
	}
	res.peakRSS = peak.Load()
	if _, hwm := srv.memory(); resettable && hwm > res.peakRSS {
		res.peakRSS = hwm
	}
	return res
}

// do sends one GET and reads the whole body; a body cut short is an error.
func do(ctx context.Context, cl *http.Client, c config, path, token string) (time.Duration, int, int64, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.listen+path, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	resp, err := cl.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	n, err := discard(resp.Body)
	d := time.Since(start)
	if err != nil {
		return d, resp.StatusCode, n, fmt.Errorf("status %d, body cut short after %d bytes: %w", resp.StatusCode, n, err)
	}
	return d, resp.StatusCode, n, nil
}
