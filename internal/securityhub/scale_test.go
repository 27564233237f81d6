package securityhub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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

// The administrator account of TestScaleReadAndMark: 300 member accounts,
// 280 of them polled (14 GetFindings queries of 20 account IDs).
const (
	apiScaleMembers = 300
	apiScalePolled  = 280
)

// apiScaleTemplates are published findings of seven products
// (hubtest/testdata, see its SOURCES.md) the test's findings are made of.
var apiScaleTemplates = []string{
	"01-securityhub-fsbp-cloudtrail2-failed.json",
	"02-securityhub-cis120-2.7-failed.json",
	"06-config-rule-s3-public-access-failed.json",
	"08-guardduty-ssh-bruteforce.json",
	"09-inspector-classic-network-reachability.json",
	"10-access-analyzer-s3-cross-account.json",
	"25-trivy-aquasecurity-cve-container.json",
}

func apiScaleAccount(k int) string { return fmt.Sprintf("%012d", 300000000000+k) }

// apiScaleDelivered says which polled findings the test treats as
// delivered (and so marks): all but one in eleven, which stand for
// findings whose delivery is dead or that no route matched.
func apiScaleDelivered(i int) bool { return i%11 != 0 }

// TestScaleReadAndMark is the Security Hub side of issue 5's scale
// target at full size: an administrator account with 300 members
// (ListMembers) and 50,000 findings (without the race detector; see
// scale_*_test.go) of seven products spread over them. The Poller reads
// the 280 polled accounts' findings (14 queries of 20 account IDs, every
// page of at most 100), the Updater marks those "delivered" NOTIFIED in
// the queue's batches of 100, from two goroutines, and nothing else is
// marked. Server and client share a virtual clock and enforce the same
// documented limits; the test asserts the server throttled nothing (not
// merely that throttled calls were retried), and that the calls are the
// fewest the limits of 100 findings a call allow. The whole pipeline
// (routes, store, queue, webhooks) at this scale is
// service.TestScaleAdministratorAccount.
func TestScaleReadAndMark(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test: -short")
	}
	n := apiScaleFindings
	wallStart := time.Now()
	ctx := context.Background()
	clk := hubtest.NewClock(t0)
	f := newFixture(t, hubtest.Options{Throttle: true, Now: clk.Now})
	members := make([]hubtest.Member, apiScaleMembers)
	for k := range members {
		members[k] = hubtest.Member{AccountID: apiScaleAccount(k), Associated: true}
	}
	f.hub.AddMembers(members...)
	ids, products := seedScale(t, f.hub, n)
	seeded := time.Since(wallStart)

	creds := f.hub.AWSConfig().Credentials
	t.Setenv("AWS_CA_BUNDLE", "") // so that hubtest's HTTP client is allowed
	c, err := securityhub.New(ctx, securityhub.Options{Region: hubtest.DefaultRegion, Endpoint: f.hub.URL(),
		Credentials: creds, HTTPClient: f.hub.AWSConfig().HTTPClient, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	listed, err := c.ListMembers(ctx, true)
	if err != nil || len(listed) != apiScaleMembers {
		t.Fatalf("ListMembers: %d, %v", len(listed), err)
	}
	var accounts []string
	for _, m := range listed[:apiScalePolled] {
		accounts = append(accounts, `{"Value":"`+m.AccountID+`","Comparison":"EQUALS"}`)
	}
	filters := json.RawMessage(`{"AwsAccountId":[` + strings.Join(accounts, ",") + `],"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}]}`)

	// Read.
	index := make(map[string]int, n)
	for i, id := range ids {
		index[id] = i
	}
	var mu sync.Mutex
	var feedback []store.Feedback
	sink := securityhub.SinkFunc(func(_ context.Context, _ string, items []finding.Item) error {
		mu.Lock()
		defer mu.Unlock()
		for _, it := range items {
			i, ok := index[it.Finding.ID]
			if !ok {
				return fmt.Errorf("finding %s is not the test's", it.Finding.ID)
			}
			if apiScaleDelivered(i) {
				feedback = append(feedback, store.Feedback{ID: int64(i + 1), FindingID: it.Finding.ID, ProductARN: it.Finding.ProductARN})
			}
		}
		return nil
	})
	p, err := securityhub.NewPoller(c, sink, storetest.Open(t, store.DialectSQLite), securityhub.PollerOptions{Filters: filters})
	if err != nil {
		t.Fatal(err)
	}
	pollStart := time.Now()
	res, err := p.Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pollWall, pollVirtual := time.Since(pollStart), clk.Elapsed()
	perQuery := make([]int, apiScalePolled/securityhub.MaxFilterValues)
	polled := 0
	for i := range n {
		if k := i % apiScaleMembers; k < apiScalePolled {
			perQuery[k/securityhub.MaxFilterValues]++
			polled++
		}
	}
	wantPages := 0
	for _, q := range perQuery {
		wantPages += max(1, (q+securityhub.PageSize-1)/securityhub.PageSize)
	}
	if res.Queries != len(perQuery) || res.Findings != polled || res.Pages != wantPages || res.Invalid+res.Duplicates != 0 {
		t.Fatalf("Poll = %+v; want %d queries, %d findings, %d pages", res, len(perQuery), polled, wantPages)
	}

	// Mark, in the queue's batches, from two goroutines.
	u, err := securityhub.NewUpdater(c, securityhub.UpdaterOptions{MarkNotified: true})
	if err != nil {
		t.Fatal(err)
	}
	markStart := time.Now()
	batches := make(chan []store.Feedback)
	errs := make(chan error, 2)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				failed, err := u.Mark(ctx, b)
				if err == nil && len(failed) > 0 {
					err = fmt.Errorf("%d findings not marked", len(failed))
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for from := 0; from < len(feedback); from += securityhub.MaxBatch {
		batches <- feedback[from:min(from+securityhub.MaxBatch, len(feedback))]
	}
	close(batches)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	markWall := time.Since(markStart)

	for i := range n {
		want := "NEW"
		if i%apiScaleMembers < apiScalePolled && apiScaleDelivered(i) {
			want = "NOTIFIED"
		}
		raw, ok := f.hub.Finding(products[i], ids[i])
		var fd struct{ Workflow struct{ Status string } }
		if !ok || json.Unmarshal(raw, &fd) != nil || fd.Workflow.Status != want {
			t.Fatalf("finding %d (account %d): Workflow.Status %q, want %s", i, i%apiScaleMembers, fd.Workflow.Status, want)
		}
	}
	for _, op := range []string{"GetFindings", "BatchUpdateFindings", "ListMembers"} {
		if th := f.hub.Throttled(op); th != 0 {
			t.Errorf("%s: %d requests throttled, want 0", op, th)
		}
	}
	wantUpdates := (len(feedback) + securityhub.MaxBatch - 1) / securityhub.MaxBatch
	if got := f.hub.Calls("GetFindings"); got != wantPages {
		t.Errorf("GetFindings: %d calls, want %d", got, wantPages)
	}
	if got := f.hub.Calls("BatchUpdateFindings"); got != wantUpdates {
		t.Errorf("BatchUpdateFindings: %d calls, want %d (%d findings, %d a call)", got, wantUpdates, len(feedback), securityhub.MaxBatch)
	}
	if least := time.Duration(wantPages-6) * time.Second / 3; pollVirtual < least {
		t.Errorf("polling took %v of virtual time, less than the %v that 3 GetFindings a second allow", pollVirtual, least)
	}
	t.Logf("%d findings, %d accounts: seeded in %v; read %d (%d queries, %d pages) in %v wall, %v virtual; "+
		"marked %d in %d calls in %v wall; %v virtual in all, %v wall in all",
		n, apiScaleMembers, seeded.Round(time.Millisecond), res.Findings, res.Queries, res.Pages, pollWall.Round(time.Millisecond),
		pollVirtual.Round(time.Millisecond), len(feedback), wantUpdates, markWall.Round(time.Millisecond),
		clk.Elapsed().Round(time.Millisecond), time.Since(wallStart).Round(time.Millisecond))
}

// seedScale adds n findings made from the templates to hub, spread over
// the member accounts, updated a second apart, and returns their Ids and
// ProductArns. The findings are prepared on every CPU.
func seedScale(t *testing.T, hub *hubtest.Server, n int) (ids, products []string) {
	t.Helper()
	var templates []map[string]any
	for _, name := range apiScaleTemplates {
		b, err := os.ReadFile(filepath.Join("hubtest", "testdata", "asff", name))
		if err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		templates = append(templates, d)
	}
	severities := []string{"MEDIUM", "HIGH", "LOW", "CRITICAL", "INFORMATIONAL"}
	normalized := map[string]int{"INFORMATIONAL": 0, "LOW": 20, "MEDIUM": 40, "HIGH": 70, "CRITICAL": 90}
	ids, products = make([]string, n), make([]string, n)
	raws := make([]json.RawMessage, n)
	for i := range n {
		d := make(map[string]any, len(templates[0]))
		for k, v := range templates[i%len(templates)] {
			d[k] = v
		}
		updated := t0.Add(-time.Duration(n-i) * time.Second)
		ids[i] = fmt.Sprintf("%s/hubrelay-scale/%06d", d["Id"], i)
		products[i], _ = d["ProductArn"].(string)
		sev := severities[i%len(severities)]
		d["Id"], d["AwsAccountId"] = ids[i], apiScaleAccount(i%apiScaleMembers)
		d["UpdatedAt"] = updated.Format("2006-01-02T15:04:05.000Z")
		d["CreatedAt"] = updated.Add(-time.Hour).Format("2006-01-02T15:04:05.000Z")
		d["Severity"] = map[string]any{"Label": sev, "Normalized": normalized[sev]}
		d["RecordState"], d["Workflow"] = "ACTIVE", map[string]any{"Status": "NEW"}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		raws[i] = b
	}
	workers := runtime.GOMAXPROCS(0)
	chunk := (n + workers - 1) / workers
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for from := 0; from < n; from += chunk {
		wg.Add(1)
		go func(part []json.RawMessage) {
			defer wg.Done()
			errs <- hub.AddFindings(part...)
		}(raws[from:min(from+chunk, n)])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids, products
}
