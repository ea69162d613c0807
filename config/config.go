// Package config loads Jianyi's settings: config.yaml holds every default, each
// value can be overridden by an environment variable, and Validate refuses a
// configuration that cannot work, naming the offending key.
package config

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
	// The zone database is built in, so the configured timezone (the one
	// zone legal dates are counted in) loads on hosts without tzdata.
	_ "time/tzdata"

	"go.yaml.in/yaml/v3"

	"jianyi"
)

// retiredSigningKey was once written here as the key of dev and demo mode;
// anyone can read it, so no mode accepts it any more.
const retiredSigningKey = "jianyi-development-signing-key-not-for-production"

// Config is the whole configuration tree.
type Config struct {
	Mode       string           `yaml:"mode"`
	Timezone   string           `yaml:"timezone"`
	HTTP       HTTPConfig       `yaml:"http"`
	Database   DatabaseConfig   `yaml:"database"`
	Auth       AuthConfig       `yaml:"auth"`
	Deadlines  DeadlineConfig   `yaml:"deadlines"`
	Documents  DocumentConfig   `yaml:"documents"`
	Jobs       JobsConfig       `yaml:"jobs"`
	Mail       MailConfig       `yaml:"mail"`
	Webhook    WebhookConfig    `yaml:"webhook"`
	Disclosure DisclosureConfig `yaml:"disclosure"`
	Reviews    ReviewConfig     `yaml:"reviews"`
	Approval   ApprovalConfig   `yaml:"approval"`
	Public     PublicConfig     `yaml:"public"`
	Site       SiteConfig       `yaml:"site"`
	Audit      AuditConfig      `yaml:"audit"`
	Analysis   AnalysisConfig   `yaml:"analysis"`

	location *time.Location
}

// AuditConfig configures the audit trail's anchoring.
type AuditConfig struct {
	// Key, when set (≥ 32 bytes), keys the hash chain (HMAC-SHA-256): a
	// rewrite by someone who can write the database but lacks the key is
	// detected by `server audit verify`. Keep it out of the database and
	// its backups (JIANYI_AUDIT_KEY).
	Key string `yaml:"key" secret:"true"`
}

// HTTPConfig configures the listener and request limits.
type HTTPConfig struct {
	Listen          string        `yaml:"listen"`
	BodyLimit       ByteSize      `yaml:"body_limit"`
	UploadLimit     ByteSize      `yaml:"upload_limit"`
	ReadTimeout     time.Duration `yaml:"read_timeout"`
	WriteTimeout    time.Duration `yaml:"write_timeout"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// ExportSlots is how many ledger downloads (工作台账 CSV/xlsx) stream at
	// once; the next ones wait their turn, at most ExportWait, then get 429.
	ExportSlots    int           `yaml:"export_slots"`
	ExportWait     time.Duration `yaml:"export_wait"`
	TrustedProxies []string      `yaml:"trusted_proxies"`
	// MetricsAllow are the CIDRs that may read /metrics; MetricsToken, when
	// set, also lets a scraper in with "Authorization: Bearer <token>".
	// Everyone else gets 404.
	MetricsAllow []string `yaml:"metrics_allow"`
	MetricsToken string   `yaml:"metrics_token" secret:"true"`
}

// DatabaseConfig selects the database.
type DatabaseConfig struct {
	Driver          string        `yaml:"driver"`
	DSN             string        `yaml:"dsn" secret:"true"`
	MaxOpenConns    int           `yaml:"max_open_conns"`
	MaxIdleConns    int           `yaml:"max_idle_conns"`
	ConnMaxLifetime time.Duration `yaml:"conn_max_lifetime"`
	AutoMigrate     bool          `yaml:"auto_migrate"`
	// QueryTimeout bounds the database work of one request: past it the
	// request answers 503 with Retry-After instead of hanging on a frozen
	// or unreachable database. Shorter than the HTTP timeouts.
	QueryTimeout time.Duration `yaml:"query_timeout"`
	// PreparedStatements is, on MySQL, how many statement texts each
	// process keeps prepared on its connections (least recently used
	// closed first); 0: statements go as text with their arguments written
	// in by the driver. SQLite ignores it.
	PreparedStatements int `yaml:"prepared_statements"`
}

// AuthConfig configures tokens and login throttling.
type AuthConfig struct {
	SigningKey string `yaml:"signing_key" secret:"true"`
	// EphemeralKey is set by Validate when it made SigningKey up for this
	// process (dev and demo without a configured key).
	EphemeralKey bool          `yaml:"-"`
	TokenTTL     time.Duration `yaml:"token_ttl"`
	// StandingCacheTTL lets a request take a user's standing (token
	// version, disabled, role, units) as read by a request of this process
	// at most this long before, instead of reading it again. 0 (the
	// default): read on every request. A change this process makes to any
	// user drops every entry at once; another replica's change (or the
	// users command's) counts here after at most this long.
	StandingCacheTTL   time.Duration `yaml:"standing_cache_ttl"`
	MaxFailuresPerUser int           `yaml:"max_failures_per_user"`
	MaxFailuresPerIP   int           `yaml:"max_failures_per_ip"`
	FailureWindow      time.Duration `yaml:"failure_window"`
	MinPasswordLength  int           `yaml:"min_password_length"`
	// PasswordCost is the bcrypt cost passwords are hashed with.
	PasswordCost int `yaml:"password_cost"`
}

// DeadlineConfig holds the legal and internal time limits.
type DeadlineConfig struct {
	ReplyMonths               int            `yaml:"reply_months"`
	FilingDays                int            `yaml:"filing_days"`
	ObjectionDays             int            `yaml:"objection_days"`
	ApplicationAnswerWorkdays int            `yaml:"application_answer_workdays"`
	ApplicationResultMonths   int            `yaml:"application_result_months"`
	StageLimits               map[string]int `yaml:"stage_limits"`
	// LookbackMonths is when the 回头看 of a closed case falls due, in months
	// after closure; 0 schedules none.
	LookbackMonths int `yaml:"lookback_months"`
	// MeasureDueSoonDays is how many days before a planned rectification
	// measure's target date the agency and the prosecutor are reminded.
	MeasureDueSoonDays int `yaml:"measure_due_soon_days"`
}

// ApprovalConfig is the approval chain (审批链) a submitted 检察建议书 goes
// through: dept_review (部门负责人审核), approve (检察长审批) and optionally
// committee (检察委员会决定), in that order.
type ApprovalConfig struct {
	Chain []string `yaml:"chain"`
	// ByProcuratorate sets another chain for some procuratorates.
	ByProcuratorate []ProcuratorateChain `yaml:"by_procuratorate"`
}

// ProcuratorateChain is one procuratorate's own approval chain, named by the
// procuratorate's full name.
type ProcuratorateChain struct {
	Procuratorate string   `yaml:"procuratorate"`
	Chain         []string `yaml:"chain"`
}

// ApprovalStages are the steps a chain may hold, in their required order.
var ApprovalStages = []string{"dept_review", "approve", "committee"}

// checkChain reports what is wrong with an approval chain, "" when nothing:
// known steps, each once, in order, the chief's approval included.
func checkChain(chain []string) string {
	last := -1
	hasApprove := false
	for _, st := range chain {
		i := -1
		for k, known := range ApprovalStages {
			if st == known {
				i = k
			}
		}
		switch {
		case i < 0:
			return fmt.Sprintf("unknown step %q (want dept_review, approve, committee)", st)
		case i <= last:
			return "steps must be in the order dept_review, approve, committee, each once"
		}
		last = i
		hasApprove = hasApprove || st == "approve"
	}
	if !hasApprove {
		return "must include approve (检察长审批)"
	}
	return ""
}

// DocumentConfig points at official fonts where an office has them.
type DocumentConfig struct {
	TitleFont   string `yaml:"title_font"`
	BodyFont    string `yaml:"body_font"`
	HeadingFont string `yaml:"heading_font"`
	KaiFont     string `yaml:"kai_font"`
	// FallbackFont is a wide-coverage font tried first for characters the
	// other faces lack (the shipped fallback covers GBK).
	FallbackFont string `yaml:"fallback_font"`
}

// JobSpec is one scheduled job's cron spec and switch.
type JobSpec struct {
	Spec    string `yaml:"spec"`
	Enabled bool   `yaml:"enabled"`
}

// JobsConfig schedules the cron jobs.
type JobsConfig struct {
	Enabled              bool    `yaml:"enabled"`
	ReplyReminders       JobSpec `yaml:"reply_reminders"`
	StageWarnings        JobSpec `yaml:"stage_warnings"`
	ApplicationDeadlines JobSpec `yaml:"application_deadlines"`
	FilingDeadlines      JobSpec `yaml:"filing_deadlines"`
	ProjectTasks         JobSpec `yaml:"project_tasks"`
	DailyStats           JobSpec `yaml:"daily_stats"`
	FollowThrough        JobSpec `yaml:"follow_through"`
	Outbox               JobSpec `yaml:"outbox"`
	SearchCompact        JobSpec `yaml:"search_compact"`
	DueSoonDays          []int   `yaml:"due_soon_days"`
	VeryOverdueDays      int     `yaml:"very_overdue_days"`
	// CatchUpDays bounds how far back the reminder scan looks for an overdue
	// reminder it missed (server down), so the scan reads a date range by
	// index instead of every overdue case ever.
	CatchUpDays int `yaml:"catch_up_days"`
	// KeepRunsDays is how long job_runs rows are kept.
	KeepRunsDays int `yaml:"keep_runs_days"`
	// StaleRunAfter is how long a run may stay "running" before a scheduler
	// takes it for abandoned (its server stopped mid-run) and records it as
	// failed. It must be longer than any real run; 0 disables the check.
	StaleRunAfter time.Duration `yaml:"stale_run_after"`
	// SearchBackfill fills the search index at start with the rows that
	// have no tokens (rows from before the index, or loaded in bulk); off,
	// those rows are not found by a search until it runs (benchmarks of a
	// generated database turn it off to measure the rest undisturbed).
	SearchBackfill bool `yaml:"search_backfill"`
	// OutboxBatch is how many deliveries one outbox run claims at most.
	OutboxBatch int `yaml:"outbox_batch"`
	// OutboxRetryBase is the wait after the first failed delivery; it doubles
	// with each further failure up to OutboxRetryMax.
	OutboxRetryBase time.Duration `yaml:"outbox_retry_base"`
	OutboxRetryMax  time.Duration `yaml:"outbox_retry_max"`
}

// MailConfig configures SMTP delivery of notifications.
type MailConfig struct {
	SMTPHost string `yaml:"smtp_host"`
	SMTPPort int    `yaml:"smtp_port"`
	Username string `yaml:"username"`
	Password string `yaml:"password" secret:"true"`
	From     string `yaml:"from"`
}

// WebhookConfig configures signed webhook delivery of notifications.
type WebhookConfig struct {
	URL         string `yaml:"url"`
	Secret      string `yaml:"secret" secret:"true"`
	MaxAttempts int    `yaml:"max_attempts"`
}

// DisclosureConfig says who may publish.
type DisclosureConfig struct {
	PublishRoles []string `yaml:"publish_roles"`
}

// ReviewConfig holds the quality review (质量评查) scoring sheet.
type ReviewConfig struct {
	ScoringSheet []ScoreItem `yaml:"scoring_sheet"`
	// Grades are the lowest percentages of the maximum score for the grades
	// (等次) 优质, 合格 and 瑕疵; below Flawed a case is 不合格.
	Grades GradeThresholds `yaml:"grades"`
}

// GradeThresholds are the percentages a score must reach for each 等次.
type GradeThresholds struct {
	Excellent int `yaml:"excellent"`
	Qualified int `yaml:"qualified"`
	Flawed    int `yaml:"flawed"`
}

// ScoreItem is one line of the scoring sheet: what is scored and its maximum.
type ScoreItem struct {
	Name     string `yaml:"name" json:"name"`
	MaxScore int    `yaml:"max_score" json:"max_score"`
}

// AnalysisConfig tunes the data analysis (数据分析模型, internal/analysis).
type AnalysisConfig struct {
	// RepeatWindowDays: a recommendation to an agency on a problem (field
	// and problem kind) it received one on this many days before or fewer
	// is flagged as repeated (回头看 signal).
	RepeatWindowDays int `yaml:"repeat_window_days"`
	// A field is rising when its letters grew by RisePercent percent or
	// more against the previous period of the same length, and by at least
	// RiseMinCases letters.
	RisePercent  int `yaml:"rise_percent"`
	RiseMinCases int `yaml:"rise_min_cases"`
	// ImportMaxRows bounds the rows of one model-hit file.
	ImportMaxRows int `yaml:"import_max_rows"`
}

// PublicConfig tunes the internet-facing parts: citizen applications and the
// disclosure feed.
type PublicConfig struct {
	BaseURL            string        `yaml:"base_url"`
	TagAuthority       string        `yaml:"tag_authority"`
	PowDifficulty      int           `yaml:"pow_difficulty"`
	ChallengeTTL       time.Duration `yaml:"challenge_ttl"`
	FormMinAge         time.Duration `yaml:"form_min_age"`
	FormMaxAge         time.Duration `yaml:"form_max_age"`
	SubmitPerIP        int           `yaml:"submit_per_ip"`
	SubmitPerID        int           `yaml:"submit_per_id"`
	SubmitWindow       time.Duration `yaml:"submit_window"`
	LookupPerIP        int           `yaml:"lookup_per_ip"`
	LookupPerTracking  int           `yaml:"lookup_per_tracking"`
	LookupWindow       time.Duration `yaml:"lookup_window"`
	SearchPerIP        int           `yaml:"search_per_ip"`
	DuplicateDays      int           `yaml:"duplicate_days"`
	DuplicateThreshold int           `yaml:"duplicate_threshold"`
	MaxEvidenceFiles   int           `yaml:"max_evidence_files"`
}

// SiteConfig is the institution's identity on every web page: the public
// pages' header and footer (主办单位, 地址, 12309, 备案号) and the staff top bar.
type SiteConfig struct {
	Name    string `yaml:"name"`
	Address string `yaml:"address"`
	Hotline string `yaml:"hotline"`
	ICP     string `yaml:"icp"`
	Contact string `yaml:"contact"`
}

// ByteSize is a size in bytes written as "1MB", "512KB" or a plain number.
type ByteSize int64

// UnmarshalYAML parses "20MB"-style sizes.
func (b *ByteSize) UnmarshalYAML(node *yaml.Node) error {
	v, err := ParseByteSize(node.Value)
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// ParseByteSize parses "20MB", "512KB", "1GB" or a plain byte count.
func ParseByteSize(raw string) (ByteSize, error) {
	s := strings.TrimSpace(strings.ToUpper(raw))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			mult = u.mult
			s = strings.TrimSpace(strings.TrimSuffix(s, u.suffix))
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid size %q (want e.g. 512KB, 20MB)", raw)
	}
	return ByteSize(n * mult), nil
}

// Load starts from the shipped defaults, overlays the YAML file at path
// (skipped when path is empty), applies JIANYI_* environment overrides and
// validates the result.
func Load(path string) (*Config, error) {
	cfg, err := Defaults()
	if err != nil {
		return nil, err
	}
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		if err := decodeYAML(raw, cfg); err != nil {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := applyEnv(reflect.ValueOf(cfg).Elem(), "JIANYI", ""); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Defaults returns the shipped config.yaml, unvalidated, for tests and tools
// that adjust a few values before use.
func Defaults() (*Config, error) {
	cfg := &Config{}
	if err := decodeYAML(jianyi.DefaultConfigYAML, cfg); err != nil {
		return nil, fmt.Errorf("embedded config.yaml: %w", err)
	}
	return cfg, nil
}

func decodeYAML(raw []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// Location is the time zone legal dates are counted in.
func (c *Config) Location() *time.Location {
	if c.location == nil {
		loc, err := time.LoadLocation(c.Timezone)
		if err != nil {
			loc = time.FixedZone("CST", 8*3600)
		}
		c.location = loc
	}
	return c.location
}

// IsProduction reports whether development conveniences are off.
func (c *Config) IsProduction() bool { return c.Mode == "production" }

// Validate checks every value that could make the service misbehave and names
// the key at fault.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config key %s: %s", key, fmt.Sprintf(format, args...)))
	}
	switch c.Mode {
	case "dev", "demo", "production":
	default:
		bad("mode", "must be dev, demo or production, got %q", c.Mode)
	}
	if loc, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		bad("timezone", "unknown time zone %q", c.Timezone)
	} else {
		c.location = loc
	}
	if c.HTTP.Listen == "" {
		bad("http.listen", "must not be empty")
	}
	for _, cidr := range c.HTTP.MetricsAllow {
		if _, _, err := net.ParseCIDR(cidr); err != nil {
			bad("http.metrics_allow", "%q is not a CIDR", cidr)
		}
	}
	if c.HTTP.BodyLimit <= 0 {
		bad("http.body_limit", "must be positive")
	}
	if c.HTTP.ExportSlots < 1 {
		bad("http.export_slots", "must be at least 1")
	}
	if c.HTTP.ExportWait < 0 {
		bad("http.export_wait", "must not be negative")
	}
	if c.HTTP.UploadLimit <= 0 {
		bad("http.upload_limit", "must be positive")
	}
	switch c.Database.Driver {
	case "sqlite", "mysql":
	default:
		bad("database.driver", "must be sqlite or mysql, got %q", c.Database.Driver)
	}
	if c.Database.QueryTimeout <= 0 || c.Database.QueryTimeout >= c.HTTP.WriteTimeout || c.Database.QueryTimeout >= c.HTTP.ReadTimeout {
		bad("database.query_timeout", "must be positive and shorter than http.read_timeout and http.write_timeout")
	}
	if c.Database.DSN == "" {
		bad("database.dsn", "must not be empty")
	}
	if c.Auth.SigningKey == "" {
		if c.IsProduction() {
			bad("auth.signing_key", "must be set in production (JIANYI_AUTH_SIGNING_KEY)")
		} else {
			// Dev and demo without a key: a random key for this process only.
			// Tokens die with it, and replicas cannot share them; no key is
			// ever written in the source.
			c.Auth.SigningKey, c.Auth.EphemeralKey = randomKey(), true
		}
	}
	if c.Auth.SigningKey == retiredSigningKey {
		bad("auth.signing_key", "the former built-in development key is public and refused in every mode")
	}
	if len(c.Auth.SigningKey) < 32 {
		bad("auth.signing_key", "must be at least 32 bytes")
	}
	if c.Audit.Key != "" && len(c.Audit.Key) < 32 {
		bad("audit.key", "must be at least 32 bytes")
	}
	if c.Database.PreparedStatements < 0 || c.Database.PreparedStatements > 1000 {
		bad("database.prepared_statements", "must be between 0 and 1000")
	}
	if c.Auth.StandingCacheTTL < 0 || c.Auth.StandingCacheTTL > 10*time.Second {
		bad("auth.standing_cache_ttl", "must be between 0 and 10s")
	}
	if c.Auth.TokenTTL < time.Minute || c.Auth.TokenTTL > 7*24*time.Hour {
		bad("auth.token_ttl", "must be between 1m and 168h")
	}
	if c.Auth.MaxFailuresPerUser < 1 || c.Auth.MaxFailuresPerIP < 1 || c.Auth.FailureWindow <= 0 {
		bad("auth.max_failures_per_user", "throttling limits and window must be positive")
	}
	if c.Auth.PasswordCost < 4 || c.Auth.PasswordCost > 31 {
		bad("auth.password_cost", "must be a bcrypt cost between 4 and 31")
	}
	if c.Auth.MinPasswordLength < 8 {
		bad("auth.min_password_length", "must be at least 8")
	}
	if c.Deadlines.ReplyMonths < 1 {
		bad("deadlines.reply_months", "must be at least 1")
	}
	if c.Deadlines.FilingDays < 1 {
		bad("deadlines.filing_days", "must be at least 1")
	}
	if c.Mail.SMTPHost != "" && c.Mail.From == "" {
		bad("mail.from", "must be set when mail.smtp_host is set")
	}
	if c.Public.PowDifficulty < 0 || c.Public.PowDifficulty > 32 {
		bad("public.pow_difficulty", "must be between 0 and 32 leading zero bits")
	}
	if c.Public.SubmitPerIP < 1 || c.Public.SubmitPerID < 1 || c.Public.LookupPerIP < 1 || c.Public.LookupPerTracking < 1 || c.Public.SearchPerIP < 1 ||
		c.Public.SubmitWindow <= 0 || c.Public.LookupWindow <= 0 {
		bad("public.submit_per_ip", "rate limits and windows must be positive")
	}
	if c.Public.ChallengeTTL <= 0 || c.Public.FormMaxAge <= c.Public.FormMinAge {
		bad("public.challenge_ttl", "challenge and form token lifetimes must be positive (form_max_age > form_min_age)")
	}
	for _, n := range c.Jobs.DueSoonDays {
		if n < 0 {
			bad("jobs.due_soon_days", "days must not be negative, got %d", n)
		}
	}
	if c.Jobs.VeryOverdueDays < 0 || c.Jobs.CatchUpDays < 0 || c.Jobs.KeepRunsDays < 0 {
		bad("jobs.very_overdue_days", "very_overdue_days, catch_up_days and keep_runs_days must not be negative")
	}
	if c.Jobs.StaleRunAfter < 0 {
		bad("jobs.stale_run_after", "must not be negative (0 disables the check)")
	}
	if c.Jobs.OutboxBatch < 1 {
		bad("jobs.outbox_batch", "must be at least 1")
	}
	if c.Jobs.OutboxRetryBase <= 0 || c.Jobs.OutboxRetryMax < c.Jobs.OutboxRetryBase {
		bad("jobs.outbox_retry_base", "must be positive and not above jobs.outbox_retry_max")
	}
	if c.Webhook.MaxAttempts < 1 {
		bad("webhook.max_attempts", "must be at least 1")
	}
	if c.Webhook.URL != "" && c.Webhook.Secret == "" {
		bad("webhook.secret", "must be set when webhook.url is set")
	}
	if strings.TrimSpace(c.Site.Name) == "" {
		bad("site.name", "must name the institution shown on every page")
	}
	if strings.TrimSpace(c.Site.Hotline) == "" {
		bad("site.hotline", "must not be empty (12309 is the procuratorates' service hotline)")
	}
	if c.Deadlines.LookbackMonths < 0 || c.Deadlines.LookbackMonths > 60 {
		bad("deadlines.lookback_months", "must be between 0 (no 回头看) and 60")
	}
	if c.Deadlines.MeasureDueSoonDays < 0 {
		bad("deadlines.measure_due_soon_days", "must not be negative")
	}
	if msg := checkChain(c.Approval.Chain); msg != "" {
		bad("approval.chain", "%s", msg)
	}
	seenChains := map[string]bool{}
	for _, pc := range c.Approval.ByProcuratorate {
		if strings.TrimSpace(pc.Procuratorate) == "" || seenChains[pc.Procuratorate] {
			bad("approval.by_procuratorate", "each entry needs a unique procuratorate name, got %q", pc.Procuratorate)
		}
		seenChains[pc.Procuratorate] = true
		if msg := checkChain(pc.Chain); msg != "" {
			bad("approval.by_procuratorate", "%s: %s", pc.Procuratorate, msg)
		}
	}
	if g := c.Reviews.Grades; !(g.Excellent <= 100 && g.Excellent > g.Qualified && g.Qualified > g.Flawed && g.Flawed >= 0) {
		bad("reviews.grades", "need 100 >= excellent > qualified > flawed >= 0, got %d/%d/%d", g.Excellent, g.Qualified, g.Flawed)
	}
	if c.Analysis.RepeatWindowDays < 1 || c.Analysis.RepeatWindowDays > 3660 {
		bad("analysis.repeat_window_days", "must be between 1 and 3660 days, got %d", c.Analysis.RepeatWindowDays)
	}
	if c.Analysis.RisePercent < 1 || c.Analysis.RiseMinCases < 1 {
		bad("analysis.rise_percent", "rise_percent and rise_min_cases must be at least 1")
	}
	if c.Analysis.ImportMaxRows < 1 || c.Analysis.ImportMaxRows > 100000 {
		bad("analysis.import_max_rows", "must be between 1 and 100000, got %d", c.Analysis.ImportMaxRows)
	}
	seenItems := map[string]bool{}
	if len(c.Reviews.ScoringSheet) == 0 {
		bad("reviews.scoring_sheet", "must list at least one item")
	}
	for _, it := range c.Reviews.ScoringSheet {
		if it.Name == "" || it.MaxScore < 1 || seenItems[it.Name] {
			bad("reviews.scoring_sheet", "each item needs a unique name and a positive max_score, got %q/%d", it.Name, it.MaxScore)
		}
		seenItems[it.Name] = true
	}
	return errors.Join(errs...)
}

// Redacted returns a copy safe to log: secrets are replaced by "***".
func (c *Config) Redacted() Config {
	cp := *c
	maskSecrets(reflect.ValueOf(&cp).Elem())
	if cp.Database.Driver == "mysql" {
		cp.Database.DSN = maskDSNPassword(c.Database.DSN)
	}
	return cp
}

func maskSecrets(v reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct {
			maskSecrets(fv)
			continue
		}
		if f.Tag.Get("secret") == "true" && fv.Kind() == reflect.String && fv.String() != "" {
			fv.SetString("***")
		}
	}
}

// maskDSNPassword keeps a MySQL DSN readable in logs without its password.
func maskDSNPassword(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	colon := strings.Index(dsn, ":")
	if at < 0 || colon < 0 || colon > at {
		return dsn
	}
	return dsn[:colon+1] + "***" + dsn[at:]
}

// applyEnv walks the struct and overrides each leaf from JIANYI_<PATH>. keyPath
// is the dotted YAML key ("auth.token_ttl") named in errors; it cannot be
// recovered from the variable name because keys contain underscores.
func applyEnv(v reflect.Value, prefix, keyPath string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		key := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if key == "" || key == "-" {
			continue
		}
		name := prefix + "_" + strings.ToUpper(key)
		path := key
		if keyPath != "" {
			path = keyPath + "." + key
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct {
			if err := applyEnv(fv, name, path); err != nil {
				return err
			}
			continue
		}
		raw, ok := os.LookupEnv(name)
		if !ok {
			continue
		}
		if err := setFromString(fv, raw); err != nil {
			return fmt.Errorf("config key %s (environment %s): %w", path, name, err)
		}
	}
	return nil
}

func setFromString(fv reflect.Value, raw string) error {
	switch fv.Interface().(type) {
	case time.Duration:
		d, err := time.ParseDuration(raw)
		if err != nil {
			return err
		}
		fv.SetInt(int64(d))
		return nil
	case ByteSize:
		b, err := ParseByteSize(raw)
		if err != nil {
			return err
		}
		fv.SetInt(int64(b))
		return nil
	}
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(raw)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return fmt.Errorf("not an integer: %q", raw)
		}
		fv.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("not a boolean: %q", raw)
		}
		fv.SetBool(b)
	case reflect.Slice:
		parts := []string{}
		for _, p := range strings.Split(raw, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		s := reflect.MakeSlice(fv.Type(), len(parts), len(parts))
		for i, p := range parts {
			if err := setFromString(s.Index(i), p); err != nil {
				return err
			}
		}
		fv.Set(s)
	case reflect.Map:
		// stage limits as "checking=30,investigating=60"
		if fv.Type().Elem().Kind() != reflect.Int {
			return fmt.Errorf("unsupported type %s", fv.Type())
		}
		m := reflect.MakeMap(fv.Type())
		for _, p := range strings.Split(raw, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok {
				return fmt.Errorf("expected key=value pairs, got %q", p)
			}
			n, err := strconv.Atoi(val)
			if err != nil {
				return fmt.Errorf("not an integer: %q", val)
			}
			m.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(n))
		}
		fv.Set(m)
	default:
		return fmt.Errorf("unsupported type %s", fv.Type())
	}
	return nil
}

// randomKey is a signing key of 48 random bytes, base64-encoded.
func randomKey() string {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		panic("no randomness for the signing key: " + err.Error())
	}
	return base64.RawStdEncoding.EncodeToString(b)
}
