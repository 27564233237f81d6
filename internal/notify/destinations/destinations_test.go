package destinations_test

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

func TestRegistryTypes(t *testing.T) {
	types := destinations.Registry().Types()
	for _, want := range []string{"backlog", "email", "file", "github", "jira", "pagerduty", "slack", "sns", "stdout", "teams", "webhook"} {
		if !slices.Contains(types, want) {
			t.Errorf("Types() = %v lacks %q", types, want)
		}
	}
}

func TestEveryTypeBuildsAndDelivers(t *testing.T) {
	path, _ := json.Marshal(filepath.Join(t.TempDir(), "out.jsonl"))
	tests := []struct {
		typ, settings string
	}{
		{"stdout", `{}`},
		{"stdout", `{"pretty": true}`},
		{"file", `{"path": ` + string(path) + `, "fsync": true}`},
	}
	reg := destinations.Registry()
	for _, tt := range tests {
		t.Run(tt.typ+" "+tt.settings, func(t *testing.T) {
			if err := reg.Check(tt.typ, notifytest.Settings(tt.settings)); err != nil {
				t.Fatalf("Check: %v", err)
			}
			env, _ := notifytest.NewEnv(t)
			var out bytes.Buffer
			env.Stdout = &out
			n, err := reg.New(tt.typ, "d", notifytest.Settings(tt.settings), env)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if _, err := n.Notify(t.Context(), notifytest.Message(t)); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			if c, ok := n.(io.Closer); !ok || c.Close() != nil {
				t.Error("a Registry-built notifier must close cleanly")
			}
		})
	}
}

func TestCheckRejectsBadSettings(t *testing.T) {
	reg := destinations.Registry()
	for typ, settings := range map[string]string{
		"stdout": `{"colour": true}`,
		"file":   `{}`,
	} {
		if err := reg.Check(typ, notifytest.Settings(settings)); err == nil {
			t.Errorf("Check(%s, %s) accepted bad settings", typ, settings)
		}
	}
}
