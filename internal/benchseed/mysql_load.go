package benchseed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// mysqlStmtParams bounds the parameters of one prepared INSERT on MySQL: a
// few hundred rows of a narrow table, a few dozen of the wide ones. The
// driver sends a text value longer than max_allowed_packet / (parameters + 1)
// in a packet of its own, so fewer parameters keep a letter's text inline.
const mysqlStmtParams = 2048

// mysqlWriter loads batches over one connection with server-side prepared
// multi-row INSERTs, one per table and row count, reused for every
// statement of every batch. Interpolating the values into the SQL text
// (what database/sql's Exec does with client-side interpolation) cost the
// seeder a fifth of its CPU escaping strings and the server a third of its
// CPU parsing them again; a prepared statement is parsed once and its values
// travel in the binary protocol. One batch is one transaction; the session
// skips foreign-key checks (the generator writes parents first) and, into an
// empty database, unique checks (it makes every key unique by construction).
//
// InnoDB recomputes a table's persistent statistics in the background each
// time a tenth of its rows changed: while a table grows from nothing that is
// over and over, and on a 20,000-case load it cost the server almost as much
// CPU as the INSERTs themselves. The writer turns that off for the tables it loads (an instant
// ALTER of a table option) and at the end turns it back on and gathers the
// statistics once with ANALYZE TABLE.
type mysqlWriter struct {
	ctx    context.Context
	conn   *sql.Conn
	stmts  map[stmtKey]*sql.Stmt
	paused []string // tables whose automatic statistics are off
}

type stmtKey struct {
	table string
	rows  int
}

// openMySQLWriter opens the loading connection. uniqueChecks keeps the
// server's checks of unique keys, for a load next to existing rows.
func openMySQLWriter(ctx context.Context, db *sql.DB, uniqueChecks bool) (*mysqlWriter, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	set := "SET SESSION unique_checks = 0, foreign_key_checks = 0"
	if uniqueChecks {
		set = "SET SESSION foreign_key_checks = 0"
	}
	if _, err := conn.ExecContext(ctx, set); err != nil {
		conn.Close()
		return nil, err
	}
	w := &mysqlWriter{ctx: ctx, conn: conn, stmts: map[stmtKey]*sql.Stmt{}}
	for _, t := range newBatch().all {
		// Best effort: a server that cannot change the option instantly
		// keeps its automatic statistics (slower, same rows).
		if w.exec("ALTER TABLE "+t.name+" STATS_AUTO_RECALC = 0, ALGORITHM = INSTANT") == nil {
			w.paused = append(w.paused, t.name)
		}
	}
	return w, nil
}

// finish turns the automatic statistics back on and gathers them.
func (w *mysqlWriter) finish() error {
	for _, t := range w.paused {
		if err := w.exec("ALTER TABLE " + t + " STATS_AUTO_RECALC = DEFAULT, ALGORITHM = INSTANT"); err != nil {
			return err
		}
		if err := w.exec("ANALYZE TABLE " + t); err != nil {
			return err
		}
	}
	w.paused = nil
	return nil
}

func (w *mysqlWriter) exec(query string, args ...any) error {
	_, err := w.conn.ExecContext(w.ctx, query, args...)
	return err
}

func (w *mysqlWriter) close() {
	for _, s := range w.stmts {
		s.Close()
	}
	w.conn.Close()
}

// writeBatch inserts the batch in one transaction.
func (w *mysqlWriter) writeBatch(b *batch, counts map[string]int64) error {
	if err := w.exec("START TRANSACTION"); err != nil {
		return err
	}
	for _, t := range b.all {
		n := int64(t.rows())
		if err := w.insert(t); err != nil {
			return errors.Join(err, w.exec("ROLLBACK"))
		}
		counts[t.name] += n
	}
	return w.exec("COMMIT")
}

// insert writes the table's buffered rows and empties its buffer. The full
// statements' prepared INSERT is kept; the one for the remainder, whose row
// count differs from batch to batch, is closed after use.
func (w *mysqlWriter) insert(t *table) error {
	width := len(t.cols)
	per := min(t.perStmt, max(1, mysqlStmtParams/width))
	for start := 0; start < len(t.args); start += per * width {
		end := min(start+per*width, len(t.args))
		n := (end - start) / width
		s, kept := w.stmts[stmtKey{t.name, n}]
		if !kept {
			var err error
			if s, err = w.conn.PrepareContext(w.ctx, t.statement(n)); err != nil {
				return fmt.Errorf("preparing the INSERT of %d rows into %s: %w", n, t.name, err)
			}
			if n == per {
				w.stmts[stmtKey{t.name, n}] = s
				kept = true
			}
		}
		_, err := s.ExecContext(w.ctx, t.args[start:end]...)
		if !kept {
			s.Close()
		}
		if err != nil {
			return fmt.Errorf("inserting %d rows into %s: %w", n, t.name, err)
		}
	}
	t.reset()
	return nil
}
