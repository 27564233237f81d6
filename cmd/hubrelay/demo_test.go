package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// demoEC28ID is the finding of samples 19 and 20: the same FSBP EC2.8
// finding, archived in 19 and active in 20, with the same UpdatedAt.
const demoEC28ID = "arn:aws:securityhub:eu-west-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.8/finding/fba5a282-b865-41fe-bc9c-30357a1e87a7"

// demoGroupedRoutes are the routes of examples/demo.yaml with group:.
var demoGroupedRoutes = []string{"guardduty-to-slack", "standards-to-slack"}

// runDemoJSON runs demo -o json into dir and decodes its report, checking
// that every documented field is there.
func runDemoJSON(t *testing.T, dir string, extra ...string) (int, *demoReport, string) {
	t.Helper()
	args := append([]string{"demo", "--at", "2026-11-22", "-o", "json", "--dir", dir}, extra...)
	code, stdout, stderr := runCLI(t, "", args...)
	if code != exitOK {
		return code, nil, stderr
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("demo -o json is not one JSON object: %v\n%s", err, stdout)
	}
	for _, k := range []string{"folder", "messages", "first", "again", "store", "deliveries"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("demo JSON lacks %q", k)
		}
	}
	var rep demoReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	return code, &rep, stderr
}

// messageRecord is one line of messages.jsonl.
type messageRecord struct {
	Kind       string   `json:"kind"`
	Route      string   `json:"route"`
	Key        string   `json:"key"`
	FindingID  string   `json:"finding_id"`
	GroupKey   string   `json:"group_key"`
	FindingIDs []string `json:"finding_ids"`
}

// TestDemo runs the demo for real and checks its report against itself,
// its dry run and the messages its destinations wrote.
func TestDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, rep, stderr := runDemoJSON(t, dir)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	if rep.Folder != dir || rep.Messages != filepath.Join(dir, "messages.jsonl") {
		t.Errorf("folder %q, messages %q", rep.Folder, rep.Messages)
	}

	// The first pass counts what the dry run shows.
	code, dry, stderr := runCLI(t, "", "demo", "--dry-run", "-o", "json", "--at", "2026-11-22")
	if code != exitOK {
		t.Fatalf("dry run: exit %d; %s", code, stderr)
	}
	suppressed, unmatched := 0, 0
	for _, r := range decodeResults(t, dry) {
		switch {
		case r.SuppressedBy != nil:
			suppressed++
		case len(r.Routes) == 0:
			unmatched++
		}
	}
	f := rep.First
	if f.Findings != 30 || f.Suppressed != suppressed || f.Unmatched != unmatched || f.Stale != 0 || f.Deliveries == 0 {
		t.Errorf("first pass %+v; the dry run has 30 findings, %d suppressed, %d unmatched", f, suppressed, unmatched)
	}

	// Security Hub (in-process) shows the delivered findings NOTIFIED, and
	// only those: never more than the findings that were told.
	if rep.InHub == 0 || rep.Notified == 0 || rep.Notified > rep.InHub {
		t.Errorf("Security Hub: %d of %d findings NOTIFIED", rep.Notified, rep.InHub)
	}

	// The second pass: the same findings, told before.
	a := rep.Again
	if a.Findings != 30 || a.Suppressed != f.Suppressed || a.Unmatched != f.Unmatched {
		t.Errorf("second pass %+v, first %+v", a, f)
	}
	if a.Duplicates == 0 || a.Duplicates+a.Deliveries != f.Duplicates+f.Deliveries {
		t.Errorf("second pass: %d duplicates + %d new should be the %d deliveries the first pass planned",
			a.Duplicates, a.Deliveries, f.Duplicates+f.Deliveries)
	}
	if a.Deliveries > 0 {
		t.Logf("known quirk: the second pass created %d deliveries (samples 19 and 20: one finding archived then active with the same UpdatedAt)", a.Deliveries)
	}

	// Every delivery of the first pass was delivered; only the second
	// pass's (the quirk) may wait, as demo does not deliver them.
	byID := map[int64]deliveryJSON{}
	waiting := 0
	for _, d := range rep.Deliveries {
		byID[d.ID] = d
		switch d.Status {
		case "delivered":
		case "dead":
			t.Errorf("dead delivery %+v", d)
		default:
			waiting++
			if d.FindingID != demoEC28ID || d.Episode < 2 {
				t.Errorf("undelivered delivery %+v is not one of the second pass's for samples 19/20", d)
			}
		}
	}
	if waiting != a.Deliveries {
		t.Errorf("%d deliveries not delivered, want the %d the second pass created", waiting, a.Deliveries)
	}
	if rep.Store["dead"] != 0 || rep.Store["delivered"] != len(rep.Deliveries)-waiting {
		t.Errorf("store %v for %d deliveries", rep.Store, len(rep.Deliveries))
	}

	// Digests: every grouped route sent at least one; every delivered
	// member points at a delivered digest of its group.
	members := map[int64][]string{} // digest ID → member finding IDs
	digests := map[string]int{}     // route → digests
	for _, d := range rep.Deliveries {
		switch {
		case d.Kind == "digest":
			if d.Status != "delivered" || d.GroupKey == "" || d.DigestID != 0 {
				t.Errorf("digest %+v", d)
			}
			digests[d.Route]++
		case d.GroupKey != "" && d.Status == "delivered":
			g, ok := byID[d.DigestID]
			if !ok || g.Kind != "digest" || g.Route != d.Route || g.Destination != d.Destination || g.GroupKey != d.GroupKey {
				t.Errorf("member %d (group %s) points at digest %d: %+v", d.ID, d.GroupKey, d.DigestID, g)
			}
			members[d.DigestID] = append(members[d.DigestID], d.FindingID)
		case d.GroupKey == "" && d.DigestID != 0:
			t.Errorf("ungrouped delivery %+v has a digest", d)
		}
	}
	for _, r := range demoGroupedRoutes {
		if digests[r] == 0 {
			t.Errorf("route %s groups but sent no digest", r)
		}
	}
	for _, d := range rep.Deliveries {
		if d.Kind == "digest" && len(members[d.ID]) == 0 {
			t.Errorf("digest %d has no members", d.ID)
		}
	}

	// messages.jsonl: one line per message sent, that is per delivered
	// delivery that is not a digest's member.
	want := map[string]deliveryJSON{}
	for _, d := range rep.Deliveries {
		if d.Status == "delivered" && d.DigestID == 0 {
			want[d.Key] = d
		}
	}
	raw, err := os.ReadFile(rep.Messages)
	if err != nil {
		t.Fatalf("messages file: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != len(want) {
		t.Errorf("messages.jsonl has %d lines, want %d (delivered deliveries that are not digest members)", len(lines), len(want))
	}
	seen := map[string]bool{}
	for _, line := range lines {
		var m messageRecord
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("message %q: %v", line, err)
		}
		d, ok := want[m.Key]
		if !ok || seen[m.Key] {
			t.Errorf("message %s: no such delivered delivery, or sent twice", m.Key)
			continue
		}
		seen[m.Key] = true
		if m.Route != d.Route {
			t.Errorf("message %s: route %s, delivery's %s", m.Key, m.Route, d.Route)
		}
		if d.Kind == "digest" {
			got, exp := slices.Sorted(slices.Values(m.FindingIDs)), slices.Sorted(slices.Values(members[d.ID]))
			if !slices.Equal(got, exp) {
				t.Errorf("digest %d lists %v, its members are %v", d.ID, got, exp)
			}
		} else if m.FindingID != d.FindingID {
			t.Errorf("message %s: finding %s, delivery's %s", m.Key, m.FindingID, d.FindingID)
		}
	}
}

// TestDemoTable: the table output shows the delivery log and the second
// pass.
func TestDemoTable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, out, stderr := runCLI(t, "", "demo", "--at", "2026-11-22", "--dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"hubrelay demo: 30 sample findings through demo.yaml",
		"store: sqlite:" + filepath.Join(dir, "hubrelay.db"),
		"committed 30 findings:",
		"delivery log:",
		"ID  STATUS",
		"digest",
		"the same 30 findings again:",
		"already told (each finding is told once per episode)",
		"messages the destinations sent: " + filepath.Join(dir, "messages.jsonl"),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, " dead ") {
		t.Errorf("the delivery log shows a dead delivery:\n%s", out)
	}
}

// TestDemoInvalid: bad flags exit 2 and say which; --show-config prints
// the bundled config.
func TestDemoInvalid(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad --at", []string{"demo", "--at", "22/11/2026"}, "--at"},
		{"bad output", []string{"demo", "-o", "yaml"}, "yaml"},
		{"an argument", []string{"demo", "extra"}, "extra"},
		{"bad wait", []string{"demo", "--wait", "later"}, "--wait"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != exitInvalid || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 naming %s", code, stderr, tt.want)
			}
		})
	}
	code, out, _ := runCLI(t, "", "demo", "--show-config")
	if code != exitOK || out != readFile(t, "../../examples/demo.yaml") {
		t.Errorf("--show-config: exit %d, output is not examples/demo.yaml", code)
	}
}

// TestDemoTwiceInOneFolder: demo --dir names a folder to keep; running the
// demo again in it must work as the first time did.
func TestDemoTwiceInOneFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, _, stderr := runDemoJSON(t, dir); code != exitOK {
		t.Fatalf("first run: exit %d; %s", code, stderr)
	}
	// --wait bounds the second run: it is a limit, not a speed assertion.
	code, rep, stderr := runDemoJSON(t, dir, "--wait", "5s")
	if code != exitOK {
		t.Fatalf("second run in the same --dir: exit %d, want 0; stderr:\n%s", code, stderr)
	}
	if rep.Store["dead"] != 0 {
		t.Errorf("second run: store %v", rep.Store)
	}
}
