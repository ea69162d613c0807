package benchseed

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// auditChain appends audit entries with the hash chain `server audit verify`
// checks: each entry's hash covers its fields and the previous hash, in the
// field order and separator the service uses (kept in step with the audit
// package; the seed test and `server audit verify` on a seeded database
// catch a drift).
type auditChain struct {
	nextID   int64
	lastID   int64
	lastHash string
	tbl      *table
	buf      []byte
}

type auditActor struct {
	userID   int64 // 0: none
	username string
	role     string
	procID   int64 // 0: none
	ip       string
}

func optInt(p int64) string {
	if p == 0 {
		return ""
	}
	return strconv.FormatInt(p, 10)
}

func nullInt(p int64) any {
	if p == 0 {
		return nil
	}
	return p
}

// add appends one entry at time at (already truncated to microseconds).
func (c *auditChain) add(a auditActor, action, objectType string, objectID int64, summary string, requestID string, at time.Time) {
	id := c.nextID
	c.nextID++
	parts := []string{
		c.lastHash, optInt(a.userID), a.username, a.role, optInt(a.procID), action,
		objectType, optInt(objectID), summary, a.ip, requestID,
		at.UTC().Format("2006-01-02T15:04:05.000000Z"),
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	h := hex.EncodeToString(sum[:])
	c.tbl.add(id, nullInt(a.userID), a.username, a.role, nullInt(a.procID), action, objectType, nullInt(objectID),
		summary, a.ip, requestID, at, c.lastHash, h)
	c.lastID, c.lastHash = id, h
}

// jsonObject writes small JSON objects with keys in the order given, which
// callers keep alphabetical as encoding/json orders map keys.
type jsonObject struct{ b []byte }

func (o *jsonObject) key(k string) {
	if len(o.b) == 0 {
		o.b = append(o.b, '{')
	} else {
		o.b = append(o.b, ',')
	}
	o.b = appendJSONString(o.b, k)
	o.b = append(o.b, ':')
}

func (o *jsonObject) str(k, v string) *jsonObject {
	o.key(k)
	o.b = appendJSONString(o.b, v)
	return o
}

func (o *jsonObject) num(k string, v int64) *jsonObject {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
	return o
}

func (o *jsonObject) boolean(k string, v bool) *jsonObject {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
	return o
}

// raw adds an already encoded JSON value.
func (o *jsonObject) raw(k, v string) *jsonObject {
	o.key(k)
	o.b = append(o.b, v...)
	return o
}

func (o *jsonObject) null(k string) *jsonObject {
	o.key(k)
	o.b = append(o.b, "null"...)
	return o
}

func (o *jsonObject) String() string {
	if len(o.b) == 0 {
		return "{}"
	}
	return string(append(o.b, '}'))
}

// jsonStrings encodes a list of strings.
func jsonStrings(list []string) string {
	b := []byte{'['}
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return string(append(b, ']'))
}

// appendJSONString quotes s as encoding/json does (HTML characters escaped).
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '\u2028' || r == '\u2029' {
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
