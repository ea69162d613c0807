package handlers

import (
	"bytes"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/internal/calendar"
)

// The pooled serializer writes exactly the bytes echo's default one wrote,
// with the Content-Length of those bytes.
func TestJSONSerializerWritesTheDefaultBytes(t *testing.T) {
	t.Parallel()
	type item struct {
		ID       int64          `json:"id"`
		Title    string         `json:"title"`
		Score    float64        `json:"score"`
		Small    float32        `json:"small"`
		At       time.Time      `json:"at"`
		Due      calendar.Date  `json:"due"`
		Until    *time.Time     `json:"until"`
		Tags     []string       `json:"tags"`
		Extra    map[string]any `json:"extra,omitempty"`
		Raw      []byte         `json:"raw"`
		Optional *string        `json:"optional,omitempty"`
	}
	at := time.Date(2026, 12, 6, 8, 30, 15, 123456000, time.FixedZone("CST", 8*3600))
	values := []any{
		item{ID: 1, Title: `<script>&"引号"</script> 　全角 \ / ` + "\u2028\u2029\x00\x1f", Score: 0.1 + 0.2, Small: 1.0 / 3,
			At: at, Due: calendar.DateOf(at, time.UTC), Tags: []string{"a", "<b>"}, Extra: map[string]any{"z": 1e21, "a": 1e-7, "m": -0.0},
			Raw: []byte{0, 1, 2, 255}},
		[]item{{ID: math.MaxInt64, Score: 123456789.125, Title: "bad utf-8: \xff\xfe"}, {}},
		map[string]any{"items": []any{}, "next_cursor": nil, "total": 3, "f": float32(2.5)},
		map[string]string{"error": "未登录或登录已过期，请重新登录"},
		nil,
	}
	for n, v := range values {
		for _, indent := range []string{"", "  "} {
			want := serialize(t, echo.DefaultJSONSerializer{}, v, indent)
			res := serializeResponse(t, jsonSerializer{}, v, indent)
			if !bytes.Equal(res.Body.Bytes(), want) {
				t.Errorf("value %d, indent %q:\n got %s\nwant %s", n, indent, res.Body.Bytes(), want)
			}
			if cl := res.Header().Get(echo.HeaderContentLength); cl != strconv.Itoa(len(want)) {
				t.Errorf("value %d: Content-Length %q, body %d bytes", n, cl, len(want))
			}
		}
	}
	// A value that cannot be encoded writes nothing, as before.
	if res := serializeResponse(t, jsonSerializer{}, math.Inf(1), ""); res.Body.Len() != 0 {
		t.Errorf("an unencodable value wrote %q", res.Body.Bytes())
	}
}

func serialize(t *testing.T, s echo.JSONSerializer, v any, indent string) []byte {
	t.Helper()
	return serializeResponse(t, s, v, indent).Body.Bytes()
}

func serializeResponse(t *testing.T, s echo.JSONSerializer, v any, indent string) *httptest.ResponseRecorder {
	t.Helper()
	e := echo.New()
	e.JSONSerializer = s
	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	var err error
	if indent == "" {
		err = c.JSON(http.StatusOK, v)
	} else {
		err = c.JSONPretty(http.StatusOK, v, indent)
	}
	if _, bad := v.(float64); err != nil && !bad {
		t.Fatal(err)
	}
	return rec
}
