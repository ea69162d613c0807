package applications

import (
	"context"

	"gorm.io/gorm"

	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/audit"
	"jianyi/internal/reviews"
)

// RateCase records the applicant's rating (公民评价) of the closed case the
// application led to. The secret opens the application, exactly as a
// look-up does (same limits, same 404 for a wrong number or secret); the
// application must have started a case, and RateCaseAsCitizen checks the case
// is closed and allows one rating per tracking number.
func (s *Service) RateCase(ctx context.Context, trackingNo, secret, ip string, in reviews.RatingInput) (*reviews.CaseRating, error) {
	now := s.Cases.Now()
	if err := s.checkLookupLimits(ctx, now, trackingNo, ip); err != nil {
		return nil, err
	}
	var out *reviews.CaseRating
	err := s.DB.WithTx(ctx, func(tx *gorm.DB) error {
		app, err := openByTracking(tx, trackingNo, secret)
		if err != nil {
			return err
		}
		if app.CaseID == nil {
			return apperr.Conflict("case_not_closed", "您的申请尚未启动检察建议办理程序，结案后才能评价")
		}
		r, err := reviews.RateCaseAsCitizen(tx, *app.CaseID, app.TrackingNo, in)
		if err != nil {
			return err
		}
		out = r
		return audit.Record(tx, CitizenActor(app.TrackingNo, ip), "application.rate", "application", app.ID,
			map[string]any{"case_id": *app.CaseID, "rating_id": r.ID})
	})
	return out, err
}
