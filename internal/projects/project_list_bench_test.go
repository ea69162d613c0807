package projects_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"jianyi/dbtest"
	"jianyi/internal/calendar"
	"jianyi/internal/platform/database"
	"jianyi/internal/projects"
)

// BenchmarkProjectList measures the projects list of the bench's projects
// request (the first page as the province case manager) on a COPY of a
// database filled by `server seed-bench` (migrated first: the benchmark
// writes to it). It reports the CPU time per list (the process's, every
// thread: steadier than the wall time on a shared machine), the queries per
// list and the linked cases of the page's projects, what the list counted
// before the counts were kept:
//
//	cp /dev/shm/s100k.db /dev/shm/mine.db
//	JIANYI_BENCH_DB=/dev/shm/mine.db go test ./internal/projects -run '^$' -bench ProjectList -benchmem
func BenchmarkProjectList(b *testing.B) {
	db := dbtest.OpenBenchDB(b)
	a := dbtest.BenchActor(b, db, "bench-p-casemgr")
	ctx := context.Background()
	queries := &queryCounter{}
	traced := &database.DB{DB: db.Session(&gorm.Session{Logger: queries}), Dialect: db.Dialect}
	svc := &projects.Service{DB: traced, Clock: calendar.NewClock(time.UTC, time.Now)}
	items, _, err := svc.ListProjects(ctx, a, projects.ProjectListQuery{})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, len(items))
	for i := range items {
		ids[i] = items[i].ID
	}
	var linked int64
	if err := db.Table("cases").Where("project_id IN ?", ids).Count(&linked).Error; err != nil {
		b.Fatal(err)
	}
	queries.n.Store(0)
	cpu := dbtest.ProcessCPU()
	for b.Loop() {
		if _, _, err := svc.ListProjects(ctx, a, projects.ProjectListQuery{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(dbtest.ProcessCPU()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(queries.n.Load())/float64(b.N), "queries/op")
	b.ReportMetric(float64(len(items)), "projects/page")
	b.ReportMetric(float64(linked), "linked-cases/page")
}

// queryCounter is a gorm logger that counts the statements run.
type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) LogMode(logger.LogLevel) logger.Interface { return q }
func (q *queryCounter) Info(context.Context, string, ...any)     {}
func (q *queryCounter) Warn(context.Context, string, ...any)     {}
func (q *queryCounter) Error(context.Context, string, ...any)    {}
func (q *queryCounter) Trace(context.Context, time.Time, func() (string, int64), error) {
	q.n.Add(1)
}
