package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/route"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// forEachStore runs fn on a fresh SQLite store and a fresh PostgreSQL
// schema.
func forEachStore(t *testing.T, fn func(t *testing.T, dsn string, st *store.Store)) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			st, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			fn(t, dsn, st)
		})
	}
}

// parseConfig parses a config whose destinations are all stdout (the
// tests give the queue their own notifiers).
func parseConfig(t *testing.T, yaml string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return cfg
}

// ingestN commits n distinct failing-control findings (made from a
// published sample) through the real router and ingester, and returns
// their IDs.
func ingestN(t *testing.T, st *store.Store, cfg *config.Config, n int, mutate func(i int, f map[string]any)) []string {
	t.Helper()
	r, err := route.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	in, err := ingest.New(cfg, r, st, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	items, ids := sampleItems(t, n, mutate)
	if _, err := in.Items(context.Background(), "test", items); err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return ids
}

func sampleItems(t *testing.T, n int, mutate func(i int, f map[string]any)) ([]finding.Item, []string) {
	t.Helper()
	raw, err := os.ReadFile("../../examples/samples/18-eb-imported-securityhub-fsbp-ec2.7-failed.json")
	if err != nil {
		t.Fatal(err)
	}
	var items []finding.Item
	var ids []string
	for i := range n {
		var ev map[string]any
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		f := ev["detail"].(map[string]any)["findings"].([]any)[0].(map[string]any)
		id := fmt.Sprintf("%s-q%04d", f["Id"], i)
		f["Id"] = id
		if mutate != nil {
			mutate(i, f)
		}
		b, _ := json.Marshal(ev)
		its, errs := finding.Decode("sample", b)
		if len(errs) > 0 || len(its) != 1 {
			t.Fatalf("decode: %v", errs)
		}
		items = append(items, its...)
		ids = append(ids, id)
	}
	return items, ids
}

// recorder is a Notifier that records every message and answers with
// what answer says.
type recorder struct {
	mu     sync.Mutex
	msgs   []*notify.Message
	starts []time.Time
	answer func(m *notify.Message, call int) (notify.Receipt, error)
	block  chan struct{} // when set, Notify waits for it to close
}

func (r *recorder) Notify(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.starts = append(r.starts, time.Now())
	call := len(r.msgs)
	answer := r.answer
	block := r.block
	r.mu.Unlock()
	if block != nil {
		<-block
	}
	if answer != nil {
		return answer(m, call)
	}
	return notify.Receipt{ID: fmt.Sprintf("R-%d", call)}, nil
}

func (r *recorder) messages() []*notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*notify.Message(nil), r.msgs...)
}

// runUntil runs q until cond holds (checked every 20 ms) or 30 s pass.
func runUntil(t *testing.T, q *Queue, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatal("condition not reached in 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func statusCount(t *testing.T, st *store.Store, s store.Status) int {
	t.Helper()
	c, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c[s]
}

const oneRoute = `
destinations:
  tickets: {stdout: {}}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [tickets]
`

func fastPolicy() Policy {
	return Policy{MaxAttempts: 10, MaxAge: time.Hour, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}
}
