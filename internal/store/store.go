package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"
)

// Store is hubrelay's durable state over database/sql. It is safe for
// concurrent use; several Stores (in one process or many) may share one
// PostgreSQL database.
type Store struct {
	db      *sql.DB
	dialect string
	queries sync.Map // query → translated query

	mu     sync.Mutex
	stmts  map[string]*sql.Stmt // SQLite: query → prepared statement
	wanted map[string]bool      // SQLite: queries to prepare after the running transaction
}

// postgresPool is the PostgreSQL connection pool size.
const postgresPool = 8

// Open connects to the store named by dsn and brings its schema up to date.
// Accepted forms: "sqlite:PATH" (PATH may be ":memory:"), "postgres://…" and
// "postgresql://…". Errors name the problem and never contain a password
// from the DSN. The caller owns the Store and must Close it.
func Open(ctx context.Context, dsn string) (*Store, error) {
	t, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(t.driver, t.conn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %s", redactDSN(dsn), scrub(err.Error(), dsn))
	}
	if t.dialect == DialectSQLite {
		db.SetMaxOpenConns(1) // one writer; reads share it
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		db.SetMaxOpenConns(postgresPool)
		db.SetMaxIdleConns(postgresPool)
	}
	s := &Store{db: db, dialect: t.dialect, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %s", redactDSN(dsn), scrub(err.Error(), dsn))
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %s", redactDSN(dsn), scrub(err.Error(), dsn))
	}
	return s, nil
}

// Close closes the database. Calls in flight fail; Close is called once, by
// the Store's owner.
func (s *Store) Close() error {
	s.mu.Lock()
	for q, st := range s.stmts {
		st.Close()
		delete(s.stmts, q)
	}
	s.mu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Ping checks that the database answers (for readiness probes).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// querier is what *sql.DB, *sql.Tx and *sql.Conn have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// The query helpers translate query for the dialect and run it on q. On
// SQLite they use statements prepared once per Store (parsing is a large
// part of a small statement's cost there); pgx caches prepared statements
// per connection by itself.
func (s *Store) exec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	if st := s.stmt(ctx, q, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return q.ExecContext(ctx, s.sql(query), args...)
}

func (s *Store) query(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	if st := s.stmt(ctx, q, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.QueryContext(ctx, s.sql(query), args...)
}

func (s *Store) queryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	if st := s.stmt(ctx, q, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.QueryRowContext(ctx, s.sql(query), args...)
}

// maxPrepared bounds the statements a SQLite Store keeps prepared; queries
// beyond it (rare shapes such as long IN lists) run unprepared.
const maxPrepared = 128

// stmt returns query prepared for q (s.db or one of its transactions), or
// nil when it should run unprepared. SQLite has one connection, which a
// transaction holds, so a query first seen inside a transaction is only
// noted, and prepared (by prepareWanted) once the transaction has ended.
func (s *Store) stmt(ctx context.Context, q querier, query string) *sql.Stmt {
	if s.dialect != DialectSQLite {
		return nil
	}
	tx, inTx := q.(*sql.Tx)
	if db, ok := q.(*sql.DB); !inTx && (!ok || db != s.db) {
		return nil
	}
	s.mu.Lock()
	st, ok := s.stmts[query]
	full := len(s.stmts)+len(s.wanted) >= maxPrepared
	if !ok && inTx && !full {
		s.wanted[query] = true
	}
	s.mu.Unlock()
	switch {
	case ok && inTx:
		return tx.StmtContext(ctx, st)
	case ok:
		return st
	case inTx || full:
		return nil
	}
	return s.prepare(ctx, query)
}

// prepare prepares query on s.db and keeps it; nil on failure (the caller
// runs the query unprepared and reports its error).
func (s *Store) prepare(ctx context.Context, query string) *sql.Stmt {
	st, err := s.db.PrepareContext(ctx, s.sql(query))
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.stmts[query]; ok {
		st.Close()
		return prev
	}
	s.stmts[query] = st
	delete(s.wanted, query)
	return st
}

// prepareWanted prepares the queries noted inside transactions.
func (s *Store) prepareWanted(ctx context.Context) {
	if s.dialect != DialectSQLite {
		return
	}
	s.mu.Lock()
	var qs []string
	for q := range s.wanted {
		qs = append(qs, q)
	}
	clear(s.wanted)
	s.mu.Unlock()
	for _, q := range qs {
		s.prepare(ctx, q)
	}
}

// txRetries is how often a PostgreSQL transaction that lost a deadlock or a
// serialization conflict is run again.
const txRetries = 5

// inTx runs fn in a transaction and commits it. On SQLite the transaction
// takes the write lock at BEGIN (_txlock=immediate). On PostgreSQL a
// transaction aborted by a deadlock or serialization failure is run again,
// so fn must not keep state between runs except through its return.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for try := 0; ; try++ {
		err := s.tryTx(ctx, fn)
		if err == nil {
			s.prepareWanted(ctx)
			return nil
		}
		if try >= txRetries || !retryable(err) || ctx.Err() != nil {
			return err
		}
	}
}

// relaxed lets a PostgreSQL transaction of the queue's bookkeeping (a
// claim, an outcome) commit without waiting for its WAL flush. A server
// crash may then forget the last such commits: the deliveries concerned
// are claimed and sent again, and ticket destinations find the ticket the
// first attempt created. Ingest commits, which a source acknowledges,
// always wait. On SQLite, where synchronous=NORMAL already holds, it does
// nothing.
func (s *Store) relaxed(ctx context.Context, tx *sql.Tx) error {
	if s.dialect != DialectPostgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		return fmt.Errorf("relax commit: %w", err)
	}
	return nil
}

func (s *Store) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// retryable reports a PostgreSQL deadlock (40P01) or serialization failure
// (40001).
func retryable(err error) bool {
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		switch st.SQLState() {
		case "40P01", "40001":
			return true
		}
	}
	return false
}
