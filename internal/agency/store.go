package agency

import (
	"gorm.io/gorm"

	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// This file is the agency store: the queries the package's services and the
// other domains read agency data with (replies, voided 文号, the letter as
// issued or delivered).

// LoadReplies lists a case's replies in submission order.
func LoadReplies(tx *gorm.DB, caseID int64) ([]Reply, error) {
	var out []Reply
	err := tx.Where("case_id = ?", caseID).Order("id").Find(&out).Error
	return out, err
}

// VoidedDocumentNumbers lists the 文号 of a case voided by amendments after
// objections and by the chief's 变更 decisions (the case service's
// VoidedNumbers hook).
func VoidedDocumentNumbers(tx *gorm.DB, caseID int64) ([]string, error) {
	var voided []string
	err := tx.Model(&Objection{}).Where("case_id = ? AND superseded_document_number <> ''", caseID).
		Pluck("superseded_document_number", &voided).Error
	if err != nil {
		return nil, err
	}
	amended, err := amendedNumbers(tx, caseID)
	return append(voided, amended...), err
}

// IssuedContent returns the 检察建议书 content as the agency received it: the
// latest issued draft, or the latest approved one when issuance did not mark
// drafts. Other draft versions are never returned. ok is false when the case
// has none (yet).
func IssuedContent(tx *gorm.DB, caseID int64) (cases.RecommendationContent, bool, error) {
	for _, status := range []string{"issued", "approved"} {
		var d cases.RecommendationDraft
		err := tx.Where("case_id = ? AND status = ?", caseID, status).Order("version_no DESC").First(&d).Error
		if database.IsNotFound(err) {
			continue
		}
		if err != nil {
			return cases.RecommendationContent{}, false, err
		}
		rc, err := cases.ParseRecommendationContent(d.Content)
		if err != nil {
			return cases.RecommendationContent{}, false, err
		}
		return rc, true, nil
	}
	return cases.RecommendationContent{}, false, nil
}

// DeliveredContent is the 检察建议书 content the recipient agency has been
// served. It is IssuedContent once the current letter is delivered
// (AgencySeesLetter); while an amended letter is redrafted, approved and
// issued but not yet delivered again, it is the letter the agency received
// and objected to — the newest issued version, passing over the one issued
// now — and never the new draft or the new letter.
func DeliveredContent(tx *gorm.DB, c *cases.Case) (cases.RecommendationContent, bool, error) {
	if cases.AgencySeesLetter(c) {
		return IssuedContent(tx, c.ID)
	}
	skip := 0
	if c.IssuedAt != nil {
		skip = 1
	}
	var drafts []cases.RecommendationDraft
	err := tx.Where("case_id = ? AND status = ?", c.ID, cases.DraftIssued).Order("version_no DESC").Offset(skip).Limit(1).Find(&drafts).Error
	if err != nil || len(drafts) == 0 {
		return cases.RecommendationContent{}, false, err
	}
	rc, err := cases.ParseRecommendationContent(drafts[0].Content)
	if err != nil {
		return cases.RecommendationContent{}, false, err
	}
	return rc, true, nil
}

func procuratorateNames(tx *gorm.DB, cases []cases.Case) (map[int64]string, error) {
	ids := make([]int64, 0, len(cases))
	for _, c := range cases {
		ids = append(ids, c.ProcuratorateID)
	}
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var ps []org.Procuratorate
	if err := tx.Select("id", "name").Where("id IN ?", ids).Find(&ps).Error; err != nil {
		return nil, err
	}
	for _, p := range ps {
		out[p.ID] = p.Name
	}
	return out, nil
}
