package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"gorm.io/gorm"

	"jianyi/config"
	"jianyi/dbtest"
	"jianyi/internal/cases"
	"jianyi/internal/org"
	"jianyi/internal/platform/search"
	"jianyi/server/app"
)

// TestIndexSearchMergesWhatItFilled: the start-up fill merges the search
// indexes' segments when it wrote tokens (a bulk load leaves many), and a
// start that finds nothing to fill leaves them to the nightly job instead
// of rewriting the whole index (SQLite; MariaDB has nothing to merge).
func TestIndexSearchMergesWhatItFilled(t *testing.T) {
	t.Parallel()
	db := dbtest.OpenSeeded(t, "sqlite")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, err := config.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Options{Config: cfg, DB: db, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := a.IndexSearch(ctx, log); err != nil { // whatever the seed left unindexed
		t.Fatal(err)
	}
	// Segments as the requests of a day leave them: one a transaction.
	if err := db.Exec("INSERT INTO case_search (case_search, rank) VALUES ('automerge', 0)").Error; err != nil {
		t.Fatal(err)
	}
	var u org.User
	if err := db.Where("username = ?", "prosecutor1").First(&u).Error; err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	list := make([]cases.Case, 8)
	for i := range list {
		list[i] = cases.Case{ProcuratorateID: *u.ProcuratorateID, DepartmentID: *u.DepartmentID, ProsecutorID: u.ID, CreatedBy: u.ID,
			Title: fmt.Sprintf("尾矿库渗漏第%d号", i), Field: "生态环境", Source: cases.SourceCaseFinding, State: cases.StateLead,
			Version: 1, StateEnteredAt: now, CreatedAt: now, UpdatedAt: now}
		err := db.WithTx(ctx, func(tx *gorm.DB) error {
			if err := tx.Create(&list[i]).Error; err != nil {
				return err
			}
			return cases.IndexCase(tx, &list[i], nil)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	segments := func() int {
		t.Helper()
		n, err := search.Cases.Segments(db.DB)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := segments()
	if before < 2 {
		t.Fatalf("%d segments after %d writes", before, len(list))
	}
	if err := a.IndexSearch(ctx, log); err != nil {
		t.Fatal(err)
	}
	if n := segments(); n != before {
		t.Errorf("a start with nothing to fill went from %d segments to %d", before, n)
	}
	// A case without tokens (as loaded in bulk): the fill writes it, then merges.
	if err := search.Cases.Delete(db.DB, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := a.IndexSearch(ctx, log); err != nil {
		t.Fatal(err)
	}
	if n := segments(); n != 1 {
		t.Errorf("after a fill that wrote tokens: %d segments, want 1", n)
	}
}
