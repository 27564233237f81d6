// Package storetest opens real stores for tests of the packages that use
// internal/store: a fresh SQLite file, or a fresh schema in the PostgreSQL
// server named by HUBRELAY_TEST_POSTGRES.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/hubrelay/hubrelay/internal/store"
)

// EnvPostgres names the environment variable holding the PostgreSQL test
// server's DSN.
const EnvPostgres = "HUBRELAY_TEST_POSTGRES"

// DefaultPostgres is the test server used when EnvPostgres is unset.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Dialects returns the dialects every store-backed test runs on:
// "sqlite" and "postgres".
func Dialects() []string { return []string{store.DialectSQLite, store.DialectPostgres} }

// Open returns a migrated, empty store of the dialect, closed (and, for
// PostgreSQL, its schema dropped) when the test ends. The PostgreSQL case
// is skipped when EnvPostgres is unset and the default server does not
// answer, and fails when EnvPostgres is set and its server does not answer.
func Open(t testing.TB, dialect string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), DSN(t, dialect))
	if err != nil {
		t.Fatalf("storetest: open %s: %v", dialect, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// DSN returns the DSN of a fresh, empty database of the dialect for this
// test (a SQLite file in t.TempDir, or a new PostgreSQL schema dropped at
// cleanup), without opening it: tests that open several Stores on one
// database use it. Skips and failures as for Open.
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case store.DialectSQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "hubrelay.db")
	case store.DialectPostgres:
		return postgresSchema(t)
	}
	t.Fatalf("storetest: unknown dialect %q", dialect)
	return ""
}

func postgresSchema(t testing.TB) string {
	t.Helper()
	base, set := os.LookupEnv(EnvPostgres)
	if !set || base == "" {
		base = DefaultPostgres
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvPostgres, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		if !set {
			t.Skipf("storetest: no PostgreSQL at the default address and %s is unset: %v", EnvPostgres, err)
		}
		t.Fatalf("storetest: %s is set but the server does not answer: %v", EnvPostgres, err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		defer db.Close()
		if _, err := db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s: not a URL", EnvPostgres)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
