package applications

import (
	"crypto/subtle"
	"strings"
	"time"

	"gorm.io/gorm"

	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"
)

// This file is the applications store: the queries the package's services and
// the other domains read applications data with (applications by tracking
// number, their answers, their applicants).

func addAnswer(tx *gorm.DB, appID int64, kind, text string, on calendar.Date, actorID *int64, now time.Time) error {
	return tx.Create(&ApplicationAnswer{ApplicationID: appID, Kind: kind, Text: text, GivenOn: on, ActorID: actorID, CreatedAt: now}).Error
}

// openByTracking loads an application for its applicant. An unknown number
// and a wrong secret give the same error, after the same comparison.
func openByTracking(tx *gorm.DB, trackingNo, secret string) (*Application, error) {
	trackingNo = strings.ToUpper(strings.TrimSpace(trackingNo))
	var app Application
	found := false
	if len(trackingNo) <= 24 && trackingNo != "" {
		err := tx.Where("tracking_no = ?", trackingNo).First(&app).Error
		if err != nil && !database.IsNotFound(err) {
			return nil, err
		}
		found = err == nil
	}
	want := dummySecretHash
	if found {
		want = app.SecretHash
	}
	ok := subtle.ConstantTimeCompare([]byte(hashSecret(strings.TrimSpace(secret))), []byte(want)) == 1
	if !found || !ok || secret == "" {
		return nil, applicationNotFound()
	}
	return &app, nil
}

// ApplicantNames lists the applicants of the applications that started a case
// (the disclosure hides them).
func ApplicantNames(tx *gorm.DB, caseID int64) ([]string, error) {
	var names []string
	err := tx.Model(&Application{}).Where("case_id = ?", caseID).Pluck("applicant_name", &names).Error
	return names, err
}
