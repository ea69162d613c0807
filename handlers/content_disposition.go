package handlers

import (
	"fmt"
	"strings"
)

// contentDisposition builds a Content-Disposition value ("inline" or
// "attachment") with the filename encoded per RFC 5987 / 8187, so Chinese
// names survive and characters like ' ( ) ; , cannot end the value early.
func contentDisposition(disposition, filename string) string {
	return disposition + "; filename*=UTF-8''" + rfc5987(filename)
}

// rfc5987 percent-encodes everything but attr-char.
func rfc5987(s string) string {
	const attrChar = "!#$&+-.^_`|~"
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte(attrChar, c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
