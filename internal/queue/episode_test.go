package queue

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/store"
)

// at returns the sample's UpdatedAt moved forward by d, for a later
// observation of the same finding.
func at(d time.Duration) string {
	return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(d).Format(time.RFC3339)
}

func setState(status string, updated time.Duration) func(int, map[string]any) {
	return func(_ int, f map[string]any) {
		f["Compliance"] = map[string]any{"Status": status}
		f["UpdatedAt"] = at(updated)
	}
}

func TestEpisodes(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		cfg := parseConfig(t, oneRoute)
		rec := &recorder{}
		q, _ := New(st, Config{Poll: 5 * time.Millisecond, Destinations: map[string]Destination{"tickets": {Notifier: rec, Policy: fastPolicy()}}})
		deliver := func(n int) {
			t.Helper()
			runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) == n })
		}
		// Failing: told once, however often Security Hub sends it again.
		for i := 0; i < 5; i++ {
			ingestN(t, st, cfg, 1, setState("FAILED", time.Duration(i)*time.Minute))
		}
		deliver(1)
		// Passed: the destination that was told hears it is resolved.
		ingestN(t, st, cfg, 1, setState("PASSED", time.Hour))
		deliver(2)
		// An older copy arriving late changes nothing.
		ingestN(t, st, cfg, 1, setState("FAILED", 30*time.Minute))
		// Failing again: a new episode, told again, as a reopening.
		ingestN(t, st, cfg, 1, setState("FAILED", 2*time.Hour))
		deliver(3)
		msgs := rec.messages()
		if len(msgs) != 3 {
			t.Fatalf("%d messages, want 3", len(msgs))
		}
		kinds := []notify.Kind{msgs[0].Kind, msgs[1].Kind, msgs[2].Kind}
		if kinds[0] != notify.KindNew || kinds[1] != notify.KindResolved || kinds[2] != notify.KindReopened {
			t.Fatalf("kinds %v, want new, resolved, reopened", kinds)
		}
		if p := msgs[1].Previous; p == nil || p.ID != "R-1" {
			t.Errorf("resolved message's Previous %+v, want the first receipt", p)
		}
		if p := msgs[2].Previous; p == nil || p.ID != "R-1" {
			t.Errorf("reopened message's Previous %+v, want the first receipt (reply in its thread, reopen the ticket)", p)
		}
		if msgs[2].Key == msgs[0].Key {
			t.Errorf("episode 2 reused episode 1's idempotency key %q", msgs[0].Key)
		}
	})
}

func TestSendResolvedTellsRoutesThatNoLongerMatch(t *testing.T) {
	const cfgText = `
destinations:
  pager: {stdout: {}}
  chat: {stdout: {}}
routes:
  - name: failing-page
    pattern: {source: [aws.securityhub], detail: {findings: {Compliance: {Status: [FAILED]}}}}
    to: [pager]
    send_resolved: true
  - name: failing-chat
    pattern: {source: [aws.securityhub], detail: {findings: {Compliance: {Status: [FAILED]}}}}
    to: [chat]
`
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		cfg := parseConfig(t, cfgText)
		pager, chat := &recorder{}, &recorder{}
		q, _ := New(st, Config{Poll: 5 * time.Millisecond, Destinations: map[string]Destination{
			"pager": {Notifier: pager, Policy: fastPolicy()}, "chat": {Notifier: chat, Policy: fastPolicy()}}})
		ingestN(t, st, cfg, 1, setState("FAILED", 0))
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) == 2 })
		ingestN(t, st, cfg, 1, setState("PASSED", time.Hour))
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) == 3 })
		if m := pager.messages(); len(m) != 2 || m[1].Kind != notify.KindResolved {
			t.Errorf("pager got %d messages; want new then resolved", len(m))
		}
		if m := chat.messages(); len(m) != 1 {
			t.Errorf("chat got %d messages; a route without send_resolved is not told of resolution", len(m))
		}
	})
}

func TestReminders(t *testing.T) {
	const cfgText = `
destinations:
  tickets: {stdout: {}}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [tickets]
    repeat_interval: 150ms
`
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		cfg := parseConfig(t, cfgText)
		rec := &recorder{}
		q, _ := New(st, Config{Poll: 5 * time.Millisecond, Reminders: map[string]time.Duration{"all": 150 * time.Millisecond},
			Destinations: map[string]Destination{"tickets": {Notifier: rec, Policy: fastPolicy()}}})
		ingestN(t, st, cfg, 1, setState("FAILED", 0))
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) >= 3 })
		msgs := rec.messages()
		if msgs[0].Kind != notify.KindNew || msgs[1].Kind != notify.KindReminder || msgs[2].Kind != notify.KindReminder {
			t.Fatalf("kinds %v %v %v, want new, reminder, reminder", msgs[0].Kind, msgs[1].Kind, msgs[2].Kind)
		}
		// Reminders are queued at least the interval apart (a reminder
		// that waited for its destination may be sent closer to the next).
		ds, err := st.Deliveries(context.Background(), store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var created []time.Time
		for i := len(ds) - 1; i >= 0; i-- {
			created = append(created, ds[i].CreatedAt)
		}
		for i := 1; i < len(created); i++ {
			if gap := created[i].Sub(created[i-1]); gap < 150*time.Millisecond-time.Millisecond {
				t.Errorf("notice %d queued %s after the previous one, want at least the repeat interval", i+1, gap)
			}
		}
		// Resolved: no more reminders.
		ingestN(t, st, cfg, 1, setState("PASSED", time.Hour))
		n := len(rec.messages())
		ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
		q.Run(ctx)
		cancel()
		for _, m := range rec.messages()[n:] {
			if m.Kind == notify.KindReminder {
				t.Errorf("a reminder after the finding was resolved")
			}
		}
	})
}

func TestDigestBurst(t *testing.T) {
	const cfgText = `
destinations:
  chat: {stdout: {}}
routes:
  - name: cis
    pattern: {source: [aws.securityhub]}
    to: [chat]
    group: {by: [AwsAccountId], wait: 200ms, interval: 500ms, max: 50}
`
	forEachStore(t, func(t *testing.T, _ string, st *store.Store) {
		cfg := parseConfig(t, cfgText)
		rec := &recorder{}
		q, _ := New(st, Config{Poll: 10 * time.Millisecond, Destinations: map[string]Destination{"chat": {Notifier: rec, Policy: fastPolicy()}}})
		const burst = 5000
		ids := ingestN(t, st, cfg, burst, func(i int, f map[string]any) {
			f["AwsAccountId"] = fmt.Sprintf("%012d", 111111111111+i%3) // three accounts: three groups
		})
		runUntil(t, q, func() bool { return statusCount(t, st, store.StatusDelivered) == burst+3 })
		msgs := rec.messages()
		if len(msgs) != 3 {
			t.Fatalf("%d messages for a burst of %d findings in 3 groups, want 3 digests", len(msgs), burst)
		}
		total := 0
		for _, m := range msgs {
			if m.Digest == nil || len(m.Digest.Findings) != 50 {
				t.Fatalf("message %+v: want a digest showing max 50 findings", m)
			}
			total += m.Digest.Total
		}
		if total != burst {
			t.Fatalf("digests cover %d findings, want %d", total, burst)
		}
		// Every finding is in one of them: each member row is delivered
		// with its digest's receipt.
		var all []store.Delivery
		for after := int64(0); ; {
			page, err := st.Deliveries(context.Background(), store.Filter{Status: []store.Status{store.StatusDelivered}, Limit: store.MaxListLimit, AfterID: after})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if len(page) < store.MaxListLimit {
				break
			}
			after = page[len(page)-1].ID
		}
		members := map[string]bool{}
		for _, d := range all {
			if d.Kind != "digest" {
				if d.DigestID == 0 || d.Receipt.ID == "" {
					t.Fatalf("member %+v delivered without its digest", d)
				}
				members[d.FindingID] = true
			}
		}
		for _, id := range ids {
			if !members[id] {
				t.Fatalf("finding %s is in no digest", id)
			}
		}
		// More of the same group within the interval: held until the
		// interval since the last digest is up, then one more digest.
		ingestN(t, st, cfg, 3, func(i int, f map[string]any) {
			f["Id"] = fmt.Sprintf("%s-late", f["Id"])
			f["AwsAccountId"] = "111111111111"
		})
		runUntil(t, q, func() bool { return len(rec.messages()) == 4 })
		digests, err := st.Deliveries(context.Background(), store.Filter{Status: []store.Status{store.StatusDelivered}, Limit: store.MaxListLimit})
		if err != nil {
			t.Fatal(err)
		}
		var flushed []time.Time // the group's digests, newest first
		for _, d := range digests {
			if d.Kind == "digest" && strings.Contains(d.GroupKey, "111111111111") {
				flushed = append(flushed, d.CreatedAt)
			}
		}
		if len(flushed) != 2 {
			t.Fatalf("%d digests of the group, want 2", len(flushed))
		}
		if gap := flushed[0].Sub(flushed[1]); gap < 500*time.Millisecond-time.Millisecond {
			t.Errorf("second digest of a group flushed %s after the first, want at least the 500ms interval", gap)
		}
		if d := rec.messages()[3].Digest; d == nil || d.Total != 3 || rec.messages()[3].Previous == nil {
			t.Errorf("second digest %+v: want 3 findings, in the thread of the group's earlier digest", d)
		}
	})
}
