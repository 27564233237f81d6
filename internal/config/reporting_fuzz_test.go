package config

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/robfig/cron/v3"
)

// fuzzRecipients are the destinations the projects of the fuzz tests may
// name: mail takes notices, tickets does not.
func fuzzRecipients() *recipients {
	dests := []*Destination{{Name: "mail", Type: "email"}, {Name: "tickets", Type: "backlog"}}
	return newRecipients(dests, []string{"mail", "tickets"}, func(typ string) bool { return typ == "email" })
}

// fuzzLoader is a loader for a projects file, as readProjectsFile makes
// one.
func fuzzLoader(file string, data []byte) *loader {
	l := &loader{file: "hubrelay.yaml", dir: ".", src: newSourceText(nil), opts: newOptions([]Option{WithNow(testNow)})}
	return l.subLoader(file, data)
}

// checkFuzzProjects checks what a projects file parser returned: every
// problem is positioned in the file, and every project accepted is valid.
func checkFuzzProjects(t *testing.T, l *loader, file string, data []byte, projects []*Project) {
	t.Helper()
	// YAML also ends a line at a lone CR.
	lines := 1 + strings.Count(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r")
	for _, e := range append(slices.Clone(l.errs), l.warns...) {
		if e.Pos.File != file || e.Pos.Line < 1 || e.Pos.Column < 1 || e.Pos.Line > lines+1 {
			t.Fatalf("bad position in %q (%d lines)", e.Error(), lines)
		}
	}
	if len(l.errs) > 0 {
		return
	}
	names := map[string]bool{}
	for _, p := range projects {
		if !validProjectName(p.Name) || names[strings.ToLower(p.Name)] {
			t.Fatalf("project name %q accepted", p.Name)
		}
		names[strings.ToLower(p.Name)] = true
		if len(p.Accounts) == 0 {
			t.Fatalf("project %q without accounts", p.Name)
		}
		seen := map[string]bool{}
		for _, a := range p.Accounts {
			if accountProblem(a) != "" || seen[a] {
				t.Fatalf("account %q accepted in %q", a, p.Name)
			}
			seen[a] = true
		}
		for _, to := range p.To {
			if to != "mail" {
				t.Fatalf("recipient %q accepted", to)
			}
		}
		if p.Language != "ja" && p.Language != "en" || p.Location == nil || len(p.Formats) == 0 {
			t.Fatalf("project %+v accepted", *p)
		}
		for _, f := range p.Formats {
			if !slices.Contains(reportFormats, f) {
				t.Fatalf("format %q accepted", f)
			}
		}
		if _, err := cron.ParseStandard(p.Schedule); err != nil {
			t.Fatalf("schedule %q accepted: %v", p.Schedule, err)
		}
	}
}

var fuzzDefaults = projectDefaults{language: "en", schedule: DefaultReportSchedule, location: time.UTC, formats: []string{FormatXLSX}}

// FuzzProjectsCSV feeds arbitrary bytes as a projects CSV file: the parser
// never panics, positions every problem in the file, and accepts only
// valid projects.
func FuzzProjectsCSV(f *testing.F) {
	data, err := os.ReadFile("testdata/projects/projects.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, seed := range []string{
		"",
		"\uFEFF",
		"name,accounts\n",
		"name,accounts,to\r\na,111111111111,mail\r\n",
		"Name , ACCOUNTS,formats,timezone,schedule,language\nx,\"1 2;3,111111111111\",XLSX csv,Asia/Tokyo,0 9 * * 7,ja\n",
		"name,accounts\n\"a\nb\",111111111111\n",
		"name,accounts,to\nA,111111111111,tickets\na,111111111111,mail mail\n",
		"name,accounts\nx,\"11\"1\n",
		"# c\nname,accounts\n,,\n基幹,1.11111E+11\n",
		"name,accounts\n\x8a\xee,111111111111\n",
		"name,name\n",
		"name,accounts\na,111111111111,extra,cells\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l := fuzzLoader("p.csv", data)
		projects := l.checkProjects(l.readCSVProjects(data), fuzzDefaults, fuzzRecipients())
		checkFuzzProjects(t, l, "p.csv", data, projects)
	})
}

// FuzzProjectsYAML feeds arbitrary bytes as a projects YAML file, with the
// same checks as FuzzProjectsCSV.
func FuzzProjectsYAML(f *testing.F) {
	data, err := os.ReadFile("testdata/projects/projects.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, seed := range []string{
		"",
		"[]\n",
		"projects: []\n",
		"- {name: a, accounts: [111111111111, \"222222222222\"], to: [mail]}\n- {name: A, accounts: [1.1E+11]}\n",
		"- name: a\n  accounts: &x [\"111111111111\"]\n- {name: b, accounts: *x, to: [tickets], formats: [PDF], schedule: \"@every 1h\"}\n",
		"- {name: \"${env:NOPE}\", accounts: []}\n",
		"- {name: x, accounts: [\"111111111111\"], timezone: Local, language: de, schedule: \"0 0 30 2 *\"}\n",
		"- null\n- 1\n- [a]\n",
		"- {name: a, accounts: [\"111111111111\"]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l := fuzzLoader("p.yaml", data)
		projects := l.checkProjects(l.readYAMLProjectsFile(data), fuzzDefaults, fuzzRecipients())
		checkFuzzProjects(t, l, "p.yaml", data, projects)
	})
}

// FuzzReportsSettings feeds arbitrary values to the scalar settings of
// reports: and members: (schedules, a size, link lifetimes, the S3 bucket
// and prefix, the base URL and an allowed range): Parse never panics,
// positions every error, and what it accepts is within the documented
// limits.
func FuzzReportsSettings(f *testing.F) {
	for _, s := range [][7]string{
		{"0 9 * * MON-FRI", "5MB", "168h", "example-reports", "reports/", "https://hubrelay.example.com", "203.0.113.0/24"},
		{"@daily", "0", "7d", "a.b-c", "", "http://localhost:8080/x/", "10.0.0.1"},
		{"*/5 * * * *", "10MiB", "8d", "Bad_Bucket", "/x", "ftp://x", "fe80::1%eth0"},
		{"0 25 * * *", "5.5MB", "30s", "192.168.1.1", "x", "https://u:p@h", "10.0.0.1/8"},
		{"cron(0 9 ? * MON *)", "2GiB", "-1h", "s3://b", "a/b/", "https://h?q", "::/0"},
		{"TZ=UTC 0 9 * * *", "99999999999999999999", "1m", "ab", "日本/", "https://[::1]/", "2001:db8::/129"},
		{"0 9 30 2 *", "512 kib", "", "xn--abc", "reports", "", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5], s[6])
	}
	f.Fuzz(func(t *testing.T, schedule, size, expires, bucket, prefix, baseURL, allow string) {
		const secret = "fuzz-link-secret-0123456789abcdef0123"
		src := "destinations:\n  mail: {email: {}}\n" +
			"reports:\n  schedule: " + quoteYAML(schedule) + "\n  attach_max: " + quoteYAML(size) + "\n" +
			"  storage:\n    s3: {bucket: " + quoteYAML(bucket) + ", prefix: " + quoteYAML(prefix) + ", expires: " + quoteYAML(expires) + "}\n" +
			"members: {to: [mail], schedule: " + quoteYAML(schedule) + "}\n" +
			"---\n"
		checkReportsFuzz(t, src, "")
		src = "destinations:\n  mail: {email: {}}\n" +
			"reports:\n  storage:\n    local: {base_url: " + quoteYAML(baseURL) + ", secret: " + quoteYAML(secret) +
			", expires: " + quoteYAML(expires) + ", allow: [" + quoteYAML(allow) + "]}\n" +
			"projects: [{name: a, accounts: [\"111111111111\"], to: [mail], schedule: " + quoteYAML(schedule) + "}]\n"
		checkReportsFuzz(t, src, secret)
	})
}

func checkReportsFuzz(t *testing.T, src, secret string) {
	t.Helper()
	cfg, err := Parse("fuzz.yaml", []byte(src), WithNow(testNow))
	if err != nil {
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error %T is not a non-empty ErrorList", err)
		}
		for _, e := range list {
			if e.Pos.File != "fuzz.yaml" || e.Pos.Line < 1 || e.Pos.Column < 1 {
				t.Fatalf("bad position in %q", e.Error())
			}
		}
		if secret != "" && strings.Contains(list.Detailed(), secret) {
			t.Fatalf("secret in errors:\n%s", list.Detailed())
		}
		return
	}
	for _, w := range cfg.Warnings() {
		if secret != "" && strings.Contains(w, secret) {
			t.Fatalf("secret in warning %q", w)
		}
	}
	schedules := []string{cfg.Reports.Schedule}
	if cfg.Members != nil {
		schedules = append(schedules, cfg.Members.Schedule)
	}
	for _, p := range cfg.Projects {
		schedules = append(schedules, p.Schedule)
	}
	for _, s := range schedules {
		sched, err := cron.ParseStandard(s)
		if err != nil || strings.HasPrefix(strings.TrimSpace(s), "@every") || sched.Next(testNow).IsZero() {
			t.Fatalf("schedule %q accepted (%v)", s, err)
		}
	}
	r := cfg.Reports
	if r.AttachMax < 0 || r.AttachMax > maxSize {
		t.Fatalf("attach_max %d accepted", r.AttachMax)
	}
	if s3 := r.Storage.S3; s3 != nil {
		if bucketProblem(s3.Bucket) != "" || s3.Expires < MinLinkExpires || s3.Expires > MaxPresignExpires ||
			strings.HasPrefix(s3.Prefix, "/") || (s3.Prefix != "" && !strings.HasSuffix(s3.Prefix, "/")) {
			t.Fatalf("s3 storage %+v accepted", *s3)
		}
	}
	if local := r.Storage.Local; local != nil {
		if baseURLProblem(local.BaseURL) != "" || strings.HasSuffix(local.BaseURL, "/") || local.Expires < MinLinkExpires ||
			len(local.Secret) < MinLinkSecret || !utf8.ValidString(local.BaseURL) {
			t.Fatalf("local storage %+v accepted", *local)
		}
		if !slices.Contains(cfg.Secrets(), local.Secret) {
			t.Fatal("link secret not among Secrets()")
		}
		for _, p := range local.Allow {
			if !p.IsValid() || p.Masked() != p {
				t.Fatalf("allow %v accepted", p)
			}
		}
	}
}
