package securityhub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// The OCSF samples (see hubtest/testdata/SOURCES.md).
var ocsfSamples = []string{
	"01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json",
	"02-cruxstack-guardduty-runtime-detection-create.json",
	"03-cruxstack-securityhub-cspm-compliance-config1-cis.json",
	"04-cruxstack-guardduty-detection-close.json",
	"10-aws-docs-securityhub-exposure-finding-sample.json",
}

// ocsfSample reads an OCSF sample as a bare finding (01 is an EventBridge
// event: its detail.findings[0]).
func ocsfSample(t *testing.T, name string) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("hubtest", "testdata", "ocsf", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Detail struct {
			Findings []json.RawMessage `json:"findings"`
		} `json:"detail"`
	}
	if json.Unmarshal(b, &ev) == nil && len(ev.Detail.Findings) == 1 {
		return ev.Detail.Findings[0]
	}
	return b
}

// ocsfFrom returns a copy of an OCSF sample made into finding n of
// account, modified at `modified`, changed by mods.
func ocsfFrom(t *testing.T, sample json.RawMessage, n int, account string, modified time.Time, mods ...func(map[string]any)) json.RawMessage {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(sample, &d); err != nil {
		t.Fatal(err)
	}
	obj := func(m map[string]any, k string) map[string]any {
		v, ok := m[k].(map[string]any)
		if !ok {
			v = map[string]any{}
			m[k] = v
		}
		return v
	}
	ts := modified.UTC().Format("2006-01-02T15:04:05.000Z")
	obj(d, "metadata")["uid"] = fmt.Sprintf("%064x", n+1)
	fi := obj(d, "finding_info")
	fi["uid"] = fmt.Sprintf("arn:aws:securityhub:us-east-1:%s:security-control/Config.1/finding/%08d", account, n)
	fi["modified_time_dt"], fi["modified_time"] = ts, modified.UnixMilli()
	obj(obj(d, "cloud"), "account")["uid"] = account
	d["time_dt"], d["time"] = ts, modified.UnixMilli()
	for _, m := range mods {
		m(d)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ocsfUID is the metadata.uid ocsfFrom gives finding n.
func ocsfUID(n int) string { return fmt.Sprintf("%064x", n+1) }

// accountFiltersV2 returns V2 filters on the first n accounts (OR'ed) and
// compliance status Fail.
func accountFiltersV2(n int) json.RawMessage {
	var vals []string
	for k := range n {
		vals = append(vals, `{"FieldName":"cloud.account.uid","Filter":{"Comparison":"EQUALS","Value":"`+account(k)+`"}}`)
	}
	return json.RawMessage(`{"CompositeFilters":[{"Operator":"OR","StringFilters":[` + strings.Join(vals, ",") + `]},` +
		`{"StringFilters":[{"FieldName":"compliance.status","Filter":{"Comparison":"EQUALS","Value":"Fail"}}]}],"CompositeOperator":"AND"}`)
}

func newPollerV2(t *testing.T, c *securityhub.Client, sk securityhub.Sink, cp securityhub.Checkpoints, filters json.RawMessage, now time.Time) *securityhub.Poller {
	t.Helper()
	p, err := securityhub.NewPoller(c, sk, cp, securityhub.PollerOptions{V2: true, Filters: filters, Overlap: time.Millisecond,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("NewPoller: %v", err)
	}
	return p
}

// TestPollV2SplitCheckpointRestart: 900 OCSF findings (made from the CSPM
// control sample) of 30 accounts, V2 filters on 25 of them: one
// GetFindingsV2 query whose 25 account filters become two nested
// composite filters; every matching finding is handed over once, decoded
// as OCSF; the second run reads only what was modified since; a new
// client and poller on the same store resume there.
func TestPollV2SplitCheckpointRestart(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	st := storetest.Open(t, store.DialectSQLite)
	base := ocsfSample(t, ocsfSamples[2])
	var raws []json.RawMessage
	for i := range 900 {
		raws = append(raws, ocsfFrom(t, base, i, account(i%30), t0.Add(time.Duration(i)*time.Second)))
	}
	for _, name := range ocsfSamples { // other accounts: never selected
		raws = append(raws, ocsfSample(t, name))
	}
	if err := f.hub.AddOCSF(raws...); err != nil {
		t.Fatal(err)
	}
	sk := &sink{}
	filters := accountFiltersV2(25)

	res := poll(t, newPollerV2(t, c, sk, st, filters, t0.Add(time.Hour)))
	got := sk.ids()
	if res.Queries != 1 || res.Findings != 750 || res.Duplicates != 0 || res.Invalid != 0 || len(got) != 750 {
		t.Fatalf("run 1: %+v, %d distinct findings; want 1 query, 750 findings", res, len(got))
	}
	for i := range 900 {
		if want := map[bool]int{true: 1, false: 0}[i%30 < 25]; got[ocsfUID(i)] != want {
			t.Fatalf("run 1: finding %d (account %s) handed over %d times, want %d", i, account(i%30), got[ocsfUID(i)], want)
		}
	}
	if calls := f.hub.Calls("GetFindingsV2"); calls != 8 || res.Pages != 8 {
		t.Errorf("run 1: GetFindingsV2 calls = %d, pages = %d; want 8 pages of at most 100", calls, res.Pages)
	}
	if f.hub.Calls("GetFindings") != 0 {
		t.Error("a V2 poller called GetFindings")
	}
	it := sk.items[0]
	if it.Finding.Format != finding.FormatOCSF || it.Finding.AccountID != account(0) || it.Finding.Compliance.Status != "FAILED" ||
		!it.Finding.UpdatedAt.Equal(t0) || it.Finding.ProductName != "Security Hub" {
		t.Errorf("first finding = %+v", it.Finding)
	}
	if !bytes.Contains(it.Event, []byte(`"detail-type":"Findings Imported V2"`)) {
		t.Errorf("event = %.200s…, want a Findings Imported V2 envelope", it.Event)
	}

	// Run 2: 12 findings change (6 of the selected accounts, 6 others);
	// the finding at the checkpoint (the last one modified) is read again.
	var changed []json.RawMessage
	for i := range 12 {
		changed = append(changed, ocsfFrom(t, base, i*5, account(i*5%30), t0.Add(2*time.Hour),
			func(d map[string]any) { d["severity"], d["severity_id"] = "Low", 2 }))
	}
	if err := f.hub.AddOCSF(changed...); err != nil {
		t.Fatal(err)
	}
	sk.reset()
	res = poll(t, newPollerV2(t, c, sk, st, filters, t0.Add(3*time.Hour)))
	got = sk.ids()
	want := map[string]int{ocsfUID(894): 1} // the last finding of accounts 0-24
	for i := range 12 {
		if i*5%30 < 25 {
			want[ocsfUID(i*5)] = 1
		}
	}
	if !sameCounts(got, want) || res.Pages != 1 {
		t.Fatalf("run 2: %+v read %v; want %d findings in 1 page", res, keys(got), len(want))
	}
	for _, it := range sk.items {
		if it.Finding.ID != ocsfUID(894) && it.Finding.Severity.Label != "LOW" {
			t.Errorf("run 2: %s has severity %s, want the changed LOW", it.Finding.ID, it.Finding.Severity.Label)
		}
	}

	// Run 3, after a restart: only what sits at the checkpoint.
	sk.reset()
	before := f.hub.Calls("GetFindingsV2")
	res = poll(t, newPollerV2(t, f.connect(t, nil), sk, st, filters, t0.Add(4*time.Hour)))
	if res.Findings != len(want)-1 || f.hub.Calls("GetFindingsV2")-before != 1 {
		t.Fatalf("run 3: %+v; want the %d findings changed at the checkpoint, in 1 call", res, len(want)-1)
	}
	// A V1 poller of the same store has checkpoints of its own.
	sk.reset()
	res = poll(t, newPoller(t, c, sk, st, json.RawMessage(`{}`), t0.Add(4*time.Hour)))
	if res.Findings != 0 || f.hub.Calls("GetFindings") != 1 {
		t.Errorf("V1 poller: %+v; want one empty GetFindings page (no ASFF findings)", res)
	}
}

// TestPollV2Samples: the AWS and public OCSF samples, read with empty
// filters: each decodes into a Finding with its metadata.uid (the
// exposure sample's assigned by the server), and the Updater marks them
// In Progress with BatchUpdateFindingsV2. A second run reads the sample at
// the checkpoint only: the exposure sample has no
// finding_info.modified_time_dt and is read by the first run alone.
func TestPollV2Samples(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	st := storetest.Open(t, store.DialectSQLite)
	uids := map[string]string{} // metadata.uid → sample
	for _, name := range ocsfSamples {
		raw := ocsfSample(t, name)
		if err := f.hub.AddOCSF(raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		uid, err := hubtest.MetadataUID(raw)
		if err != nil {
			t.Fatal(err)
		}
		uids[uid] = name
	}
	sk := &sink{}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res := poll(t, newPollerV2(t, c, sk, st, json.RawMessage(`{}`), now))
	if res.Findings != 5 || res.Invalid != 0 || res.Pages != 1 {
		t.Fatalf("run 1: %+v, want the 5 samples in one page", res)
	}
	var feedback []store.Feedback
	for i, it := range sk.items {
		name, ok := uids[it.Finding.ID]
		if !ok {
			t.Errorf("finding %s is not a sample's metadata.uid", it.Finding.ID)
			continue
		}
		fd := it.Finding
		if fd.Format != finding.FormatOCSF || fd.ProviderID == "" || fd.AccountID == "" || fd.UpdatedAt.IsZero() || fd.Title == "" {
			t.Errorf("%s: decoded %+v", name, fd)
		}
		if !bytes.Contains(it.Event, []byte(`"Findings Imported V2"`)) {
			t.Errorf("%s: event is not a Findings Imported V2 envelope", name)
		}
		feedback = append(feedback, store.Feedback{ID: int64(i + 1), FindingID: fd.ID, ProductARN: fd.ProductARN, Format: fd.Format})
	}
	// Sorted by finding_info.modified_time_dt: 01 (2025-07) … 04 (2025-11).
	if got := uids[sk.items[len(sk.items)-1].Finding.ID]; got != ocsfSamples[3] && got != ocsfSamples[4] {
		t.Errorf("the last finding read is %s, want 04 (the latest modified) or 10 (no modified time)", got)
	}

	u, err := securityhub.NewUpdater(c, securityhub.UpdaterOptions{MarkNotified: true})
	if err != nil {
		t.Fatal(err)
	}
	failed, err := u.Mark(context.Background(), feedback)
	if err != nil || len(failed) != 0 {
		t.Fatalf("Mark = %v, %v", failed, err)
	}
	for uid, name := range uids {
		raw, _ := f.hub.FindingV2(uid)
		if got := field(t, raw, "status_id"); got != float64(securityhub.StatusInProgress) {
			t.Errorf("%s: status_id = %v after Mark, want 2 (In Progress)", name, got)
		}
	}
	if n := f.hub.Calls("BatchUpdateFindingsV2"); n != 1 {
		t.Errorf("BatchUpdateFindingsV2 calls = %d, want 1 for 5 findings", n)
	}

	// Marking does not change finding_info.modified_time: run 2 reads only
	// the sample at the checkpoint (04, modified last).
	sk.reset()
	res = poll(t, newPollerV2(t, c, sk, st, json.RawMessage(`{}`), now))
	if res.Findings != 1 || uids[sk.items[0].Finding.ID] != ocsfSamples[3] {
		t.Fatalf("run 2: %+v %v, want sample 04 alone", res, keys(sk.ids()))
	}
}

// TestPollV2UnderOR: with CompositeOperator OR the poller nests the
// composite filters to AND them with its time filter; the second run reads
// what either composite filter selects, modified since.
func TestPollV2UnderOR(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	st := storetest.Open(t, store.DialectSQLite)
	base := ocsfSample(t, ocsfSamples[2])
	var raws []json.RawMessage
	for i := range 40 {
		raws = append(raws, ocsfFrom(t, base, i, account(i%4), t0.Add(time.Duration(i)*time.Second)))
	}
	if err := f.hub.AddOCSF(raws...); err != nil {
		t.Fatal(err)
	}
	filters := json.RawMessage(`{"CompositeOperator":"OR","CompositeFilters":[
		{"StringFilters":[{"FieldName":"cloud.account.uid","Filter":{"Comparison":"EQUALS","Value":"` + account(0) + `"}}]},
		{"StringFilters":[{"FieldName":"cloud.account.uid","Filter":{"Comparison":"EQUALS","Value":"` + account(1) + `"}}]}]}`)
	sk := &sink{}
	if res := poll(t, newPollerV2(t, c, sk, st, filters, t0.Add(time.Hour))); res.Findings != 20 {
		t.Fatalf("run 1: %+v, want the 20 findings of accounts 0 and 1", res)
	}
	var changed []json.RawMessage
	for _, i := range []int{0, 1, 2, 3} { // accounts 0, 1, 2, 3
		changed = append(changed, ocsfFrom(t, base, i, account(i), t0.Add(2*time.Hour)))
	}
	if err := f.hub.AddOCSF(changed...); err != nil {
		t.Fatal(err)
	}
	sk.reset()
	poll(t, newPollerV2(t, c, sk, st, filters, t0.Add(3*time.Hour)))
	want := map[string]int{ocsfUID(0): 1, ocsfUID(1): 1, ocsfUID(37): 1} // 37: account 1, at the checkpoint
	if got := sk.ids(); !sameCounts(got, want) {
		t.Fatalf("run 2 read %v, want %v", keys(got), keys(want))
	}
}

func TestNewPollerV2Errors(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	st := storetest.Open(t, store.DialectSQLite)
	str := func(field, value string) string {
		return `{"FieldName":"` + field + `","Filter":{"Comparison":"EQUALS","Value":"` + value + `"}}`
	}
	composites := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = `{"StringFilters":[` + str("severity", "High") + `]}`
		}
		return strings.Join(parts, ",")
	}
	tests := []struct {
		name    string
		filters string
		want    string
	}{
		{"ASFF filters", `{"AwsAccountId":[{"Value":"1","Comparison":"EQUALS"}]}`, `securityhub: poller: filters: want OcsfFindingFilters (CompositeFilters, CompositeOperator): json: unknown field "AwsAccountId"`},
		{"unknown field name", `{"CompositeFilters":[{"StringFilters":[` + str("cloud.acount.uid", "1") + `]}]}`, `securityhub: poller: filters: CompositeFilters[0].StringFilters[0].FieldName: "cloud.acount.uid" is not a field GetFindingsV2 filters with StringFilters`},
		{"bad comparison", `{"CompositeFilters":[{"StringFilters":[{"FieldName":"severity","Filter":{"Comparison":"EQUAL","Value":"x"}}]}]}`, `securityhub: poller: filters: CompositeFilters[0].StringFilters[0].Filter: Comparison "EQUAL" is not one of`},
		{"bad operator", `{"CompositeOperator":"XOR","CompositeFilters":[{"StringFilters":[` + str("severity", "x") + `]}]}`, `securityhub: poller: filters: CompositeOperator: "XOR" is not AND or OR`},
		{"empty composite", `{"CompositeFilters":[{}]}`, `securityhub: poller: filters: CompositeFilters[0] has no filters`},
		{"eleven composites", `{"CompositeFilters":[` + composites(11) + `]}`, `securityhub: poller: filters: CompositeFilters: 11 composite filters; GetFindingsV2 takes 10`},
		{"ten composites under AND leave no room", `{"CompositeFilters":[` + composites(10) + `]}`, `securityhub: poller: filters: CompositeFilters: 10 composite filters; GetFindingsV2 takes 10 and the poller adds one for finding_info.modified_time_dt, so at most 9`},
		{"nested too deep", `{"CompositeFilters":[{"NestedCompositeFilters":[{"NestedCompositeFilters":[{"StringFilters":[` + str("severity", "x") + `]}]}]}]}`, `securityhub: poller: filters: CompositeFilters[0].NestedCompositeFilters[0].NestedCompositeFilters: composite filters nest one level deep`},
		{"nested under OR", `{"CompositeOperator":"OR","CompositeFilters":[` + composites(1) + `,{"NestedCompositeFilters":[{"StringFilters":[` + str("severity", "x") + `]}]}]}`, `securityhub: poller: filters: CompositeFilters[1]: under CompositeOperator OR the poller nests`},
		{"long list in a nested composite", `{"CompositeFilters":[{"NestedCompositeFilters":[{"StringFilters":[` + strings.TrimSuffix(strings.Repeat(str("severity", "x")+",", 21), ",") + `]}]}]}`, `securityhub: poller: filters: CompositeFilters[0].NestedCompositeFilters[0].StringFilters: 21 filters; a nested composite filter takes 20`},
		{"missing number bound", `{"CompositeFilters":[{"NumberFilters":[{"FieldName":"severity_id","Filter":{}}]}]}`, `securityhub: poller: filters: CompositeFilters[0].NumberFilters[0].Filter: needs Eq, Gt, Gte, Lt or Lte`},
		{"two values", `{"CompositeFilters":[]} {}`, `securityhub: poller: filters: more than one JSON value, or text after the object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := securityhub.NewPoller(c, &sink{}, st, securityhub.PollerOptions{V2: true, Filters: json.RawMessage(tt.filters)})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("NewPoller error = %v\nwant %q…", err, tt.want)
			}
		})
	}
}

// TestPollV2CheckpointIsModifiedTime: a finding without
// finding_info.modified_time (its UpdatedAt comes from time) does not move
// the checkpoint, which the V2 query filters on: the finding modified last
// is still read again at the checkpoint by the next run.
func TestPollV2CheckpointIsModifiedTime(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	c := f.connect(t, nil)
	st := storetest.Open(t, store.DialectSQLite)
	base := ocsfSample(t, ocsfSamples[2])
	noModified := ocsfFrom(t, base, 1, account(0), t0.Add(time.Hour), func(d map[string]any) {
		fi := d["finding_info"].(map[string]any)
		delete(fi, "modified_time_dt")
		delete(fi, "modified_time")
	})
	if err := f.hub.AddOCSF(ocsfFrom(t, base, 0, account(0), t0), noModified); err != nil {
		t.Fatal(err)
	}
	sk := &sink{}
	if res := poll(t, newPollerV2(t, c, sk, st, json.RawMessage(`{}`), t0.Add(2*time.Hour))); res.Findings != 2 {
		t.Fatalf("run 1: %+v, want both findings", res)
	}
	sk.reset()
	poll(t, newPollerV2(t, c, sk, st, json.RawMessage(`{}`), t0.Add(2*time.Hour)))
	if got := sk.ids(); !sameCounts(got, map[string]int{ocsfUID(0): 1}) {
		t.Fatalf("run 2 read %v; want finding 0, at the checkpoint (its modified_time), again", keys(got))
	}
}
