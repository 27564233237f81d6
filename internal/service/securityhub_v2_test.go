package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/service"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// The OCSF samples of hubtest/testdata (see its SOURCES.md) and the
// metadata.uid each is stored under.
var v2Samples = []string{
	"01-sumologic-eventbridge-findings-imported-v2-guardduty-detection.json",
	"02-cruxstack-guardduty-runtime-detection-create.json",
	"03-cruxstack-securityhub-cspm-compliance-config1-cis.json",
	"04-cruxstack-guardduty-detection-close.json",
	"10-aws-docs-securityhub-exposure-finding-sample.json",
}

// v2Sample reads an OCSF sample as a bare finding.
func v2Sample(t *testing.T, name string) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "securityhub", "hubtest", "testdata", "ocsf", name))
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

// v2Copy is the GuardDuty runtime sample (02) made into finding n of
// account, modified at `modified`, with a severity.
func v2Copy(t *testing.T, n int, account, severity string, modified time.Time) json.RawMessage {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(v2Sample(t, v2Samples[1]), &d); err != nil {
		t.Fatal(err)
	}
	ts := modified.UTC().Format("2006-01-02T15:04:05.000Z")
	d["metadata"].(map[string]any)["uid"] = fmt.Sprintf("v2-%04d", n)
	fi := d["finding_info"].(map[string]any)
	fi["uid"] = fmt.Sprintf("arn:aws:guardduty:us-east-1:%s:detector/d/finding/v2-%04d", account, n)
	fi["modified_time_dt"], fi["modified_time"] = ts, modified.UnixMilli()
	d["cloud"].(map[string]any)["account"].(map[string]any)["uid"] = account
	d["severity"] = severity
	d["severity_id"] = map[string]int{"Low": 2, "Medium": 3, "High": 4, "Critical": 5}[severity]
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ocsfHook is a webhook endpoint for OCSF findings: it checks each
// request as the webhook destination documents it (POST of a JSON
// "Findings Imported V2" event with the bearer and URL tokens, an
// Idempotency-Key and X-Hubrelay-Kind) and counts the findings by
// metadata.uid.
type ocsfHook struct {
	srv           *httptest.Server
	token, bearer string

	mu       sync.Mutex
	got      map[string]int
	problems []string
}

func newOCSFHook(t *testing.T) *ocsfHook {
	h := &ocsfHook{token: "ocsf-hook-token-41c2", bearer: "ocsf-hook-bearer-7e9d", got: map[string]int{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *ocsfHook) serve(w http.ResponseWriter, r *http.Request) {
	problem, uid := "", ""
	body, err := io.ReadAll(r.Body)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var ev struct {
		DetailType string `json:"detail-type"`
		Detail     struct {
			Findings []struct {
				Metadata struct {
					UID string `json:"uid"`
				} `json:"metadata"`
			} `json:"findings"`
		} `json:"detail"`
	}
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/hook":
		problem = r.Method + " " + r.URL.Path
	case r.URL.Query().Get("token") != h.token || r.Header.Get("Authorization") != "Bearer "+h.bearer:
		problem = "wrong credentials"
	case mt != "application/json" || r.Header.Get("Idempotency-Key") == "" || r.Header.Get("X-Hubrelay-Kind") == "":
		problem = "headers " + fmt.Sprint(r.Header)
	case err != nil || json.Unmarshal(body, &ev) != nil || len(ev.Detail.Findings) != 1:
		problem = "body " + string(body)
	case ev.DetailType != "Findings Imported V2":
		problem = "detail-type " + ev.DetailType
	default:
		uid = ev.Detail.Findings[0].Metadata.UID
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if problem != "" {
		h.problems = append(h.problems, problem)
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	h.got[uid]++
	_, _ = io.WriteString(w, "{}")
}

// TestPollV2RouteDeliverMark: the new Security Hub through the service.
// sources.poll with api: v2 reads OCSF findings with GetFindingsV2 (30
// account IDs, which the poller nests to stay within 20 filters a list);
// routes written as EventBridge patterns on the "Findings Imported V2"
// event pick them; the webhook receives them; BatchUpdateFindingsV2 sets
// them In Progress. The AWS samples are in the hub too: the exposure
// sample (Critical, account 123456789012) is routed by a pattern on its
// product. After a restart, a new service on the same store reads only
// what changed since its checkpoint and delivers only the new finding.
func TestPollV2RouteDeliverMark(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { runPollV2(t, dialect) })
	}
}

func runPollV2(t *testing.T, dialect string) {
	hubtestHTTPClient(t)
	ctx := context.Background()
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	clk := hubtest.NewClock(start)
	hub := hubtest.NewTest(t, hubtest.Options{Region: "us-east-1", Throttle: true, Now: clk.Now})
	uids := map[string]string{}
	for _, name := range v2Samples {
		raw := v2Sample(t, name)
		if err := hub.AddOCSF(raw); err != nil {
			t.Fatal(err)
		}
		uid, err := hubtest.MetadataUID(raw)
		if err != nil {
			t.Fatal(err)
		}
		uids[name] = uid
	}
	severities := []string{"Low", "Medium", "High", "Critical"}
	account := func(k int) string { return fmt.Sprintf("%012d", 400000000000+k) }
	for n := range 120 { // 40 accounts; 30 polled
		if err := hub.AddOCSF(v2Copy(t, n, account(n%40), severities[n%4], start.Add(-time.Duration(120-n)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	hook := newOCSFHook(t)
	dir := t.TempDir()
	dsn := storetest.DSN(t, dialect)
	var accounts []string
	for k := range 30 {
		accounts = append(accounts, `{FieldName: cloud.account.uid, Filter: {Comparison: EQUALS, Value: "`+account(k)+`"}}`)
	}
	cfgText := fmt.Sprintf(`store: %q
securityhub: {region: us-east-1, mark_notified: true}
sources:
  poll:
    api: v2
    filters:
      CompositeOperator: AND
      CompositeFilters:
        - Operator: OR
          StringFilters: [%s, {FieldName: cloud.account.uid, Filter: {Comparison: EQUALS, Value: "123456789012"}}]
        - StringFilters: [{FieldName: activity_name, Filter: {Comparison: NOT_EQUALS, Value: Close}}]
delivery: {poll: 20ms}
destinations:
  hook: {webhook: {url: %q, auth: {bearer: %q}}, retry: {max_attempts: 1}}
routes:
  - name: serious
    pattern: {source: [aws.securityhub], detail-type: [Findings Imported V2], detail: {findings: {severity: [High, Critical], cloud: {account: {uid: [{prefix: "4000"}]}}}}}
    to: [hook]
  - name: exposure
    pattern: {detail-type: [Findings Imported V2], detail: {findings: {metadata: {product: {name: [Security Hub Exposure Analysis]}}}}}
    to: [hook]
`, dsn, strings.Join(accounts, ", "), hook.srv.URL+"/hook?token="+secret(t, dir, "token", hook.token), secret(t, dir, "bearer", hook.bearer))
	reg := destinations.Registry()
	open := func() *service.Service {
		cfg, err := config.Parse(filepath.Join(dir, "hubrelay.yaml"), []byte(cfgText),
			config.WithDestinationTypes(func(typ string, s *config.Settings) error { return reg.Check(typ, s) }))
		if err != nil {
			t.Fatalf("config: %v", err)
		}
		c, err := securityhub.New(ctx, securityhub.Options{Region: "us-east-1", Endpoint: hub.URL(),
			Credentials: hub.AWSConfig().Credentials, HTTPClient: hub.AWSConfig().HTTPClient, Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := service.Open(ctx, cfg, service.Options{Registry: reg, SecurityHub: c, Owner: "v2-test"})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	run := func(svc *service.Service) securityhub.PollResult {
		res, err := svc.Poll(ctx)
		if err != nil {
			t.Fatalf("Poll: %v", err)
		}
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if _, err := svc.Queue().Drain(dctx, svc.Store().Counts); err != nil {
			t.Fatalf("Drain: %v", err)
		}
		return res
	}
	status := func(uid string) float64 {
		raw, ok := hub.FindingV2(uid)
		var f struct {
			StatusID float64 `json:"status_id"`
		}
		if !ok || json.Unmarshal(raw, &f) != nil {
			t.Fatalf("finding %s is not in the hub", uid)
		}
		return f.StatusID
	}

	svc := open()
	res := run(svc)
	// 90 copies of accounts 0-29, and samples 02, 03 and 10 of account
	// 123456789012 (04 is closed; 01 is another account's).
	if res.Findings != 93 || res.Invalid != 0 || res.Pages != 1 {
		t.Fatalf("run 1: %+v; want 93 findings in one page", res)
	}
	want := map[string]int{uids[v2Samples[4]]: 1}
	for n := range 120 {
		if n%40 < 30 && n%4 >= 2 {
			want[fmt.Sprintf("v2-%04d", n)] = 1
		}
	}
	hook.mu.Lock()
	if len(hook.problems) > 0 || !countsEqual(hook.got, want) {
		t.Fatalf("webhook: %d findings %v, problems %v; want %d", len(hook.got), hook.got, hook.problems, len(want))
	}
	hook.mu.Unlock()
	for n := range 120 {
		uid := fmt.Sprintf("v2-%04d", n)
		if got, wantStatus := status(uid), map[bool]float64{true: 2, false: 1}[want[uid] == 1]; got != wantStatus {
			t.Errorf("%s: status_id %v, want %v", uid, got, wantStatus)
		}
	}
	if got := status(uids[v2Samples[4]]); got != 2 {
		t.Errorf("exposure sample: status_id %v, want 2 (In Progress)", got)
	}
	if got := status(uids[v2Samples[2]]); got != 1 {
		t.Errorf("CSPM sample (not routed): status_id %v, want 1 (New)", got)
	}
	if hub.Calls("BatchUpdateFindingsV2") == 0 || hub.Calls("BatchUpdateFindings") != 0 || hub.Calls("GetFindings") != 0 {
		t.Errorf("calls: BatchUpdateFindingsV2 %d, BatchUpdateFindings %d, GetFindings %d",
			hub.Calls("BatchUpdateFindingsV2"), hub.Calls("BatchUpdateFindings"), hub.Calls("GetFindings"))
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}

	// A restart: one new Critical finding, one changed to Low. The new
	// service reads them and, again, what was modified in the five minutes
	// (securityhub.DefaultOverlap) before its checkpoint: copies 104-109,
	// the last of the polled accounts. It delivers the new finding alone:
	// what was read again is absorbed by the store.
	if err := hub.AddOCSF(v2Copy(t, 500, account(3), "Critical", start.Add(time.Minute)),
		v2Copy(t, 2, account(2), "Low", start.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	svc = open()
	defer svc.Close()
	before := hub.Calls("GetFindingsV2")
	res = run(svc)
	if res.Findings != 2+6 || hub.Calls("GetFindingsV2")-before != 1 {
		t.Fatalf("run 2: %+v in %d calls; want the 2 changed findings and the 6 in the overlap, in one call", res, hub.Calls("GetFindingsV2")-before)
	}
	want["v2-0500"] = 1
	hook.mu.Lock()
	defer hook.mu.Unlock()
	if !countsEqual(hook.got, want) {
		t.Fatalf("webhook after the restart: %v; want %v", hook.got, want)
	}
	if got := status("v2-0500"); got != 2 {
		t.Errorf("the new finding: status_id %v, want 2", got)
	}
	for _, op := range []string{"GetFindingsV2", "BatchUpdateFindingsV2"} {
		if th := hub.Throttled(op); th != 0 {
			t.Errorf("%s: %d throttled", op, th)
		}
	}
}

// countsEqual reports whether two count maps are equal.
func countsEqual(got, want map[string]int) bool {
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

// hubtestHTTPClient clears AWS_CA_BUNDLE for the test, so that the
// Security Hub client may use hubtest's HTTP client (the SDK refuses a
// custom *http.Client together with a CA bundle): with the SDK's default
// client a request to a loopback server is sent twice now and then, which
// hubtest's call counts would show.
func hubtestHTTPClient(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "")
}
