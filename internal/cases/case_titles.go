package cases

import "gorm.io/gorm"

// TitlesByID returns the titles of the cases with the given ids (for lists
// that name cases, such as the deadlines a calendar edit moved).
func TitlesByID(tx *gorm.DB, ids []int64) (map[int64]string, error) {
	var rows []struct {
		ID    int64
		Title string
	}
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if err := tx.Table("cases").Select("id, title").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.Title
	}
	return out, nil
}
