package config

import (
	"slices"
	"strings"
	"testing"
)

// reportDests declares, on lines 1 to 6, two destinations that take
// notices (mail, chat), one that does not (tickets) and a route, so that
// the snippets of the tests below start on line 7.
const reportDests = "destinations:\n  mail: {email: {}}\n  chat: {slack: {}}\n  tickets: {backlog: {}}\n" +
	"routes:\n  - {name: r, pattern: {source: [x]}, to: [tickets]}\n"

// s3Storage is a reports: section with a storage, for projects with to:.
const s3Storage = "reports:\n  storage: {s3: {bucket: example-reports}}\n"

// noticeTypes is the WithNoticeTypes of the tests: email and slack take
// notices, backlog does not.
func noticeTypes() Option {
	return WithNoticeTypes(func(typ string) bool { return typ == "email" || typ == "slack" })
}

func TestProjectErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "projects is neither a list nor a file",
			src:  "projects: system-a\n",
			want: []string{`t.yaml:7:11: projects: want a list of projects (- name: ...) or {file: projects.csv}, got a string`},
		},
		{
			name: "empty project, unknown and missing keys",
			src:  "projects:\n  - null\n  - {name: a, acounts: [\"111111111111\"]}\n  - accounts: [\"111111111111\"]\n",
			want: []string{
				`t.yaml:8:5: projects[0]: empty project`,
				`t.yaml:9:5: projects[1]: missing required key "accounts"`,
				`t.yaml:9:15: projects[1]: unknown key "acounts" (did you mean "accounts"?)`,
				`t.yaml:10:5: projects[2]: missing required key "name"`,
			},
		},
		{
			name: "names",
			src: "projects:\n  - {name: bad/name, accounts: [\"111111111111\"]}\n  - {name: -dash, accounts: [\"111111111111\"]}\n" +
				"  - {name: " + strings.Repeat("長", 65) + ", accounts: [\"111111111111\"]}\n" +
				"  - {name: a, accounts: [\"111111111111\"]}\n  - {name: a, accounts: [\"222222222222\"]}\n  - {name: A, accounts: [\"333333333333\"]}\n" +
				"  - {name: \"\", accounts: [\"111111111111\"]}\n  - {name: 7, accounts: [\"111111111111\"]}\n",
			want: []string{
				`t.yaml:8:12: projects[0].name: "bad/name": ` + projectNameRule,
				`t.yaml:9:12: projects[1].name: "-dash": ` + projectNameRule,
				`t.yaml:10:12: projects[2].name: "` + strings.Repeat("長", 65) + `": ` + projectNameRule,
				`t.yaml:12:12: projects[4].name: project "a" is already defined at line 11`,
				`t.yaml:13:12: projects[5].name: project "A" differs from "a" (line 11) only in case; their report files would collide`,
				`t.yaml:14:12: projects[6].name: must not be empty`,
				`t.yaml:15:12: projects[7].name: want a string, got a number; quote it`,
			},
		},
		{
			name: "accounts",
			src: "projects:\n  - name: a\n    accounts: [\"11111111111\", 1.11111E+11, \"12345678901a\", \"111111111111\", 111111111111, true]\n" +
				"  - {name: b, accounts: []}\n  - {name: c, accounts: \"111111111111\"}\n  - {name: d, accounts: }\n",
			want: []string{
				`t.yaml:9:16: projects[0].accounts[0]: "11111111111" has 11 digits; an AWS account ID has 12 (write its leading zeros: a spreadsheet drops them unless the column is formatted as text)`,
				`t.yaml:9:31: projects[0].accounts[1]: "1.11111E+11" is an account ID a spreadsheet turned into a number; format the column as text and type the 12 digits again`,
				`t.yaml:9:44: projects[0].accounts[2]: "12345678901a" is not an AWS account ID (12 digits)`,
				`t.yaml:9:76: projects[0].accounts[4]: account 111111111111 is listed twice`,
				`t.yaml:9:90: projects[0].accounts[5]: want a string, got true/false; quote it`,
				`t.yaml:10:25: projects[1].accounts: name at least one AWS account ID`,
				`t.yaml:11:25: projects[2].accounts: want a list, got a string; write a one-item list as [x]`,
				`t.yaml:12:15: projects[3].accounts: must not be empty`,
			},
		},
		{
			name: "recipients",
			src: "projects:\n  - name: a\n    accounts: [\"111111111111\"]\n    to: [mail, tickets, mial, mail, 5]\n" +
				"  - {name: b, accounts: [\"222222222222\"], to: []}\n  - {name: c, accounts: [\"333333333333\"], to: }\n" + s3Storage,
			want: []string{
				`t.yaml:10:16: projects[0].to[1]: destination "tickets" is a backlog destination, which cannot receive reports (use email, slack, teams, sns, webhook)`,
				`t.yaml:10:25: projects[0].to[2]: destination "mial" is not defined under destinations (did you mean "mail"?)`,
				`t.yaml:10:31: projects[0].to[3]: destination "mail" is listed twice`,
				`t.yaml:10:37: projects[0].to[4]: want a string, got a number; quote it`,
				`t.yaml:11:47: projects[1].to: name at least one destination, or leave to out`,
				`t.yaml:12:43: projects[2].to: name at least one destination, or leave to out`,
			},
		},
		{
			name: "language, time zone, schedule and formats",
			src: "projects:\n  - name: a\n    accounts: [\"111111111111\"]\n    language: fr\n    timezone: Local\n" +
				"    schedule: \"0 9 * * MONX\"\n    formats: [xlsx, pdf, XLSX]\n" +
				"  - {name: b, accounts: [\"222222222222\"], timezone: Mars/Base, schedule: \"0 9 31 2 *\", formats: []}\n",
			want: []string{
				`t.yaml:10:15: projects[0].language: "fr" is not supported; use ja or en`,
				`t.yaml:11:15: projects[0].timezone: name an IANA time zone such as Asia/Tokyo or UTC`,
				`t.yaml:12:24: projects[0].schedule: day-of-week "MONX": not a number (0-6) or a day name (SUN-SAT)`,
				`t.yaml:13:21: projects[0].formats[1]: "pdf" is not a report format; use xlsx, csv or html`,
				`t.yaml:13:26: projects[0].formats[2]: "XLSX" is listed twice`,
				`t.yaml:14:53: projects[1].timezone: unknown time zone "Mars/Base"; use an IANA name such as Asia/Tokyo or UTC`,
				`t.yaml:14:79: projects[1].schedule: never runs: no date matches its day-of-month and month (such as February 30)`,
				`t.yaml:14:97: projects[1].formats: name at least one format (xlsx, csv or html), or leave formats out`,
			},
		},
		{
			name: "a project with recipients and no reports section",
			src:  "projects:\n  - {name: a, accounts: [\"111111111111\"], to: [mail]}\n",
			want: []string{`t.yaml:7:1: projects: project "a" (t.yaml:8:5) sends its report to mail, which needs a reports: section with storage (local: or s3:) to keep the report and link to it`},
		},
		{
			name: "a project with recipients and no storage",
			src:  "reports:\n  schedule: \"0 9 * * *\"\nprojects:\n  - {name: a, accounts: [\"111111111111\"]}\n  - {name: b, accounts: [\"222222222222\"], to: [chat]}\n",
			want: []string{`t.yaml:7:1: reports: missing storage: project "b" (t.yaml:11:5) sends its report to chat, which needs reports.storage (local: or s3:) to keep the report and link to it`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, parseErrors(t, reportDests+tt.src, noticeTypes()), tt.want)
		})
	}
}

func TestProjectDefaults(t *testing.T) {
	cfg := mustParse(t, "language: ja\n"+reportDests+
		"projects:\n"+
		"  - {name: 基幹システム, accounts: [\"111111111111\", 012345678901]}\n"+
		"  - name: system-b\n    accounts: [\"222222222222\"]\n    to: [mail, chat]\n    language: en\n"+
		"    schedule: \"30 8 1 * *\"\n    timezone: Europe/Berlin\n    formats: [CSV, html]\n"+
		"reports:\n  schedule: \"0 7 * * MON\"\n  timezone: UTC\n  formats: [html, xlsx]\n  storage: {s3: {bucket: b-1}}\n", noticeTypes())
	if len(cfg.Projects) != 2 {
		t.Fatalf("got %d projects, want 2", len(cfg.Projects))
	}
	a, b := cfg.Projects[0], cfg.Projects[1]
	checks := []struct {
		name      string
		got, want any
	}{
		{"a name", a.Name, "基幹システム"},
		{"a accounts, unquoted with a leading zero", a.Accounts, []string{"111111111111", "012345678901"}},
		{"a to", len(a.To), 0},
		{"a language from the config", a.Language, "ja"},
		{"a schedule from reports", a.Schedule, "0 7 * * MON"},
		{"a location from reports", a.Location.String(), "UTC"},
		{"a formats from reports", a.Formats, []string{"html", "xlsx"}},
		{"a pos", a.Pos.String(), "t.yaml:9:5"},
		{"b to", b.To, []string{"mail", "chat"}},
		{"b language", b.Language, "en"},
		{"b schedule", b.Schedule, "30 8 1 * *"},
		{"b location", b.Location.String(), "Europe/Berlin"},
		{"b formats in lower case", b.Formats, []string{"csv", "html"}},
		{"b pos", b.Pos.String(), "t.yaml:10:5"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !equalAny(c.got, c.want) {
				t.Errorf("got %#v, want %#v", c.got, c.want)
			}
		})
	}
	// A project's formats are its own: changing them leaves reports alone.
	a.Formats[0] = "csv"
	if cfg.Reports.Formats[0] != "html" {
		t.Error("a project's default formats share the array of Reports.Formats")
	}
}

func TestProjectsWithoutReports(t *testing.T) {
	cfg := mustParse(t, reportDests+"projects:\n  - {name: a, accounts: [\"111111111111\"]}\n")
	p := cfg.Projects[0]
	if cfg.Reports != nil {
		t.Errorf("Reports = %+v, want nil without a reports: key", cfg.Reports)
	}
	got := []string{p.Language, p.Schedule, p.Location.String(), strings.Join(p.Formats, ",")}
	want := []string{"en", DefaultReportSchedule, DefaultScheduleZone, "xlsx"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestProjectWarnings(t *testing.T) {
	// mail and chat are used by a project and by members only: they are
	// not reported unused.
	cfg := mustParse(t, reportDests+"projects:\n"+
		"  - {name: a, accounts: [\"111111111111\", \"222222222222\"], schedule: \"*/30 * * * *\"}\n"+
		"  - {name: b, accounts: [\"333333333333\", \"222222222222\"], to: [mail]}\n"+
		"  - {name: c, accounts: [\"222222222222\"], schedule: \"0 9,10 * * *\"}\n"+
		s3Storage+"members: {to: [chat]}\n")
	equalLines(t, cfg.Warnings(), []string{
		`t.yaml:8:69: projects[0].schedule: "*/30 * * * *" runs every 30m at times; every run sends the reports again (reports are usually daily or weekly)`,
		`t.yaml:9:42: projects[1].accounts[1]: account 222222222222 is also in project "a" (line 8); its findings appear in both reports`,
		`t.yaml:10:26: projects[2].accounts[0]: account 222222222222 is also in project "a" (line 8); its findings appear in both reports`,
	})
}

func TestNoticeTypesNotGiven(t *testing.T) {
	// Without WithNoticeTypes any destination may receive reports.
	cfg := mustParse(t, reportDests+s3Storage+"projects:\n  - {name: a, accounts: [\"111111111111\"], to: [tickets]}\n")
	if got := cfg.Projects[0].To; !slices.Equal(got, []string{"tickets"}) {
		t.Errorf("to = %q", got)
	}
}

func TestValidProjectName(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"system-a", true},
		{"System_A.v2", true},
		{"基幹システム", true},
		{"ｼｽﾃﾑ", true},
		{"プロジェクト・A", false}, // the middle dot is punctuation
		{"a b", false},
		{"a/b", false},
		{`a\b`, false},
		{"..", false},
		{".hidden", false},
		{"a:b", false},
		{"", false},
		{strings.Repeat("x", MaxProjectName), true},
		{strings.Repeat("x", MaxProjectName+1), false},
		{"bad\xffutf8", false},
	} {
		if got := validProjectName(tt.name); got != tt.ok {
			t.Errorf("validProjectName(%q) = %v, want %v", tt.name, got, tt.ok)
		}
	}
}
