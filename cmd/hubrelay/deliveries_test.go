package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify/webhook"
)

const (
	// hookToken is the token in the webhook URL's query: a secret.
	hookToken = "hook-url-token-6a0c2f"
	// hookSecret signs the webhook's requests: a secret.
	hookSecret = "hook-signing-secret-81d7e0aa"
)

// hookRequest is what the receiver saw of one request.
type hookRequest struct {
	findingID, idempotencyKey string
	status                    int
}

// hookServer is a webhook receiver that checks each request the way the
// webhook destination documents it (POST, JSON body that is the
// EventBridge event, Idempotency-Key, X-Hubrelay-Kind, the HMAC
// signature, the URL's token) and answers with the status set by
// setStatus.
type hookServer struct {
	*httptest.Server
	t      *testing.T
	mu     sync.Mutex
	status int
	seen   []hookRequest
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{t: t, status: http.StatusBadRequest}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		h.t.Errorf("hook: read body: %v", err)
	}
	problems := []string{}
	check := func(ok bool, format string, args ...any) {
		if !ok {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	check(r.Method == http.MethodPost, "method %s", r.Method)
	check(r.URL.Path == "/hook" && r.URL.Query().Get("token") == hookToken, "URL %s", r.URL.Path)
	check(strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"), "Content-Type %q", r.Header.Get("Content-Type"))
	check(r.Header.Get(webhook.HeaderKind) == "new", "%s %q", webhook.HeaderKind, r.Header.Get(webhook.HeaderKind))
	check(r.Header.Get(webhook.HeaderIdempotencyKey) != "", "no %s", webhook.HeaderIdempotencyKey)
	if err := webhook.Verify(hookSecret, r.Header, body, time.Now(), 0); err != nil {
		problems = append(problems, err.Error())
	}
	var event struct {
		Source     string `json:"source"`
		DetailType string `json:"detail-type"`
		Detail     struct {
			Findings []struct {
				ID string `json:"Id"`
			} `json:"findings"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(body, &event); err != nil {
		problems = append(problems, "body: "+err.Error())
	}
	check(event.Source == "aws.securityhub" && event.DetailType != "" && len(event.Detail.Findings) == 1,
		"body is not an EventBridge event of one finding: %.200s", body)
	id := ""
	if len(event.Detail.Findings) == 1 {
		id = event.Detail.Findings[0].ID
	}
	h.mu.Lock()
	status := h.status
	if len(problems) > 0 {
		h.t.Errorf("hook: the request breaks the documented contract: %s", strings.Join(problems, "; "))
		status = http.StatusUnprocessableEntity
	}
	h.seen = append(h.seen, hookRequest{findingID: id, idempotencyKey: r.Header.Get(webhook.HeaderIdempotencyKey), status: status})
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if status >= 400 {
		fmt.Fprint(w, `{"message":"issue type is not valid"}`)
		return
	}
	fmt.Fprint(w, `{"ok":true}`)
}

func (h *hookServer) setStatus(code int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status = code
}

func (h *hookServer) requests() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.seen...)
}

// listDeliveries runs deliveries list -o json with args and decodes it.
func listDeliveries(t *testing.T, cfg string, args ...string) []deliveryJSON {
	t.Helper()
	code, stdout, stderr := runCLI(t, "", append([]string{"deliveries", "list", "-c", cfg, "-o", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("deliveries list %v: exit %d; %s", args, code, stderr)
	}
	var ds []deliveryJSON
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var d deliveryJSON
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("list line %q: %v", line, err)
		}
		ds = append(ds, d)
	}
	return ds
}

// showDelivery runs deliveries show ID -o json and decodes it, checking
// that attempts_history is a field of the output.
func showDelivery(t *testing.T, cfg string, id int64) deliveryJSON {
	t.Helper()
	code, stdout, stderr := runCLI(t, "", "deliveries", "show", "-c", cfg, "-o", "json", strconv.FormatInt(id, 10))
	if code != exitOK {
		t.Fatalf("deliveries show %d: exit %d; %s", id, code, stderr)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("show: %v\n%s", err, stdout)
	}
	if _, ok := raw["attempts_history"]; !ok {
		t.Errorf("show -o json lacks attempts_history: %s", stdout)
	}
	var d deliveryJSON
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// idempotencyKey is the Idempotency-Key the webhook sends for a delivery
// key.
func idempotencyKey(key string) string {
	if len(key) <= 255 {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256-" + hex.EncodeToString(sum[:])
}

// TestDeliveriesDeadRetryDrop: a webhook answering 400 makes its
// deliveries dead at once (route exits 1); deliveries list and show say
// why, without the URL's token; retry and drop change them, and the next
// route delivers what was retried, with the same idempotency key, and not
// what was dropped.
func TestDeliveriesDeadRetryDrop(t *testing.T) {
	forEachStore(t, func(t *testing.T, dsn string) {
		hook := newHookServer(t)
		dir := t.TempDir()
		cfg := writeTestConfig(t, dir, fmt.Sprintf(`store: %q
language: en
delivery: {poll: 20ms}
destinations:
  hook:
    webhook: {url: %q, signing_secret: %s}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [hook]
`, dsn, hook.URL+"/hook?token="+hookToken, hookSecret))
		var outputs []string
		cli := func(args ...string) (int, string, string) {
			t.Helper()
			code, stdout, stderr := runCLI(t, "", args...)
			outputs = append(outputs, stdout, stderr)
			return code, stdout, stderr
		}
		defer func() {
			for _, o := range outputs {
				if strings.Contains(o, hookToken) || strings.Contains(o, hookSecret) {
					t.Errorf("output shows a secret:\n%s", o)
				}
			}
		}()

		code, stdout, stderr := cli("route", "-c", cfg, "-o", "json", sample18, sample06)
		if code != exitNegative {
			t.Fatalf("route to a webhook answering 400: exit %d, want 1; %s", code, stderr)
		}
		if s := decodeRouteSummary(t, stdout); s.Deliveries != 2 || !equalCounts(s.Store, map[string]int{"dead": 2}) {
			t.Fatalf("summary %+v, want 2 dead", s)
		}
		if n := len(hook.requests()); n != 2 {
			t.Errorf("the webhook got %d requests, want 2: a 400 is not retried", n)
		}

		dead := listDeliveries(t, cfg, "--status", "dead")
		if len(dead) != 2 {
			t.Fatalf("list --status dead: %d deliveries, want 2", len(dead))
		}
		var id18, id06 int64
		for _, d := range dead {
			if d.Status != "dead" || d.Destination != "hook" || d.Route != "all" || d.Kind != "new" || d.Attempts != 1 {
				t.Errorf("dead delivery %+v", d)
			}
			if !strings.Contains(d.LastError, "400") {
				t.Errorf("last_error %q does not say the webhook answered 400", d.LastError)
			}
			if d.FindingID == sample18ID {
				id18 = d.ID
			} else {
				id06 = d.ID
			}
		}
		if id18 == 0 || id06 == 0 {
			t.Fatalf("dead deliveries %+v: want one for sample 18 and one for sample 06", dead)
		}
		if ds := listDeliveries(t, cfg, "--status", "delivered,pending"); len(ds) != 0 {
			t.Errorf("list --status delivered,pending: %+v, want none", ds)
		}
		if ds := listDeliveries(t, cfg, "--finding", sample18ID); len(ds) != 1 || ds[0].ID != id18 {
			t.Errorf("list --finding: %+v", ds)
		}
		if ds := listDeliveries(t, cfg, "--limit", "1"); len(ds) != 1 || ds[0].ID != max(id18, id06) {
			t.Errorf("list --limit 1 should show the newest: %+v", ds)
		}

		d := showDelivery(t, cfg, id18)
		if d.Status != "dead" || len(d.History) != 1 || d.History[0].Outcome != "dead" || !strings.Contains(d.History[0].Error, "400") {
			t.Errorf("show %d: %+v", id18, d)
		}
		code, stdout, _ = cli("deliveries", "show", "-c", cfg, strconv.FormatInt(id18, 10))
		if code != exitOK || !strings.Contains(stdout, "status:") || !strings.Contains(stdout, "attempt:") || !strings.Contains(stdout, "last error:") {
			t.Errorf("show table: exit %d\n%s", code, stdout)
		}
		code, stdout, _ = cli("deliveries", "list", "-c", cfg, "--status", "dead")
		if code != exitOK || !strings.Contains(stdout, "STATUS") || strings.Count(stdout, "dead") != 2 {
			t.Errorf("list table: exit %d\n%s", code, stdout)
		}

		// Retry one, drop the other.
		hook.setStatus(http.StatusOK)
		if code, stdout, stderr := cli("deliveries", "retry", "-c", cfg, "--dead", "--destination", "elsewhere"); code != exitOK || !strings.Contains(stdout, "retry: 0 of 0 deliveries") {
			t.Errorf("retry --dead of another destination: exit %d, %q %q", code, stdout, stderr)
		}
		if code, stdout, stderr := cli("deliveries", "retry", "-c", cfg, strconv.FormatInt(id18, 10)); code != exitOK || !strings.Contains(stdout, "retry: 1 of 1 deliveries") {
			t.Fatalf("retry: exit %d, %q %q", code, stdout, stderr)
		}
		if code, stdout, stderr := cli("deliveries", "drop", "-c", cfg, "-o", "json", strconv.FormatInt(id06, 10)); code != exitOK ||
			strings.TrimSpace(stdout) != fmt.Sprintf(`{"id":%d,"ok":true}`, id06) {
			t.Fatalf("drop: exit %d, %q %q", code, stdout, stderr)
		}
		if d := showDelivery(t, cfg, id18); d.Status != "pending" {
			t.Errorf("after retry: status %s, want pending", d.Status)
		}
		if ds := listDeliveries(t, cfg, "--status", "dropped"); len(ds) != 1 || ds[0].ID != id06 {
			t.Errorf("list --status dropped: %+v", ds)
		}

		code, stdout, stderr = cli("route", "-c", cfg, "-o", "json", sample18, sample06)
		if code != exitOK {
			t.Fatalf("route after retry: exit %d; %s", code, stderr)
		}
		if s := decodeRouteSummary(t, stdout); s.Deliveries != 0 || s.Duplicates != 2 || !equalCounts(s.Store, map[string]int{"delivered": 1, "dropped": 1}) {
			t.Errorf("summary %+v, want the retried one delivered and the dropped one left", s)
		}
		reqs := hook.requests()
		if len(reqs) != 3 || reqs[2].findingID != sample18ID || reqs[2].status != http.StatusOK {
			t.Fatalf("webhook requests %+v: want a third, for sample 18, answered 200", reqs)
		}
		d = showDelivery(t, cfg, id18)
		if d.Status != "delivered" || d.DeliveredAt.IsZero() || len(d.History) != 2 || d.History[1].Outcome != "delivered" {
			t.Errorf("show after delivery: %+v", d)
		}
		for _, r := range reqs {
			if r.findingID == sample18ID && r.idempotencyKey != idempotencyKey(d.Key) {
				t.Errorf("Idempotency-Key %q, want the delivery's key %q on every attempt", r.idempotencyKey, d.Key)
			}
		}

		// A delivered delivery cannot be dropped; a dropped one can be sent again.
		if code, _, stderr := cli("deliveries", "drop", "-c", cfg, strconv.FormatInt(id18, 10)); code != exitNegative || !strings.Contains(stderr, strconv.FormatInt(id18, 10)) {
			t.Errorf("drop a delivered one: exit %d, stderr %q; want 1 naming it", code, stderr)
		}
		if code, _, stderr := cli("deliveries", "retry", "-c", cfg, strconv.FormatInt(id06, 10)); code != exitOK {
			t.Errorf("retry a dropped one: exit %d; %s", code, stderr)
		}
		if code, stdout, stderr := cli("route", "-c", cfg, "-o", "json", sample06); code != exitOK ||
			!equalCounts(decodeRouteSummary(t, stdout).Store, map[string]int{"delivered": 2}) {
			t.Errorf("route after retrying the dropped one: exit %d; %s %s", code, stdout, stderr)
		}
		if n := len(hook.requests()); n != 4 {
			t.Errorf("%d webhook requests, want 4", n)
		}
		if code, stdout, _ := cli("deliveries", "retry", "-c", cfg, "--dead"); code != exitOK || !strings.Contains(stdout, "retry: 0 of 0 deliveries") {
			t.Errorf("retry --dead with none dead: exit %d, %q", code, stdout)
		}
	})
}

// TestDeliveriesExitCodes: a malformed ID or flag exits 2, an ID that is
// not in the store exits 1, as deliveries --help says.
func TestDeliveriesExitCodes(t *testing.T) {
	dir := t.TempDir()
	cfg := writeTestConfig(t, dir, routeConfig("sqlite:"+filepath.Join(dir, "hubrelay.db"), filepath.Join(dir, "out.jsonl")))
	if code, _, stderr := runCLI(t, "", "route", "-c", cfg, sample18); code != exitOK {
		t.Fatalf("route: exit %d; %s", code, stderr)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string // on stderr
	}{
		{"show a word", []string{"show", "abc"}, exitInvalid, `"abc" is not a delivery ID`},
		{"show zero", []string{"show", "0"}, exitInvalid, `"0" is not a delivery ID`},
		{"show a huge number", []string{"show", "99999999999999999999"}, exitInvalid, "not a delivery ID"},
		{"show two", []string{"show", "1", "2"}, exitInvalid, "arg"},
		{"show unknown", []string{"show", "424242"}, exitNegative, "delivery 424242: not found"},
		{"retry unknown", []string{"retry", "424242"}, exitNegative, "424242"},
		{"drop unknown", []string{"drop", "424242"}, exitNegative, "424242"},
		{"retry a word", []string{"retry", "1", "x"}, exitInvalid, `"x" is not a delivery ID`},
		{"retry nothing", []string{"retry"}, exitInvalid, "--dead"},
		{"retry IDs and --dead", []string{"retry", "--dead", "1"}, exitInvalid, "not both"},
		{"retry a delivered one", []string{"retry", "1"}, exitNegative, "retry 1"},
		{"list a bad status", []string{"list", "--status", "dead,lost"}, exitInvalid, `"lost" is not one of`},
		{"list a bad output", []string{"list", "-o", "yaml"}, exitInvalid, "yaml"},
		{"list an argument", []string{"list", "extra"}, exitInvalid, "extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"deliveries", tt.args[0], "-c", cfg}, tt.args[1:]...)
			code, _, stderr := runCLI(t, "", args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q lacks %q", stderr, tt.want)
			}
		})
	}
	if code, _, stderr := runCLI(t, "", "deliveries", "list"); code != exitInvalid || !strings.Contains(stderr, "config") {
		t.Errorf("no -c: exit %d, %q", code, stderr)
	}
	const pgPassword = "Deliveries-Pg-Password-9052"
	pg := writeTestConfig(t, t.TempDir(), routeConfig("postgres://hubrelay:"+pgPassword+"@127.0.0.1:1/x?sslmode=disable", filepath.Join(dir, "out.jsonl")))
	code, stdout, stderr := runCLI(t, "", "deliveries", "list", "-c", pg)
	if code != exitNegative || strings.Contains(stdout+stderr, pgPassword) || !strings.Contains(stderr, "store") {
		t.Errorf("unreachable store: exit %d, output %q %q; want 1 without the password", code, stdout, stderr)
	}
}
