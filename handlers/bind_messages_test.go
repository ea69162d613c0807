package handlers

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"jianyi/internal/cases"
	"jianyi/internal/platform/apperr"
)

type orderProbe struct {
	Order string `json:"order" validate:"required,oneof=amend withdraw" label:"指令"`
}

type modeProbe struct {
	Mode string `json:"mode" validate:"oneof=written zz_unknown" label:"模式"`
}

// An enum refusal names the choices by their labels, not their codes.
func TestEnumMessagesNameChoicesInChinese(t *testing.T) {
	t.Parallel()
	v := NewValidator()
	for _, tc := range []struct {
		name  string
		value any
		field string
		want  string
	}{
		{"delivery method", &cases.DeliverPayload{Method: "fax"}, "method", "方式必须是“书面送达”“宣告送达”之一"},
		{"same code, other set", &orderProbe{Order: "x"}, "order", "指令必须是“指令变更”“指令撤回”之一"},
		{"a value nobody named keeps its code", &modeProbe{Mode: "x"}, "mode", "模式必须是“书面送达”“zz_unknown”之一"},
	} {
		err := v.Validate(tc.value)
		var ae *apperr.Error
		if !errors.As(err, &ae) {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := ae.Fields[tc.field]; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestEveryEnumHasLabels reads every oneof in the code: each must be named
// in full by one label set, so no refusal shows a bare code.
func TestEveryEnumHasLabels(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`oneof=([a-z_ ]+)`)
	n := 0
	for _, root := range []string{"../internal", "."} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				n++
				if got := enumChoices(m[1]); strings.Contains(got, "_") || !regexp.MustCompile(`\p{Han}`).MatchString(got) {
					t.Errorf("%s: oneof=%s reads %s", path, m[1], got)
				}
				for _, v := range strings.Fields(m[1]) {
					if strings.Contains(enumChoices(m[1]), "“"+v+"”") {
						t.Errorf("%s: oneof=%s has no label for %s", path, m[1], v)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 20 {
		t.Fatalf("found only %d oneof tags", n)
	}
}

type pathProbe struct {
	Title   string `json:"title"`
	Content struct {
		Facts string `json:"facts"`
		Items []struct {
			Text string `json:"text"`
		} `json:"items"`
	} `json:"content"`
	cases.DecisionFields
}

// An unknown field is named by its full path in the body.
func TestUnknownFieldNamedByFullPath(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"title":"x","content":{"titel":"y"}}`:                         "content.titel",
		`{"content":{"items":[{"text":"a"},{"text":"b","basis":"c"}]}}`: "content.items[1].basis",
		`{"colour":1}`: "colour",
		`{"content":{"facts":"f"},"opinion":"同意","committee":true,"zz":1}`: "zz",
	} {
		var dst pathProbe
		err := decodeStrict([]byte(body), &dst)
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != "unknown_field" {
			t.Fatalf("%s: %v", body, err)
		}
		if _, ok := ae.Fields[want]; !ok || ae.Message != "未知字段："+want {
			t.Errorf("%s: %q %v, want %s", body, ae.Message, ae.Fields, want)
		}
	}
	// A wrong type is named by its JSON path too, not through Go's embedded
	// struct names.
	var dst pathProbe
	err := decodeStrict([]byte(`{"committee":"yes"}`), &dst)
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != "wrong_type" || ae.Fields["committee"] == "" {
		t.Fatalf("wrong type: %v", err)
	}
}
