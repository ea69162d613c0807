package reviews

import (
	"gorm.io/gorm"
)

// This file is the reviews store: the queries the package's services and the
// other domains read reviews data with (review items with their case and
// reviewer).

func itemViews(tx *gorm.DB, q *gorm.DB) ([]ReviewItemView, error) {
	var rows []struct {
		ReviewItem
		CaseTitle      string
		DocumentNumber *string
		ProsecutorName string
		ReviewerName   *string
	}
	if err := q.Model(&ReviewItem{}).Select("review_items.*, cases.title AS case_title, cases.document_number, pu.display_name AS prosecutor_name, ru.display_name AS reviewer_name").
		Joins("JOIN cases ON cases.id = review_items.case_id").
		Joins("JOIN users pu ON pu.id = review_items.prosecutor_id").
		Joins("LEFT JOIN users ru ON ru.id = review_items.reviewer_id").
		Order("review_items.id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]ReviewItemView, len(rows))
	for i, r := range rows {
		out[i] = ReviewItemView{ReviewItem: r.ReviewItem, Scores: r.ReviewItem.ScoreMap(), CaseTitle: r.CaseTitle, DocumentNumber: r.DocumentNumber, ProsecutorName: r.ProsecutorName}
		if r.ReviewerName != nil {
			out[i].ReviewerName = *r.ReviewerName
		}
	}
	return out, nil
}
