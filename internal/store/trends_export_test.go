package store

import (
	"context"
	"database/sql"
	"fmt"
)

// OpenAtVersion opens dsn with only the migrations up to version applied,
// for tests that check what a later migration does to existing rows. The
// database must be empty.
func OpenAtVersion(ctx context.Context, dsn string, version int) (*Store, error) {
	t, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(t.driver, t.conn)
	if err != nil {
		return nil, err
	}
	if t.dialect == DialectSQLite {
		db.SetMaxOpenConns(1)
	}
	s := &Store{db: db, dialect: t.dialect, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
	ms, err := migrations()
	if err != nil {
		db.Close()
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"); err != nil {
		db.Close()
		return nil, fmt.Errorf("schema_migrations: %w", err)
	}
	for _, m := range ms {
		if m.version > version {
			break
		}
		if err := s.apply(ctx, conn, m); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// ExecRaw runs query (with ? placeholders) on the store's database, for
// tests that write rows the way an older version did.
func (s *Store) ExecRaw(ctx context.Context, query string, args ...any) error {
	_, err := s.exec(ctx, s.db, query, args...)
	return err
}

// WithPage returns f reading n rows per query instead of thousands, so
// tests cross page boundaries with few rows.
func WithPage(f TransitionFilter, n int) TransitionFilter {
	f.page = n
	return f
}
