package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

func TestMigrationFiles(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %s has version %d, want %d (no gaps)", m.name, m.version, i+1)
		}
	}
}

// TestUpgrade opens a database left at version 1 with data in it and
// checks that Open brings it to the latest version, keeping the data.
func TestUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	tg, err := parseDSN("sqlite:" + path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open(tg.driver, tg.conn)
	if err != nil {
		t.Fatal(err)
	}
	old := &Store{db: db, dialect: tg.dialect, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if err := old.apply(ctx, conn, ms[0]); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if _, err := db.ExecContext(ctx, "INSERT INTO events (finding_key, body, received_at) VALUES ('k', X'7B7D', 1)"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != len(ms) {
		t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, len(ms))
	}
	var hash string
	var body []byte
	if err := s.db.QueryRowContext(ctx, "SELECT hash, body FROM events WHERE finding_key = 'k'").Scan(&hash, &body); err != nil {
		t.Fatal(err)
	}
	if hash != "" || string(body) != "{}" {
		t.Errorf("old event = %q %q", hash, body)
	}
}
