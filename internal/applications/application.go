package applications

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/platform/database"
	"jianyi/internal/platform/files"
	"jianyi/internal/platform/ratelimit"
	"jianyi/internal/redact"
)

// ApplicationStatus is where a citizen application (公民申请) stands.
type ApplicationStatus string

// The application statuses. submitted → (procedural answer within 7 working
// days) under_review | needs_supplement | transferred → accepted | declined.
const (
	AppSubmitted       ApplicationStatus = "submitted"        // 已提交，待答复
	AppNeedsSupplement ApplicationStatus = "needs_supplement" // 需补正
	AppTransferred     ApplicationStatus = "transferred"      // 已移送其他机关
	AppUnderReview     ApplicationStatus = "under_review"     // 已受理，审查中
	AppAccepted        ApplicationStatus = "accepted"         // 决定启动（已立为线索）
	AppDeclined        ApplicationStatus = "declined"         // 不予启动
)

// ApplicationStatusLabels are the Chinese names shown to applicants.
var ApplicationStatusLabels = map[ApplicationStatus]string{
	AppSubmitted: "已提交，待答复", AppNeedsSupplement: "需补正材料", AppTransferred: "已移送其他机关",
	AppUnderReview: "已受理，审查中", AppAccepted: "决定启动检察建议程序", AppDeclined: "不予启动",
}

// Kinds of answer the applicant reads (application_answers.kind).
const (
	AnswerReceived        = "received"         // 收到申请（回执）
	AnswerAccepted        = "accepted"         // 受理
	AnswerNeedsSupplement = "needs_supplement" // 需补正
	AnswerTransferred     = "transferred"      // 移送
	AnswerMaterials       = "materials"        // 收到补正材料
	AnswerStarted         = "started"          // 决定启动
	AnswerDeclined        = "declined"         // 不予启动
	AnswerProgress        = "progress"         // 办理进展
)

// AnswerKindLabels are the Chinese names of the answer kinds.
var AnswerKindLabels = map[string]string{
	AnswerReceived: "收到申请", AnswerAccepted: "受理", AnswerNeedsSupplement: "需补正", AnswerTransferred: "移送",
	AnswerMaterials: "收到补正材料", AnswerStarted: "决定启动", AnswerDeclined: "不予启动", AnswerProgress: "办理进展",
}

// ID document types an applicant may give.
const (
	IDTypeResident = "resident_id" // 居民身份证
	IDTypePassport = "passport"    // 护照
	IDTypeHMT      = "hmt_permit"  // 港澳台居民来往内地通行证
)

// Application is one citizen application to start a recommendation.
type Application struct {
	ID                   int64             `gorm:"primaryKey" json:"id"`
	TrackingNo           string            `json:"tracking_no"`
	SecretHash           string            `json:"-"`
	ProcuratorateID      int64             `json:"procuratorate_id"`
	ApplicantName        string            `json:"applicant_name"`
	IDType               string            `gorm:"column:id_type" json:"id_type"`
	IDNumber             string            `gorm:"column:id_number" json:"id_number"`
	IDNumberHash         string            `gorm:"column:id_number_hash" json:"-"`
	Phone                string            `json:"phone"`
	Problem              string            `json:"problem"`
	Place                string            `json:"place"`
	AgencyName           string            `json:"agency_name"`
	AgencyID             *int64            `json:"agency_id"`
	Status               ApplicationStatus `json:"status"`
	Version              int               `json:"version"`
	SubmittedOn          calendar.Date     `json:"submitted_on"`
	AnswerDue            calendar.Date     `json:"answer_due"`
	AnswerDueExplanation string            `json:"answer_due_explanation"`
	AnsweredOn           *calendar.Date    `json:"answered_on"`
	AnswerKind           string            `json:"answer_kind"`
	TransferredTo        string            `json:"transferred_to"`
	ResultDue            *calendar.Date    `json:"result_due"`
	NextUpdateDue        *calendar.Date    `json:"next_update_due"`
	DecidedOn            *calendar.Date    `json:"decided_on"`
	Decision             string            `json:"decision"`
	DecisionReasons      string            `json:"decision_reasons"`
	CaseID               *int64            `json:"case_id"`
	DuplicateOf          *int64            `json:"duplicate_of"`
	DuplicateScore       int               `json:"duplicate_score"`
	ClientIP             string            `gorm:"column:client_ip" json:"-"`
	CreatedAt            time.Time         `json:"created_at"`
	UpdatedAt            time.Time         `json:"updated_at"`
}

// ApplicationAnswer is one thing the applicant was told, with its date.
type ApplicationAnswer struct {
	ID            int64         `gorm:"primaryKey" json:"id"`
	ApplicationID int64         `json:"-"`
	Kind          string        `json:"kind"`
	Text          string        `json:"text"`
	GivenOn       calendar.Date `json:"given_on"`
	ActorID       *int64        `json:"-"`
	CreatedAt     time.Time     `json:"-"`
}

// Settings are the configured limits of the internet-facing features.
type Settings struct {
	AnswerWorkdays     int
	ResultMonths       int
	DuplicateDays      int
	DuplicateThreshold int
	MaxEvidenceFiles   int
	SigningKey         []byte
	PowDifficulty      int
	ChallengeTTL       time.Duration
	FormMinAge         time.Duration
	FormMaxAge         time.Duration
	SubmitPerIP        ratelimit.Limit
	SubmitPerID        ratelimit.Limit
	LookupPerIP        ratelimit.Limit
	LookupPerTracking  ratelimit.Limit
}

// Service runs citizen applications. It borrows the case
// service's clock, calendar and channels so the lead it creates follows the
// same rules as any other.
type Service struct {
	DB       *database.DB
	Cases    *cases.Service
	Settings Settings
}

// ApplicationInput is what a citizen submits (JSON or the HTML form).
type ApplicationInput struct {
	ApplicantName   string `json:"applicant_name" validate:"required,max=50" label:"申请人姓名"`
	IDType          string `json:"id_type" validate:"required,oneof=resident_id passport hmt_permit" label:"证件类型"`
	IDNumber        string `json:"id_number" validate:"required,max=32" label:"证件号码"`
	Phone           string `json:"phone" validate:"required,max=30" label:"联系电话"`
	Problem         string `json:"problem" validate:"required,max=5000" label:"反映的问题"`
	Place           string `json:"place" validate:"required,max=200" label:"问题发生地点"`
	AgencyName      string `json:"agency_name" validate:"max=200" label:"涉及的单位"`
	AgencyID        *int64 `json:"agency_id" validate:"omitempty,gt=0"`
	ProcuratorateID int64  `json:"procuratorate_id" validate:"required,gt=0" label:"受理检察院"`
	ConsentPrivacy  bool   `json:"consent_privacy"`
	// Website is a honeypot: hidden from people, filled in by naive bots.
	Website string `json:"website" validate:"max=200"`
	// Challenge and Nonce are the proof of work of API clients; FormToken is
	// the signed timestamp of the HTML form. One of the two is required.
	Challenge string `json:"challenge" validate:"max=200"`
	Nonce     string `json:"nonce" validate:"max=100"`
	FormToken string `json:"-"`
}

// SubmitResult is what the applicant gets once: the secret is never stored.
type SubmitResult struct {
	TrackingNo string `json:"tracking_no"`
	Secret     string `json:"secret"`
}

// CitizenActor is the audit identity of an applicant (no account).
func CitizenActor(trackingNo, ip string) *org.Actor {
	return &org.Actor{Username: "citizen:" + trackingNo, DisplayName: "申请人", IP: ip}
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// hashIDNumber keys duplicate detection and rate limits without spreading the
// ID number into more indexes than the application row itself.
func hashIDNumber(idType, n string) string {
	return hashSecret("idnumber\x1f" + idType + "\x1f" + strings.ToUpper(n))
}

// validateApplicant checks the personal fields; every bad field is named.
func validateApplicant(in *ApplicationInput, now time.Time) map[string]string {
	fields := map[string]string{}
	in.ApplicantName = strings.TrimSpace(in.ApplicantName)
	in.IDNumber = strings.ToUpper(strings.TrimSpace(in.IDNumber))
	in.Phone = strings.TrimSpace(in.Phone)
	in.Problem = strings.TrimSpace(in.Problem)
	in.Place = strings.TrimSpace(in.Place)
	in.AgencyName = strings.TrimSpace(in.AgencyName)
	if r := []rune(in.ApplicantName); len(r) < 2 {
		fields["applicant_name"] = "请填写申请人姓名"
	}
	switch in.IDType {
	case IDTypeResident:
		if err := redact.ValidateResidentIDAt(in.IDNumber, now); err != nil {
			fields["id_number"] = err.Error()
		}
	case IDTypePassport, IDTypeHMT:
		ok := len(in.IDNumber) >= 5 && len(in.IDNumber) <= 20
		for _, r := range in.IDNumber {
			if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
				ok = false
			}
		}
		if !ok {
			fields["id_number"] = "证件号码应为5至20位字母或数字"
		}
	default:
		fields["id_type"] = "证件类型应为居民身份证、护照或港澳台居民来往内地通行证"
	}
	if err := redact.ValidatePhone(in.Phone); err != nil {
		fields["phone"] = err.Error()
	}
	if len([]rune(in.Problem)) < 10 {
		fields["problem"] = "请具体描述反映的问题（至少10个字）"
	}
	if in.Place == "" {
		fields["place"] = "请填写问题发生的地点"
	}
	if !in.ConsentPrivacy {
		fields["consent_privacy"] = "须阅读并同意个人信息处理说明"
	}
	return fields
}

// Submit files a citizen application: rate limits per IP and per ID number,
// the honeypot, the proof of work or form token, validation, then one
// transaction writing the application, its evidence files, the receipt
// answer, a duplicate flag when a recent one from the same person reads
// alike, the audit entry and the case managers' notification.
func (s *Service) Submit(ctx context.Context, in ApplicationInput, uploads []files.Upload, ip string) (*SubmitResult, error) {
	now := s.Cases.Now()
	// Only accepted submissions count toward the limits (HitTx below, in
	// the transaction that files one); a full window refuses early.
	if err := ratelimit.Full(ctx, s.DB, now, s.Settings.SubmitPerIP, ip); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Website) != "" {
		return nil, &apperr.Error{Kind: apperr.ErrInvalid, Code: "rejected", Message: "提交未通过校验，请刷新页面后重新填写"}
	}
	if err := s.checkProof(ctx, now, in); err != nil {
		return nil, err
	}
	if fields := validateApplicant(&in, s.Cases.Now()); len(fields) > 0 {
		return nil, apperr.Invalid("申请信息有误，请按字段提示修改", fields)
	}
	if max := s.Settings.MaxEvidenceFiles; max > 0 && len(uploads) > max {
		return nil, apperr.InvalidField("files", fmt.Sprintf("证据材料最多%d个文件", max))
	}
	idHash := hashIDNumber(in.IDType, in.IDNumber)
	if err := ratelimit.Full(ctx, s.DB, now, s.Settings.SubmitPerID, idHash); err != nil {
		return nil, err
	}
	secret, err := randomSecret()
	if err != nil {
		return nil, err
	}
	var out *SubmitResult
	err = s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		if _, err := org.ProcuratorateByID(tx, in.ProcuratorateID); err != nil {
			return apperr.InvalidField("procuratorate_id", "所选检察院不存在")
		}
		if in.AgencyID != nil {
			ag, err := org.AgencyByID(tx, *in.AgencyID)
			if err != nil {
				return apperr.InvalidField("agency_id", "所选单位不存在")
			}
			if in.AgencyName == "" {
				in.AgencyName = ag.Name
			}
		}
		today := calendar.DateOf(now, s.Cases.Clock.Location())
		due := calendar.WorkingDaysDeadline(today, s.Settings.AnswerWorkdays, s.Cases.Holidays(tx))
		app := &Application{
			SecretHash: hashSecret(secret), ProcuratorateID: in.ProcuratorateID, ApplicantName: in.ApplicantName,
			IDType: in.IDType, IDNumber: in.IDNumber, IDNumberHash: idHash, Phone: in.Phone, Problem: in.Problem,
			Place: in.Place, AgencyName: in.AgencyName, AgencyID: in.AgencyID, Status: AppSubmitted, Version: 1,
			SubmittedOn: today, AnswerDue: due.Due, AnswerDueExplanation: due.Explanation, ClientIP: ip,
			CreatedAt: now, UpdatedAt: now,
		}
		if err := s.flagDuplicate(tx, app, now); err != nil {
			return err
		}
		var created bool
		for attempt := 0; attempt < 5 && !created; attempt++ {
			app.ID = 0
			app.TrackingNo, err = newTrackingNo(today)
			if err != nil {
				return err
			}
			err := tx.Transaction(func(sp *gorm.DB) error { return sp.Create(app).Error })
			if err == nil {
				created = true
			} else if !database.IsUniqueViolation(err) {
				return err
			}
		}
		if !created {
			return apperr.Conflict("tracking_collision", "生成查询码失败，请重试")
		}
		if err := ratelimit.HitTx(tx, now, s.Settings.SubmitPerIP, ip); err != nil {
			return err
		}
		if err := ratelimit.HitTx(tx, now, s.Settings.SubmitPerID, idHash); err != nil {
			return err
		}
		actor := CitizenActor(app.TrackingNo, ip)
		if _, err := files.StoreUploads(tx, 0, 0, "application", app.ID, true, uploads); err != nil {
			return err
		}
		if err := addAnswer(tx, app.ID, AnswerReceived, fmt.Sprintf("本院已收到您的申请，将在%s前作出受理、补正或移送的答复。", app.AnswerDue.Chinese()), today, nil, now); err != nil {
			return err
		}
		if err := audit.Record(tx, actor, "application.submit", "application", app.ID, map[string]any{
			"tracking_no": app.TrackingNo, "procuratorate_id": app.ProcuratorateID, "files": len(uploads),
			"answer_due": app.AnswerDue.String(), "duplicate_of": app.DuplicateOf}); err != nil {
			return err
		}
		ids, err := org.UsersWithRole(tx, app.ProcuratorateID, org.RoleCaseManager)
		if err != nil {
			return err
		}
		body := fmt.Sprintf("收到公民申请 %s，请于%s前作出程序性答复。", app.TrackingNo, app.AnswerDue.Chinese())
		if app.DuplicateOf != nil {
			body += "（疑似重复申请，请核对）"
		}
		if err := notify.Send(tx, s.Cases.Settings.Channels, notify.Spec{UserIDs: ids, Kind: "application.submitted", Title: "新的公民申请", Body: body}); err != nil {
			return err
		}
		out = &SubmitResult{TrackingNo: app.TrackingNo, Secret: secret}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// flagDuplicate marks the application as a likely duplicate of the most
// similar recent one from the same ID number. It never merges: the
// prosecutor decides.
func (s *Service) flagDuplicate(tx *gorm.DB, app *Application, now time.Time) error {
	days := s.Settings.DuplicateDays
	if days <= 0 {
		return nil
	}
	var prev []Application
	if err := tx.Select("id", "problem", "place").Where("id_number_hash = ? AND created_at >= ?", app.IDNumberHash, now.AddDate(0, 0, -days)).
		Order("id DESC").Limit(50).Find(&prev).Error; err != nil {
		return err
	}
	best, bestID := 0, int64(0)
	for _, p := range prev {
		if sc := TextSimilarity(p.Problem, app.Problem); sc > best {
			best, bestID = sc, p.ID
		}
	}
	if bestID != 0 && best >= s.Settings.DuplicateThreshold {
		app.DuplicateOf = &bestID
		app.DuplicateScore = best
	}
	return nil
}

// TextSimilarity compares two texts after normalisation (letters and digits
// only, width and case folded) as the Dice coefficient of their character
// bigrams, in percent: insensitive to punctuation, spacing and small edits.
func TextSimilarity(a, b string) int {
	ga, gb := bigrams(a), bigrams(b)
	if len(ga) == 0 || len(gb) == 0 {
		return 0
	}
	common := 0
	for g, n := range ga {
		common += min(n, gb[g])
	}
	total := 0
	for _, n := range ga {
		total += n
	}
	for _, n := range gb {
		total += n
	}
	return 200 * common / total
}

func bigrams(s string) map[string]int {
	var rs []rune
	for _, r := range redact.FoldWidth(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, unicode.ToLower(r))
		}
	}
	out := map[string]int{}
	for i := 0; i+1 < len(rs); i++ {
		out[string(rs[i:i+2])]++
	}
	return out
}

var secretEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// randomSecret is 160 random bits: a SHA-256 of it cannot be brute-forced,
// so a plain hash (not bcrypt) is enough and keeps look-ups cheap.
func randomSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return secretEncoding.EncodeToString(b), nil
}

// newTrackingNo is "SQ" + the date + 8 random digits: readable on the phone,
// not guessable in sequence (the secret is still what protects it).
func newTrackingNo(d calendar.Date) (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(100000000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("SQ%04d%02d%02d%08d", d.Year(), int(d.Month()), d.Day(), n.Int64()), nil
}

// dummySecretHash is compared against when the tracking number is unknown,
// so both failures cost the same work.
var dummySecretHash = hashSecret("jianyi-no-such-application")

func applicationNotFound() error {
	return &apperr.Error{Kind: apperr.ErrNotFound, Code: "application_not_found", Message: "查询码或查询密码不正确"}
}

// checkLookupLimits counts a look-up against the client IP and the tracking
// number (so one number cannot be guessed at from many addresses either).
func (s *Service) checkLookupLimits(ctx context.Context, now time.Time, trackingNo, ip string) error {
	if err := ratelimit.Hit(ctx, s.DB, now, s.Settings.LookupPerIP, ip); err != nil {
		return err
	}
	return ratelimit.Hit(ctx, s.DB, now, s.Settings.LookupPerTracking, strings.ToUpper(strings.TrimSpace(trackingNo)))
}

// ApplicantView is everything an applicant is shown: status, deadlines and
// the answers with their dates — no personal data.
type ApplicantView struct {
	TrackingNo      string              `json:"tracking_no"`
	Status          ApplicationStatus   `json:"status"`
	StatusLabel     string              `json:"status_label"`
	SubmittedOn     calendar.Date       `json:"submitted_on"`
	AnswerDue       calendar.Date       `json:"answer_due"`
	ResultDue       *calendar.Date      `json:"result_due"`
	NextUpdateDue   *calendar.Date      `json:"next_update_due"`
	CanAddMaterials bool                `json:"can_add_materials"`
	NoticeAvailable bool                `json:"notice_available"`
	Answers         []ApplicantAnswer   `json:"answers"`
	app             *Application        // for the notice
	answers         []ApplicationAnswer // raw
}

// ApplicantAnswer is one answer as the applicant sees it.
type ApplicantAnswer struct {
	Kind      string        `json:"kind"`
	KindLabel string        `json:"kind_label"`
	Text      string        `json:"text"`
	GivenOn   calendar.Date `json:"given_on"`
}

// LookUp shows an application to whoever holds its tracking number and
// secret, after the look-up rate limits.
func (s *Service) LookUp(ctx context.Context, trackingNo, secret, ip string) (*ApplicantView, error) {
	if err := s.checkLookupLimits(ctx, s.Cases.Now(), trackingNo, ip); err != nil {
		return nil, err
	}
	tx := s.DB.WithContext(ctx)
	app, err := openByTracking(tx, trackingNo, secret)
	if err != nil {
		return nil, err
	}
	return s.viewOf(tx, app)
}

// AddMaterials stores supplementary evidence an applicant was asked for
// (补正) and puts the application back in line for a procedural answer,
// with a fresh answer deadline counted from today.
func (s *Service) AddMaterials(ctx context.Context, trackingNo, secret, ip, note string, uploads []files.Upload) (*ApplicantView, error) {
	now := s.Cases.Now()
	if err := s.checkLookupLimits(ctx, now, trackingNo, ip); err != nil {
		return nil, err
	}
	if len(uploads) == 0 {
		return nil, apperr.InvalidField("files", "请上传补正材料")
	}
	if max := s.Settings.MaxEvidenceFiles; max > 0 && len(uploads) > max {
		return nil, apperr.InvalidField("files", fmt.Sprintf("补正材料最多%d个文件", max))
	}
	if len([]rune(note)) > 2000 {
		return nil, apperr.InvalidField("note", "说明不能超过2000字")
	}
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		app, err := openByTracking(database.LockRow(tx), trackingNo, secret)
		if err != nil {
			return err
		}
		if app.Status != AppNeedsSupplement {
			return apperr.Conflict("not_awaiting_materials", "当前申请无需补正材料")
		}
		today := calendar.DateOf(now, s.Cases.Clock.Location())
		due := calendar.WorkingDaysDeadline(today, s.Settings.AnswerWorkdays, s.Cases.Holidays(tx))
		if _, err := files.StoreUploads(tx, 0, 0, "application", app.ID, true, uploads); err != nil {
			return err
		}
		res := tx.Model(&Application{}).Where("id = ? AND version = ?", app.ID, app.Version).Updates(map[string]any{
			"status": AppSubmitted, "answer_due": due.Due, "answer_due_explanation": due.Explanation,
			"version": app.Version + 1, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.Conflict("stale_version", "申请已被同时更新，请重试")
		}
		text := fmt.Sprintf("已收到补正材料%d份，本院将在%s前重新作出答复。", len(uploads), due.Due.Chinese())
		if err := addAnswer(tx, app.ID, AnswerMaterials, text, today, nil, now); err != nil {
			return err
		}
		if err := audit.Record(tx, CitizenActor(app.TrackingNo, ip), "application.materials", "application", app.ID,
			map[string]any{"files": len(uploads), "note_length": len([]rune(note)), "answer_due": due.Due.String()}); err != nil {
			return err
		}
		ids, err := org.UsersWithRole(tx, app.ProcuratorateID, org.RoleCaseManager)
		if err != nil {
			return err
		}
		return notify.Send(tx, s.Cases.Settings.Channels, notify.Spec{UserIDs: ids, Kind: "application.materials",
			Title: "公民申请补正材料", Body: fmt.Sprintf("申请 %s 已提交补正材料，请于%s前答复。", app.TrackingNo, due.Due.Chinese())})
	})
	if err != nil {
		return nil, err
	}
	// The look-up limits were already counted for this request.
	tx := s.DB.WithContext(ctx)
	app, err := openByTracking(tx, trackingNo, secret)
	if err != nil {
		return nil, err
	}
	return s.viewOf(tx, app)
}

func (s *Service) viewOf(tx *gorm.DB, app *Application) (*ApplicantView, error) {
	var answers []ApplicationAnswer
	if err := tx.Where("application_id = ?", app.ID).Order("id").Find(&answers).Error; err != nil {
		return nil, err
	}
	v := &ApplicantView{TrackingNo: app.TrackingNo, Status: app.Status, StatusLabel: ApplicationStatusLabels[app.Status],
		SubmittedOn: app.SubmittedOn, AnswerDue: app.AnswerDue, ResultDue: app.ResultDue, NextUpdateDue: app.NextUpdateDue,
		CanAddMaterials: app.Status == AppNeedsSupplement, Answers: make([]ApplicantAnswer, 0, len(answers)), app: app, answers: answers}
	for _, a := range answers {
		v.Answers = append(v.Answers, ApplicantAnswer{Kind: a.Kind, KindLabel: AnswerKindLabels[a.Kind], Text: a.Text, GivenOn: a.GivenOn})
		if a.Kind == AnswerAccepted || a.Kind == AnswerDeclined || a.Kind == AnswerStarted {
			v.NoticeAvailable = true
		}
	}
	return v, nil
}
