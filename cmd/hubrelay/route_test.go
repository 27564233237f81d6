package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

const (
	// sample01 is a bare failing ASFF finding (FSBP CloudTrail.2).
	sample01 = "../../examples/samples/01-securityhub-fsbp-cloudtrail2-failed.json"
	// sample02 is a failing CIS 2.7 finding, which routeConfig suppresses.
	sample02 = "../../examples/samples/02-securityhub-cis120-2.7-failed.json"
	// sample06 is a failing Config rule finding.
	sample06 = "../../examples/samples/06-config-rule-s3-public-access-failed.json"
	// sample08 is a GuardDuty finding, with no compliance status: no
	// route of routeConfig matches it.
	sample08 = "../../examples/samples/08-guardduty-ssh-bruteforce.json"
)

// routeConfig routes failing active findings to a file destination and
// suppresses CIS 2.7.
func routeConfig(dsn, out string) string {
	return fmt.Sprintf(`store: %q
language: en
delivery: {poll: 20ms}
destinations:
  out:
    file: {path: %q}
routes:
  - name: failing
    filters:
      ComplianceStatus: [{Value: FAILED, Comparison: EQUALS}]
      RecordState: [{Value: ACTIVE, Comparison: EQUALS}]
    to: [out]
suppress:
  - name: cis-2.7
    filters:
      GeneratorId: [{Value: "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/2.7", Comparison: EQUALS}]
`, dsn, out)
}

// forEachStore runs f against a fresh SQLite store and a fresh PostgreSQL
// database (skipped when none answers and HUBRELAY_TEST_POSTGRES is unset).
func forEachStore(t *testing.T, f func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { f(t, "sqlite:"+filepath.Join(t.TempDir(), "hubrelay.db")) })
	t.Run("postgres", func(t *testing.T) { f(t, crashPostgres(t)) })
}

// routeSummary is route --output json.
type routeSummary struct {
	Findings    int            `json:"findings"`
	Deliveries  int            `json:"deliveries"`
	Duplicates  int            `json:"duplicates"`
	Suppressed  int            `json:"suppressed"`
	Unmatched   int            `json:"unmatched"`
	Stale       int            `json:"stale"`
	InputErrors int            `json:"input_errors"`
	Store       map[string]int `json:"store"`
}

// decodeRouteSummary decodes route's JSON and checks that every documented
// field is there.
func decodeRouteSummary(t *testing.T, out string) routeSummary {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("route output is not one JSON object: %v\n%s", err, out)
	}
	for _, k := range []string{"findings", "deliveries", "duplicates", "suppressed", "unmatched", "stale", "input_errors", "store"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("route JSON lacks %q: %s", k, out)
		}
	}
	var s routeSummary
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("route JSON %s: %v", out, err)
	}
	for _, st := range statusNames() {
		if _, ok := s.Store[st]; !ok {
			t.Errorf("route JSON store lacks status %q: %v", st, s.Store)
		}
	}
	return s
}

// storeCounts keeps only the non-zero counts, for comparing.
func storeCounts(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

func equalCounts(a, b map[string]int) bool {
	a, b = storeCounts(a), storeCounts(b)
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// fileRecords returns the finding_id of every record a file destination
// wrote to path.
func fileRecords(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var rec struct {
			FindingID string `json:"finding_id"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("record %q: %v", line, err)
		}
		ids = append(ids, rec.FindingID)
	}
	slices.Sort(ids)
	return ids
}

// copyInto copies files into dir.
func copyInto(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// oneLineJSON returns the JSON document in file on one line.
func oneLineJSON(t *testing.T, file string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(readFile(t, file)), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRoute: route reads files, a folder and standard input, commits and
// delivers exactly what "hubrelay test" says would be delivered, and a
// second run of the same input tells nobody anything new.
func TestRoute(t *testing.T) {
	forEachStore(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		out := filepath.Join(dir, "out.jsonl")
		cfg := writeTestConfig(t, dir, routeConfig(dsn, out))
		folder := filepath.Join(dir, "folder")
		if err := os.Mkdir(folder, 0o755); err != nil {
			t.Fatal(err)
		}
		copyInto(t, folder, sample02, sample06, sample08)
		stdin := readFile(t, sample01)
		args := []string{"-c", cfg, sample18, folder, "-"}

		// What "hubrelay test" says each finding becomes.
		code, testOut, stderr := runCLI(t, stdin, append([]string{"test", "-o", "json"}, args...)...)
		if code != exitOK {
			t.Fatalf("test: exit %d; %s", code, stderr)
		}
		var told []string
		for _, r := range decodeResults(t, testOut) {
			if len(r.Destinations) > 0 {
				told = append(told, r.FindingID)
			}
		}
		slices.Sort(told)
		if len(told) != 3 || !slices.Contains(told, sample18ID) {
			t.Fatalf("test says %v are told; the fixtures changed", told)
		}

		tests := []struct {
			name string
			want routeSummary
		}{
			{"first run delivers", routeSummary{Findings: 5, Deliveries: 3, Suppressed: 1, Unmatched: 1, Store: map[string]int{"delivered": 3}}},
			{"second run tells nothing new", routeSummary{Findings: 5, Duplicates: 3, Suppressed: 1, Unmatched: 1, Store: map[string]int{"delivered": 3}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				code, stdout, stderr := runCLI(t, stdin, append([]string{"route", "--output", "json"}, args...)...)
				if code != exitOK {
					t.Fatalf("exit %d; stderr:\n%s", code, stderr)
				}
				got := decodeRouteSummary(t, stdout)
				if got.Findings != tt.want.Findings || got.Deliveries != tt.want.Deliveries || got.Duplicates != tt.want.Duplicates ||
					got.Suppressed != tt.want.Suppressed || got.Unmatched != tt.want.Unmatched || got.Stale != 0 || got.InputErrors != 0 {
					t.Errorf("summary %+v, want %+v", got, tt.want)
				}
				if !equalCounts(got.Store, tt.want.Store) {
					t.Errorf("store %v, want %v", storeCounts(got.Store), tt.want.Store)
				}
				if ids := fileRecords(t, out); !slices.Equal(ids, told) {
					t.Errorf("the file destination got %v, want exactly %v", ids, told)
				}
			})
		}

		t.Run("table", func(t *testing.T) {
			code, stdout, stderr := runCLI(t, stdin, append([]string{"route"}, args...)...)
			if code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr)
			}
			for _, want := range []string{
				"findings 5: 0 new deliveries, 3 already told, 1 suppressed, 1 unmatched, 0 stale",
				"deliveries in the store: 3 delivered, 0 dead, 0 waiting, 0 dropped",
			} {
				if !strings.Contains(stdout, want) {
					t.Errorf("table lacks %q:\n%s", want, stdout)
				}
			}
			if strings.Contains(stdout, "input errors") || strings.Contains(stdout, "deliveries list --status dead") {
				t.Errorf("table mentions problems there are none of:\n%s", stdout)
			}
		})
	})
}

// TestRouteNoDeliver: --no-deliver only commits; a hubrelay serve sharing
// the store delivers what it left pending.
func TestRouteNoDeliver(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	cfg := writeTestConfig(t, dir, routeConfig("sqlite:"+filepath.Join(dir, "hubrelay.db"), out))
	code, stdout, stderr := runCLI(t, "", "route", "-c", cfg, "--no-deliver", "-o", "json", sample18, sample06)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	got := decodeRouteSummary(t, stdout)
	if got.Deliveries != 2 || !equalCounts(got.Store, map[string]int{"pending": 2}) {
		t.Errorf("summary %+v, want 2 deliveries left pending", got)
	}
	if n := countLines(t, out); n != 0 {
		t.Errorf("--no-deliver sent %d messages", n)
	}
	code, stdout, _ = runCLI(t, "", "deliveries", "list", "-c", cfg, "--status", "pending", "-o", "json")
	if code != exitOK || strings.Count(stdout, "\n") != 2 {
		t.Errorf("deliveries list --status pending: exit %d:\n%s", code, stdout)
	}

	c := startChild(t, cfg)
	defer c.kill()
	waitFor(t, "serve to deliver what route queued", func() (bool, string) {
		n := countLines(t, out)
		return n >= 2, fmt.Sprint(n, " messages")
	})
	if code := c.terminate(); code != exitOK {
		t.Errorf("serve exit %d after SIGTERM", code)
	}
	if ids := fileRecords(t, out); len(ids) != 2 || !slices.Contains(ids, sample18ID) {
		t.Errorf("messages for %v", ids)
	}
	code, stdout, _ = runCLI(t, "", "route", "-c", cfg, "--no-deliver", "-o", "json", sample18, sample06)
	if got := decodeRouteSummary(t, stdout); code != exitOK || got.Deliveries != 0 || got.Duplicates != 2 ||
		!equalCounts(got.Store, map[string]int{"delivered": 2}) {
		t.Errorf("after serve delivered: exit %d, %+v", code, got)
	}
}

// TestRouteBadDocuments: a document that cannot be read is named on
// stderr and makes the exit status 1; every other finding is committed and
// delivered.
func TestRouteBadDocuments(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	cfg := writeTestConfig(t, dir, routeConfig("sqlite:"+filepath.Join(dir, "hubrelay.db"), out))
	folder := filepath.Join(dir, "in")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	copyInto(t, folder, sample18)
	bad := filepath.Join(folder, "broken.json")
	if err := os.WriteFile(bad, []byte("{\n  \"detail\": {\"findings\": [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdin := oneLineJSON(t, sample01) + "\n{not json\n"
	code, stdout, stderr := runCLI(t, stdin, "route", "-c", cfg, "-o", "json", folder, "-")
	if code != exitNegative {
		t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{bad + ":", "-:2"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	got := decodeRouteSummary(t, stdout)
	if got.InputErrors != 2 || got.Findings != 2 || got.Deliveries != 2 || !equalCounts(got.Store, map[string]int{"delivered": 2}) {
		t.Errorf("summary %+v: want the 2 good findings committed and delivered, 2 input errors", got)
	}
	if n := countLines(t, out); n != 2 {
		t.Errorf("%d messages, want 2", n)
	}
	code, stdout, _ = runCLI(t, "", "route", "-c", cfg, bad)
	if code != exitNegative || !strings.Contains(stdout, "input errors: 1 (listed on stderr)") {
		t.Errorf("only a bad file: exit %d, table:\n%s", code, stdout)
	}
}

// TestRouteStopsWaiting: a destination that keeps asking to retry later
// leaves its delivery waiting when --wait runs out: exit 1, and the
// summary counts it as waiting.
func TestRouteStopsWaiting(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "3600")
		http.Error(w, `{"message":"maintenance"}`, http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeTestConfig(t, dir, fmt.Sprintf(`store: %q
delivery: {poll: 20ms}
destinations:
  hook:
    webhook: {url: %q}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [hook]
`, "sqlite:"+filepath.Join(dir, "hubrelay.db"), srv.URL+"/hook"))
	code, stdout, stderr := runCLI(t, "", "route", "-c", cfg, "--wait", "1s", sample18)
	if code != exitNegative {
		t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "0 delivered, 0 dead, 1 waiting") {
		t.Errorf("table should count the delivery as waiting:\n%s", stdout)
	}
	if calls.Load() == 0 {
		t.Error("the destination was never called")
	}
}

// TestRouteInvalid: config and flag errors exit 2 naming the position; a
// store that cannot be opened exits 1 without its password.
func TestRouteInvalid(t *testing.T) {
	dir := t.TempDir()
	good := routeConfig("sqlite:"+filepath.Join(dir, "hubrelay.db"), filepath.Join(dir, "out.jsonl"))
	badPath := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badPath, []byte(strings.Replace(good, "ComplianceStatus:", "ComplianceStatuz:", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	const pgPassword = "Route-Pg-Password-3317"
	pgPath := filepath.Join(dir, "pg.yaml")
	if err := os.WriteFile(pgPath, []byte(strings.Replace(good, "sqlite:"+filepath.Join(dir, "hubrelay.db"),
		"postgres://hubrelay:"+pgPassword+"@127.0.0.1:1/x?sslmode=disable", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	goodPath := writeTestConfig(t, dir, good)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown filter field", []string{"route", "-c", badPath, sample18}, exitInvalid, badPath + ":10:"},
		{"bad output", []string{"route", "-c", goodPath, "-o", "yaml", sample18}, exitInvalid, "yaml"},
		{"bad wait", []string{"route", "-c", goodPath, "--wait", "soon", sample18}, exitInvalid, "--wait"},
		{"no config", []string{"route", sample18}, exitInvalid, "config"},
		{"unreachable store", []string{"route", "-c", pgPath, sample18}, exitNegative, "127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
			if strings.Contains(stdout+stderr, pgPassword) {
				t.Errorf("output shows the store password:\n%s%s", stdout, stderr)
			}
		})
	}
}
