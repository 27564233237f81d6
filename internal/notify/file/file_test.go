package file_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/file"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/notify/stdout"
)

func newFile(t testing.TB, settings string) notify.Notifier {
	t.Helper()
	env, _ := notifytest.NewEnv(t)
	n, err := notify.Typed(file.New)("out", notifytest.Settings(settings), env)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func settingsFor(path string, fsync bool) string {
	b, _ := json.Marshal(map[string]any{"path": path, "fsync": fsync})
	return string(b)
}

// TestAppendsStdoutRecords checks that the file holds exactly the lines the
// stdout destination writes (whose format is pinned by golden files there),
// appended in order, with and without fsync.
func TestAppendsStdoutRecords(t *testing.T) {
	for _, fsync := range []bool{false, true} {
		t.Run(map[bool]string{false: "no fsync", true: "fsync"}[fsync], func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "findings.jsonl")
			n := newFile(t, settingsFor(path, fsync))
			var want strings.Builder
			for _, s := range notifytest.Samples(t) {
				rc, err := n.Notify(t.Context(), s.Message)
				if err != nil || !rc.IsZero() {
					t.Fatalf("%s: Notify = %+v, %v", s.Name, rc, err)
				}
				line, _ := stdout.Marshal(stdout.NewRecord(s.Message, notifytest.Now(), "us-east-1"), false)
				want.Write(line)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want.String() {
				t.Errorf("file holds:\n%s\nwant:\n%s", got, want.String())
			}
		})
	}
}

func TestFileModeAndExistingFile(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "new.jsonl")
	newFile(t, settingsFor(fresh, false))
	info, err := os.Stat(fresh)
	if err != nil {
		t.Fatalf("New did not create the file: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}

	existing := filepath.Join(dir, "existing.jsonl")
	if err := os.WriteFile(existing, []byte("{\"earlier\":true}\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	n := newFile(t, settingsFor(existing, false))
	if _, err := n.Notify(t.Context(), notifytest.Message(t)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(existing)
	if !strings.HasPrefix(string(data), "{\"earlier\":true}\n{") || strings.Count(string(data), "\n") != 2 {
		t.Errorf("existing content not kept and appended to: %q", data)
	}
	if info, _ := os.Stat(existing); info.Mode().Perm() != 0o640 {
		t.Errorf("an existing file's mode changed to %v", info.Mode().Perm())
	}
}

func TestRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "findings.jsonl")
	n := newFile(t, settingsFor(path, false))
	if _, err := n.Notify(t.Context(), notifytest.Message(t)); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Notify(t.Context(), notifytest.Message(t)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + ".1"} {
		data, err := os.ReadFile(p)
		if err != nil || strings.Count(string(data), "\n") != 1 {
			t.Errorf("%s: %q, %v; want one record each", p, data, err)
		}
	}
}

func TestConcurrentNotify(t *testing.T) {
	path := filepath.Join(t.TempDir(), "findings.jsonl")
	n := newFile(t, settingsFor(path, false))
	samples := notifytest.Samples(t)
	const perSample = 40
	var wg sync.WaitGroup
	for _, s := range samples {
		for range perSample {
			wg.Go(func() {
				if _, err := n.Notify(context.Background(), s.Message); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	count := 0
	for sc.Scan() {
		count++
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("line %d is broken: %q", count, sc.Text())
		}
	}
	if count != len(samples)*perSample {
		t.Errorf("%d lines, want %d", count, len(samples)*perSample)
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, settings, wantErr string
	}{
		{"missing path", `{}`, "path: is required"},
		{"blank path", `{"path": "  "}`, "path: is required"},
		{"NUL in path", `{"path": "a\u0000b"}`, "path: contains a NUL byte"},
		{"unknown field", `{"path": "x", "mode": "0644"}`, `unknown field "mode"`},
		{"missing directory", settingsFor(filepath.Join(dir, "no", "such", "dir", "f.jsonl"), false), "no such file or directory"},
		{"path is a directory", settingsFor(dir, false), "is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := notifytest.NewEnv(t)
			_, err := notify.Typed(file.New)("out", notifytest.Settings(tt.settings), env)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckTouchesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "never.jsonl")
	r := notify.NewRegistry()
	r.Register("file", notify.Typed(file.New))
	if err := r.Check("file", notifytest.Settings(settingsFor(path, false))); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("Check created the file (stat: %v)", err)
	}
}

func TestNotifyFailures(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "findings.jsonl")
	if err := os.Mkdir(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	n := newFile(t, settingsFor(path, false))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	t.Run("cancelled context is retryable", func(t *testing.T) {
		_, err := n.Notify(cancelled, notifytest.Message(t))
		notifytest.CheckError(t, err, true, 0)
	})
	t.Run("invalid message is permanent", func(t *testing.T) {
		_, err := n.Notify(t.Context(), &notify.Message{Kind: notify.KindNew})
		notifytest.CheckError(t, err, false, 0)
	})
	t.Run("directory removed is retryable", func(t *testing.T) {
		if err := os.RemoveAll(filepath.Dir(path)); err != nil {
			t.Fatal(err)
		}
		_, err := n.Notify(t.Context(), notifytest.Message(t))
		notifytest.CheckError(t, err, true, 0)
		if !strings.HasPrefix(err.Error(), "file: ") {
			t.Errorf("error %q does not name the destination type", err)
		}
	})
	t.Run("permission denied is permanent", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root is never denied")
		}
		ro := filepath.Join(dir, "ro.jsonl")
		n := newFile(t, settingsFor(ro, false))
		if err := os.Chmod(ro, 0o400); err != nil {
			t.Fatal(err)
		}
		_, err := n.Notify(t.Context(), notifytest.Message(t))
		notifytest.CheckError(t, err, false, 0)
	})
}

func BenchmarkNotify(b *testing.B) {
	for _, fsync := range []bool{false, true} {
		b.Run(map[bool]string{false: "no-fsync", true: "fsync"}[fsync], func(b *testing.B) {
			n := newFile(b, settingsFor(filepath.Join(b.TempDir(), "bench.jsonl"), fsync))
			m := notifytest.Message(b)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := n.Notify(context.Background(), m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestAppendsNotices: a notice is one more line of the same records, kind
// notice, its attachment described but not written.
func TestAppendsNotices(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notices.jsonl")
	n := newFile(t, settingsFor(path, false))
	var want strings.Builder
	for _, s := range notifytest.NoticeSamples(t) {
		if rc, err := n.Notify(t.Context(), s.Message); err != nil || !rc.IsZero() {
			t.Fatalf("%s: Notify = %+v, %v", s.Name, rc, err)
		}
		line, _ := stdout.Marshal(stdout.NewRecord(s.Message, notifytest.Now(), "us-east-1"), false)
		want.Write(line)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() {
		t.Errorf("file holds:\n%s\nwant:\n%s", got, want.String())
	}
	sc := bufio.NewScanner(strings.NewReader(string(got)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec struct {
			Kind   string `json:"kind"`
			Notice *struct {
				Topic string `json:"topic"`
			} `json:"notice"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec.Kind != "notice" || rec.Notice == nil || rec.Notice.Topic == "" {
			t.Errorf("line %q: %v", sc.Text(), err)
		}
	}
}
