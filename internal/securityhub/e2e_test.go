package securityhub_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/queue"
	"github.com/hubrelay/hubrelay/internal/route"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// recorder is a destination that records what it is sent and answers
// with answer.
type recorder struct {
	mu     sync.Mutex
	got    map[string]int // finding ID → messages
	answer func(m *notify.Message) (notify.Receipt, error)
}

func (r *recorder) Notify(_ context.Context, m *notify.Message) (notify.Receipt, error) {
	r.mu.Lock()
	r.got[m.Finding.ID]++
	r.mu.Unlock()
	return r.answer(m)
}

const e2eConfig = `
securityhub: {mark_notified: true}
destinations:
  backlog-a: {stdout: {}}
  slack-a: {stdout: {}}
routes:
  - name: system-a
    filters:
      AwsAccountId: [{Value: "111111111111", Comparison: EQUALS}]
      RecordState: [{Value: ACTIVE, Comparison: EQUALS}]
    to: [backlog-a, slack-a]
`

// TestEndToEnd: the poller reads findings from the API into the store,
// the queue delivers them to a ticket system and a chat, and the Updater
// marks NOTIFIED, with a note and the ticket key, exactly the findings
// whose deliveries all succeeded; a finding whose chat delivery is dead is
// never marked.
func TestEndToEnd(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, dialect)
			f := newFixture(t, hubtest.Options{})
			c := f.connect(t, nil)
			for i := range 6 {
				account := "111111111111"
				if i == 5 {
					account = "999999999999" // no route matches
				}
				if err := f.hub.AddFindings(asff(fmt.Sprintf("E%d", i), account, t0.Add(time.Duration(i)*time.Second))); err != nil {
					t.Fatal(err)
				}
			}
			cfg, err := config.Parse("e2e.yaml", []byte(e2eConfig))
			if err != nil {
				t.Fatal(err)
			}
			router, err := route.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			in, err := ingest.New(cfg, router, st, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			sink := securityhub.SinkFunc(func(ctx context.Context, src string, items []finding.Item) error {
				_, err := in.Items(ctx, src, items)
				return err
			})
			p, err := securityhub.NewPoller(c, sink, st, securityhub.PollerOptions{Filters: cfg.Routes[0].Match.JSON})
			if err != nil {
				t.Fatal(err)
			}
			if res, err := p.Poll(ctx); err != nil || res.Findings != 5 {
				t.Fatalf("Poll = %+v, %v; want the 5 findings of account 111111111111", res, err)
			}

			backlog := &recorder{got: map[string]int{}, answer: func(m *notify.Message) (notify.Receipt, error) {
				key := "BLG-" + strings.TrimPrefix(m.Finding.ID, "E")
				return notify.Receipt{ID: key, URL: "https://example.backlog.jp/view/" + key}, nil
			}}
			slack := &recorder{got: map[string]int{}, answer: func(m *notify.Message) (notify.Receipt, error) {
				if m.Finding.ID == "E3" {
					return notify.Receipt{}, &notify.Error{Err: errors.New("channel_not_found")} // permanent: dead
				}
				return notify.Receipt{ID: "1700000000.000" + strings.TrimPrefix(m.Finding.ID, "E"), Channel: "C1"}, nil
			}}
			u, err := securityhub.NewUpdater(c, securityhub.UpdaterOptions{
				MarkNotified: cfg.SecurityHub.MarkNotified, Note: cfg.SecurityHub.Note, TicketFields: cfg.SecurityHub.TicketFields})
			if err != nil {
				t.Fatal(err)
			}
			q, err := queue.New(st, queue.Config{
				Owner: "e2e", Workers: 4, Poll: 10 * time.Millisecond, Marker: u, Log: slog.New(slog.NewTextHandler(tlog{t}, nil)),
				Destinations: map[string]queue.Destination{
					"backlog-a": {Type: "stdout", Notifier: backlog},
					"slack-a":   {Type: "stdout", Notifier: slack},
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			dctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			// Drain delivers, then marks what the deliveries completed.
			for range 1 {
				if _, err := q.Drain(dctx, st.Counts); err != nil {
					t.Fatalf("Drain: %v", err)
				}
			}

			for i := range 5 {
				id := fmt.Sprintf("E%d", i)
				if backlog.got[id] != 1 || slack.got[id] != 1 {
					t.Errorf("%s: backlog got %d messages, slack %d; want 1 each", id, backlog.got[id], slack.got[id])
				}
			}
			if backlog.got["E5"]+slack.got["E5"] != 0 {
				t.Errorf("E5 matches no route but was delivered")
			}
			for i := range 6 {
				id := fmt.Sprintf("E%d", i)
				wantStatus := "NOTIFIED"
				if i == 3 || i == 5 {
					wantStatus = "NEW"
				}
				if got := workflow(t, f, id); got != wantStatus {
					t.Errorf("%s: Workflow.Status = %q, want %q", id, got, wantStatus)
				}
				if wantStatus == "NEW" {
					if note := f.asffField(t, id, "Note"); note != nil {
						t.Errorf("%s: not marked, yet has a note %v", id, note)
					}
					continue
				}
				n := strings.TrimPrefix(id, "E")
				wantNote := "hubrelay: backlog-a BLG-" + n + " https://example.backlog.jp/view/BLG-" + n + ", slack-a 1700000000.000" + n
				if got := f.asffField(t, id, "Note.Text"); got != wantNote {
					t.Errorf("%s: Note.Text = %v, want %q", id, got, wantNote)
				}
				if got := f.asffField(t, id, "UserDefinedFields.hubrelay_backlog-a"); got != "BLG-"+n {
					t.Errorf("%s: ticket field = %v", id, got)
				}
			}
			counts, err := st.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if counts[store.StatusDead] != 1 || counts[store.StatusDelivered] != 9 {
				t.Errorf("counts = %v, want 9 delivered and 1 dead", counts)
			}
			// Nothing is left for the Updater: E3's episode never completes.
			if fb, err := st.ClaimFeedback(ctx, "check", time.Now().Add(time.Hour), time.Minute, 100); err != nil || len(fb) != 0 {
				t.Errorf("feedback left = %+v, %v", fb, err)
			}
		})
	}
}

type tlog struct{ t *testing.T }

func (w tlog) Write(p []byte) (int, error) { w.t.Log(strings.TrimSpace(string(p))); return len(p), nil }
