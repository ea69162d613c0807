package templates

import (
	"errors"
	"fmt"
	"html/template"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// funcs are the helpers every template may call. The builders (field,
// badge, empty, download, pager) return the value a partial renders; they
// take "Key" value pairs and refuse unknown keys, so a typo fails the page
// (and its test) instead of silently dropping an attribute.
func funcs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"field":       buildField,
		"options":     options,
		"opts":        literalOptions,
		"badge":       func(label, tone string) Badge { return Badge{Label: label, Tone: tone} },
		"statusBadge": statusBadge,
		"dueBadge":    func(due, today any) Badge { return dueBadge(due, today, loc) },
		"empty":       func(kv ...any) (Empty, error) { var e Empty; return e, setFields(&e, kv) },
		"download":    func(kv ...any) (Download, error) { var d Download; return d, setFields(&d, kv) },
		"pager":       func(kv ...any) (Pager, error) { var p Pager; return p, setFields(&p, kv) },
		"dict":        dict,
		"date":        func(v any) string { return formatDate(v, loc, "2006-01-02") },
		"dateCN":      func(v any) string { return chineseDate(v, loc) },
		"datetime":    func(v any) string { return formatDate(v, loc, "2006-01-02 15:04") },
		"fileSize":    FileSize,
		"fileKind":    fileKind,
	}
}

// buildField makes a Field named name with label, its error taken from errs,
// and the other attributes from key/value pairs:
//
//	{{template "field" (field .Errors "phone" "联系电话" "Type" "tel" "Value" .Data.Phone "Required" true)}}
func buildField(errs FormErrors, name, label string, kv ...any) (Field, error) {
	f := Field{Name: name, Label: label}
	if err := setFields(&f, kv); err != nil {
		return f, fmt.Errorf("field %s: %w", name, err)
	}
	if f.ID == "" {
		f.ID = name
	}
	if f.Type == "" {
		f.Type = "text"
	}
	if f.Error == "" {
		f.Error = errs.For(name)
	}
	return f, nil
}

// setFields sets dst's exported fields from "Key", value pairs.
func setFields(dst any, kv []any) error {
	if len(kv)%2 != 0 {
		return errors.New("odd number of key/value arguments")
	}
	v := reflect.ValueOf(dst).Elem()
	for i := 0; i < len(kv); i += 2 {
		key, ok := kv[i].(string)
		if !ok {
			return fmt.Errorf("key %v is not a string", kv[i])
		}
		fv := v.FieldByName(key)
		if !fv.IsValid() || !fv.CanSet() {
			return fmt.Errorf("unknown key %q for %s", key, v.Type().Name())
		}
		if err := assign(fv, kv[i+1]); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return nil
}

func assign(fv reflect.Value, val any) error {
	if val == nil {
		return nil
	}
	rv := reflect.ValueOf(val)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	switch fv.Kind() {
	case reflect.String:
		switch x := rv.Interface().(type) {
		case string:
			fv.SetString(x)
		case fmt.Stringer:
			fv.SetString(x.String())
		default:
			switch rv.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				if rv.Int() != 0 { // 0 is "nothing chosen" for ids
					fv.SetString(strconv.FormatInt(rv.Int(), 10))
				}
			case reflect.String:
				fv.SetString(rv.String())
			default:
				return fmt.Errorf("cannot use %T as text", val)
			}
		}
	case reflect.Int, reflect.Int64:
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			fv.SetInt(rv.Int())
		default:
			return fmt.Errorf("cannot use %T as a number", val)
		}
	case reflect.Bool:
		if rv.Kind() != reflect.Bool {
			return fmt.Errorf("cannot use %T as true/false", val)
		}
		fv.SetBool(rv.Bool())
	default:
		if !rv.Type().AssignableTo(fv.Type()) {
			return fmt.Errorf("cannot use %T as %s", val, fv.Type())
		}
		fv.Set(rv)
	}
	return nil
}

// options turns a slice of structs (or pointers to them) into choices, value
// and label taken from the named fields: (options .Data.Procuratorates "ID" "Name").
func options(list any, valueField, labelField string) ([]Option, error) {
	rv := reflect.ValueOf(list)
	if rv.Kind() != reflect.Slice {
		return nil, fmt.Errorf("options: %T is not a list", list)
	}
	out := make([]Option, 0, rv.Len())
	for i := 0; i < rv.Len(); i++ {
		el := reflect.Indirect(rv.Index(i))
		switch el.Kind() { // a list of strings or numbers: value = label
		case reflect.String, reflect.Int, reflect.Int64:
			s := fmt.Sprint(el.Interface())
			out = append(out, Option{Value: s, Label: s})
			continue
		}
		var o Option
		for _, f := range []struct {
			name string
			dst  *string
		}{{valueField, &o.Value}, {labelField, &o.Label}} {
			fv := el.FieldByName(f.name)
			if !fv.IsValid() {
				return nil, fmt.Errorf("options: %s has no field %s", el.Type(), f.name)
			}
			*f.dst = fmt.Sprint(fv.Interface())
		}
		out = append(out, o)
	}
	return out, nil
}

// literalOptions is (opts "value" "标签" "value2" "标签二").
func literalOptions(kv ...string) ([]Option, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("opts: odd number of arguments")
	}
	out := make([]Option, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		out = append(out, Option{Value: kv[i], Label: kv[i+1]})
	}
	return out, nil
}

func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// StatusTones colour the status codes of every part of the system. Colours
// mean status only: red = overdue or refused, amber = due soon, green = done
// or on time; everything else is neutral.
var StatusTones = map[string]string{
	// case states
	"closed": "success",
	// replies and their classes (disclosure, statistics)
	"replied": "success", "on_time": "success", "overdue": "danger", "late": "danger", "no_reply": "danger",
	// applications
	"accepted": "success", "declined": "danger",
	// rectification verdicts
	"rectified": "success", "not_rectified": "danger",
	// tasks
	"done": "success",
	// filings (备案)
	"filed": "success",
}

// statusBadge shows a status by its Chinese label, coloured by its code.
func statusBadge(code any, label string) Badge {
	c := fmt.Sprint(code)
	tone := StatusTones[c]
	if tone == "" {
		tone = "neutral"
	}
	if label == "" {
		label = c
	}
	return Badge{Label: label, Tone: tone}
}

// dueBadge says how far a due date is from today: 逾期 N 天 (red), 今天到期 or
// 还剩 N 天 within three days (amber), 还剩 N 天 otherwise (neutral). No due
// date, no badge.
func dueBadge(due, today any, loc *time.Location) Badge {
	d, ok := asDate(due, loc)
	t, ok2 := asDate(today, loc)
	if !ok || !ok2 {
		return Badge{}
	}
	days := int(d.Sub(t).Hours() / 24)
	title := "期限：" + chineseDate(d, loc)
	switch {
	case days < 0:
		return Badge{Label: fmt.Sprintf("逾期 %d 天", -days), Tone: "danger", Title: title}
	case days == 0:
		return Badge{Label: "今天到期", Tone: "warning", Title: title}
	case days <= 3:
		return Badge{Label: fmt.Sprintf("还剩 %d 天", days), Tone: "warning", Title: title}
	}
	return Badge{Label: fmt.Sprintf("还剩 %d 天", days), Tone: "neutral", Title: title}
}

// asDate reads a calendar date from a time.Time (its day in loc), a
// "YYYY-MM-DD" string or anything whose String() is one (models.Date), as
// midnight UTC. A nil pointer or zero value is no date.
func asDate(v any, loc *time.Location) (time.Time, bool) {
	if v == nil {
		return time.Time{}, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return time.Time{}, false
		}
		v = rv.Elem().Interface()
	}
	var s string
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return time.Time{}, false
		}
		y, m, d := x.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), true
	case string:
		s = x
	case fmt.Stringer:
		s = x.String()
	default:
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// formatDate formats a date or an instant; instants are shown in loc.
func formatDate(v any, loc *time.Location, layout string) string {
	if t, ok := v.(time.Time); ok {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(layout)
	}
	if p, ok := v.(*time.Time); ok {
		if p == nil {
			return ""
		}
		return formatDate(*p, loc, layout)
	}
	d, ok := asDate(v, loc)
	if !ok {
		return ""
	}
	return d.Format("2006-01-02") // a calendar date has no time of day
}

// chineseDate is 2026年12月5日.
func chineseDate(v any, loc *time.Location) string {
	d, ok := asDate(v, loc)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
}

// FileSize is a byte count for people: 820 字节, 245 KB, 1.2 MB.
func FileSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d 字节", n)
	case n < 1024*1024:
		return fmt.Sprintf("%d KB", (n+512)/1024)
	default:
		s := strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64)
		return strings.TrimSuffix(s, ".0") + " MB"
	}
}

// fileKind names a file's type from its extension (PDF, Word, 图片, …).
func fileKind(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".pdf":
		return "PDF"
	case ".doc", ".docx":
		return "Word"
	case ".xls", ".xlsx":
		return "Excel"
	case ".csv":
		return "CSV"
	case ".jpg", ".jpeg", ".png", ".gif", ".webp":
		return "图片"
	case ".txt":
		return "文本"
	case ".zip":
		return "压缩包"
	}
	return "文件"
}
