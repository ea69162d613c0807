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
		today := s.Clock.DateOf(now)
		f.Status, f.FiledAt, f.FiledOn, f.ReportFileID = FilingFiled, &now, &today, &sf.ID
		if err := tx.Model(&Filing{}).Where("id = ?", f.ID).Updates(map[string]any{
			"status": FilingFiled, "filed_at": now, "filed_on": today, "report_file_id": sf.ID}).Error; err != nil {
			return err
		}
		parent, err := org.ProcuratorateByID(tx, f.ParentProcuratorateID)
		if err != nil {
			return err
		}
		if err := AddCaseEvent(tx, a, &c, "filing_submitted", "", true, map[string]any{
			"filing_id": f.ID, "parent_procuratorate_id": parent.ID, "parent_procuratorate": parent.Name,
			"report_file_id": sf.ID, "sha256": sf.SHA256, "due_on": f.DueOn, "filed_on": today, "on_time": !today.After(f.DueOn),
		}); err != nil {
			return err
		}
		recipients, err := filingRecipients(tx, parent.ID, c.DepartmentID)
		if err != nil {
			return err
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

// filingRecipients are who at the higher procuratorate hears of a filing:
// its chief and case managers, and the department with the same function as
// the filer's (the same 部门代字, e.g. 第八检察部 — its head and prosecutors),
// who handle 备案 review.
func filingRecipients(tx *gorm.DB, parentID, filerDepartmentID int64) ([]int64, error) {
	var out []int64
	for _, role := range []org.Role{org.RoleChief, org.RoleCaseManager} {
		ids, err := org.UsersWithRole(tx, parentID, role)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	dept, err := counterpartDepartment(tx, parentID, filerDepartmentID)
	if err != nil || dept == 0 {
		return out, err
	}
	for _, role := range []org.Role{org.RoleDeptHead, org.RoleProsecutor} {
		ids, err := org.DepartmentUsersWithRole(tx, dept, role)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	return uniqueIDs(out), nil
}

// counterpartDepartment is the department of procuratorate procID with the
// same 部门代字 as department deptID, 0 when it has none.
func counterpartDepartment(tx *gorm.DB, procID, deptID int64) (int64, error) {
	var own org.Department
	if err := tx.Select("id", "number_code").First(&own, deptID).Error; err != nil {
		return 0, database.NotFoundOr(err, "部门")
	}
	var ids []int64
	if err := tx.Model(&org.Department{}).Where("procuratorate_id = ? AND number_code = ?", procID, own.NumberCode).
		Order("id").Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}
