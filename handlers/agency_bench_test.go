package handlers_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/internal/org"
)

// BenchmarkAgencyInbox measures one inbox page (20 items) for an agency with
// 2,000 delivered recommendations, through the router, on SQLite (and MariaDB
// when configured).
func BenchmarkAgencyInbox(b *testing.B) {
	for _, driver := range dbtest.Drivers() {
		b.Run(driver, func(b *testing.B) {
			db := dbtest.Open(b, driver)
			env := apitest.New(b, db)
			var prosecutor org.User
			db.Where("username = ?", "prosecutor1").First(&prosecutor)
			agency := env.Org.Agency1.ID
			now := time.Now().UTC()
			rows := make([]cases.Case, 0, 2000)
			for i := 0; i < 2000; i++ {
				day := calendar.NewDate(2025, time.January, 1).AddDays(i % 700)
				due := day.AddDays(61)
				no := fmt.Sprintf("清河检八建〔%d〕%d号", day.Year(), i+1)
				rows = append(rows, cases.Case{ProcuratorateID: env.Org.District.ID, DepartmentID: env.Org.Department.ID,
					Title: fmt.Sprintf("案件%d", i), Field: "其他", Source: cases.SourceOther, AgencyID: &agency, ProsecutorID: prosecutor.ID,
					State: cases.StateDelivered, Version: 1, DocumentNumber: &no, DeliveredOn: &day, ReceivedOn: &day, ReplyDue: &due,
					StateEnteredAt: now, CreatedBy: prosecutor.ID, CreatedAt: now, UpdatedAt: now})
			}
			if err := db.CreateInBatches(rows, 200).Error; err != nil {
				b.Fatal(err)
			}
			env.Token("agency1")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res := env.Do("GET", "/api/v1/agency/recommendations?limit=20&overdue=true", "agency1", nil)
				if res.Status != http.StatusOK {
					b.Fatalf("status %d: %s", res.Status, res.Body)
				}
			}
		})
	}
}
