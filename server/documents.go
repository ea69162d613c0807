package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"jianyi/internal/cases"
	"jianyi/server/app"
)

func fontName(path string) string {
	if path == "" {
		return "shipped"
	}
	return path
}

// documentsVerify runs `server documents verify FILE`: it prints which
// generated document the file is, or that it matches none (ok false → exit 1).
func documentsVerify(args []string, stdout io.Writer) (bool, error) {
	fs := flag.NewFlagSet("documents verify", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var file string
	// The file may come before or after the flags.
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	cfg, err := loadConfig(fs, args)
	if err != nil {
		return false, err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" {
		return false, fmt.Errorf("usage: server documents verify FILE [--config PATH]")
	}
	content, err := os.ReadFile(file)
	if err != nil {
		return false, err
	}
	db, err := openDB(cfg)
	if err != nil {
		return false, err
	}
	defer db.Close()
	a, err := app.New(app.Options{Config: cfg, DB: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return false, err
	}
	m, err := a.Cases.VerifyDocument(context.Background(), nil, cases.SHA256Of(content))
	if err != nil {
		return false, err
	}
	if !m.Matched {
		fmt.Fprintf(stdout, "NO MATCH: %s (sha256 %s) is not among the documents whose hash Jianyi stores (检察建议书 and its 公开版, 送达回证, 催办函, 审批表, 备案报告); it may differ from the original, or be a document Jianyi renders on request without storing it (告知书)\n", file, m.SHA256)
		return false, nil
	}
	fmt.Fprintf(stdout, "MATCH: %s is the %s %s of case %d, generated %s (sha256 %s)\n",
		file, m.KindLabel, m.DocumentNumber, *m.CaseID, m.GeneratedAt.Format("2006-01-02 15:04:05 UTC"), m.SHA256)
	return true, nil
}
