package securityhub_test

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

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// sink records what the poller hands over; fail, when set, decides an
// error per call (1-based).
type sink struct {
	mu    sync.Mutex
	calls int
	items []finding.Item
	fail  func(call int) error
}

func (s *sink) Ingest(_ context.Context, source string, items []finding.Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if source != "poll" {
		return fmt.Errorf("source = %q, want poll", source)
	}
	if s.fail != nil {
		if err := s.fail(s.calls); err != nil {
			return err
		}
	}
	s.items = append(s.items, items...)
	return nil
}

// ids returns the finding IDs handed over, counting repeats.
func (s *sink) ids() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, it := range s.items {
		out[it.Finding.ID]++
	}
	return out
}

func (s *sink) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = nil
}

func account(k int) string { return fmt.Sprintf("2000000000%02d", k) }

// accountFilters returns poll filters on the first n accounts (EQUALS)
// and RecordState ACTIVE.
func accountFilters(n int) json.RawMessage {
	var vals []string
	for k := range n {
		vals = append(vals, `{"Value":"`+account(k)+`","Comparison":"EQUALS"}`)
	}
	return json.RawMessage(`{"AwsAccountId":[` + strings.Join(vals, ",") + `],"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}]}`)
}

func newPoller(t *testing.T, c *securityhub.Client, sk securityhub.Sink, cp securityhub.Checkpoints, filters json.RawMessage, now time.Time) *securityhub.Poller {
	t.Helper()
	p, err := securityhub.NewPoller(c, sk, cp, securityhub.PollerOptions{Filters: filters, Overlap: time.Millisecond, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("NewPoller: %v", err)
	}
	return p
}

func poll(t *testing.T, p *securityhub.Poller) securityhub.PollResult {
	t.Helper()
	res, err := p.Poll(context.Background())
	if err != nil {
		t.Fatalf("Poll: %v", err)
	}
	return res
}

// TestPollSplitCheckpointRestart: 2,500 findings of 50 accounts, filters
// on 45 of them: three queries of at most 20 accounts, every matching
// finding handed over once; the second run reads only what was updated
// since (and the last finding of each query, at its checkpoint); a new
// Poller on the same store resumes there.
func TestPollSplitCheckpointRestart(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	st := storetest.Open(t, store.DialectSQLite)
	var raws []json.RawMessage
	for i := range 2500 {
		raws = append(raws, asff(fmt.Sprintf("F%04d", i), account(i%50), t0.Add(time.Duration(i)*time.Second)))
	}
	if err := f.hub.AddFindings(raws...); err != nil {
		t.Fatal(err)
	}
	sk := &sink{}
	filters := accountFilters(45)

	// Run 1: everything that matches.
	res := poll(t, newPoller(t, c, sk, st, filters, t0.Add(time.Hour)))
	got := sk.ids()
	if res.Queries != 3 || res.Findings != 2250 || res.Duplicates != 0 || res.Invalid != 0 || len(got) != 2250 {
		t.Fatalf("run 1: %+v, %d distinct findings; want 3 queries, 2250 findings", res, len(got))
	}
	for i := range 2500 {
		id := fmt.Sprintf("F%04d", i)
		if want := map[bool]int{true: 1, false: 0}[i%50 < 45]; got[id] != want {
			t.Fatalf("run 1: %s (account %s) handed over %d times, want %d", id, account(i%50), got[id], want)
		}
	}
	// 1,000 + 1,000 + 250 findings: 10 + 10 + 3 pages of 100.
	if calls := f.hub.Calls("GetFindings"); calls != 23 || res.Pages != 23 {
		t.Errorf("run 1: GetFindings calls = %d, pages = %d; want 23", calls, res.Pages)
	}

	// Run 2: 30 findings change (accounts 0-29: queries 1 and 2).
	var changed []json.RawMessage
	for i := range 30 {
		changed = append(changed, asff(fmt.Sprintf("F%04d", i), account(i%50), t0.Add(2*time.Hour),
			func(m map[string]any) { m["Severity"] = map[string]any{"Label": "CRITICAL", "Normalized": 90} }))
	}
	if err := f.hub.AddFindings(changed...); err != nil {
		t.Fatal(err)
	}
	sk.reset()
	res = poll(t, newPoller(t, c, sk, st, filters, t0.Add(3*time.Hour)))
	got = sk.ids()
	// The last finding of each query sits at its checkpoint and is read
	// again: F2469 (account 19), F2489 (account 39), F2494 (account 44).
	want := map[string]int{"F2469": 1, "F2489": 1, "F2494": 1}
	for i := range 30 {
		want[fmt.Sprintf("F%04d", i)] = 1
	}
	if !sameCounts(got, want) || res.Pages != 3 {
		t.Fatalf("run 2: %+v read %v; want the 30 changed findings and the 3 at the checkpoints, in 3 pages", res, keys(got))
	}
	for _, it := range sk.items {
		if strings.HasPrefix(it.Finding.ID, "F00") && it.Finding.Severity.Label != "CRITICAL" {
			t.Errorf("run 2: %s has severity %s, want the updated CRITICAL", it.Finding.ID, it.Finding.Severity.Label)
		}
	}

	// Run 3, after a restart: a new client and poller on the same store
	// read only what sits at the checkpoints.
	sk.reset()
	before := f.hub.Calls("GetFindings")
	res = poll(t, newPoller(t, f.connect(t, nil), sk, st, filters, t0.Add(4*time.Hour)))
	if res.Findings != 31 || f.hub.Calls("GetFindings")-before != 3 {
		t.Fatalf("run 3: %+v; want the 31 findings at the checkpoints (20 + 10 changed at one time, and F2494) in 3 calls", res)
	}
}

func TestPollResumesAfterAFailedCommit(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	st := storetest.Open(t, store.DialectSQLite)
	var raws []json.RawMessage
	for i := range 500 {
		raws = append(raws, asff(fmt.Sprintf("F%04d", i), "111111111111", t0.Add(time.Duration(i)*time.Second)))
	}
	if err := f.hub.AddFindings(raws...); err != nil {
		t.Fatal(err)
	}
	filters := json.RawMessage(`{"AwsAccountId":[{"Value":"111111111111","Comparison":"EQUALS"}]}`)
	failing := &sink{fail: func(call int) error {
		if call == 3 {
			return errors.New("store unavailable")
		}
		return nil
	}}
	_, err := newPoller(t, c, failing, st, filters, t0.Add(time.Hour)).Poll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "page 3: commit: store unavailable") {
		t.Fatalf("Poll error = %v, want the failed commit of page 3", err)
	}
	if n := len(failing.ids()); n != 200 {
		t.Fatalf("committed %d findings before the failure, want 200", n)
	}
	// A new poller (as after a restart) starts at page 2's last finding.
	sk := &sink{}
	res := poll(t, newPoller(t, f.connect(t, nil), sk, st, filters, t0.Add(time.Hour)))
	got := sk.ids()
	if res.Findings != 301 || got["F0199"] != 1 || got["F0198"] != 0 || got["F0499"] != 1 {
		t.Fatalf("resumed run: %+v; want F0199 (the checkpoint) to F0499", res)
	}
}

// TestPollRawIsWhatTheAPIReturned: Finding.Raw is the API's JSON byte for
// byte, and the event is the envelope EventBridge would have sent.
func TestPollRawIsWhatTheAPIReturned(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	raw := asff("RAW-1", "111111111111", t0, func(m map[string]any) {
		m["ProductFields"] = map[string]any{"aws/securityhub/ProductName": "Security Hub", "odd/key": "ü \u2028 <&>"}
		m["UserDefinedFields"] = map[string]any{"owner": "team-a"}
	})
	if err := f.hub.AddFindings(raw); err != nil {
		t.Fatal(err)
	}
	sk := &sink{}
	poll(t, newPoller(t, c, sk, storetest.Open(t, store.DialectSQLite), json.RawMessage(`{}`), t0.Add(time.Hour)))
	if len(sk.items) != 1 {
		t.Fatalf("items = %d, want 1", len(sk.items))
	}
	it := sk.items[0]
	stored, _ := f.hub.Finding(productARN, "RAW-1")
	if !bytes.Equal(compact(t, it.Finding.Raw), compact(t, stored)) {
		t.Errorf("Raw = %s\nwant %s", it.Finding.Raw, stored)
	}
	if it.Finding.Format != finding.FormatASFF || it.Finding.ProductName != "Security Hub" {
		t.Errorf("finding = %+v", it.Finding)
	}
	if !bytes.Contains(it.Event, []byte(`"detail-type":"Security Hub Findings - Imported"`)) {
		t.Errorf("event = %s, want an EventBridge envelope", it.Event)
	}
}

func TestPollRun(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	if err := f.hub.AddFindings(asff("A", "111111111111", t0)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sk := &sink{fail: func(int) error { cancel(); return nil }}
	p := newPoller(t, c, sk, storetest.Open(t, store.DialectSQLite), json.RawMessage(`{}`), t0.Add(time.Hour))
	if err := p.Run(ctx); err != nil {
		t.Fatalf("Run = %v, want nil once ctx is done", err)
	}
	if got := sk.ids(); got["A"] != 1 {
		t.Errorf("Run handed over %v, want A once", got)
	}
}

func TestNewPollerErrors(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	st := storetest.Open(t, store.DialectSQLite)
	attrs := func(n int) json.RawMessage {
		names := []string{"AwsAccountId", "ProductName", "SeverityLabel", "RecordState", "WorkflowStatus", "ComplianceStatus", "Title", "Region", "ResourceType", "GeneratorId", "Type"}
		var parts []string
		for _, name := range names[:n] {
			parts = append(parts, `"`+name+`":[{"Value":"x","Comparison":"EQUALS"}]`)
		}
		return json.RawMessage("{" + strings.Join(parts, ",") + "}")
	}
	tests := []struct {
		name    string
		filters json.RawMessage
		want    string
	}{
		{"no filters", nil, "securityhub: poller: no filters"},
		{"ten attributes", attrs(10), "securityhub: poller: filters: 10 attributes; GetFindings takes 10 and the poller adds UpdatedAt, so at most 9"},
		{"eleven attributes", attrs(11), "securityhub: poller: filters: 11 attributes"},
		{"UpdatedAt", json.RawMessage(`{"UpdatedAt":[{"DateRange":{"Value":1,"Unit":"DAYS"}}]}`), "securityhub: poller: filters: UpdatedAt: the poller sets UpdatedAt itself"},
		{"not an object", json.RawMessage(`[1]`), "securityhub: poller: filters: want an object"},
		{"unknown member", json.RawMessage(`{"Title":[{"Value":"x","Comparision":"EQUALS"}]}`), `securityhub: poller: filters: json: unknown field "Comparision"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := securityhub.NewPoller(c, &sink{}, st, securityhub.PollerOptions{Filters: tt.filters})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("NewPoller error = %v, want %q…", err, tt.want)
			}
		})
	}
	if _, err := securityhub.NewPoller(c, nil, st, securityhub.PollerOptions{Filters: attrs(1)}); err == nil {
		t.Error("NewPoller without a sink succeeded")
	}
}

func compact(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func sameCounts(got, want map[string]int) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

func keys(m map[string]int) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s×%d", k, v))
	}
	return out
}
