package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sample18 is a published EventBridge event: one failing FSBP control
// (EC2.7) of account 111111111111.
const sample18 = "../../examples/samples/18-eb-imported-securityhub-fsbp-ec2.7-failed.json"

// sample18ID is the finding ID inside sample18.
const sample18ID = "arn:aws:securityhub:us-east-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/0003b335-cf3f-4f93-a025-6b1a7baced06"

// serveAPIKey is the ingest key of the serve tests; it must never show in
// a log line or an answer.
const serveAPIKey = "serve-test-ingest-key-5f1e"

// writeTestConfig writes text as hubrelay.yaml in dir and returns its path.
func writeTestConfig(t *testing.T, dir, text string) string {
	t.Helper()
	path := filepath.Join(dir, "hubrelay.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runChild runs this test binary as the hubrelay command (see TestMain)
// with args and returns its exit status and output. It bounds the run to
// two minutes so that a hung command fails the test instead of hanging it.
func runChild(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "HUBRELAY_TEST_MAIN=1")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("hubrelay %s did not finish in 2 minutes; stderr:\n%s", strings.Join(args, " "), errb.String())
	}
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("hubrelay %s: %v", strings.Join(args, " "), err)
		}
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// waitFor polls cond until it reports true. The deadline only keeps a
// broken service from hanging the test; nothing is asserted about speed.
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s; last state: %s", what, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// terminate sends SIGTERM to a child started with startChild and returns
// its exit code once it has exited.
func (c *child) terminate() int {
	c.t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		c.t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-c.done:
	case <-time.After(60 * time.Second):
		c.kill()
		c.t.Fatalf("hubrelay serve did not stop within 60 s of SIGTERM:\n%s", c.logText())
	}
	return c.cmd.ProcessState.ExitCode()
}

// logLines decodes every line the child logged; each must be JSON.
func (c *child) logLines() []map[string]any {
	c.t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(c.logText()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			c.t.Errorf("log line is not JSON: %q", sc.Text())
			continue
		}
		lines = append(lines, l)
	}
	return lines
}

type answer struct {
	status int
	header http.Header
	body   string
}

// send makes one request to the child and returns the answer.
func (c *child) send(method, path string, body []byte, header map[string]string) answer {
	c.t.Helper()
	req, err := http.NewRequest(method, "http://"+c.addr+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// metricValue returns the value of the sample series (name and labels as
// the text exposition format writes them) in text, and whether it is there.
func metricValue(text, series string) (string, bool) {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

// countLines returns the number of lines in the file at path (0 when it
// does not exist).
func countLines(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte("\n"))
}

// ingestAnswer is the JSON body of a 202 answer.
type ingestAnswer struct {
	Findings   *int `json:"findings"`
	Deliveries *int `json:"deliveries"`
	Duplicates *int `json:"duplicates"`
	Suppressed *int `json:"suppressed"`
	Unmatched  *int `json:"unmatched"`
	Stale      *int `json:"stale"`
}

func decodeIngestAnswer(t *testing.T, body string) (findings, deliveries, duplicates int) {
	t.Helper()
	var a ingestAnswer
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("202 body %q: %v", body, err)
	}
	for name, p := range map[string]*int{"findings": a.Findings, "deliveries": a.Deliveries, "duplicates": a.Duplicates,
		"suppressed": a.Suppressed, "unmatched": a.Unmatched, "stale": a.Stale} {
		if p == nil {
			t.Fatalf("202 body %q lacks %q", body, name)
		}
	}
	if *a.Suppressed != 0 || *a.Unmatched != 0 || *a.Stale != 0 {
		t.Errorf("202 body %q: want suppressed, unmatched and stale 0", body)
	}
	return *a.Findings, *a.Deliveries, *a.Duplicates
}

func serveFileConfig(dsn, out string) string {
	return fmt.Sprintf(`store: %q
language: en
sources:
  http: {path: /events, api_key: %s}
delivery:
  poll: 20ms
destinations:
  out:
    file: {path: %q}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [out]
`, dsn, serveAPIKey, out)
}

// TestServe runs hubrelay serve as a child process: an EventBridge event
// posted with the API key is committed (202 with counts) and delivered to
// a file destination; bad credentials and bad JSON are refused; health,
// readiness and metrics answer; SIGTERM stops it cleanly. No log line or
// answer shows the API key.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	cfg := writeTestConfig(t, dir, serveFileConfig("sqlite:"+filepath.Join(dir, "hubrelay.db"), out))
	c := startChild(t, cfg)
	defer c.kill()
	event, err := os.ReadFile(sample18)
	if err != nil {
		t.Fatal(err)
	}
	jsonKey := map[string]string{"Content-Type": "application/json", "x-api-key": serveAPIKey}
	var bodies []string

	t.Run("health", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz"} {
			a := c.send(http.MethodGet, path, nil, nil)
			if a.status != http.StatusOK || a.body != "ok\n" {
				t.Errorf("GET %s: %d %q, want 200 ok", path, a.status, a.body)
			}
		}
	})

	t.Run("accepted", func(t *testing.T) {
		a := c.send(http.MethodPost, "/events", event, jsonKey)
		bodies = append(bodies, a.body)
		if a.status != http.StatusAccepted {
			t.Fatalf("POST: %d %s, want 202", a.status, a.body)
		}
		if ct := a.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		if f, d, dup := decodeIngestAnswer(t, a.body); f != 1 || d != 1 || dup != 0 {
			t.Errorf("first POST counted findings %d, deliveries %d, duplicates %d; want 1, 1, 0", f, d, dup)
		}
	})

	t.Run("delivered to the file", func(t *testing.T) {
		waitFor(t, "the file destination to receive the message", func() (bool, string) {
			n := countLines(t, out)
			return n >= 1, fmt.Sprintf("%d lines", n)
		})
		var rec struct {
			Kind, Route, Destination, Key string
			FindingID                     string `json:"finding_id"`
		}
		if err := json.Unmarshal([]byte(readFile(t, out)), &rec); err != nil {
			t.Fatalf("file line: %v", err)
		}
		if rec.FindingID != sample18ID || rec.Route != "all" || rec.Destination != "out" || rec.Kind != "new" ||
			!strings.HasPrefix(rec.Key, sample18ID+"|all|out|") {
			t.Errorf("file record %+v", rec)
		}
	})

	t.Run("the same event again is a duplicate", func(t *testing.T) {
		a := c.send(http.MethodPost, "/events", event, jsonKey)
		bodies = append(bodies, a.body)
		if a.status != http.StatusAccepted {
			t.Fatalf("POST: %d %s, want 202", a.status, a.body)
		}
		if f, d, dup := decodeIngestAnswer(t, a.body); f != 1 || d != 0 || dup != 1 {
			t.Errorf("second POST counted findings %d, deliveries %d, duplicates %d; want 1, 0, 1", f, d, dup)
		}
	})

	t.Run("refused", func(t *testing.T) {
		tests := []struct {
			name   string
			method string
			header map[string]string
			body   string
			status int
			want   string // in the JSON error
		}{
			{"wrong key", "POST", map[string]string{"Content-Type": "application/json", "x-api-key": "not-" + serveAPIKey}, string(event), 401, "unauthorized"},
			{"no key", "POST", map[string]string{"Content-Type": "application/json"}, string(event), 401, "unauthorized"},
			{"key as a bearer token", "POST", map[string]string{"Authorization": "Bearer " + serveAPIKey}, string(event), 401, "unauthorized"},
			{"key prefix", "POST", map[string]string{"x-api-key": serveAPIKey[:len(serveAPIKey)-1]}, string(event), 401, "unauthorized"},
			{"bad JSON names line:col", "POST", jsonKey, "{\n  \"source\": \"aws.securityhub\",\n  \"detail\": {oops}\n}", 400, ":3:14:"},
			{"truncated JSON", "POST", jsonKey, `{"source": "aws.securityhub", "detail": {"findings": [`, 400, ":1:"},
			{"empty body", "POST", jsonKey, "", 400, "empty"},
			{"not JSON content", "POST", map[string]string{"Content-Type": "text/plain", "x-api-key": serveAPIKey}, string(event), 415, "application/json"},
			{"GET on the ingest path", "GET", jsonKey, "", 405, "POST"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				a := c.send(tt.method, "/events", []byte(tt.body), tt.header)
				bodies = append(bodies, a.body)
				if a.status != tt.status {
					t.Fatalf("%d %s, want %d", a.status, a.body, tt.status)
				}
				var e struct{ Error string }
				if err := json.Unmarshal([]byte(a.body), &e); err != nil || e.Error == "" {
					t.Fatalf("error body %q is not {\"error\": …}: %v", a.body, err)
				}
				if !strings.Contains(e.Error, tt.want) {
					t.Errorf("error %q lacks %q", e.Error, tt.want)
				}
			})
		}
	})

	t.Run("metrics", func(t *testing.T) {
		var text string
		waitFor(t, "the delivery to show in /metrics", func() (bool, string) {
			a := c.send(http.MethodGet, "/metrics", nil, nil)
			text = a.body
			v, ok := metricValue(text, `hubrelay_deliveries_total{destination="out",outcome="delivered"}`)
			return a.status == http.StatusOK && ok && v == "1", "status " + fmt.Sprint(a.status) + ", value " + v
		})
		for series, want := range map[string]string{
			`hubrelay_findings_received_total{source="http"}`: "2",
			`hubrelay_deliveries_deduplicated_total`:          "1",
			`hubrelay_http_requests_total{code="202"}`:        "2",
			`hubrelay_http_requests_total{code="401"}`:        "4",
			`hubrelay_findings_matched_total{route="all"}`:    "2",
		} {
			if got, ok := metricValue(text, series); !ok || got != want {
				t.Errorf("%s = %q (present %v), want %s", series, got, ok, want)
			}
		}
	})

	t.Run("SIGTERM", func(t *testing.T) {
		if code := c.terminate(); code != exitOK {
			t.Fatalf("exit %d after SIGTERM, want 0:\n%s", code, c.logText())
		}
		var serving, stopped bool
		for _, l := range c.logLines() {
			switch l["msg"] {
			case "serving":
				serving = true
			case "stopped":
				stopped = true
			}
		}
		if !serving || !stopped {
			t.Errorf("log lacks serving (%v) or stopped (%v):\n%s", serving, stopped, c.logText())
		}
		if countLines(t, out) != 1 {
			t.Errorf("file has %d messages, want exactly 1 (the duplicate must not be told)", countLines(t, out))
		}
	})

	if strings.Contains(c.logText(), serveAPIKey) {
		t.Errorf("the log shows the API key:\n%s", c.logText())
	}
	for _, b := range bodies {
		if strings.Contains(b, serveAPIKey) {
			t.Errorf("an answer shows the API key: %s", b)
		}
	}
}

// TestServeAuthMethods: with api_key (in a custom header), basic_auth and
// bearer_token configured, each credential alone is accepted and anything
// else is refused with one 401 that challenges Basic and Bearer.
func TestServeAuthMethods(t *testing.T) {
	const (
		key      = "auth-test-api-key-91c2"
		user     = "eventbridge"
		password = "auth-test-basic-password-77ab"
		token    = "auth-test-bearer-token-0d3e"
	)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	cfg := writeTestConfig(t, dir, fmt.Sprintf(`store: %q
language: en
sources:
  http:
    path: /hooks/securityhub
    api_key: %s
    api_key_header: X-Hub-Key
    basic_auth: {username: %s, password: %s}
    bearer_token: %s
delivery:
  poll: 20ms
destinations:
  out:
    file: {path: %q}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [out]
`, "sqlite:"+filepath.Join(dir, "hubrelay.db"), key, user, password, token, out))
	c := startChild(t, cfg)
	defer c.kill()
	event, err := os.ReadFile(sample18)
	if err != nil {
		t.Fatal(err)
	}
	basic := func(u, p string) string {
		req, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
		req.SetBasicAuth(u, p)
		return req.Header.Get("Authorization")
	}
	tests := []struct {
		name   string
		header map[string]string
		status int
	}{
		{"api key in the configured header", map[string]string{"X-Hub-Key": key}, 202},
		{"basic auth", map[string]string{"Authorization": basic(user, password)}, 202},
		{"bearer token", map[string]string{"Authorization": "Bearer " + token}, 202},
		{"bearer scheme in lower case", map[string]string{"Authorization": "bearer " + token}, 202},
		{"api key in the default header", map[string]string{"x-api-key": key}, 401},
		{"basic auth, wrong password", map[string]string{"Authorization": basic(user, password+"x")}, 401},
		{"basic auth, wrong user", map[string]string{"Authorization": basic("admin", password)}, 401},
		{"basic auth with the token as password", map[string]string{"Authorization": basic(user, token)}, 401},
		{"wrong bearer token", map[string]string{"Authorization": "Bearer " + token + "x"}, 401},
		{"api key as bearer token", map[string]string{"Authorization": "Bearer " + key}, 401},
		{"nothing", nil, 401},
	}
	accepted := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{"Content-Type": "application/json"}
			for k, v := range tt.header {
				h[k] = v
			}
			a := c.send(http.MethodPost, "/hooks/securityhub", event, h)
			if a.status != tt.status {
				t.Fatalf("%d %s, want %d", a.status, a.body, tt.status)
			}
			for _, s := range []string{key, password, token} {
				if strings.Contains(a.body, s) {
					t.Errorf("answer shows a credential: %s", a.body)
				}
			}
			if tt.status == 202 {
				accepted++
				f, d, dup := decodeIngestAnswer(t, a.body)
				if f != 1 || d+dup != 1 {
					t.Errorf("counted findings %d, deliveries %d, duplicates %d", f, d, dup)
				}
				return
			}
			ch := a.header.Get("WWW-Authenticate")
			if !strings.Contains(ch, "Basic") || !strings.Contains(ch, "Bearer") {
				t.Errorf("WWW-Authenticate %q should offer Basic and Bearer", ch)
			}
			if a.body != "{\"error\":\"unauthorized\"}\n" {
				t.Errorf("401 body %q should not say which credential was wrong", a.body)
			}
		})
	}
	if a := c.send(http.MethodPost, "/events", event, map[string]string{"X-Hub-Key": key}); a.status != http.StatusNotFound {
		t.Errorf("POST to the default path when path is set: %d, want 404", a.status)
	}
	waitFor(t, "the delivery", func() (bool, string) { n := countLines(t, out); return n >= 1, fmt.Sprint(n) })
	if code := c.terminate(); code != exitOK {
		t.Errorf("exit %d after SIGTERM", code)
	}
	if n := countLines(t, out); accepted < 2 || n != 1 {
		t.Errorf("%d posts accepted, %d messages: want one message however often the finding is posted", accepted, n)
	}
	for _, s := range []string{key, password, token} {
		if strings.Contains(c.logText(), s) {
			t.Errorf("the log shows a credential:\n%s", c.logText())
		}
	}
}

// TestServeFailures: serve exits 2 for a bad config or flag, naming
// FILE:LINE:COL, and 1 when the store is unreachable or the address is
// taken, without showing the store's password.
func TestServeFailures(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	good := serveFileConfig("sqlite:"+filepath.Join(dir, "hubrelay.db"), out)
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	goodPath := write("good.yaml", good)
	badRoute := write("bad-route.yaml", strings.Replace(good, "to: [out]", "to: [nowhere]", 1))
	badSource := write("bad-source.yaml", strings.Replace(good, "api_key: "+serveAPIKey, "api_key: "+serveAPIKey+", api_key_header: \"bad header\"", 1))
	const pgPassword = "Pg-Secret-Password-4421"
	unreachable := write("unreachable.yaml", strings.Replace(good, "sqlite:"+filepath.Join(dir, "hubrelay.db"),
		"postgres://hubrelay:"+pgPassword+"@127.0.0.1:1/x?sslmode=disable", 1))

	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()

	tests := []struct {
		name string
		args []string
		code int
		want []string // on stderr
	}{
		{"undefined destination", []string{"serve", "-c", badRoute, "--listen", "127.0.0.1:0"}, exitInvalid, []string{badRoute + ":13:10:", "nowhere"}},
		{"bad api_key_header", []string{"serve", "-c", badSource, "--listen", "127.0.0.1:0"}, exitInvalid, []string{badSource + ":4:", "api_key_header"}},
		{"missing config file", []string{"serve", "-c", filepath.Join(dir, "none.yaml")}, exitInvalid, []string{"none.yaml"}},
		{"no -c", []string{"serve"}, exitInvalid, []string{"config"}},
		{"bad log level", []string{"serve", "-c", goodPath, "--log-level", "loud"}, exitInvalid, []string{"--log-level"}},
		{"an argument", []string{"serve", "-c", goodPath, "extra"}, exitInvalid, []string{"extra"}},
		{"unreachable store", []string{"serve", "-c", unreachable, "--listen", "127.0.0.1:0"}, exitNegative, []string{"store", "127.0.0.1:1"}},
		{"address in use", []string{"serve", "-c", goodPath, "--listen", taken.Addr().String()}, exitNegative, []string{"listen", taken.Addr().String()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runChild(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr+stdout, pgPassword) || strings.Contains(stderr+stdout, serveAPIKey) {
				t.Errorf("output shows a secret:\n%s%s", stdout, stderr)
			}
			if strings.Contains(stderr, `"msg":"serving"`) {
				t.Errorf("serve started serving before failing:\n%s", stderr)
			}
		})
	}
}
