package templates

import (
	"sort"
)

// Site is the institution's identity shown on every page (config `site.*`).
type Site struct {
	Name    string // 机构名称, e.g. 临江市清河区人民检察院
	Address string // 地址
	Hotline string // 检察服务热线, 12309 by default
	ICP     string // ICP 备案号; the footer leaves it out when empty
	Contact string // other contact (phone, e-mail), optional
}

// User is the signed-in person the app frame names in its top bar.
type User struct {
	Name          string // display name
	Role          string // role code (prosecutor, agency, …)
	RoleLabel     string // 承办检察官, 被建议单位, …
	Procuratorate string // the user's procuratorate or agency; the top bar falls back to Site.Name
}

// NavItem is one entry of the app frame's left navigation.
type NavItem struct {
	Key   string // compared with Page.Section to mark the current entry
	Label string
	Href  string
	Count int // shown as a small counter when > 0 (e.g. 待回复 3)
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // success | info | warning | error
	Message string
}

// Page is what every template receives: the frame's data plus the page's own
// data in Data.
type Page struct {
	Title   string // <title> and, by convention, the page's h1
	Site    Site
	Section string    // current navigation key ("apply", "cases", …)
	User    *User     // nil on public pages
	Nav     []NavItem // app frame only
	Unread  int       // unread notifications (the bell)
	CSRF    string    // token for the frame's logout form and the page's forms
	Flash   []Flash
	Errors  FormErrors // a form's errors: the summary at the top and each field's message
	Data    any        // the page's own data
	// CSS is the stylesheet's URL with its content hash (set by Set.Render).
	CSS string
}

// FormErrors are the errors of one submitted form: an overall message and one
// message per field, keyed by the field's name (= its id).
type FormErrors struct {
	Message string
	Fields  map[string]string
	// Order is the fields' order in the form, so the summary lists the
	// errors top to bottom; fields not in Order come last, by name.
	Order []string
}

// NewFormErrors builds the errors of a form whose fields are named in order.
func NewFormErrors(message string, fields map[string]string, order ...string) FormErrors {
	return FormErrors{Message: message, Fields: fields, Order: order}
}

// Any reports whether there is anything to show.
func (e FormErrors) Any() bool { return e.Message != "" || len(e.Fields) > 0 }

// For is the message of one field ("" when it has none).
func (e FormErrors) For(name string) string { return e.Fields[name] }

// FieldError is one line of the error summary.
type FieldError struct {
	Name    string // the field's id, the summary links to #Name
	Message string
}

// List returns the field errors in form order.
func (e FormErrors) List() []FieldError {
	var out []FieldError
	seen := map[string]bool{}
	for _, n := range e.Order {
		if msg, ok := e.Fields[n]; ok && !seen[n] {
			out = append(out, FieldError{Name: n, Message: msg})
			seen[n] = true
		}
	}
	var rest []string
	for n := range e.Fields {
		if !seen[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	for _, n := range rest {
		out = append(out, FieldError{Name: n, Message: e.Fields[n]})
	}
	return out
}

// Option is one choice of a select or radio group.
type Option struct {
	Value string
	Label string
}

// Field is a form control with its label, hint and error, rendered by the
// "field" partial. Build it in a template with the field function.
type Field struct {
	Name         string
	ID           string // defaults to Name
	Label        string
	Hint         string
	Error        string
	Type         string // text (default), password, tel, email, number, date, search, textarea, select, file, checkbox
	Value        string
	Options      []Option // select, radio
	Blank        string   // select: a first choice with value "" (请选择, 全部)
	Required     bool
	MaxLength    int
	Rows         int // textarea
	Autocomplete string
	InputMode    string
	Multiple     bool   // file, select
	Accept       string // file
	Checked      bool   // checkbox
	Width        string // "short" (10em), "medium" (22em), "wide" (in a filter bar) or "" (full)
	Disabled     bool
}

// HintID and ErrorID are the ids aria-describedby points at.
func (f Field) HintID() string  { return f.ID + "-hint" }
func (f Field) ErrorID() string { return f.ID + "-error" }

// DescribedBy is the aria-describedby value: the hint and the error.
func (f Field) DescribedBy() string {
	s := ""
	if f.Hint != "" {
		s = f.HintID()
	}
	if f.Error != "" {
		if s != "" {
			s += " "
		}
		s += f.ErrorID()
	}
	return s
}

// Badge is a small label with a tone: status colours only for status.
type Badge struct {
	Label string
	Tone  string // neutral | info | success | warning | danger
	Title string // optional longer text (e.g. the due date)
}

// Empty is an empty state: what is missing and what to do.
type Empty struct {
	Message     string // 暂无待办。
	Hint        string // 新的线索登记后会出现在这里。
	ActionHref  string
	ActionLabel string
}

// Download is a link to a file with its name and size.
type Download struct {
	Href string
	Name string
	Size int64  // bytes; 0 = unknown, not shown
	Kind string // "PDF", "Excel", …; derived from Name when empty
}

// Pager links to the previous and next pages of a list.
type Pager struct {
	PrevURL string
	NextURL string
	Info    string // e.g. 第 2 页
}
