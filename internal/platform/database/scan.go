package database

import "gorm.io/gorm"

// ScanEach runs the statement tx builds and scans each row into dest, then
// calls row (which reads what was scanned); the lists that scan by hand use
// it instead of gorm's reflection per cell. The rows are closed on return.
func ScanEach(tx *gorm.DB, dest []any, row func() error) error {
	rows, err := tx.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := row(); err != nil {
			return err
		}
	}
	return rows.Err()
}
