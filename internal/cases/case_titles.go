package cases

import "gorm.io/gorm"

// TitlesByID returns the titles of the cases with the given ids (for lists
// that name cases, such as the deadlines a calendar edit moved), read 500
// ids at a time.
func TitlesByID(tx *gorm.DB, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for start := 0; start < len(ids); start += 500 {
		var rows []struct {
			ID    int64
			Title string
		}
		if err := tx.Table("cases").Select("id, title").Where("id IN ?", ids[start:min(start+500, len(ids))]).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = r.Title
		}
	}
	return out, nil
}
