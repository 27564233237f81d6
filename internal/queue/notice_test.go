package queue

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/store"
)

// slot is the scheduled run the notices are for.
var slot = time.Date(2026, 11, 23, 11, 0, 0, 0, time.FixedZone("JST", 9*3600))

// membersNotice is a member-account alert as the members job writes it.
func membersNotice() *notify.Notice {
	return &notify.Notice{
		Topic:   "members",
		Title:   "2026/11/23",
		Subject: "Security Hub メンバーステータスの変更",
		Sections: []notify.NoticeSection{{
			Header: "Security Hub メンバーステータスの変更",
			Groups: []notify.NoticeGroup{{Label: "Resigned", Items: []string{"123456789012", "210987654321"}}},
		}},
		Data: map[string]any{"resigned": []any{"123456789012", "210987654321"}},
	}
}

func noticeDelivery(t *testing.T, dest string, n *notify.Notice) store.NoticeDelivery {
	t.Helper()
	body, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	return store.NoticeDelivery{Key: store.NoticeKey("members", slot, dest), Job: "members", Destination: dest, Topic: n.Topic, Body: body}
}

func enqueueNotices(t *testing.T, st *store.Store, ns ...store.NoticeDelivery) {
	t.Helper()
	if _, err := st.EnqueueNotices(context.Background(), ns, time.Now()); err != nil {
		t.Fatalf("EnqueueNotices: %v", err)
	}
}

// markRecorder is a Marker that marks everything and remembers what.
type markRecorder struct {
	mu     sync.Mutex
	marked []string
}

func (m *markRecorder) Mark(_ context.Context, items []store.Feedback) (map[int64]error, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, it := range items {
		m.marked = append(m.marked, it.FindingID)
	}
	return nil, nil
}

func (m *markRecorder) findings() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.marked...)
}

const markingRoute = `
securityhub: {region: ap-northeast-1, mark_notified: true}
destinations:
  tickets: {stdout: {}}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [tickets]
`

// TestNoticesDelivered sends notices beside a finding: each destination
// gets a KindNotice message with the notice as enqueued, and only the
// finding is handed to the Marker.
func TestNoticesDelivered(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		ids := ingestN(t, st, parseConfig(t, markingRoute), 1, nil)
		want := membersNotice()
		enqueueNotices(t, st, noticeDelivery(t, "slack-sec", want), noticeDelivery(t, "mail-sec", want))
		slack, mail, tickets, marker := &recorder{}, &recorder{}, &recorder{}, &markRecorder{}
		q, err := New(st, Config{Poll: 10 * time.Millisecond, Marker: marker, Destinations: map[string]Destination{
			"slack-sec": {Type: "slack", Notifier: slack, Policy: fastPolicy(), Rate: &Rate{}},
			"mail-sec":  {Type: "email", Notifier: mail, Policy: fastPolicy()},
			"tickets":   {Type: "stdout", Notifier: tickets, Policy: fastPolicy()},
		}})
		if err != nil {
			t.Fatal(err)
		}
		runUntil(t, q, func() bool {
			return statusCount(t, st, store.StatusDelivered) == 3 && len(marker.findings()) == 1
		})
		for dest, rec := range map[string]*recorder{"slack-sec": slack, "mail-sec": mail} {
			msgs := rec.messages()
			if len(msgs) != 1 {
				t.Fatalf("%s got %d messages", dest, len(msgs))
			}
			m := msgs[0]
			if m.Kind != notify.KindNotice || m.Route != "members" || m.Destination != dest || m.Attempt != 1 ||
				m.Key != store.NoticeKey("members", slot, dest) || m.Finding != nil || m.Digest != nil || m.Previous != nil || m.Event != nil {
				t.Errorf("%s: message %+v", dest, m)
			}
			if !reflect.DeepEqual(m.Notice, want) {
				t.Errorf("%s: notice %+v, want %+v", dest, m.Notice, want)
			}
			if err := m.Validate(); err != nil {
				t.Errorf("%s: %v", dest, err)
			}
		}
		if got := marker.findings(); len(got) != 1 || got[0] != ids[0] {
			t.Fatalf("marked %v, want only the finding %s", got, ids[0])
		}
	})
}

// TestNoticeRetriesAndRateLimit: a notice is retried like any delivery,
// and notices to one destination keep its rate.
func TestNoticeRetriesAndRateLimit(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		n := membersNotice()
		var ns []store.NoticeDelivery
		for _, job := range []string{"members", "report:system-a", "report:system-b"} {
			d := noticeDelivery(t, "slack-sec", n)
			d.Key, d.Job = store.NoticeKey(job, slot, "slack-sec"), job
			ns = append(ns, d)
		}
		enqueueNotices(t, st, ns...)
		rec := &recorder{answer: func(m *notify.Message, call int) (notify.Receipt, error) {
			if m.Route == "members" && m.Attempt == 1 {
				return notify.Receipt{}, notify.Retry(errors.New("slack: 429 Too Many Requests"), 0)
			}
			return notify.Receipt{ID: "1700000000.0001" + m.Route}, nil
		}}
		const gap = 150 * time.Millisecond
		q, _ := New(st, Config{Poll: 10 * time.Millisecond, Destinations: map[string]Destination{
			"slack-sec": {Type: "slack", Notifier: rec, Policy: fastPolicy(), Rate: &Rate{Interval: gap}},
		}})
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) == 3 })
		msgs := rec.messages()
		if len(msgs) != 4 {
			t.Fatalf("%d attempts, want 4 (one retry)", len(msgs))
		}
		// Each call waits for a slot the store spaced by gap. A loaded
		// machine may wake a waiter late, which shortens the gap after it,
		// so the calls are checked as a whole: n calls span at least n-1
		// gaps less one for such lateness. Without the rate they come
		// together, within the retry's few milliseconds.
		if span, want := rec.starts[len(rec.starts)-1].Sub(rec.starts[0]), time.Duration(len(rec.starts)-2)*gap; span < want {
			t.Errorf("%d attempts spanned %v; the rate (one per %v) asks for at least %v", len(rec.starts), span, gap, want)
		}
		ds, err := st.Deliveries(context.Background(), store.Filter{Route: "members"})
		if err != nil || len(ds) != 1 || ds[0].Attempts != 2 || ds[0].Receipt.ID != "1700000000.0001members" {
			t.Fatalf("members notice %+v, %v", ds, err)
		}
	})
}

// TestNoticeDeadDeliveries: a notice whose body does not decode, one a
// destination refuses, and one past max attempts end dead with a clear
// error; a notice to a type registered without TakesNotices is refused by
// its Registry-built Notifier without reaching the destination.
func TestNoticeDeadDeliveries(t *testing.T) {
	reg := notify.NewRegistry()
	plain, noticed := &recorder{}, &recorder{}
	reg.Register("plain", func(string, notify.Decoder, notify.Env) (notify.Notifier, error) { return plain, nil })
	reg.Register("noticed", func(string, notify.Decoder, notify.Env) (notify.Notifier, error) { return noticed, nil }, notify.TakesNotices)
	build := func(t *testing.T, typ, name string) notify.Notifier {
		n, err := reg.New(typ, name, nil, notify.Env{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		plain.msgs, noticed.msgs = nil, nil
		good := membersNotice()
		bad := func(dest, body string) store.NoticeDelivery {
			d := noticeDelivery(t, dest, good)
			d.Key += "|" + body
			d.Body = []byte(body)
			return d
		}
		enqueueNotices(t, st,
			bad("noticed", `{"topic":"members","title":`),
			bad("noticed", `{"topic":"members"}`),
			bad("noticed", `{"topic":"members","title":"x"} {"again":1}`),
			bad("noticed", `["not","an","object"]`),
			noticeDelivery(t, "plain", good),
			noticeDelivery(t, "noticed", good),
		)
		q, err := New(st, Config{Poll: 10 * time.Millisecond, Destinations: map[string]Destination{
			"plain":   {Type: "plain", Notifier: build(t, "plain", "plain"), Policy: fastPolicy()},
			"noticed": {Type: "noticed", Notifier: build(t, "noticed", "noticed"), Policy: fastPolicy()},
		}})
		if err != nil {
			t.Fatal(err)
		}
		runUntil(t, q, func() bool {
			return statusCount(t, st, store.StatusDead) == 5 && statusCount(t, st, store.StatusDelivered) == 1
		})
		if n := len(plain.messages()); n != 0 {
			t.Fatalf("the destination that takes no notices was called %d times", n)
		}
		if msgs := noticed.messages(); len(msgs) != 1 || !reflect.DeepEqual(msgs[0].Notice, good) {
			t.Fatalf("the notice destination got %d messages; want only the good notice", len(msgs))
		}
		dead, err := st.Deliveries(context.Background(), store.Filter{Status: []store.Status{store.StatusDead}})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			`{"topic":"members","title":`:                 "stored notice does not decode: unexpected EOF",
			`{"topic":"members"}`:                         "stored notice is not valid: message: notice has neither title nor subject",
			`{"topic":"members","title":"x"} {"again":1}`: "stored notice does not decode: data after the JSON object",
			`["not","an","object"]`:                       "stored notice does not decode: json: cannot unmarshal array",
			"":                                            "plain: plain destinations do not take notices",
		}
		for _, d := range dead {
			body := ""
			if i := strings.Index(d.Key, "|{"); i >= 0 {
				body = d.Key[i+1:]
			} else if i := strings.Index(d.Key, "|["); i >= 0 {
				body = d.Key[i+1:]
			}
			if w, ok := want[body]; !ok || !strings.Contains(d.LastError, w) || d.Attempts != 1 {
				t.Errorf("dead %s: attempts %d, error %q, want %q", d.Key, d.Attempts, d.LastError, w)
			}
		}
	})
}

func TestNoticeGivesUpAfterMaxAttempts(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		enqueueNotices(t, st, noticeDelivery(t, "hook", membersNotice()))
		rec := &recorder{answer: func(*notify.Message, int) (notify.Receipt, error) {
			return notify.Receipt{}, notify.Retry(errors.New("webhook: 503 Service Unavailable"), 0)
		}}
		q, _ := New(st, Config{Poll: 5 * time.Millisecond, Destinations: map[string]Destination{"hook": {Notifier: rec,
			Policy: Policy{MaxAttempts: 3, MaxAge: time.Hour, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}}}})
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDead) == 1 })
		ds, err := st.Deliveries(context.Background(), store.Filter{})
		if err != nil || len(ds) != 1 || ds[0].Attempts != 3 || !strings.Contains(ds[0].LastError, "gave up after 3 attempts: webhook: 503") {
			t.Fatalf("%+v, %v", ds, err)
		}
	})
}
