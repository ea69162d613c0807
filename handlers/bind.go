package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strings"

	"github.com/go-playground/locales/zh"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	zhtrans "github.com/go-playground/validator/v10/translations/zh"
	"github.com/labstack/echo/v4"

	"jianyi/internal/platform/apperr"
)

// Validator validates request structs and explains failures in Chinese,
// naming fields by their JSON names.
type Validator struct {
	v     *validator.Validate
	trans ut.Translator
}

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// NewValidator builds the validator with Chinese messages.
func NewValidator() *Validator {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "-" {
			return ""
		}
		if label := f.Tag.Get("label"); label != "" {
			return label
		}
		if label, ok := fieldLabels[name]; ok {
			return label
		}
		return name
	})
	_ = v.RegisterValidation("username", func(fl validator.FieldLevel) bool {
		return usernamePattern.MatchString(fl.Field().String())
	})
	zhLocale := zh.New()
	uni := ut.New(zhLocale, zhLocale)
	trans, _ := uni.GetTranslator("zh")
	_ = zhtrans.RegisterDefaultTranslations(v, trans)
	_ = v.RegisterTranslation("username", trans, func(t ut.Translator) error {
		return t.Add("username", "{0}只能包含字母、数字、下划线、点和连字符", true)
	}, func(t ut.Translator, fe validator.FieldError) string {
		s, _ := t.T("username", fe.Field())
		return s
	})
	return &Validator{v: v, trans: trans}
}

// Validate implements echo.Validator.
func (cv *Validator) Validate(i any) error {
	err := cv.v.Struct(i)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return apperr.Invalid("请求内容有误", nil)
	}
	fields := map[string]string{}
	root := reflect.TypeOf(i)
	for _, fe := range verrs {
		msg := fe.Translate(cv.trans)
		if fe.Tag() == "oneof" {
			msg = fe.Field() + "必须是" + enumChoices(fe.Param()) + "之一"
		}
		fields[jsonPath(root, fe)] = msg
	}
	return &apperr.Error{Kind: apperr.ErrInvalid, Code: "validation_failed", Message: "请求内容未通过校验，请按字段提示修改", Fields: fields}
}

// jsonPath turns the failing field's Go path ("Req.Items[0].Text") into its
// JSON path ("items[0].text") by reading the json tags along the way, so the
// fields map is keyed by what the client sent, whatever label the message uses.
func jsonPath(root reflect.Type, fe validator.FieldError) string {
	ns := fe.StructNamespace()
	i := strings.Index(ns, ".")
	if i < 0 {
		return fe.Field()
	}
	t := root
	parts := strings.Split(ns[i+1:], ".")
	for k, p := range parts {
		name, idx := p, ""
		if j := strings.Index(p, "["); j >= 0 {
			name, idx = p[:j], p[j:]
		}
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			parts[k] = p
			continue
		}
		f, ok := t.FieldByName(name)
		if !ok {
			parts[k] = p
			t = nil
			continue
		}
		tag := strings.Split(f.Tag.Get("json"), ",")[0]
		switch {
		case tag != "" && tag != "-":
			name = tag
		case f.Anonymous && idx == "":
			name = "" // an embedded struct's fields are the outer object's in JSON
		}
		parts[k] = name + idx
		t = f.Type
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if idx != "" && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
	}
	kept := parts[:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ".")
}

// requireJSON refuses a body that says it is something other than JSON (a
// form post, plain text) with 415, as the API documents.
func requireJSON(c echo.Context) error {
	req := c.Request()
	ct := req.Header.Get(echo.HeaderContentType)
	// A body must say it is JSON (the README promises 415 otherwise); an
	// empty body needs no type.
	if req.ContentLength != 0 && !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return &apperr.Error{Kind: apperr.ErrUnsupported, Code: "unsupported_media_type", Message: "请求体必须是 JSON（Content-Type: application/json）"}
	}
	return nil
}

// bindJSON decodes a JSON body strictly (unknown fields and wrong types are
// errors with the field named) and validates it.
func bindJSON(c echo.Context, dst any) error {
	req := c.Request()
	if err := requireJSON(c); err != nil {
		return err
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &apperr.Error{Kind: apperr.ErrTooLarge, Code: "body_too_large", Message: fmt.Sprintf("请求体超过 %d 字节的限制", mbe.Limit)}
		}
		return apperr.Invalid("无法读取请求体", nil)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeErrorIn(err, body, dst)
	}
	if dec.More() {
		return &apperr.Error{Kind: apperr.ErrInvalid, Code: "malformed_json", Message: "请求体只能包含一个 JSON 对象"}
	}
	return c.Validate(dst)
}

// decodeErrorIn is decodeError for a body decoded into dst: an unknown
// field is named by its full path in the body (content.titel).
func decodeErrorIn(err error, raw []byte, dst any) error {
	out := decodeError(err)
	var ae *apperr.Error
	if errors.As(out, &ae) && ae.Code == "unknown_field" {
		if p := unknownFieldPath(raw, reflect.TypeOf(dst)); p != "" {
			return &apperr.Error{Kind: apperr.ErrInvalid, Code: "unknown_field", Message: "未知字段：" + p, Fields: map[string]string{p: "不支持该字段"}}
		}
	}
	return out
}

func decodeError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return &apperr.Error{Kind: apperr.ErrInvalid, Code: "malformed_json", Message: "请求体不是合法的 JSON"}
	case errors.As(err, &te):
		field := jsonFieldPath(te.Field)
		if field == "" {
			field = "(body)"
		}
		msg := fmt.Sprintf("类型错误：应为%s", jsonTypeName(te.Type))
		return &apperr.Error{Kind: apperr.ErrInvalid, Code: "wrong_type", Message: "字段类型错误：" + field, Fields: map[string]string{field: msg}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &apperr.Error{Kind: apperr.ErrInvalid, Code: "unknown_field", Message: "未知字段：" + field, Fields: map[string]string{field: "不支持该字段"}}
	}
	var de *apperr.Error
	if errors.As(err, &de) {
		return de
	}
	return &apperr.Error{Kind: apperr.ErrInvalid, Code: "malformed_json", Message: "请求体格式有误：" + err.Error()}
}

// jsonFieldPath drops the names of embedded Go structs encoding/json puts in
// a type error's path ("DecisionFields.committee" → "committee"); the
// JSON names here are all lower case.
func jsonFieldPath(p string) string {
	parts := strings.Split(p, ".")
	out := parts[:0]
	for _, s := range parts {
		if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
			continue
		}
		out = append(out, s)
	}
	return strings.Join(out, ".")
}

func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "字符串"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "整数"
	case reflect.Float32, reflect.Float64:
		return "数字"
	case reflect.Bool:
		return "布尔值"
	case reflect.Slice, reflect.Array:
		return "数组"
	case reflect.Map, reflect.Struct:
		return "对象"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	}
	return t.String()
}

// pathID parses a positive integer path parameter; anything else is 404 (the
// object cannot exist).
func pathID(c echo.Context, name string) (int64, error) {
	var id int64
	_, err := fmt.Sscan(c.Param(name), &id)
	if err != nil || id <= 0 || fmt.Sprint(id) != c.Param(name) {
		return 0, apperr.NotFound("对象")
	}
	return id, nil
}
