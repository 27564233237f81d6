package stdout_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/notify/stdout"
)

// TestRecordGolden pins the record of every sample message shape.
func TestRecordGolden(t *testing.T) {
	for _, s := range notifytest.Samples(t) {
		t.Run(s.Name, func(t *testing.T) {
			line, err := stdout.Marshal(stdout.NewRecord(s.Message, notifytest.Now(), ""), false)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Count(line, []byte("\n")) != 1 || !json.Valid(line) {
				t.Errorf("not one JSON line: %q", line)
			}
			notifytest.Golden(t, "testdata/"+s.Name+".jsonl", line)
		})
	}
}

func TestRecordAggregationRegionAndPretty(t *testing.T) {
	m := notifytest.Message(t)
	at := time.Date(2026, 1, 2, 12, 4, 5, 0, time.FixedZone("JST", 9*3600))
	pretty, err := stdout.Marshal(stdout.NewRecord(m, at, "ap-northeast-1"), true)
	if err != nil {
		t.Fatal(err)
	}
	notifytest.Golden(t, "testdata/pretty-aggregation-region.json", pretty)
}

func TestRecordIsPure(t *testing.T) {
	m := notifytest.Message(t)
	a := stdout.NewRecord(m, notifytest.Now(), "")
	b := stdout.NewRecord(m, notifytest.Now(), "")
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("NewRecord gave different records for the same input")
	}
}

func newStdout(t *testing.T, settings string, w *syncBuffer) notify.Notifier {
	t.Helper()
	env, _ := notifytest.NewEnv(t)
	env.Stdout = w
	n, err := notify.Typed(stdout.New)("console", notifytest.Settings(settings), env)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNotifyWritesRecord(t *testing.T) {
	for _, tt := range []struct {
		settings string
		lines    int
	}{
		{`{}`, 1},
		{`{"pretty": true}`, 0},
	} {
		t.Run(tt.settings, func(t *testing.T) {
			var out syncBuffer
			n := newStdout(t, tt.settings, &out)
			m := notifytest.Message(t)
			rc, err := n.Notify(t.Context(), m)
			if err != nil || !rc.IsZero() {
				t.Fatalf("Notify = %+v, %v", rc, err)
			}
			want, _ := stdout.Marshal(stdout.NewRecord(m, notifytest.Now(), "us-east-1"), tt.settings != `{}`)
			if out.String() != string(want) {
				t.Errorf("wrote %q, want %q", out.String(), want)
			}
			if tt.lines == 1 && strings.Count(out.String(), "\n") != 1 {
				t.Errorf("JSON Lines output has %d lines", strings.Count(out.String(), "\n"))
			}
		})
	}
}

func TestNotifyConcurrent(t *testing.T) {
	var out syncBuffer
	n := newStdout(t, `{}`, &out)
	samples := notifytest.Samples(t)
	const perSample = 50
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
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(samples)*perSample {
		t.Fatalf("%d lines, want %d", len(lines), len(samples)*perSample)
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("interleaved or broken line: %q", l)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestNotifyFailures(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	env, _ := notifytest.NewEnv(t)
	env.Stdout = failingWriter{}
	broken, err := stdout.New("console", &stdout.Config{}, env)
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	working := newStdout(t, `{}`, &out)
	tests := []struct {
		name      string
		n         notify.Notifier
		ctx       context.Context
		m         *notify.Message
		wantRetry bool
	}{
		{"write error is retryable", broken, t.Context(), notifytest.Message(t), true},
		{"cancelled context is retryable", working, cancelled, notifytest.Message(t), true},
		{"invalid message is permanent", working, t.Context(), &notify.Message{Kind: notify.KindNew}, false},
		{"nil message is permanent", working, t.Context(), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.n.Notify(tt.ctx, tt.m)
			notifytest.CheckError(t, err, tt.wantRetry, 0)
			if !strings.HasPrefix(err.Error(), "stdout: ") {
				t.Errorf("error %q does not name the destination type", err)
			}
		})
	}
	if out.Len() != 0 {
		t.Errorf("failed deliveries wrote %q", out.String())
	}
}

func TestNewNeedsStdout(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	if _, err := stdout.New("console", &stdout.Config{}, env); err == nil {
		t.Error("New without Env.Stdout succeeded")
	}
}

func TestSettings(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	env.Stdout = &syncBuffer{}
	_, err := notify.Typed(stdout.New)("console", notifytest.Settings(`{"prety": true}`), env)
	if err == nil || !strings.Contains(err.Error(), `unknown field "prety"`) {
		t.Errorf("misspelt setting: %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func BenchmarkNotify(b *testing.B) {
	env, _ := notifytest.NewEnv(b)
	env.Stdout = &discard{}
	n, err := stdout.New("console", &stdout.Config{}, env)
	if err != nil {
		b.Fatal(err)
	}
	m := notifytest.Message(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Notify(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (*discard) Write(p []byte) (int, error) { return len(p), nil }
