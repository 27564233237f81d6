package securityhub_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/store"
)

var markAll = securityhub.UpdaterOptions{MarkNotified: true, Note: true, TicketFields: true}

func newUpdater(t *testing.T, c *securityhub.Client, opt securityhub.UpdaterOptions) *securityhub.Updater {
	t.Helper()
	u, err := securityhub.NewUpdater(c, opt)
	if err != nil {
		t.Fatalf("NewUpdater: %v", err)
	}
	return u
}

func mark(t *testing.T, u *securityhub.Updater, items []store.Feedback) map[int64]error {
	t.Helper()
	failed, err := u.Mark(context.Background(), items)
	if err != nil {
		t.Fatalf("Mark: %v", err)
	}
	return failed
}

func TestMarkOnlyTheGivenFindings(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	u := newUpdater(t, f.connect(t, nil), markAll)
	items := f.seed(t, 5)
	if failed := mark(t, u, []store.Feedback{items[0], items[2], items[4]}); len(failed) != 0 {
		t.Fatalf("failed = %v", failed)
	}
	for i, want := range []string{"NOTIFIED", "NEW", "NOTIFIED", "NEW", "NOTIFIED"} {
		if got := workflow(t, f, items[i].FindingID); got != want {
			t.Errorf("%s: Workflow.Status = %q, want %q", items[i].FindingID, got, want)
		}
	}
	if n := f.hub.Calls("BatchUpdateFindings"); n != 1 {
		t.Errorf("BatchUpdateFindings calls = %d, want 1", n)
	}
	if note := f.asffField(t, items[0].FindingID, "Note"); note != nil {
		t.Errorf("a note was written without receipts: %v", note)
	}
}

func TestMarkBatches(t *testing.T) {
	tests := []struct {
		name    string
		batches []int // Mark calls and their sizes
		calls   int
	}{
		{"as the queue hands them over", []int{100, 100, 50}, 3},
		{"one Mark of 250 is split", []int{250}, 3},
		{"a feedback row per episode of one finding: named once", []int{2}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, hubtest.Options{})
			u := newUpdater(t, f.connect(t, nil), markAll)
			items := f.seed(t, 250)
			if tt.name == "a feedback row per episode of one finding: named once" {
				second := items[0]
				second.ID, second.Episode = 999, 2
				items = []store.Feedback{items[0], second}
			}
			off := 0
			for _, n := range tt.batches {
				if failed := mark(t, u, items[off:off+n]); len(failed) != 0 {
					t.Fatalf("failed = %v", failed)
				}
				off += n
			}
			if n := f.hub.Calls("BatchUpdateFindings"); n != tt.calls {
				t.Errorf("BatchUpdateFindings calls = %d, want %d", n, tt.calls)
			}
			for _, it := range items[:off] {
				if got := workflow(t, f, it.FindingID); got != "NOTIFIED" {
					t.Fatalf("%s: Workflow.Status = %q", it.FindingID, got)
				}
			}
		})
	}
}

func TestMarkNoteAndTicketFields(t *testing.T) {
	backlog := store.Note{Destination: "backlog-a", Receipt: store.Receipt{ID: "BLG-123", URL: "https://example.backlog.jp/view/BLG-123"}}
	slack := store.Note{Destination: "slack-a", Receipt: store.Receipt{ID: "1700000000.0001", Channel: "C1"}}
	jira := store.Note{Destination: "jira-b", Receipt: store.Receipt{ID: "SEC-9"}}
	tests := []struct {
		name   string
		opt    securityhub.UpdaterOptions
		notes  []store.Note
		note   string            // "" = no note
		fields map[string]string // nil = none
	}{
		{
			name: "everything", opt: markAll, notes: []store.Note{backlog, slack, jira},
			note:   "hubrelay: backlog-a BLG-123 https://example.backlog.jp/view/BLG-123, jira-b SEC-9, slack-a 1700000000.0001",
			fields: map[string]string{"hubrelay_backlog-a": "BLG-123", "hubrelay_jira-b": "SEC-9"},
		},
		{
			name: "note off", opt: securityhub.UpdaterOptions{MarkNotified: true, TicketFields: true}, notes: []store.Note{backlog},
			fields: map[string]string{"hubrelay_backlog-a": "BLG-123"},
		},
		{
			name: "ticket fields off", opt: securityhub.UpdaterOptions{MarkNotified: true, Note: true}, notes: []store.Note{backlog},
			note: "hubrelay: backlog-a BLG-123 https://example.backlog.jp/view/BLG-123",
		},
		{
			name: "a chat message is no ticket", opt: markAll, notes: []store.Note{slack},
			note: "hubrelay: slack-a 1700000000.0001",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, hubtest.Options{})
			u := newUpdater(t, f.connect(t, nil), tt.opt)
			items := f.seed(t, 1)
			items[0].Notes = tt.notes
			if failed := mark(t, u, items); len(failed) != 0 {
				t.Fatalf("failed = %v", failed)
			}
			id := items[0].FindingID
			if got := workflow(t, f, id); got != "NOTIFIED" {
				t.Errorf("Workflow.Status = %q", got)
			}
			text, _ := f.asffField(t, id, "Note.Text").(string)
			by, _ := f.asffField(t, id, "Note.UpdatedBy").(string)
			if text != tt.note || (tt.note != "" && by != "hubrelay") {
				t.Errorf("Note = %q by %q, want %q by hubrelay", text, by, tt.note)
			}
			got := map[string]string{}
			if udf, ok := f.asffField(t, id, "UserDefinedFields").(map[string]any); ok {
				for k, v := range udf {
					got[k], _ = v.(string)
				}
			}
			if len(got) != len(tt.fields) {
				t.Fatalf("UserDefinedFields = %v, want %v", got, tt.fields)
			}
			for k, v := range tt.fields {
				if got[k] != v {
					t.Errorf("UserDefinedFields[%s] = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestMarkGroupsBySharedUpdate(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	u := newUpdater(t, f.connect(t, nil), markAll)
	items := f.seed(t, 4)
	digest := []store.Note{{Destination: "slack-a", Receipt: store.Receipt{ID: "1700000000.0009", Channel: "C1"}}}
	items[0].Notes, items[1].Notes = digest, digest // one digest message: one call
	items[2].Notes = []store.Note{{Destination: "backlog-a", Receipt: store.Receipt{ID: "BLG-1"}}}
	items[3].Notes = []store.Note{{Destination: "backlog-a", Receipt: store.Receipt{ID: "BLG-2"}}}
	if failed := mark(t, u, items); len(failed) != 0 {
		t.Fatalf("failed = %v", failed)
	}
	if n := f.hub.Calls("BatchUpdateFindings"); n != 3 {
		t.Errorf("BatchUpdateFindings calls = %d, want 3 (the digest's two findings together, each ticket alone)", n)
	}
	for i, want := range []string{"BLG-1", "BLG-2"} {
		if got := f.asffField(t, items[2+i].FindingID, "UserDefinedFields.hubrelay_backlog-a"); got != want {
			t.Errorf("%s: ticket field = %v, want %s", items[2+i].FindingID, got, want)
		}
	}
}

func TestMarkUnprocessed(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	u := newUpdater(t, f.connect(t, nil), markAll)
	items := f.seed(t, 3)
	missing := store.Feedback{ID: 40, FindingID: "NOT-THERE", ProductARN: productARN}
	noARN := store.Feedback{ID: 41, FindingID: "F0001"}
	f.hub.FailUpdates(items[1].FindingID)
	failed := mark(t, u, append(items, missing, noARN))
	want := map[int64]string{
		items[1].ID: "securityhub: finding F0001 not updated: InternalFailure",
		missing.ID:  "securityhub: finding NOT-THERE not updated: FindingNotFound",
		noARN.ID:    "securityhub: feedback 41: finding F0001 has no product ARN",
	}
	if len(failed) != len(want) {
		t.Fatalf("failed = %v, want %d entries", failed, len(want))
	}
	for id, prefix := range want {
		if err := failed[id]; err == nil || !strings.HasPrefix(err.Error(), prefix) {
			t.Errorf("failed[%d] = %v, want %q…", id, err, prefix)
		}
	}
	var ue *securityhub.UnprocessedError
	if !errors.As(failed[items[1].ID], &ue) || ue.Code != "InternalFailure" || ue.ProductARN != productARN || ue.FindingID != "F0001" {
		t.Errorf("failed[%d] = %#v, want an *UnprocessedError with code InternalFailure", items[1].ID, failed[items[1].ID])
	}
	for i, want := range []string{"NOTIFIED", "NEW", "NOTIFIED"} {
		if got := workflow(t, f, items[i].FindingID); got != want {
			t.Errorf("%s: Workflow.Status = %q, want %q", items[i].FindingID, got, want)
		}
	}
	// Tried again once the failure is gone, it is marked.
	f.hub.FailUpdates()
	if again := mark(t, u, []store.Feedback{items[1]}); len(again) != 0 {
		t.Fatalf("second try failed: %v", again)
	}
	if got := workflow(t, f, items[1].FindingID); got != "NOTIFIED" {
		t.Errorf("after the retry: Workflow.Status = %q", got)
	}
}

func TestMarkWholeCallFails(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	u := newUpdater(t, f.connect(t, nil), markAll)
	items := f.seed(t, 2)
	f.hub.Close()
	failed, err := u.Mark(context.Background(), items)
	if err == nil || failed != nil {
		t.Fatalf("Mark against a closed server = %v, %v; want an error and no per-finding failures", failed, err)
	}
	if !strings.Contains(err.Error(), "securityhub: BatchUpdateFindings of 2 findings") {
		t.Errorf("error %q does not say which call failed", err)
	}
	if strings.Contains(err.Error(), f.secret) {
		t.Errorf("the error shows the secret access key")
	}
}

func TestMarkOCSF(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	u := newUpdater(t, f.connect(t, nil), markAll)
	var docs []json.RawMessage
	var items []store.Feedback
	for i := range 3 {
		uid := fmt.Sprintf("arn:aws:securityhub:ap-northeast-1:111111111111:security-control/S3.1/finding/o%d", i)
		docs = append(docs, json.RawMessage(`{"class_uid":2003,"status_id":1,"status":"New","severity_id":4,
			"metadata":{"uid":"`+uid+`","product":{"uid":"arn:aws:securityhub:ap-northeast-1::productv2/aws/securityhub"}},
			"finding_info":{"uid":"fi-`+fmt.Sprint(i)+`","title":"t"},"cloud":{"account":{"uid":"111111111111"},"region":"ap-northeast-1"}}`))
		items = append(items, store.Feedback{ID: int64(i + 1), FindingID: uid, ProductARN: "arn:aws:securityhub:ap-northeast-1::productv2/aws/securityhub",
			Format: finding.FormatOCSF, Notes: []store.Note{{Destination: "backlog-a", Receipt: store.Receipt{ID: "BLG-7", URL: "https://b.example/BLG-7"}}}})
	}
	if err := f.hub.AddOCSF(docs...); err != nil {
		t.Fatal(err)
	}
	f.hub.FailUpdates(items[2].FindingID)
	failed := mark(t, u, items)
	if len(failed) != 1 || failed[3] == nil || !strings.Contains(failed[3].Error(), "not updated") {
		t.Fatalf("failed = %v, want only feedback 3", failed)
	}
	for i, want := range []float64{2, 2, 1} {
		raw, _ := f.hub.FindingV2(items[i].FindingID)
		if got := field(t, raw, "status_id"); got != want {
			t.Errorf("%d: status_id = %v, want %v", i, got, want)
		}
	}
	raw, _ := f.hub.FindingV2(items[0].FindingID)
	if got := field(t, raw, "comment"); got != "hubrelay: backlog-a BLG-7 https://b.example/BLG-7" {
		t.Errorf("comment = %v", got)
	}
	if n := f.hub.Calls("BatchUpdateFindingsV2"); n != 1 {
		t.Errorf("BatchUpdateFindingsV2 calls = %d, want 1", n)
	}
	if n := f.hub.Calls("BatchUpdateFindings"); n != 0 {
		t.Errorf("BatchUpdateFindings calls = %d, want 0 for OCSF findings", n)
	}
}

// TestMarkThrottled runs 1,000 findings, each with its own ticket (so one
// call each), from four goroutines against a server that enforces the
// documented limits. The server's clock advances a fixed step at every
// reading, so how often it throttles depends on the number of requests,
// not on the speed of the machine.
func TestMarkThrottled(t *testing.T) {
	var ticks atomic.Int64
	clock := func() time.Time { return t0.Add(time.Duration(ticks.Add(1)) * 40 * time.Millisecond) }
	f := newFixture(t, hubtest.Options{Throttle: true, Now: clock})
	u := newUpdater(t, f.connect(t, nil), markAll)
	items := f.seed(t, 1000)
	for i := range items {
		items[i].Notes = []store.Note{{Destination: "backlog-a", Receipt: store.Receipt{ID: fmt.Sprintf("BLG-%d", i)}}}
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			failed, err := u.Mark(context.Background(), items[g*250:(g+1)*250])
			if err == nil && len(failed) > 0 {
				err = fmt.Errorf("%d findings failed, e.g. %v", len(failed), failed)
			}
			errs[g] = err
		}()
	}
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			t.Fatalf("goroutine %d: %v", g, err)
		}
	}
	throttled := f.hub.Throttled("BatchUpdateFindings")
	if throttled == 0 {
		t.Fatal("the server throttled nothing: the test does not exercise throttling")
	}
	if calls := f.hub.Calls("BatchUpdateFindings"); calls != 1000+throttled {
		t.Errorf("calls = %d, want 1000 updates + %d throttled retries", calls, throttled)
	}
	for _, it := range items {
		if got := workflow(t, f, it.FindingID); got != "NOTIFIED" {
			t.Fatalf("%s: Workflow.Status = %q", it.FindingID, got)
		}
	}
	t.Logf("%d requests throttled and retried", throttled)
}

func TestNewUpdaterErrors(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	tests := []struct {
		name string
		c    *securityhub.Client
		opt  securityhub.UpdaterOptions
		want string
	}{
		{"no client", nil, markAll, "securityhub: updater: no client"},
		{"nothing to write", c, securityhub.UpdaterOptions{}, "securityhub: updater: nothing to write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := securityhub.NewUpdater(tt.c, tt.opt); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("NewUpdater error = %v, want %q…", err, tt.want)
			}
		})
	}
}
