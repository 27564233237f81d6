package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runCLI runs one command line in-process and returns its exit code and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, streams{in: strings.NewReader(stdin), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

func TestMatchExitCodes(t *testing.T) {
	event := readFile(t, "testdata/guardduty-imported-event.json")
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  int
	}{
		{"seed 002's pattern matches an imported GuardDuty event", "", []string{"match", "testdata/guardduty-pattern.json", "testdata/guardduty-imported-event.json"}, exitOK},
		{"a bare finding is wrapped in its event", "", []string{"match", "testdata/findings-pattern.json", "testdata/findings/08-guardduty-ssh-bruteforce.json"}, exitOK},
		{"seed 002's pattern needs the top-level ProductName the published sample lacks", "", []string{"match", "testdata/guardduty-pattern.json", "testdata/findings/08-guardduty-ssh-bruteforce.json"}, exitNegative},
		{"pattern does not match", "", []string{"match", "testdata/guardduty-pattern.json", "testdata/findings/06-config-rule-s3-public-access-failed.json"}, exitNegative},
		{"event on standard input", event, []string{"match", "testdata/guardduty-pattern.json", "-"}, exitOK},
		{"filters with --filters", "", []string{"match", "--filters", "testdata/high-filters.json", "testdata/findings/08-guardduty-ssh-bruteforce.json"}, exitNegative},
		{"filters detected without the flag", "", []string{"match", "testdata/high-filters.json", "testdata/findings/12-securityhub-pcidss-lambda2-passed-archived.getfindings.json"}, exitNegative},
		{"a CloudTrail event is matched as it is", "", []string{"match", "testdata/disassociate-pattern.json", "testdata/cloudtrail-event.json"}, exitOK},
		{"a findings pattern does not match a CloudTrail event", "", []string{"match", "testdata/guardduty-pattern.json", "testdata/cloudtrail-event.json"}, exitNegative},
		{"invalid pattern", "", []string{"match", "testdata/bad-pattern.json", "testdata/findings/08-guardduty-ssh-bruteforce.json"}, exitInvalid},
		{"invalid event", "{\"detail\": ", []string{"match", "testdata/guardduty-pattern.json", "-"}, exitInvalid},
		{"missing file", "", []string{"match", "testdata/guardduty-pattern.json", "testdata/nope.json"}, exitInvalid},
		{"both on standard input", "", []string{"match", "-", "-"}, exitInvalid},
		{"wrong argument count", "", []string{"match", "testdata/guardduty-pattern.json"}, exitInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != tt.want {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.want, stderr)
			}
			if code == exitInvalid && stderr == "" {
				t.Error("exit 2 without a reason on stderr")
			}
		})
	}
}

func TestMatchInvalidPatternNamesThePath(t *testing.T) {
	_, _, stderr := runCLI(t, "", "match", "testdata/bad-pattern.json", "testdata/cloudtrail-event.json")
	if !strings.Contains(stderr, "testdata/bad-pattern.json") || !strings.Contains(stderr, "Label") {
		t.Errorf("stderr %q should name the file and the path detail.findings.Severity.Label", stderr)
	}
}

func TestMatchFiltersWithFlag(t *testing.T) {
	// Fixture 13 is CRITICAL; filters for HIGH/CRITICAL match it.
	dir := t.TempDir()
	src := readFile(t, "../../examples/samples/13-securityhub-cis120-1.13-critical-notified.getfindings.json")
	path := filepath.Join(dir, "critical.json")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "", "match", "--filters", "testdata/high-filters.json", path); code != exitOK {
		t.Fatalf("exit %d, want 0; stderr: %s", code, stderr)
	}
}

type jsonResult struct {
	Source       string   `json:"source"`
	FindingID    string   `json:"finding_id"`
	Routes       []string `json:"routes"`
	Destinations []string `json:"destinations"`
	SuppressedBy *string  `json:"suppressed_by"`
}

func decodeResults(t *testing.T, out string) map[string]jsonResult {
	t.Helper()
	got := map[string]jsonResult{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		for _, k := range []string{"source", "finding_id", "routes", "destinations", "suppressed_by"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("line %q lacks %q", line, k)
			}
		}
		var r jsonResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		got[filepath.Base(r.Source)] = r
	}
	return got
}

func TestTestCommandJSON(t *testing.T) {
	code, out, stderr := runCLI(t, "", "test", "-c", "testdata/routes.yaml", "--output", "json", "--at", "2026-11-22", "testdata/findings")
	if code != exitOK {
		t.Fatalf("exit %d; stderr: %s", code, stderr)
	}
	got := decodeResults(t, out)
	suppressed := "cis-2.7-accepted"
	want := map[string]jsonResult{
		"02-securityhub-cis120-2.7-failed.json":                          {Routes: []string{"failing-controls"}, Destinations: []string{}, SuppressedBy: &suppressed},
		"06-config-rule-s3-public-access-failed.json":                    {Routes: []string{"failing-controls"}, Destinations: []string{"tickets", "chat"}},
		"08-guardduty-ssh-bruteforce.json":                               {Routes: []string{"guardduty"}, Destinations: []string{"chat"}},
		"12-securityhub-pcidss-lambda2-passed-archived.getfindings.json": {Routes: []string{}, Destinations: []string{}},
		"18-eb-imported-securityhub-fsbp-ec2.7-failed.json":              {Routes: []string{"failing-controls"}, Destinations: []string{"tickets", "chat"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d results, want %d:\n%s", len(got), len(want), out)
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("no result for %s", name)
			continue
		}
		if g.FindingID == "" {
			t.Errorf("%s: empty finding_id", name)
		}
		if !slices.Equal(g.Routes, w.Routes) || !slices.Equal(g.Destinations, w.Destinations) {
			t.Errorf("%s: routes %v to %v, want %v to %v", name, g.Routes, g.Destinations, w.Routes, w.Destinations)
		}
		if (g.SuppressedBy == nil) != (w.SuppressedBy == nil) || (g.SuppressedBy != nil && *g.SuppressedBy != *w.SuppressedBy) {
			t.Errorf("%s: suppressed_by %v, want %v", name, deref(g.SuppressedBy), deref(w.SuppressedBy))
		}
	}
}

func TestTestCommandExpiredSuppression(t *testing.T) {
	_, out, stderr := runCLI(t, "", "test", "-c", "testdata/routes.yaml", "-o", "json", "--at", "2027-01-15", "testdata/findings/02-securityhub-cis120-2.7-failed.json")
	got := decodeResults(t, out)
	r := got["02-securityhub-cis120-2.7-failed.json"]
	if r.SuppressedBy != nil || !slices.Equal(r.Destinations, []string{"tickets", "chat"}) {
		t.Errorf("after the suppression expired: %+v (stderr %s)", r, stderr)
	}
}

// TestTestCommandAtDateInConfigTimeZone: --at DATE is that day in the
// config's time zone, as until: dates are, so "as of 2027-01-01" is after a
// suppression "until: 2026-12-31" even west of UTC.
func TestTestCommandAtDateInConfigTimeZone(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "la.yaml")
	src := strings.Replace(readFile(t, "testdata/routes.yaml"), "language: en\n", "language: en\ntimezone: America/Los_Angeles\n", 1)
	if err := os.WriteFile(cfg, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		at             string
		wantSuppressed bool
	}{
		{"2026-12-31", true},
		{"2027-01-01", false},
		{"2027-01-01T07:59:59Z", true}, // 2026-12-31 23:59:59 in Los Angeles
		{"2027-01-01T08:00:00Z", false},
	} {
		t.Run(tt.at, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", "test", "-c", cfg, "-o", "json", "--at", tt.at, "testdata/findings/02-securityhub-cis120-2.7-failed.json")
			if code != exitOK {
				t.Fatalf("exit %d; stderr %s", code, stderr)
			}
			r := decodeResults(t, out)["02-securityhub-cis120-2.7-failed.json"]
			if (r.SuppressedBy != nil) != tt.wantSuppressed {
				t.Errorf("suppressed_by %s, want suppressed %v", deref(r.SuppressedBy), tt.wantSuppressed)
			}
		})
	}
	if code, _, stderr := runCLI(t, "", "test", "-c", cfg, "--at", "31/12/2026", "-"); code != exitInvalid || !strings.Contains(stderr, "--at") {
		t.Errorf("bad --at: exit %d, stderr %q", code, stderr)
	}
}

func TestTestCommandTableDashesForMissingFields(t *testing.T) {
	code, out, stderr := runCLI(t, `{"SchemaVersion": "2018-10-08", "Id": "bare"}`, "test", "-c", "testdata/routes.yaml")
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	lines := strings.Split(out, "\n")
	if len(lines) < 2 || !slices.Equal(strings.Fields(lines[1]), []string{"-", "-", "-", "-", "-"}) {
		t.Errorf("a finding without severity, title or routes should show dashes:\n%s", out)
	}
}

func TestTestCommandStdinAndBadDocuments(t *testing.T) {
	good := strings.ReplaceAll(readFile(t, "testdata/findings/08-guardduty-ssh-bruteforce.json"), "\n", "")
	stdin := good + "\n{not json\n"
	code, out, stderr := runCLI(t, stdin, "test", "-c", "testdata/routes.yaml", "-o", "json")
	if code != exitNegative {
		t.Errorf("exit %d, want 1 when a document is bad", code)
	}
	if !strings.Contains(stderr, "-:2") {
		t.Errorf("stderr %q should name standard input line 2", stderr)
	}
	if got := decodeResults(t, out); len(got) != 1 {
		t.Errorf("the good line was lost: %q", out)
	}
}

func TestTestCommandTable(t *testing.T) {
	code, out, stderr := runCLI(t, "", "test", "-c", "testdata/routes.yaml", "--at", "2026-11-22", "testdata/findings")
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	for _, want := range []string{"SOURCE", "(suppressed by cis-2.7-accepted)", "tickets, chat", "5 findings: 3 routed, 1 suppressed, 1 matched no route"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestValidate(t *testing.T) {
	code, out, _ := runCLI(t, "", "validate", "-c", "testdata/routes.yaml")
	if code != exitOK || !strings.Contains(out, "valid: 2 routes, 1 suppressions, 2 destinations") {
		t.Errorf("valid config: exit %d, out %q", code, out)
	}
	code, _, stderr := runCLI(t, "", "validate", "-c", "testdata/broken.yaml")
	if code != exitInvalid {
		t.Errorf("broken config: exit %d, want 2", code)
	}
	for _, want := range []string{"testdata/broken.yaml:10:", "testdata/broken.yaml:14:", "nowhere"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestValidateJSON(t *testing.T) {
	code, out, _ := runCLI(t, "", "validate", "-c", "testdata/broken.yaml", "-o", "json")
	if code != exitInvalid {
		t.Errorf("exit %d, want 2", code)
	}
	var rep validateReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Valid || len(rep.Errors) < 2 || rep.Errors[0].Line == 0 {
		t.Errorf("report %+v", rep)
	}
}

func TestDemoDryRun(t *testing.T) {
	code, out, stderr := runCLI(t, "", "demo", "--dry-run", "-o", "json", "--at", "2026-11-22")
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	got := decodeResults(t, out)
	if len(got) != 30 {
		t.Errorf("demo routed %d findings, want all 30 samples", len(got))
	}
	// Seed 000's rule: the failing FSBP control of the aggregation account is ticketed.
	if r := got["01-securityhub-fsbp-cloudtrail2-failed.json"]; !slices.Contains(r.Destinations, "backlog-system-a") {
		t.Errorf("01: %+v, want a Backlog ticket", r)
	}
	// Seed 002's rule: GuardDuty goes to its channel.
	if r := got["08-guardduty-ssh-bruteforce.json"]; !slices.Contains(r.Destinations, "slack-guardduty") {
		t.Errorf("08: %+v, want slack-guardduty", r)
	}
	// The accepted-risk suppression hides CIS 2.7.
	if r := got["02-securityhub-cis120-2.7-failed.json"]; r.SuppressedBy == nil {
		t.Errorf("02: %+v, want suppressed", r)
	}
}

func TestDemoDryRunTable(t *testing.T) {
	code, out, stderr := runCLI(t, "", "demo", "--dry-run", "--at", "2026-11-22")
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	if !strings.Contains(out, "30 sample findings") || !strings.Contains(out, "30 findings:") {
		t.Errorf("demo table:\n%s", out)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
