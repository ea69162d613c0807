package cases

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"jianyi/internal/notify"
	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// SubmitFiling files a pending 备案 with the higher procuratorate: in one
// transaction it renders and stores the 备案报告, marks the filing filed, writes
// the (internal) timeline event with its audit entry and tells the parent
// procuratorate's chief and case managers. Only CanSubmitFiling users may; a
// filing already filed is a 409 already_filed. Filings of cases the actor may
// not read are not found.
func (s *Service) SubmitFiling(ctx context.Context, a *org.Actor, id int64) (*Filing, error) {
	var out Filing
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		var f Filing
		if err := database.LockRow(tx).Where("id = ?", id).Take(&f).Error; err != nil {
			return database.NotFoundOr(err, "备案")
		}
		var c Case
		if err := tx.First(&c, f.CaseID).Error; err != nil {
			return database.NotFoundOr(err, "备案")
		}
		if !CanReadCase(a, &c) {
			return apperr.NotFound("备案")
		}
		if !CanSubmitFiling(a, &c) {
			return apperr.Forbidden("只有承办部门的检察官或部门负责人可以报送备案")
		}
		if f.Status != FilingPending {
			return apperr.Conflict("already_filed", "该检察建议已报上级院备案，不能重复报送")
		}
		in, err := loadDocumentInputs(tx, &c)
		if err != nil {
			return err
		}
		in.filing = &f
		doc, err := s.renderCaseDocument(tx, in, DocFilingReport)
		if err != nil {
			return err
		}
		now := s.Now()
		sf, err := storeGeneratedDocument(tx, a, doc, now)
		if err != nil {
			return err
		}
		f.Status, f.FiledAt, f.ReportFileID = FilingFiled, &now, &sf.ID
		if err := tx.Model(&Filing{}).Where("id = ?", f.ID).Updates(map[string]any{
			"status": FilingFiled, "filed_at": now, "report_file_id": sf.ID}).Error; err != nil {
			return err
		}
		parent, err := org.ProcuratorateByID(tx, f.ParentProcuratorateID)
		if err != nil {
			return err
		}
		if err := AddCaseEvent(tx, a, &c, "filing_submitted", "", true, map[string]any{
			"filing_id": f.ID, "parent_procuratorate_id": parent.ID, "parent_procuratorate": parent.Name,
			"report_file_id": sf.ID, "sha256": sf.SHA256,
		}); err != nil {
			return err
		}
		var recipients []int64
		for _, role := range []org.Role{org.RoleChief, org.RoleCaseManager} {
			ids, err := org.UsersWithRole(tx, parent.ID, role)
			if err != nil {
				return err
			}
			recipients = append(recipients, ids...)
		}
		out = f
		return notify.Send(tx, s.Settings.Channels, notify.Spec{UserIDs: recipients, Kind: "filing_submitted",
			Title: "下级院报送检察建议备案",
			Body: fmt.Sprintf("%s报送《%s》（%s）备案，请查阅备案报告。", in.procuratorate.Name,
				recommendationTitle(tx, &c), in.number())})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
