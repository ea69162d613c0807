package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/files"
)

// DocPublicRecommendation is the kind a verified public copy (公开版) of a
// published letter reports; it is not a document of the case's documents
// endpoint.
const DocPublicRecommendation DocumentKind = "public-recommendation"

// publicLetterOwner is the owner type the disclosure feature stores the
// public copy under.
const publicLetterOwner = "disclosure"

// DocumentMatch says whether a file is a document Jianyi generated, and
// which. The 文号, kind and date are printed on the document itself; the case
// id is given only to those who may read the case.
type DocumentMatch struct {
	Matched        bool         `json:"matched"`
	SHA256         string       `json:"sha256"`
	Kind           DocumentKind `json:"kind,omitempty"`
	KindLabel      string       `json:"kind_label,omitempty"`
	DocumentNumber string       `json:"document_number,omitempty"`
	// Superseded marks a 检察建议书 whose 文号 was voided when the letter was
	// amended after an objection (异议复核: amend); DocumentNumber is then
	// the voided number printed on it, not the case's current one.
	Superseded  bool       `json:"superseded,omitempty"`
	CaseID      *int64     `json:"case_id,omitempty"`
	GeneratedAt *time.Time `json:"generated_at,omitempty"`
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ParseSHA256 checks a hex SHA-256 (64 hex digits, any case).
func ParseSHA256(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if !sha256Hex.MatchString(s) {
		return "", apperr.InvalidField("sha256", "SHA-256 应为 64 位十六进制数字")
	}
	return s, nil
}

// SHA256Of is the hex SHA-256 of content.
func SHA256Of(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// VerifyDocument looks a SHA-256 up among the documents Jianyi generated
// and stored (检察建议书 frozen at issuance, 送达回证, 催办函, 审批表,
// 备案报告). Only staff may verify. A nil actor is the operator's command
// line, which sees everything.
func (s *Service) VerifyDocument(ctx context.Context, a *org.Actor, sum string) (*DocumentMatch, error) {
	if a != nil && !a.IsStaff() {
		return nil, apperr.Forbidden("只有检察院工作人员可以核验文书")
	}
	sum, err := ParseSHA256(sum)
	if err != nil {
		return nil, err
	}
	owners := make([]string, 0, len(documentKinds))
	for _, d := range documentKinds {
		owners = append(owners, d.OwnerType)
	}
	// The public copy of a published letter (公开版), stored with its hash
	// by the disclosure feature, verifies as what it is.
	owners = append(owners, publicLetterOwner)
	var f files.StoredFile
	err = s.DB.WithContext(ctx).Omit("content").Where("sha256 = ? AND owner_type IN ?", sum, owners).Order("id").First(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &DocumentMatch{SHA256: sum}, nil
	}
	if err != nil {
		return nil, err
	}
	kind, _ := documentKindOfOwner(f.OwnerType)
	generated := f.CreatedAt
	m := &DocumentMatch{Matched: true, SHA256: sum, Kind: kind, KindLabel: kind.Label(), GeneratedAt: &generated}
	if f.OwnerType == publicLetterOwner {
		m.Kind, m.KindLabel = DocPublicRecommendation, "检察建议书（公开版）"
	}
	var c Case
	if err := s.DB.WithContext(ctx).First(&c, f.OwnerID).Error; err != nil {
		return nil, err
	}
	if c.DocumentNumber != nil {
		m.DocumentNumber = *c.DocumentNumber
	}
	if kind == DocRecommendation {
		if err := s.identifySupersededLetter(s.DB.WithContext(ctx), &c, &f, m); err != nil {
			return nil, err
		}
	}
	if a == nil || CanReadCase(a, &c) {
		id := c.ID
		m.CaseID = &id
	}
	return m, nil
}

// identifySupersededLetter tells a frozen 检察建议书 of an earlier issuance
// from the current one. Each issuance freezes its letter under a filename
// naming its 文号; a number voided by an amendment is kept on the objection.
// A letter whose filename names a voided number is superseded and reports
// that number.
func (s *Service) identifySupersededLetter(tx *gorm.DB, c *Case, f *files.StoredFile, m *DocumentMatch) error {
	if c.DocumentNumber != nil && f.Filename == documentFilename(DocRecommendation, *c.DocumentNumber) {
		return nil
	}
	if s.Hooks.VoidedNumbers == nil {
		return nil
	}
	voided, err := s.Hooks.VoidedNumbers(tx, c.ID)
	if err != nil {
		return err
	}
	for _, n := range voided {
		if f.Filename == documentFilename(DocRecommendation, n) {
			m.DocumentNumber, m.Superseded = n, true
			return nil
		}
	}
	return nil
}
