package lambdasource_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	lambdasource "github.com/hubrelay/hubrelay/internal/source/lambda"
)

func TestLoadConfig(t *testing.T) {
	const password = "pg-PASSWORD-51c2"
	const pg = "postgres://hubrelay:" + password + "@db.internal:5432/hubrelay?sslmode=require"
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pgFile := file("pg.yaml", "store: "+pg+"\nlanguage: ja\n")
	sqliteFile := file("sqlite.yaml", "store: sqlite:/tmp/hubrelay.db\n")
	tests := []struct {
		name     string
		value    string
		wantFile string // the config's File when it loads
		wantErr  string // a part of the error when it does not
	}{
		{name: "a file path", value: pgFile, wantFile: pgFile},
		{name: "YAML with line breaks", value: "store: " + pg + "\nlanguage: en\n", wantFile: "HUBRELAY_CONFIG"},
		{name: "YAML on one line", value: `{store: "` + pg + `", language: ja}`, wantFile: "HUBRELAY_CONFIG"},
		{name: "unset", value: "", wantErr: "HUBRELAY_CONFIG is not set: give the path of the config file, or the YAML itself"},
		{name: "blank", value: "  \n", wantErr: "HUBRELAY_CONFIG is not set"},
		{name: "sqlite in a file", value: sqliteFile, wantErr: sqliteFile + ": store: the Lambda function needs a PostgreSQL store (postgres://…) shared with hubrelay serve or a scheduled drain; a sqlite store keeps nothing between invocations"},
		{name: "the default store", value: "language: en\n", wantErr: "HUBRELAY_CONFIG: store: the Lambda function needs a PostgreSQL store"},
		{name: "no such file", value: filepath.Join(dir, "missing.yaml"), wantErr: "config: open " + filepath.Join(dir, "missing.yaml")},
		{name: "a problem in the YAML", value: "store: " + pg + "\nlanguage: fr\n", wantErr: `HUBRELAY_CONFIG:2:11: language: "fr" is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := lambdasource.LoadConfig(tt.value, config.WithNow(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), password) {
					t.Errorf("error shows the store's password: %v", err)
				}
				var list config.ErrorList
				if strings.Contains(tt.wantErr, ":2:") && !errors.As(err, &list) {
					t.Errorf("error %T is not the config's ErrorList", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.File != tt.wantFile || cfg.Store != pg {
				t.Errorf("File %q, store set %v; want %q", cfg.File, cfg.Store == pg, tt.wantFile)
			}
		})
	}
}
