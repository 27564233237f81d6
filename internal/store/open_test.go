package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

func TestOpenBadDSN(t *testing.T) {
	const secret = "Sup3rSecretPw"
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		dsn  string
		want []string // substrings of the error
	}{
		{"empty", "", []string{"unknown form", "sqlite:PATH", "postgres://"}},
		{"mysql with password", "mysql://root:" + secret + "@db:3306/x", []string{"unknown form", "mysql://root:xxxxx@db:3306/x"}},
		{"bare path", "/var/lib/hubrelay.db", []string{"unknown form"}},
		{"sqlite empty path", "sqlite:", []string{"sqlite path is empty"}},
		{"sqlite query", "sqlite:x.db?mode=ro", []string{"must not contain '?'"}},
		{"sqlite file uri", "sqlite:file:x.db", []string{"not a file: URI"}},
		{"sqlite missing dir", "sqlite:" + filepath.Join(dir, "no", "such", "dir", "x.db"), []string{"store: open"}},
		{"postgres bad port", "postgres://u:" + secret + "@127.0.0.1:notaport/db", []string{"invalid port", "u:xxxxx@"}},
		{"postgres no host", "postgres://u:" + secret + "@/db", []string{"host is empty"}},
		{"postgres refused", "postgres://u:" + secret + "@127.0.0.1:1/db?sslmode=disable&connect_timeout=5", []string{"store: open", "127.0.0.1"}},
		{"postgres password param", "postgresql://127.0.0.1:1/db?password=" + secret + "&sslmode=disable&connect_timeout=5", []string{"password=xxxxx"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s, err := store.Open(ctx, tc.dsn)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded", tc.dsn)
			}
			msg := err.Error()
			if strings.Contains(msg, secret) {
				t.Fatalf("error leaks the password: %s", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

func TestOpenMemory(t *testing.T) {
	ctx := context.Background()
	a := open(t, "sqlite::memory:")
	b := open(t, "sqlite::memory:")
	if a.Dialect() != store.DialectSQLite {
		t.Errorf("Dialect = %q", a.Dialect())
	}
	ingest(t, a, observe(failing("F1", t0), to("r", "d")))
	if n := len(all(t, a)); n != 1 {
		t.Errorf("memory store a holds %d deliveries", n)
	}
	if n := len(all(t, b)); n != 0 {
		t.Errorf("memory store b shares a's data: %d deliveries", n)
	}
	if err := a.Ping(ctx); err != nil {
		t.Error(err)
	}
}

func TestMigrateTwice(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dialect, dsn string) {
		ctx := context.Background()
		a := open(t, dsn)
		ingest(t, a, observe(failing("F1", t0), to("r", "d")))
		v1, err := a.SchemaVersion(ctx)
		if err != nil || v1 < 1 {
			t.Fatalf("SchemaVersion = %d, %v", v1, err)
		}
		a.Close()
		b := open(t, dsn)
		if v2, err := b.SchemaVersion(ctx); err != nil || v2 != v1 {
			t.Fatalf("SchemaVersion after reopen = %d, %v; want %d", v2, err, v1)
		}
		if b.Dialect() != dialect {
			t.Errorf("Dialect = %q, want %q", b.Dialect(), dialect)
		}
		if n := len(all(t, b)); n != 1 {
			t.Errorf("reopened store holds %d deliveries, want 1", n)
		}
	})
}

func TestMigrateConcurrent(t *testing.T) {
	forEachDSN(t, func(t *testing.T, dialect, dsn string) {
		const n = 4
		stores := make([]*store.Store, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stores[i], errs[i] = store.Open(context.Background(), dsn)
			}()
		}
		wg.Wait()
		for i := 0; i < n; i++ {
			if errs[i] != nil {
				t.Fatalf("Open %d: %v", i, errs[i])
			}
			defer stores[i].Close()
		}
		for i, s := range stores {
			ingest(t, s, observe(failing("F1", t0), to("r", "d")))
			if v, err := s.SchemaVersion(context.Background()); err != nil || v < 1 {
				t.Errorf("store %d: SchemaVersion = %d, %v", i, v, err)
			}
		}
		if got := len(all(t, stores[0])); got != 1 {
			t.Errorf("%d deliveries, want 1", got)
		}
	})
}
