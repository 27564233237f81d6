package backlog

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/backlog/backlogtest"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// deliveries is how many messages the end-to-end tests deliver.
const deliveries = 200

// maxAttempts bounds the attempts at one delivery; at a 30% failure rate
// needing more is a bug, not bad luck.
const maxAttempts = 40

// flakyBacklog is a Backlog that fails 30% of writes, half of them after
// applying the write (the answer is lost), and rate-limits every 11th.
func flakyBacklog(t *testing.T, seed int64) *backlogtest.Server {
	return backlogtest.New(t, backlogtest.Options{
		APIKey: testAPIKey, ProjectID: 12345, ProjectKey: "SEC",
		FailRate: 0.3, LostAnswerRate: 0.5, Seed: seed, RateLimitEvery: 11,
	})
}

// deliverAll delivers every message, retrying each until it succeeds the
// way the queue does: the same message, Attempt counting up (unless
// countAttempts is false, which is what a queue without the Attempt field
// would send). Four workers share the Notifier. It returns the receipt of
// each message.
func deliverAll(t *testing.T, n notify.Notifier, msgs []*notify.Message, countAttempts bool) []notify.Receipt {
	t.Helper()
	receipts := make([]notify.Receipt, len(msgs))
	work := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range work {
				m := *msgs[i]
				for attempt := 1; ; attempt++ {
					if countAttempts {
						m.Attempt = attempt
					}
					rc, err := n.Notify(context.Background(), &m)
					if err == nil {
						receipts[i] = rc
						break
					}
					if retry, _ := notify.ShouldRetry(err); !retry || attempt == maxAttempts {
						t.Errorf("message %d, attempt %d: %v", i, attempt, err)
						break
					}
				}
			}
		})
	}
	for i := range msgs {
		work <- i
	}
	close(work)
	wg.Wait()
	return receipts
}

// newMessages returns deliveries single-finding messages of kind, with
// keys "<prefix>-<i>", each about the issue prev[i] when prev is given.
func newMessages(t *testing.T, kind notify.Kind, prefix string, prev []notify.Receipt) []*notify.Message {
	f := fixture(t, fxEC28).Finding
	msgs := make([]*notify.Message, deliveries)
	for i := range msgs {
		msgs[i] = &notify.Message{Kind: kind, Route: "r", Destination: "backlog-system-a", Key: fmt.Sprintf("%s-%d", prefix, i), Finding: f}
		if prev != nil {
			p := prev[i]
			msgs[i].Previous = &p
		}
	}
	return msgs
}

// TestRetriesCreateNoDuplicates delivers 200 new findings to a Backlog
// that loses answers, retrying each until it succeeds with Attempt counting
// up: exactly 200 issues exist afterwards, each marker on one issue, and
// each receipt names the issue of its own delivery. Reminders and status
// changes on those issues add exactly one comment each, retries included.
func TestRetriesCreateNoDuplicates(t *testing.T) {
	srv := flakyBacklog(t, 1)
	env, _ := notifytest.NewEnv(t)
	env.HTTPClient.Timeout = 30 * time.Second
	n := newTestNotifier(t, srv.URL(), env)

	msgs := newMessages(t, notify.KindNew, "delivery", nil)
	receipts := deliverAll(t, n, msgs, true)
	if st := srv.Stats(); st.LostAnswers == 0 || st.RateLimited == 0 {
		t.Fatalf("stats %+v: the run lost no answers or hit no rate limit, so it proves nothing", st)
	}
	issues := srv.Issues()
	if len(issues) != deliveries {
		t.Errorf("%d issues, want %d", len(issues), deliveries)
	}
	byMarker := srv.IssuesByMarker()
	keyOf := map[string]string{}
	for _, is := range issues {
		for _, m := range notify.Markers(is.Description) {
			keyOf[m] = is.Key
		}
	}
	for i, m := range msgs {
		marker := notify.Marker(m.Key)
		if byMarker[marker] != 1 {
			t.Errorf("message %d: %d issues carry its marker, want 1", i, byMarker[marker])
		}
		if receipts[i].ID != keyOf[marker] || receipts[i].URL != srv.URL()+"/view/"+keyOf[marker] {
			t.Errorf("message %d: receipt %+v, want the issue %s", i, receipts[i], keyOf[marker])
		}
	}
	if len(byMarker) != deliveries {
		t.Errorf("%d markers, want %d", len(byMarker), deliveries)
	}

	checkOneComment := func(t *testing.T, msgs []*notify.Message, receipts []notify.Receipt, wantStatus int) {
		t.Helper()
		for i, m := range msgs {
			marker := notify.Marker(m.Key)
			carrying := 0
			for _, c := range srv.Comments(receipts[i].ID) {
				if notify.HasMarker(c.Content, marker) {
					carrying++
					if c.StatusID != wantStatus {
						t.Errorf("message %d: the comment set status %d, want %d", i, c.StatusID, wantStatus)
					}
				}
			}
			if carrying != 1 {
				t.Errorf("message %d: %d comments on %s carry its marker, want 1", i, carrying, receipts[i].ID)
			}
		}
	}
	t.Run("reminders", func(t *testing.T) {
		reminders := newMessages(t, notify.KindReminder, "reminder", receipts)
		got := deliverAll(t, n, reminders, true)
		for i := range got {
			if got[i].ID != receipts[i].ID {
				t.Errorf("reminder %d: receipt %+v, want issue %s", i, got[i], receipts[i].ID)
			}
		}
		checkOneComment(t, reminders, receipts, 0)
	})
	t.Run("resolved", func(t *testing.T) {
		resolved := newMessages(t, notify.KindResolved, "resolved", receipts)
		deliverAll(t, n, resolved, true)
		checkOneComment(t, resolved, receipts, int(StatusClosed))
		for _, is := range srv.Issues() {
			if is.StatusID != int(StatusClosed) {
				t.Errorf("%s: status %d, want %d (closed)", is.Key, is.StatusID, StatusClosed)
			}
		}
	})
	if len(srv.Issues()) != deliveries {
		t.Errorf("%d issues after the follow-ups, want %d", len(srv.Issues()), deliveries)
	}
}

// TestRetriesWithoutAttemptDuplicate is the control of
// TestRetriesCreateNoDuplicates: the same run with Attempt never counting
// up does create duplicates, so the lookup is what prevents them.
func TestRetriesWithoutAttemptDuplicate(t *testing.T) {
	srv := flakyBacklog(t, 1)
	env, _ := notifytest.NewEnv(t)
	env.HTTPClient.Timeout = 30 * time.Second
	n := newTestNotifier(t, srv.URL(), env)
	deliverAll(t, n, newMessages(t, notify.KindNew, "delivery", nil), false)
	lost := srv.Stats().LostAnswers
	if got := len(srv.Issues()); lost == 0 || got != deliveries+lost {
		t.Errorf("%d issues after %d lost answers, want %d: every lost answer duplicates without the lookup", got, lost, deliveries+lost)
	}
}
