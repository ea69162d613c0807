package cases

import (
	"database/sql"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
)

// findCases runs a case list's statement. Summary lists read
// CaseSummaryColumns, scanned by hand: gorm's reflection (a field lookup
// and a converter per cell) cost about as much as the read itself, as it
// did in the filings list. Whole cases are read by gorm.
func findCases(tx *gorm.DB, summary bool) ([]Case, error) {
	var out []Case
	if !summary {
		err := tx.Find(&out).Error
		return out, err
	}
	rows, err := tx.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Case
		if err := scanCaseSummary(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// scanCaseSummary reads a row of CaseSummaryColumns (in that order) into c.
func scanCaseSummary(rows *sql.Rows, c *Case, more ...any) error {
	var (
		caseNumber, documentNumber                        sql.NullString
		agencyID, deliveredAgencyID, projectID            sql.NullInt64
		issuedAt, closedAt                                sql.NullTime
		deliveredOn, receivedOn, replyDue, firstRepliedOn calendar.Date
	)
	dest := append([]any{&c.ID, &c.ProcuratorateID, &caseNumber, &documentNumber, &c.Title, &c.Field, (*string)(&c.State), &c.Version,
		&agencyID, &deliveredAgencyID, &c.ProsecutorID, &projectID, &issuedAt, &deliveredOn, &receivedOn, &replyDue, &firstRepliedOn,
		&closedAt, &c.UpdatedAt}, more...)
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	c.CaseNumber, c.DocumentNumber = nullable(caseNumber.String, caseNumber.Valid), nullable(documentNumber.String, documentNumber.Valid)
	c.AgencyID, c.DeliveredAgencyID = nullable(agencyID.Int64, agencyID.Valid), nullable(deliveredAgencyID.Int64, deliveredAgencyID.Valid)
	c.ProjectID = nullable(projectID.Int64, projectID.Valid)
	c.IssuedAt, c.ClosedAt = nullable(issuedAt.Time, issuedAt.Valid), nullable(closedAt.Time, closedAt.Valid)
	c.DeliveredOn, c.ReceivedOn = nullable(deliveredOn, !deliveredOn.IsZero()), nullable(receivedOn, !receivedOn.IsZero())
	c.ReplyDue, c.FirstRepliedOn = nullable(replyDue, !replyDue.IsZero()), nullable(firstRepliedOn, !firstRepliedOn.IsZero())
	return nil
}
