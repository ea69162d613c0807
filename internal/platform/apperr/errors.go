package apperr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// The error vocabulary. Every domain error wraps one of these so the HTTP layer
// can map it to a status in one table (see handlers.HTTPErrorHandler).
var (
	ErrNotFound     = errors.New("not found")        // 404
	ErrForbidden    = errors.New("forbidden")        // 403
	ErrConflict     = errors.New("conflict")         // 409
	ErrInvalid      = errors.New("invalid")          // 400
	ErrUnauthorized = errors.New("unauthorized")     // 401
	ErrTooMany      = errors.New("too many")         // 429
	ErrTooLarge     = errors.New("too large")        // 413
	ErrUnsupported  = errors.New("unsupported type") // 415
	// ErrUnprocessable: well-formed input that cannot be carried out as it
	// stands (e.g. a character no font can draw).
	ErrUnprocessable = errors.New("unprocessable") // 422
	// ErrUnavailable: the database did not answer in time or is gone; the
	// client may retry (Retry-After).
	ErrUnavailable = errors.New("unavailable") // 503
)

// Error is a domain error with a machine code, a Chinese message for users and
// optional per-field messages.
type Error struct {
	Kind    error             // one of the sentinels above
	Code    string            // machine code, e.g. "stale_version"
	Message string            // 中文说明 shown to users
	Fields  map[string]string // field → 中文说明
	Details map[string]any    // extra machine-readable facts (e.g. allowed actions)
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Code, e.Message)
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k])
		}
	}
	return b.String()
}

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

// NotFound reports a missing (or hidden) object.
func NotFound(what string) error {
	return &Error{Kind: ErrNotFound, Code: "not_found", Message: what + "不存在或无权查看"}
}

// Forbidden reports an action the actor may not take.
func Forbidden(msg string) error {
	return &Error{Kind: ErrForbidden, Code: "forbidden", Message: msg}
}

// Conflict reports a state or version conflict.
func Conflict(code, msg string) error {
	return &Error{Kind: ErrConflict, Code: code, Message: msg}
}

// Invalid reports bad input, optionally per field.
func Invalid(msg string, fields map[string]string) error {
	return &Error{Kind: ErrInvalid, Code: "invalid_input", Message: msg, Fields: fields}
}

// InvalidField reports one bad field.
func InvalidField(field, msg string) error {
	return Invalid("输入有误："+msg, map[string]string{field: msg})
}
