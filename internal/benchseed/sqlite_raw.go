package benchseed

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// rawSQLite writes the bulk of a seed through the SQLite library the
// service's driver is built on, with one prepared INSERT per table reused
// for every row. The database/sql driver prepares a statement again on every
// call and binds a statement's n parameters in n² steps, so through it a
// million cases spend most of their time parsing SQL; this way they spend it
// writing rows. Values are bound exactly as the driver binds them (times as
// text in the driver's format, booleans as integers), so the service reads
// back what it would have written itself.
type rawSQLite struct {
	tls   *libc.TLS
	db    uintptr
	buf   uintptr // reusable C buffer for text and blobs
	cap   int
	stmts map[string]uintptr
}

// cptr turns an address in C memory (allocated by modernc's libc outside
// the Go heap: never moved, never collected) into a pointer.
func cptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// transient tells SQLite to copy a bound value (SQLITE_TRANSIENT), so the
// one buffer can be reused for the next value.
const transient = ^uintptr(0)

// openRawSQLite opens path without SQLite's mutexes: one goroutine at a
// time uses the connection (the batch writer, then finalize after it).
func openRawSQLite(path string) (*rawSQLite, error) {
	r := &rawSQLite{tls: libc.NewTLS(), stmts: map[string]uintptr{}}
	name, err := libc.CString(path)
	if err != nil {
		return nil, err
	}
	defer libc.Xfree(r.tls, name)
	pp := r.tls.Alloc(8)
	defer r.tls.Free(8)
	if rc := sqlite3.Xsqlite3_open_v2(r.tls, name, pp, sqlite3.SQLITE_OPEN_READWRITE|sqlite3.SQLITE_OPEN_NOMUTEX, 0); rc != sqlite3.SQLITE_OK {
		r.tls.Close()
		return nil, fmt.Errorf("opening %s for loading: sqlite code %d", path, rc)
	}
	r.db = *(*uintptr)(cptr(pp))
	return r, nil
}

func (r *rawSQLite) close() {
	for _, s := range r.stmts {
		sqlite3.Xsqlite3_finalize(r.tls, s)
	}
	if r.buf != 0 {
		libc.Xfree(r.tls, r.buf)
	}
	sqlite3.Xsqlite3_close_v2(r.tls, r.db)
	r.tls.Close()
}

func (r *rawSQLite) err(what string, rc int32) error {
	return fmt.Errorf("%s: %s (sqlite code %d)", what, libc.GoString(sqlite3.Xsqlite3_errmsg(r.tls, r.db)), rc)
}

func (r *rawSQLite) prepare(query string) (uintptr, error) {
	q, err := libc.CString(query)
	if err != nil {
		return 0, err
	}
	defer libc.Xfree(r.tls, q)
	pp := r.tls.Alloc(8)
	defer r.tls.Free(8)
	if rc := sqlite3.Xsqlite3_prepare_v2(r.tls, r.db, q, -1, pp, 0); rc != sqlite3.SQLITE_OK {
		return 0, r.err("preparing "+firstWords(query), rc)
	}
	return *(*uintptr)(cptr(pp)), nil
}

func firstWords(q string) string {
	if len(q) > 60 {
		return q[:60] + "…"
	}
	return q
}

// exec runs one statement with its arguments.
func (r *rawSQLite) exec(query string, args ...any) error {
	s, err := r.prepare(query)
	if err != nil {
		return err
	}
	defer sqlite3.Xsqlite3_finalize(r.tls, s)
	return r.run(s, query, args)
}

// run binds args to s, steps it once and resets it.
func (r *rawSQLite) run(s uintptr, query string, args []any) error {
	for i, v := range args {
		if err := r.bind(s, int32(i+1), v); err != nil {
			return fmt.Errorf("%s, parameter %d: %w", firstWords(query), i+1, err)
		}
	}
	rc := sqlite3.Xsqlite3_step(r.tls, s)
	sqlite3.Xsqlite3_reset(r.tls, s)
	if rc != sqlite3.SQLITE_DONE && rc != sqlite3.SQLITE_ROW {
		return r.err(firstWords(query), rc)
	}
	return nil
}

func (r *rawSQLite) bytes(n int) uintptr {
	if n+1 > r.cap {
		if r.buf != 0 {
			libc.Xfree(r.tls, r.buf)
		}
		r.cap = 2*n + 256
		r.buf = libc.Xmalloc(r.tls, uint64(r.cap))
	}
	return r.buf
}

func (r *rawSQLite) bind(s uintptr, i int32, v any) error {
	var rc int32
	switch x := v.(type) {
	case nil:
		rc = sqlite3.Xsqlite3_bind_null(r.tls, s, i)
	case int:
		rc = sqlite3.Xsqlite3_bind_int64(r.tls, s, i, int64(x))
	case int32:
		rc = sqlite3.Xsqlite3_bind_int64(r.tls, s, i, int64(x))
	case int64:
		rc = sqlite3.Xsqlite3_bind_int64(r.tls, s, i, x)
	case bool:
		b := int64(0)
		if x {
			b = 1
		}
		rc = sqlite3.Xsqlite3_bind_int64(r.tls, s, i, b)
	case string:
		rc = r.bindText(s, i, x)
	case time.Time:
		rc = r.bindText(s, i, x.Format(sqliteTimeFormat))
	case []byte:
		p := r.bytes(len(x))
		copy(unsafe.Slice((*byte)(cptr(p)), len(x)), x)
		rc = sqlite3.Xsqlite3_bind_blob(r.tls, s, i, p, int32(len(x)), transient)
	default:
		return fmt.Errorf("cannot bind %T", v)
	}
	if rc != sqlite3.SQLITE_OK {
		return r.err("binding", rc)
	}
	return nil
}

func (r *rawSQLite) bindText(s uintptr, i int32, x string) int32 {
	p := r.bytes(len(x))
	copy(unsafe.Slice((*byte)(cptr(p)), len(x)), x)
	return sqlite3.Xsqlite3_bind_text(r.tls, s, i, p, int32(len(x)), transient)
}

// insert writes the table's buffered rows with its prepared INSERT.
func (r *rawSQLite) insert(t *table) error {
	s, ok := r.stmts[t.name]
	if !ok {
		q := "INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES (" +
			strings.TrimSuffix(strings.Repeat("?,", len(t.cols)), ",") + ")"
		var err error
		if s, err = r.prepare(q); err != nil {
			return err
		}
		r.stmts[t.name] = s
	}
	w := len(t.cols)
	for start := 0; start < len(t.args); start += w {
		if err := r.run(s, "INSERT INTO "+t.name, t.args[start:start+w]); err != nil {
			return err
		}
	}
	t.reset()
	return nil
}

// writeBatch inserts a batch in one transaction.
func (r *rawSQLite) writeBatch(b *batch, counts map[string]int64) error {
	if err := r.exec("BEGIN IMMEDIATE"); err != nil {
		return err
	}
	for _, t := range b.all {
		n := int64(t.rows())
		if err := r.insert(t); err != nil {
			return errors.Join(err, r.exec("ROLLBACK"))
		}
		counts[t.name] += n
	}
	return r.exec("COMMIT")
}

func (r *rawSQLite) finish() error { return r.exec("PRAGMA journal_mode=WAL") }
