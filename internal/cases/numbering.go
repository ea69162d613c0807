package cases

import (
	"fmt"

	"gorm.io/gorm"

	"jianyi/internal/org"
	"jianyi/internal/platform/database"
)

// Numbering sequences kept in number_counters.
const (
	// CounterCase numbers 案号 per procuratorate and year (department_id 0).
	CounterCase = "case"
	// CounterDocument numbers 文号 per procuratorate, department and year.
	CounterDocument = "document"
)

// numberCounter is one gap-free sequence.
type numberCounter struct {
	Kind            string `gorm:"primaryKey"`
	ProcuratorateID int64  `gorm:"primaryKey"`
	DepartmentID    int64  `gorm:"primaryKey"`
	Year            int    `gorm:"primaryKey"`
	LastValue       int
}

func (numberCounter) TableName() string { return "number_counters" }

// nextNumber takes the next value of a sequence inside tx. The counter row is
// created if missing and then locked (SELECT … FOR UPDATE on MySQL; SQLite's
// transaction already holds the write lock), so concurrent transactions queue
// on it: the number is only consumed if tx commits, which keeps the sequence
// free of gaps — unlike AUTO_INCREMENT, which skips on rollback and, on
// distributed MySQL-compatible databases, hands out ranges per server.
func nextNumber(tx *gorm.DB, kind string, procuratorateID, departmentID int64, year int) (int, error) {
	// Create-or-touch in one statement: on MySQL ON DUPLICATE KEY takes an
	// exclusive lock on an existing row (never a shared one that two
	// transactions could both hold and then deadlock upgrading).
	insert := "INSERT INTO number_counters (kind, procuratorate_id, department_id, year, last_value) VALUES (?, ?, ?, ?, 0) "
	if tx.Dialector.Name() == "mysql" {
		insert += "ON DUPLICATE KEY UPDATE last_value = last_value"
	} else {
		insert += "ON CONFLICT DO NOTHING"
	}
	if err := tx.Exec(insert, kind, procuratorateID, departmentID, year).Error; err != nil {
		return 0, err
	}
	var c numberCounter
	if err := database.LockRow(tx).Where("kind = ? AND procuratorate_id = ? AND department_id = ? AND year = ?",
		kind, procuratorateID, departmentID, year).First(&c).Error; err != nil {
		return 0, err
	}
	c.LastValue++
	res := tx.Model(&numberCounter{}).Where("kind = ? AND procuratorate_id = ? AND department_id = ? AND year = ?",
		kind, procuratorateID, departmentID, year).Update("last_value", c.LastValue)
	if res.Error != nil {
		return 0, res.Error
	}
	return c.LastValue, nil
}

// CaseNumber formats a 案号: {院简称}检{部门代字}立〔{年}〕{n}号, e.g.
// 清河检八立〔2026〕3号. n counts per procuratorate and year across its
// departments, so the number is unique in the procuratorate for the year.
func CaseNumber(short, deptCode string, year, n int) string {
	return fmt.Sprintf("%s检%s立〔%d〕%d号", short, deptCode, year, n)
}

// DocumentNumber formats a 文号: {院简称}检{部门代字}建〔{年}〕{n}号, e.g.
// 清河检八建〔2026〕1号; n counts per procuratorate, department and year,
// without zero padding.
func DocumentNumber(short, deptCode string, year, n int) string {
	return fmt.Sprintf("%s检%s建〔%d〕%d号", short, deptCode, year, n)
}

// numberingNames loads the 院简称 and 部门代字 of a case.
func numberingNames(tx *gorm.DB, c *Case) (short, code string, err error) {
	p, err := org.ProcuratorateByID(tx, c.ProcuratorateID)
	if err != nil {
		return "", "", err
	}
	var d org.Department
	if err := tx.First(&d, c.DepartmentID).Error; err != nil {
		return "", "", err
	}
	return p.ShortName, d.NumberCode, nil
}
