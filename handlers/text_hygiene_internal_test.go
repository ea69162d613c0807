package handlers

import (
	"errors"
	"testing"

	"jianyi/internal/platform/apperr"
)

func TestCheckJSONText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		body  string
		field string // "" when accepted
	}{
		{`{"title":"正常的标题","note":"第一行\n第二行\t缩进"}`, ""},
		{`{"title":"NUL\u0000"}`, "title"},
		{`{"title":"ok","content":{"facts":"ESC\u001b[31m"}}`, "content.facts"},
		{`{"items":[{"text":"ok"},{"text":"BEL\u0007"}]}`, "items[1].text"},
		{`{"reason":"bare CR\r"}`, "reason"},
		{"{\"reason\":\"raw \x1b byte\"}", ""}, // not JSON: the decoder refuses it
		{"{\"a\":1,\"summary\":\"bad \xff\xfe utf-8\"}", "summary"},
		{`{"list":["a","b\u0085"]}`, "list[1]"},
		{`{"n":1.5,"ok":true,"none":null}`, ""},
		{`not json`, ""},
	} {
		err := checkJSONText([]byte(tt.body))
		var ae *apperr.Error
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%q refused: %v", tt.body, err)
		case tt.field != "" && (!errors.As(err, &ae) || ae.Fields[tt.field] == "" || ae.Code != "invalid_text"):
			t.Errorf("%q: want field %s, got %v (%+v)", tt.body, tt.field, err, ae)
		}
	}
}
