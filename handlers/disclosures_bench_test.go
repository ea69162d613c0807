package handlers_test

import (
	"fmt"
	"net/http/httptest"
	"os"
	"sort"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/config"
	"jianyi/dbtest"
)

// EnvBenchFeed turns on the 100,000-item feed benchmark (building the data
// takes seconds, the search rows about a minute at 200 requests, so
// `go test ./...` skips it):
//
//	JIANYI_BENCH_FEED=1 go test ./handlers -run '^$' -bench BenchmarkPublicFeed -benchtime 200x
const EnvBenchFeed = "JIANYI_BENCH_FEED"

const benchItems = 100_000

// seedPublishedFeed writes benchItems issued cases and their published
// disclosures in one transaction with set-based multi-row inserts.
func seedPublishedFeed(b *testing.B, env *apitest.Env) {
	b.Helper()
	db := env.DB
	tx := db.Begin()
	p := env.Org.District.ID
	dep := env.Org.Department.ID
	var prosecutor int64
	tx.Raw("SELECT id FROM users WHERE username = 'prosecutor1'").Scan(&prosecutor)
	a1, a2 := env.Org.Agency1.ID, env.Org.Agency2.ID
	now := "2026-03-01 00:00:00"
	err := tx.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO cases (procuratorate_id, department_id, title, field, source, summary, agency_id, prosecutor_id, state, version,
	document_number, doc_year, doc_seq, issued_at, delivered_on, reply_due, reply_due_explanation, first_replied_on, reply_class,
	state_entered_at, created_by, created_at, updated_at)
SELECT ?, ?, '校园周边食品安全隐患' || i, CASE i % 3 WHEN 0 THEN '食品药品安全' WHEN 1 THEN '生态环境' ELSE '安全生产' END,
	'case_finding', '', CASE i % 2 WHEN 0 THEN ? ELSE ? END, ?, 'replied', 3,
	'清检八建〔' || (2024 + i % 3) || '〕' || i || '号', 2024 + i % 3, i, ?, '2026-01-05', '2026-03-05', '',
	CASE WHEN i % 4 = 0 THEN NULL ELSE '2026-02-20' END, CASE WHEN i % 4 = 0 THEN 'no_reply' ELSE 'on_time' END,
	?, ?, ?, ?
FROM n`, benchItems, p, dep, a1, a2, prosecutor, now, now, prosecutor, now, now).Error
	if err != nil {
		b.Fatal(err)
	}
	text := "本院在履行法律监督职责中发现，辖区内校园周边存在无证经营、销售过期食品等问题。"
	for i := 0; i < 8; i++ {
		text += text[:60]
	}
	err = tx.Exec(`INSERT INTO disclosures (case_id, status, revision, procuratorate_id, procuratorate_name, field, agency_id, agency_name,
	document_number, title, pub_year, issued_on, delivered_on, reply_due, replied_on, reply_class, rectification, summary,
	recommendation_text, replies_json, pdf_sha256, person_names, extra_terms, published_by, published_at, updated_at)
SELECT id, 'published', 1, procuratorate_id, '临江市清河区人民检察院', field, agency_id,
	CASE WHEN agency_id = ? THEN '临江市清河区市场监督管理局' ELSE '临江市清河区教育局' END,
	document_number, '关于' || title || '的检察建议书', doc_year, '2026-01-04', delivered_on, reply_due, first_replied_on, reply_class, '',
	substr(?, 1, 150), ?, '[]', '', '[]', '[]', created_by, created_at, created_at
FROM cases`, a1, text, text).Error
	if err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit().Error; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPublicFeed measures the JSON feed through the real router over
// 100,000 published items: first page, a deep cursor page, filters and a
// text search, each reporting requests per second and the 99th percentile.
func BenchmarkPublicFeed(b *testing.B) {
	if os.Getenv(EnvBenchFeed) == "" {
		b.Skip("set " + EnvBenchFeed + "=1 to build 100,000 published items")
	}
	db := dbtest.Open(b, "sqlite")
	cfg, err := config.Defaults()
	if err != nil {
		b.Fatal(err)
	}
	cfg.Mode, cfg.Database.DSN, cfg.Jobs.Enabled = "dev", "bench", false
	cfg.Public.SearchPerIP = 1 << 30 // measure the query, not the limiter
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	env := apitest.NewWithConfig(b, db, cfg)
	start := time.Now()
	seedPublishedFeed(b, env)
	b.Logf("seeded %d published items in %s", benchItems, time.Since(start).Round(time.Millisecond))
	cases := []struct{ name, path string }{
		{"first_page", "/api/v1/public/disclosures"},
		{"deep_cursor", "/api/v1/public/disclosures?cursor=50000"},
		{"agency_year", fmt.Sprintf("/api/v1/public/disclosures?agency_id=%d&year=2025", env.Org.Agency2.ID)},
		{"reply_overdue", "/api/v1/public/disclosures?reply_status=overdue"},
		{"field", "/api/v1/public/disclosures?field=%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83"},
		{"search_q", "/api/v1/public/disclosures?q=%E9%9A%90%E6%82%A399999"},
		{"revalidate_304", "/api/v1/public/disclosures"},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			etag := ""
			if tc.name == "revalidate_304" {
				rec := httptest.NewRecorder()
				env.Echo.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
				etag = rec.Header().Get("ETag")
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			t0 := time.Now()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", tc.path, nil)
				if etag != "" {
					req.Header.Set("If-None-Match", etag)
				}
				rec := httptest.NewRecorder()
				s := time.Now()
				env.Echo.ServeHTTP(rec, req)
				lat = append(lat, time.Since(s))
				if rec.Code != 200 && rec.Code != 304 {
					b.Fatalf("%s: %d %s", tc.path, rec.Code, rec.Body)
				}
			}
			total := time.Since(t0)
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(b.N)/total.Seconds(), "req/s")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
		})
	}
}
