package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one embedded schema change.
type migration struct {
	version int
	name    string
	body    string
}

// migrations returns the embedded migrations in version order. File names
// are NNNN_description.sql.
func migrations() ([]migration, error) {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migrations: %s: name must start with a positive version and '_'", name)
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", name))
		if err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", name, err)
		}
		out = append(out, migration{version: v, name: name, body: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations: %s and %s share version %d", out[i-1].name, out[i].name, out[i].version)
		}
	}
	return out, nil
}

// migrateLock is the advisory lock key prefix; the schema name is hashed in
// so tests using one schema each do not wait for one another.
const migrateLock = "hubrelay.store.migrate."

// migrate applies the migrations not yet recorded in schema_migrations.
// Each runs in its own transaction with its version row. On PostgreSQL the
// whole run holds a session advisory lock, so processes starting together
// apply each migration once; on SQLite BEGIN IMMEDIATE serializes them.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if s.dialect == DialectPostgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(hashtext($1 || COALESCE(current_schema(), '')))", migrateLock); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer func() {
			// A fresh context: the lock must go even when ctx is done.
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtext($1 || COALESCE(current_schema(), '')))", migrateLock)
		}()
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"); err != nil {
		return fmt.Errorf("migrate: schema_migrations: %w", err)
	}
	for _, m := range ms {
		if err := s.apply(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: begin: %w", m.name, err)
	}
	defer func() { _ = tx.Rollback() }()
	var n int
	if err := s.queryRow(ctx, tx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, translate(s.dialect, m.body)); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	if _, err := s.exec(ctx, tx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", m.version, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("migrate %s: record: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", m.name, err)
	}
	return nil
}

// SchemaVersion returns the highest applied migration version (for
// `hubrelay version` and tests).
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := s.queryRow(ctx, s.db, "SELECT MAX(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return int(v.Int64), nil
}
