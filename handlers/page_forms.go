package handlers

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/agency"
	"jianyi/internal/calendar"
	"jianyi/internal/cases"
	"jianyi/templates"
)

// The case page's action forms are generated from each action's payload
// type (the value cases.Service.NewActionPayload returns, which the API binds
// too): one field per JSON field, labelled in Chinese, required where the
// validate tag says so, a choice list for "oneof" fields. A posted form is
// turned back into the JSON body the API takes and goes through the same
// decoding, validation and Execute, so a rule lives in one place.

// formRows is how many rows a form offers for a list of records (参加人员,
// 措施); blank rows are left out when the form is read.
const formRows = 2

// formEnumLabels name the choices of "oneof" fields, per JSON field name.
var formEnumLabels = map[string]map[string]string{
	"method":   cases.DeliveryMethodLabels,
	"channel":  {"in_person": "直接送达（当日收到）", "post": "邮寄送达"},
	"decision": {"grant": "同意延期", "refuse": "不同意延期"},
	"outcome": mergeLabels(agency.CloseOutcomeLabels,
		map[string]string{"amend": "修改检察建议", "withdraw": "撤回检察建议", "keep": "维持检察建议"}),
	"verdict":  mergeLabels(agency.RectificationLabels, agency.LookBackVerdictLabels),
	"position": agency.PositionLabels,
	"source":   cases.SourceLabels,
}

// formKindLabels name the "kind" choices, which differ by payload.
var formKindLabels = mergeLabels(agency.FollowUpKindLabels, agency.EscalationKindLabels, cases.AttendeeKindLabels,
	cases.DecisionKindLabels, map[string]string{agency.ReplyKindInterim: "阶段性回复", agency.ReplyKindFinal: "正式回复",
		agency.ReplyKindSupplement: "补充回复"})

// formFieldLabels name the payload fields the shared field names lack.
var formFieldLabels = map[string]string{
	"committee": "经检察委员会决定", "requested_due": "申请延至日期", "supplement_due": "补充回复期限",
	"internal": "内部记录（不向被建议单位显示）",
}

func mergeLabels(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// formLabel is a field's Chinese label: its label tag, else the shared
// field names, else the JSON name.
func formLabel(f reflect.StructField, name string) string {
	if l := f.Tag.Get("label"); l != "" {
		return l
	}
	if l, ok := formFieldLabels[name]; ok {
		return l
	}
	if l, ok := fieldLabels[name]; ok {
		return l
	}
	return name
}

var dateType = reflect.TypeOf(calendar.Date{})

// fieldKind classifies a payload field for the form.
func fieldKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == dateType:
		return "date"
	case t.Kind() == reflect.Bool:
		return "bool"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		return "int"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return "lines"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return "rows"
	}
	return ""
}

// payloadField is one JSON field of a payload type.
type payloadField struct {
	Name  string
	Label string
	Kind  string
	Type  reflect.Type
	Tag   string // validate tag
}

// payloadFields lists a struct's JSON fields, embedded structs flattened.
func payloadFields(t reflect.Type) []payloadField {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []payloadField
	if t.Kind() != reflect.Struct {
		return nil
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, payloadFields(f.Type)...)
			continue
		}
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		out = append(out, payloadField{Name: name, Label: formLabel(f, name), Kind: fieldKind(f.Type), Type: f.Type, Tag: f.Tag.Get("validate")})
	}
	return out
}

// tagParam returns the parameter of a validate rule ("max" of "required,max=200").
func tagParam(tag, rule string) (string, bool) {
	for _, part := range strings.Split(tag, ",") {
		if part == "dive" {
			break
		}
		if k, v, _ := strings.Cut(part, "="); k == rule {
			return v, true
		}
	}
	return "", false
}

// optionsOf are the choices of a oneof field with their labels.
func optionsOf(name, tag string) []templates.Option {
	list, ok := tagParam(tag, "oneof")
	if !ok {
		return nil
	}
	labels := formEnumLabels[name]
	if name == "kind" {
		labels = formKindLabels
	}
	var out []templates.Option
	for _, v := range strings.Fields(list) {
		l := labels[v]
		if l == "" {
			l = v
		}
		out = append(out, templates.Option{Value: v, Label: l})
	}
	return out
}

// formFields builds the controls of a payload type; values are the posted
// form (to keep the input after an error), errs the field messages.
func formFields(payload any, values map[string][]string, errs templates.FormErrors, choices map[string][]templates.Option) []templates.Field {
	var out []templates.Field
	for _, pf := range payloadFields(reflect.TypeOf(payload)) {
		if pf.Kind == "rows" {
			for i := 0; i < formRows; i++ {
				for _, sub := range payloadFields(pf.Type.Elem()) {
					name := fmt.Sprintf("%s[%d].%s", pf.Name, i, sub.Name)
					f := controlFor(sub, name, fmt.Sprintf("%s %d：%s", pf.Label, i+1, sub.Label), values, errs, choices)
					f.Required = false // a blank row is left out
					out = append(out, f)
				}
			}
			continue
		}
		out = append(out, controlFor(pf, pf.Name, pf.Label, values, errs, choices))
	}
	return out
}

func controlFor(pf payloadField, name, label string, values map[string][]string, errs templates.FormErrors, choices map[string][]templates.Option) templates.Field {
	f := templates.Field{Name: name, ID: name, Label: label, Type: "text", Error: errs.For(name),
		Required: strings.HasPrefix(pf.Tag, "required") || strings.Contains(pf.Tag, ",required")}
	if strings.Contains(pf.Tag, "dive") && !strings.HasPrefix(pf.Tag, "required") {
		f.Required = false
	}
	if v := values[name]; len(v) > 0 {
		f.Value = v[0]
	}
	switch pf.Kind {
	case "date":
		f.Type, f.Width = "date", "short"
	case "int":
		f.Type, f.Width, f.InputMode = "number", "short", "numeric"
		if opts, ok := choices[pf.Name]; ok {
			f.Type, f.Width, f.Options, f.Blank = "select", "medium", opts, "请选择"
		}
	case "bool":
		f.Type, f.Required = "checkbox", false
		f.Checked = f.Value == "true"
		f.Value = "true"
	case "lines":
		f.Type, f.Rows, f.Hint = "textarea", 3, "每行一项"
	case "string":
		if opts := optionsOf(pf.Name, pf.Tag); opts != nil {
			f.Type, f.Options, f.Blank, f.Width = "select", opts, "请选择", "medium"
		} else if max, ok := tagParam(pf.Tag, "max"); ok {
			n, _ := strconv.Atoi(max)
			f.MaxLength = n
			if n > 500 {
				f.Type, f.Rows = "textarea", 4
			}
		}
	}
	return f
}

// formBody turns a posted form back into the JSON object of the payload
// type: the same body the API's clients send. Blank optional values are left
// out; numbers that are not numbers are field errors.
func formBody(payload any, values map[string][]string) (map[string]any, map[string]string) {
	body := map[string]any{}
	bad := map[string]string{}
	for _, pf := range payloadFields(reflect.TypeOf(payload)) {
		if pf.Kind == "rows" {
			var rows []map[string]any
			for i := 0; i < formRows; i++ {
				row := map[string]any{}
				for _, sub := range payloadFields(pf.Type.Elem()) {
					name := fmt.Sprintf("%s[%d].%s", pf.Name, i, sub.Name)
					if v, ok := formValue(sub, name, values, bad); ok {
						row[sub.Name] = v
					}
				}
				if len(row) > 0 {
					rows = append(rows, row)
				}
			}
			if rows != nil {
				body[pf.Name] = rows
			}
			continue
		}
		if v, ok := formValue(pf, pf.Name, values, bad); ok {
			body[pf.Name] = v
		}
	}
	return body, bad
}

func formValue(pf payloadField, name string, values map[string][]string, bad map[string]string) (any, bool) {
	raw := ""
	if v := values[name]; len(v) > 0 {
		raw = strings.TrimSpace(v[0])
	}
	switch pf.Kind {
	case "bool":
		return true, raw == "true"
	case "int":
		if raw == "" {
			return nil, false
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			bad[name] = "请填写整数"
			return nil, false
		}
		return n, true
	case "lines":
		var out []string
		for _, l := range strings.Split(raw, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out, out != nil
	case "date":
		return raw, raw != ""
	case "string":
		return raw, raw != ""
	}
	return nil, false
}

// actionBody is the JSON the API would receive for the form.
func actionBody(body map[string]any, version int, note string) []byte {
	body["version"] = version
	if note != "" {
		body["note"] = note
	}
	raw, _ := json.Marshal(body)
	return raw
}

func reflectType(v any) reflect.Type { return reflect.TypeOf(v) }

// decodeFormBody decodes a form's JSON body into dst as the API decodes a
// request body (unknown fields and wrong types are errors) and validates it.
func decodeFormBody(c echo.Context, body map[string]any, dst any) error {
	raw, _ := json.Marshal(body)
	return decodeStrictValid(c, raw, dst)
}
