package handlers_test

import (
	"bytes"
	"net/http"
	"testing"

	"jianyi/apitest"
	"jianyi/dbtest"
	"jianyi/internal/platform/database"
)

// TestLargeUploadNever500: a file just under the configured 20 MB upload
// limit is stored (200) where the database can hold it, and refused with 413
// where it cannot (MariaDB's max_allowed_packet, 16 MB by default: the
// limit is lowered at start to fit) — never a 500.
func TestLargeUploadNever500(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := apitest.New(t, db)
		fx := createDeliveredCaseFixture(t, env, 4, true)
		payload := map[string]any{"kind": "final", "items": allItems("adopted", "adopted", "adopted"), "contact_person": "王科长", "contact_phone": "1"}
		big := append(pdfBytes("large"), bytes.Repeat([]byte("%"), 20<<20-4096)...)
		res := actMultipart(t, env, fx.ID, "reply", "agency1", 1, payload,
			[]apitest.File{{Field: "files", Name: "整改报告.pdf", ContentType: "application/pdf", Content: big}})
		packet, err := db.MaxAllowedPacket(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case res.Status == http.StatusOK:
			if packet != 0 && packet < int64(len(big)) {
				t.Fatalf("stored a %d-byte file over a %d-byte packet?", len(big), packet)
			}
		case res.Status == http.StatusRequestEntityTooLarge:
			if packet == 0 || packet > int64(len(big))+256<<10 {
				t.Fatalf("413 although the database holds the file (packet %d): %s", packet, res.Body)
			}
		default:
			t.Fatalf("20 MB upload: %d %s", res.Status, res.Body)
		}
	})
}
