package pagerduty

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// The contract below is the Events API v2 as PagerDuty documents it
// (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/,
// https://developer.pagerduty.com/docs/events-api-v2/overview/,
// https://developer.pagerduty.com/docs/events-api-v2/rate-limits/):
//
//   - POST https://events.pagerduty.com/v2/enqueue (EU:
//     events.eu.pagerduty.com) with a JSON body; no Authorization header,
//     the routing_key in the body authenticates.
//   - routing_key (required): the 32 character integration key;
//     event_action (required): trigger, acknowledge or resolve; dedup_key:
//     at most 255 characters.
//   - A trigger needs payload.summary (at most 1024 characters),
//     payload.source and payload.severity (critical, error, warning or
//     info); payload.timestamp is ISO 8601; custom_details an object;
//     links objects with href (required) and text; images objects with
//     src (required, https).
//   - A resolve needs only routing_key, dedup_key and event_action.
//   - Answers: 202 {"status":"success","message":"Event processed",
//     "dedup_key":"…"}; 400 invalid event (do not retry); 429 too many
//     events (retry after some time); 5xx (retry). Payloads are limited
//     to 512 KB.

// fakeEvents answers like the Events API and checks every request against
// the documented contract; an event that breaks it gets the 400 PagerDuty
// would answer and fails the test.
type fakeEvents struct {
	t   *testing.T
	srv *notifytest.Server
}

func newFakeEvents(t *testing.T) *fakeEvents {
	f := &fakeEvents{t: t}
	f.srv = notifytest.NewServerFunc(t, f.answer)
	return f
}

func (f *fakeEvents) answer(req notifytest.Request) notifytest.Response {
	header := http.Header{"Content-Type": {"application/json"}}
	invalid := func(format string, args ...any) notifytest.Response {
		msg := fmt.Sprintf(format, args...)
		f.t.Errorf("%s %s: %s", req.Method, req.Path, msg)
		return notifytest.Response{Status: http.StatusBadRequest, Header: header,
			Body: fmt.Sprintf(`{"status":"invalid event","message":"Event object is invalid","errors":[%q]}`, msg)}
	}
	if req.Method != http.MethodPost || req.Path != "/v2/enqueue" {
		return notifytest.Response{Status: http.StatusNotFound, Body: "Not Found"}
	}
	if ct := req.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return invalid("Content-Type %q, want application/json", ct)
	}
	if len(req.Body) > MaxEventBytes {
		return notifytest.Response{Status: http.StatusRequestEntityTooLarge, Body: "payload too large"}
	}
	var ev map[string]json.RawMessage
	if err := json.Unmarshal(req.Body, &ev); err != nil {
		return invalid("body is not a JSON object: %v", err)
	}
	for key := range ev {
		if !slices.Contains([]string{"routing_key", "event_action", "dedup_key", "payload", "images", "links", "client", "client_url"}, key) {
			return invalid("'%s' is not an Events API v2 field", key)
		}
	}
	str := func(raw json.RawMessage) string {
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	routingKey, action, dedup := str(ev["routing_key"]), str(ev["event_action"]), str(ev["dedup_key"])
	switch {
	case utf8.RuneCountInString(routingKey) != RoutingKeyLength:
		return invalid("Length of 'routing_key' is incorrect (should be 32 characters)")
	case routingKey != testRoutingKey:
		return notifytest.Response{Status: http.StatusBadRequest, Header: header,
			Body: `{"status":"invalid event","message":"Event object is invalid","errors":["Invalid routing key"]}`}
	case !slices.Contains([]string{"trigger", "acknowledge", "resolve"}, action):
		return invalid("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)")
	case utf8.RuneCountInString(dedup) > MaxDedupKey:
		return invalid("'dedup_key' is longer than 255 characters")
	case action != "trigger" && dedup == "":
		return invalid("'dedup_key' is required for %s", action)
	}
	if action == "trigger" {
		if msg := checkPayload(ev["payload"]); msg != "" {
			return invalid("%s", msg)
		}
		if msg := checkLinks(ev["links"]); msg != "" {
			return invalid("%s", msg)
		}
	}
	if dedup == "" {
		dedup = "generated-dedup-key"
	}
	return notifytest.Response{Status: http.StatusAccepted, Header: header,
		Body: fmt.Sprintf(`{"status":"success","message":"Event processed","dedup_key":%q}`, dedup)}
}

// checkPayload checks a trigger's payload; it returns what is wrong.
func checkPayload(raw json.RawMessage) string {
	var p struct {
		Summary       *string         `json:"summary"`
		Source        *string         `json:"source"`
		Severity      *string         `json:"severity"`
		Timestamp     *string         `json:"timestamp"`
		CustomDetails json.RawMessage `json:"custom_details"`
	}
	if len(raw) == 0 {
		return "'payload' is missing"
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&p); err != nil {
		return "'payload' is not an object"
	}
	switch {
	case p.Summary == nil || *p.Summary == "":
		return "'payload.summary' is missing or blank"
	case utf8.RuneCountInString(*p.Summary) > MaxSummary:
		return "'payload.summary' is longer than 1024 characters"
	case p.Source == nil || *p.Source == "":
		return "'payload.source' is missing or blank"
	case p.Severity == nil || !slices.Contains([]string{"critical", "error", "warning", "info"}, *p.Severity):
		return "'payload.severity' is invalid (must be one of: critical, error, warning, info)"
	}
	if p.Timestamp != nil {
		if _, err := time.Parse(time.RFC3339Nano, *p.Timestamp); err != nil {
			return "'payload.timestamp' is not ISO 8601"
		}
	}
	if len(p.CustomDetails) > 0 && p.CustomDetails[0] != '{' {
		return "'payload.custom_details' is not an object"
	}
	return ""
}

// checkLinks checks the links array; it returns what is wrong.
func checkLinks(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var links []map[string]string
	if err := json.Unmarshal(raw, &links); err != nil {
		return "'links' is not an array of objects"
	}
	for i, l := range links {
		if !strings.HasPrefix(l["href"], "https://") && !strings.HasPrefix(l["href"], "http://") {
			return fmt.Sprintf("'links[%d].href' is not a URL", i)
		}
	}
	return ""
}

// newTestNotifier builds the destination against an Events API at base.
func newTestNotifier(t *testing.T, base string, env notify.Env) *Notifier {
	t.Helper()
	n, err := New("pagerduty-oncall", testConfig(base), env)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestContractEvents(t *testing.T) {
	rds := fixture(t, fxRDS1).Finding.ID
	ec28 := fixture(t, fxEC28).Finding.ID
	tests := []struct {
		sample   string
		action   string
		dedupKey string
		severity string
	}{
		{"new-rds1", "trigger", rds, "critical"},
		{"new-guardduty", "trigger", fixture(t, fxGuardDuty).Finding.ID, "warning"},
		{"new-ocsf", "trigger", fixture(t, fxOCSF).Finding.ID, "info"},
		{"new-inspector", "trigger", fixture(t, fxInspector).Finding.ID, "critical"},
		{"reminder", "trigger", fixture(t, fxGuardDuty).Finding.ID, "warning"},
		{"resolved", "resolve", ec28, ""},
		{"resolved-without-receipt", "resolve", ec28, ""},
		{"reopened", "trigger", rds, "critical"},
		{"digest", "trigger", "hubrelay-digest:account-a-digest:AwsAccountId=111111111111,ProductName=Security Hub", "critical"},
		{"digest-resolved", "resolve", "hubrelay-digest:account-a-digest:AwsAccountId=111111111111,ProductName=Security Hub", ""},
		{"test", "trigger", "hubrelay-test:test-0001", "critical"},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			api := newFakeEvents(t)
			env, logs := notifytest.NewEnv(t)
			rc, err := newTestNotifier(t, api.srv.URL, env).Notify(context.Background(), sampleNamed(t, tt.sample))
			if err != nil {
				t.Fatal(err)
			}
			if rc != (notify.Receipt{ID: tt.dedupKey}) {
				t.Errorf("receipt %+v, want ID %q", rc, tt.dedupKey)
			}
			reqs := api.srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if auth := reqs[0].Header.Get("Authorization"); auth != "" {
				t.Errorf("Authorization %q sent; the Events API authenticates by routing_key", auth)
			}
			var ev Event
			if err := json.Unmarshal(reqs[0].Body, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.EventAction != tt.action || ev.DedupKey != tt.dedupKey {
				t.Errorf("event_action %q dedup_key %q; want %q %q", ev.EventAction, ev.DedupKey, tt.action, tt.dedupKey)
			}
			if tt.action == "resolve" && (ev.Payload != nil || len(ev.Links) > 0) {
				t.Errorf("a resolve carries more than routing_key, dedup_key and event_action: %s", reqs[0].Body)
			}
			if tt.severity != "" && ev.Payload.Severity != tt.severity {
				t.Errorf("severity %q, want %q", ev.Payload.Severity, tt.severity)
			}
			if strings.Contains(logs.String(), testRoutingKey) {
				t.Error("the routing key is in the logs")
			}
		})
	}
}

// TestContractEURegion: a bare EU host is completed with /v2/enqueue.
func TestContractEURegion(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"", DefaultURL},
		{"https://events.eu.pagerduty.com", EUURL},
		{"https://events.eu.pagerduty.com/", EUURL},
		{EUURL, EUURL},
	} {
		if got := testConfig(tt.url).endpoint(); got != tt.want {
			t.Errorf("endpoint of %q = %q, want %q", tt.url, got, tt.want)
		}
	}
}

// TestContractInvalidEvent: PagerDuty's 400 is permanent, and its error
// list reaches the error text.
func TestContractInvalidEvent(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Status: 400, Header: http.Header{"Content-Type": {"application/json"}},
		Body: `{"status":"invalid event","message":"Event object is invalid","errors":["'payload.summary' is missing or blank"]}`})
	env, _ := notifytest.NewEnv(t)
	_, err := newTestNotifier(t, srv.URL, env).Notify(context.Background(), sampleNamed(t, "new-rds1"))
	notifytest.CheckError(t, err, false, 0)
	want := "HTTP 400 Bad Request: invalid event: Event object is invalid: 'payload.summary' is missing or blank"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v; want it to contain %q", err, want)
	}
}

// retryCases are notifytest's standard failures with PagerDuty's
// documented wait after a 429 that names none.
func retryCases() []notifytest.RetryCase {
	var cases []notifytest.RetryCase
	for _, c := range notifytest.RetryCases() {
		switch c.Name {
		case "429 without retry-after", "429 retry-after malformed":
			c.RetryAfter = DefaultRateLimitWait
		}
		cases = append(cases, c)
	}
	return append(cases,
		notifytest.RetryCase{Name: "400 invalid event", Response: notifytest.Response{Status: 400,
			Body: `{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect (should be 32 characters)"]}`}},
		notifytest.RetryCase{Name: "429 request limit exceeded", Response: notifytest.Response{Status: 429, Body: "429 - Request Limit Exceeded"},
			Retryable: true, RetryAfter: DefaultRateLimitWait},
		notifytest.RetryCase{Name: "413 payload too large", Response: notifytest.Response{Status: 413}},
	)
}

func TestCheckRetry(t *testing.T) {
	build := func(t *testing.T, base string, env notify.Env) notify.Notifier {
		return newTestNotifier(t, base, env)
	}
	for _, s := range []string{"new-rds1", "resolved"} {
		t.Run(s, func(t *testing.T) {
			notifytest.CheckRetry(t, build, sampleNamed(t, s), retryCases()...)
		})
	}
}

func TestCheckNoSecretLeak(t *testing.T) {
	build := func(t *testing.T, base string, env notify.Env) notify.Notifier {
		return newTestNotifier(t, base, env)
	}
	for _, s := range []string{"new-rds1", "resolved", "digest"} {
		t.Run(s, func(t *testing.T) {
			notifytest.CheckNoSecretLeak(t, build, sampleNamed(t, s), testRoutingKey)
		})
	}
}

// TestResolveAfterReopenKeepsKey: every event of a finding's life uses
// one dedup_key, so PagerDuty's resolve finds the alert.
func TestResolveAfterReopenKeepsKey(t *testing.T) {
	api := newFakeEvents(t)
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, api.srv.URL, env)
	first := sampleNamed(t, "new-rds1")
	rc, err := n.Notify(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	resolved := *first
	resolved.Kind, resolved.Previous = notify.KindResolved, &rc
	rc2, err := n.Notify(context.Background(), &resolved)
	if err != nil {
		t.Fatal(err)
	}
	reopened := *first
	reopened.Kind, reopened.Previous = notify.KindReopened, &rc2
	if _, err := n.Notify(context.Background(), &reopened); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range api.srv.Requests() {
		var ev Event
		_ = json.Unmarshal(r.Body, &ev)
		keys = append(keys, ev.EventAction+" "+ev.DedupKey)
	}
	want := []string{"trigger " + first.Finding.ID, "resolve " + first.Finding.ID, "trigger " + first.Finding.ID}
	if !slices.Equal(keys, want) {
		t.Errorf("events %q, want %q", keys, want)
	}
}

// TestNotifyConcurrent: one Notifier serves many deliveries at once.
func TestNotifyConcurrent(t *testing.T) {
	api := newFakeEvents(t)
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, api.srv.URL, env)
	var wg sync.WaitGroup
	for _, s := range samples(t) {
		for range 8 {
			wg.Go(func() {
				if _, err := n.Notify(context.Background(), s.msg); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	if got, want := len(api.srv.Requests()), 8*len(samples(t)); got != want {
		t.Errorf("%d events, want %d", got, want)
	}
}
