package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"

	_ "github.com/glebarez/go-sqlite"
	_ "github.com/go-sql-driver/mysql"
)

// fixtures are the accounts and ids the scenarios use, read from the seeded
// database before the server starts.
type fixtures struct {
	cases           int64
	disclosures     int64
	provinceMgr     string // province case manager: statistics of the whole tree
	provinceChief   string // province chief: the ledger of the whole tree
	districtMgr     string // case manager of the busiest district
	busiestPros     string // a prosecutor of the busiest procuratorate
	searchPros      string // a prosecutor of the procuratorate with most cases of the rare word
	busiestName     string
	cityChief       string // reads the filings of its districts
	agencyUser      string // the agency with most delivered letters
	caseIDs         []int64
	deepCursor      int64
	unfrozen        []unfrozenLetter
	tokens          map[string]string
	unfrozenByProcs map[int64]string // procuratorate id → chief username
}

type unfrozenLetter struct {
	caseID, procID int64
}

func openFixtureDB(c config) (*sql.DB, error) {
	if c.driver == "sqlite" {
		if _, err := os.Stat(c.dsn); err != nil {
			return nil, fmt.Errorf("--dsn: %w", err)
		}
		return sql.Open("sqlite", c.dsn+"?_pragma=busy_timeout(10000)")
	}
	return sql.Open("mysql", c.dsn)
}

func loadFixtures(ctx context.Context, c config) (*fixtures, error) {
	db, err := openFixtureDB(c)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	fx := &fixtures{tokens: map[string]string{}, unfrozenByProcs: map[int64]string{}}
	one := func(dst any, q string, args ...any) error {
		if err := db.QueryRowContext(ctx, q, args...).Scan(dst); err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(q)[0:4], err)
		}
		return nil
	}
	if err := one(&fx.cases, "SELECT COUNT(*) FROM cases"); err != nil {
		return nil, err
	}
	if fx.cases == 0 {
		return nil, fmt.Errorf("the database holds no cases: fill it with `server seed-bench --cases N` first")
	}
	if err := one(&fx.disclosures, "SELECT COUNT(*) FROM disclosures WHERE status = 'published'"); err != nil {
		return nil, err
	}
	p := c.prefix + "-"
	fx.provinceMgr, fx.provinceChief = p+"p-casemgr", p+"p-chief"
	var exists int
	if err := one(&exists, "SELECT COUNT(*) FROM users WHERE username IN (?, ?)", fx.provinceMgr, fx.provinceChief); err != nil {
		return nil, err
	}
	if exists != 2 {
		return nil, fmt.Errorf("no seeded accounts %s and %s: was the database filled by seed-bench with --prefix %s?", fx.provinceMgr, fx.provinceChief, c.prefix)
	}
	var districtID, busiestID, cityID, agencyID int64
	if err := one(&districtID, `SELECT c.procuratorate_id FROM cases c JOIN procuratorates p ON p.id = c.procuratorate_id
		WHERE p.level = 'county' GROUP BY c.procuratorate_id ORDER BY COUNT(*) DESC, c.procuratorate_id LIMIT 1`); err != nil {
		return nil, err
	}
	if err := one(&busiestID, `SELECT procuratorate_id FROM cases GROUP BY procuratorate_id ORDER BY COUNT(*) DESC, procuratorate_id LIMIT 1`); err != nil {
		return nil, err
	}
	if err := one(&cityID, "SELECT parent_id FROM procuratorates WHERE id = ?", districtID); err != nil {
		return nil, err
	}
	if err := one(&fx.districtMgr, "SELECT username FROM users WHERE procuratorate_id = ? AND role = 'case_manager' ORDER BY id LIMIT 1", districtID); err != nil {
		return nil, err
	}
	if err := one(&fx.cityChief, "SELECT username FROM users WHERE procuratorate_id = ? AND role = 'chief' ORDER BY id LIMIT 1", cityID); err != nil {
		return nil, err
	}
	if err := one(&fx.busiestName, "SELECT name FROM procuratorates WHERE id = ?", busiestID); err != nil {
		return nil, err
	}
	if err := one(&fx.busiestPros, `SELECT u.username FROM cases c JOIN users u ON u.id = c.prosecutor_id WHERE c.procuratorate_id = ?
		GROUP BY u.username ORDER BY COUNT(*) DESC, u.username LIMIT 1`, busiestID); err != nil {
		return nil, err
	}
	// Staff search their own procuratorate's cases, and the busiest one may
	// hold none of the rare word's (at 10^6: 0 of 95): a search with hits
	// is made where most of them are.
	like := "%" + c.rareWord + "%"
	err = one(&fx.searchPros, `SELECT u.username FROM users u WHERE u.role = 'prosecutor' AND u.procuratorate_id = (
		SELECT procuratorate_id FROM cases WHERE title LIKE ? OR summary LIKE ? GROUP BY procuratorate_id
		ORDER BY COUNT(*) DESC, procuratorate_id LIMIT 1) ORDER BY u.id LIMIT 1`, like, like)
	if errors.Is(err, sql.ErrNoRows) {
		fx.searchPros, err = fx.busiestPros, nil
	}
	if err != nil {
		return nil, err
	}
	if err := one(&agencyID, `SELECT agency_id FROM cases WHERE delivered_on IS NOT NULL AND agency_id IS NOT NULL
		GROUP BY agency_id ORDER BY COUNT(*) DESC, agency_id LIMIT 1`); err != nil {
		return nil, err
	}
	if err := one(&fx.agencyUser, "SELECT username FROM users WHERE agency_id = ? ORDER BY id LIMIT 1", agencyID); err != nil {
		return nil, err
	}
	// Case pages: issued cases of the busiest procuratorate (long timelines).
	rows, err := db.QueryContext(ctx, "SELECT id FROM cases WHERE procuratorate_id = ? AND issued_at IS NOT NULL ORDER BY id LIMIT 500", busiestID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		fx.caseIDs = append(fx.caseIDs, id)
	}
	rows.Close()
	if len(fx.caseIDs) == 0 {
		return nil, fmt.Errorf("no issued case in procuratorate %d", busiestID)
	}
	// A deep cursor: the 200th oldest published item.
	if err := one(&fx.deepCursor, "SELECT id FROM disclosures WHERE status = 'published' ORDER BY id LIMIT 1 OFFSET 200"); err != nil {
		fx.deepCursor = 0
	}
	// Letters issued but never frozen, in the 16 procuratorates holding most
	// of them (one chief's login serves each procuratorate). Each is
	// downloaded once: a rerun finds fewer.
	rows, err = db.QueryContext(ctx, `SELECT c.id, c.procuratorate_id FROM cases c WHERE c.issued_at IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM stored_files f WHERE f.owner_type = 'recommendation_pdf' AND f.owner_id = c.id)`)
	if err != nil {
		return nil, err
	}
	byProc := map[int64][]int64{}
	for rows.Next() {
		var id, proc int64
		if err := rows.Scan(&id, &proc); err != nil {
			rows.Close()
			return nil, err
		}
		byProc[proc] = append(byProc[proc], id)
	}
	rows.Close()
	procs := make([]int64, 0, len(byProc))
	for p := range byProc {
		procs = append(procs, p)
	}
	sort.Slice(procs, func(i, j int) bool {
		if len(byProc[procs[i]]) != len(byProc[procs[j]]) {
			return len(byProc[procs[i]]) > len(byProc[procs[j]])
		}
		return procs[i] < procs[j]
	})
	if len(procs) > 16 {
		procs = procs[:16]
	}
	for _, p := range procs {
		var chief string
		if err := one(&chief, "SELECT username FROM users WHERE procuratorate_id = ? AND role = 'chief' ORDER BY id LIMIT 1", p); err != nil {
			return nil, err
		}
		fx.unfrozenByProcs[p] = chief
	}
	// Oldest first, as staff go through a migrated history: letters next
	// to each other, in the same procuratorates.
	for _, p := range procs {
		for _, id := range byProc[p] {
			fx.unfrozen = append(fx.unfrozen, unfrozenLetter{id, p})
		}
	}
	sort.Slice(fx.unfrozen, func(i, j int) bool { return fx.unfrozen[i].caseID < fx.unfrozen[j].caseID })
	return fx, nil
}

// login gets a token for every account the scenarios use.
func (fx *fixtures) login(ctx context.Context, cl *http.Client, c config) error {
	users := []string{fx.provinceMgr, fx.provinceChief, fx.districtMgr, fx.busiestPros, fx.searchPros, fx.cityChief, fx.agencyUser}
	for _, u := range fx.unfrozenByProcs {
		users = append(users, u)
	}
	for _, u := range users {
		if _, ok := fx.tokens[u]; ok {
			continue
		}
		body, _ := json.Marshal(map[string]string{"username": u, "password": c.password})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+c.listen+"/api/v1/auth/login", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := cl.Do(req)
		if err != nil {
			return fmt.Errorf("logging in as %s: %w", u, err)
		}
		var out struct {
			Token string `json:"token"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil || out.Token == "" {
			return fmt.Errorf("logging in as %s: status %d (is --password the one seed-bench was given?)", u, resp.StatusCode)
		}
		fx.tokens[u] = out.Token
	}
	return nil
}
