package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestProjectsFiles loads the same projects from the config, from a CSV
// file (UTF-8 with a byte order mark, CRLF line ends, quoted cells, a
// Japanese name, a comment and an empty row, as Excel writes them) and from
// a YAML file.
func TestProjectsFiles(t *testing.T) {
	dests := "destinations:\n  mail-system-a: {email: {}}\n  slack-system-a: {slack: {}}\n" +
		"routes:\n  - {name: r, pattern: {source: [x]}, to: [mail-system-a]}\n" +
		"reports:\n  formats: [xlsx]\n  storage: {s3: {bucket: example-reports}}\n"
	inline, err := os.ReadFile("testdata/projects/projects.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{
		"csv":    "projects: {file: projects.csv}\n",
		"yaml":   "projects: {file: projects.yaml}\n",
		"inline": "projects:\n" + indent(string(inline), "  "),
	}
	wantPos := map[string][]string{
		"csv":    {"projects.csv:3:1", "projects.csv:4:1", "projects.csv:5:1", "projects.csv:7:1"},
		"yaml":   {"projects.yaml:2:3", "projects.yaml:8:3", "projects.yaml:11:3", "projects.yaml:12:3"},
		"inline": {"hubrelay.yaml:12:5", "hubrelay.yaml:18:5", "hubrelay.yaml:21:5", "hubrelay.yaml:22:5"},
	}
	for kind, src := range sources {
		t.Run(kind, func(t *testing.T) {
			cfg, err := Parse("testdata/projects/hubrelay.yaml", []byte("language: en\n"+dests+src), WithNow(testNow), noticeTypes())
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Projects) != 4 {
				t.Fatalf("got %d projects, want 4", len(cfg.Projects))
			}
			want := []Project{
				{Name: "system-a", Accounts: []string{"111111111111", "222222222222"}, To: []string{"mail-system-a", "slack-system-a"}, Language: "ja", Schedule: "0 9 * * MON", Formats: []string{"xlsx", "csv"}},
				{Name: "基幹システム", Accounts: []string{"333333333333", "444444444444"}, To: []string{"mail-system-a"}, Language: "en", Schedule: DefaultReportSchedule, Formats: []string{"xlsx"}},
				{Name: "system-c", Accounts: []string{"555555555555"}, To: []string{"slack-system-a"}, Language: "en", Schedule: "30 8 1 * *", Formats: []string{"html"}},
				{Name: "sandbox", Accounts: []string{"999999999999"}, Language: "en", Schedule: DefaultReportSchedule, Formats: []string{"xlsx"}},
			}
			wantLoc := []string{"Asia/Tokyo", "Asia/Tokyo", "Europe/Berlin", "Asia/Tokyo"}
			for i, p := range cfg.Projects {
				w := want[i]
				if p.Name != w.Name || !slices.Equal(p.Accounts, w.Accounts) || !slices.Equal(p.To, w.To) ||
					p.Language != w.Language || p.Schedule != w.Schedule || !slices.Equal(p.Formats, w.Formats) ||
					p.Location.String() != wantLoc[i] {
					t.Errorf("project %d = %+v (%s), want %+v (%s)", i, *p, p.Location, w, wantLoc[i])
				}
				if got := filepath.Base(p.Pos.File) + ":" + strings.SplitN(p.Pos.String(), ":", 2)[1]; got != wantPos[kind][i] {
					t.Errorf("project %d at %s, want %s", i, got, wantPos[kind][i])
				}
			}
			if w := cfg.Warnings(); len(w) != 0 {
				t.Errorf("warnings: %q", w)
			}
		})
	}
}

// indent prefixes every non-empty line of s.
func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, line := range lines {
		if strings.TrimSpace(line) != "" {
			lines[i] = prefix + line
		}
	}
	return strings.Join(lines, "")
}

// fileProblems writes the projects file name with content into a new
// directory, parses a config naming it and returns the errors (or, when the
// config is valid, the warnings) with the directory left out.
func fileProblems(t *testing.T, name, content string) []string {
	t.Helper()
	dir := t.TempDir()
	if content != "" {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	src := reportDests + s3Storage + "projects: {file: " + name + "}\nmembers: {to: [mail, chat]}\n"
	cfg, err := Parse(filepath.Join(dir, "hubrelay.yaml"), []byte(src), WithNow(testNow), noticeTypes())
	var lines []string
	if err != nil {
		lines = strings.Split(err.(ErrorList).Error(), "\n")
	} else {
		lines = cfg.Warnings()
	}
	for i, line := range lines {
		lines[i] = strings.ReplaceAll(line, dir+string(filepath.Separator), "")
	}
	return lines
}

func TestProjectsCSVErrors(t *testing.T) {
	const header = "name,accounts,to,language,schedule,timezone,formats\n"
	tests := []struct {
		name string
		csv  string
		want []string
	}{
		{
			name: "Shift_JIS, as Excel saves a plain CSV on a Japanese system",
			csv:  header + "a,111111111111\n\x8a\xee\x8a\xb2,222222222222\n",
			want: []string{`p.csv:3:1: not UTF-8 text; save the file as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited) (*.csv)", 「CSV UTF-8 (コンマ区切り) (*.csv)」)`},
		},
		{
			name: "unknown, repeated and missing columns",
			csv:  "name,acounts,Name,owner\n",
			want: []string{
				`p.csv:1:6: header: unknown column "acounts" (did you mean "accounts"?); use name, accounts, to, language, schedule, timezone, formats`,
				`p.csv:1:14: header: column "Name" is written twice`,
				`p.csv:1:19: header: unknown column "owner"; use name, accounts, to, language, schedule, timezone, formats`,
			},
		},
		{
			name: "no header",
			csv:  "system-a,111111111111\n",
			want: []string{
				`p.csv:1:1: header: unknown column "system-a"; use name, accounts, to, language, schedule, timezone, formats`,
				`p.csv:1:10: header: unknown column "111111111111"; the first row names the columns; use name, accounts, to, language, schedule, timezone, formats`,
			},
		},
		{
			name: "a required column missing",
			csv:  "name,to\na,mail\n",
			want: []string{`p.csv:1:1: header: missing column "accounts"; the first row names the columns, as in name,accounts,to,language`},
		},
		{
			name: "a bare quote",
			csv:  header + "a,111111111111,mail\nb,\"22\"2,mail\n",
			want: []string{`p.csv:3:6: invalid CSV: extraneous or missing " in quoted-field: put the whole cell in double quotes and write each " inside it as ""`},
		},
		{
			name: "more cells than columns, empty name and accounts",
			csv:  "name,accounts\na,111111111111,extra\n,222222222222\nc,\n",
			want: []string{
				`p.csv:2:16: line has 3 cells, more than the 2 columns of the header (quote a cell that holds a comma)`,
				`p.csv:3:1: column "name": empty; every project needs a name`,
				`p.csv:4:1: column "accounts": empty; name at least one AWS account ID`,
			},
		},
		{
			name: "values in cells",
			csv: header +
				"a,111111111111;11111111111  1.11111E+11,mail;tickets,fr,0 9 * * MONX,Mars/Base,xlsx pdf\n" +
				"\"bad name\",\"333333333333\",\"mial\",ja,0 9,,\n" +
				"A,444444444444\n" +
				"d,１１１１１１１１１１１１\n",
			want: []string{
				`p.csv:2:16: column "accounts": "11111111111" has 11 digits; an AWS account ID has 12 (write its leading zeros: a spreadsheet drops them unless the column is formatted as text)`,
				`p.csv:2:29: column "accounts": "1.11111E+11" is an account ID a spreadsheet turned into a number; format the column as text and type the 12 digits again`,
				`p.csv:2:46: column "to": destination "tickets" is a backlog destination, which cannot receive reports (use email, slack, teams, sns, webhook)`,
				`p.csv:2:54: column "language": "fr" is not supported; use ja or en`,
				`p.csv:2:65: column "schedule": day-of-week "MONX": not a number (0-6) or a day name (SUN-SAT)`,
				`p.csv:2:70: column "timezone": unknown time zone "Mars/Base"; use an IANA name such as Asia/Tokyo or UTC`,
				`p.csv:2:85: column "formats": "pdf" is not a report format; use xlsx, csv or html`,
				`p.csv:3:1: column "name": "bad name": ` + projectNameRule,
				`p.csv:3:27: column "to": destination "mial" is not defined under destinations (did you mean "mail"?)`,
				`p.csv:3:37: column "schedule": 2 fields; a schedule has 5: minute hour day-of-month month day-of-week, as in "0 9 * * MON-FRI"`,
				`p.csv:4:1: column "name": project "A" differs from "a" (line 2) only in case; their report files would collide`,
				`p.csv:5:3: column "accounts": "１１１１１１１１１１１１" is written in full-width digits; write the 12 digits half-width (半角)`,
			},
		},
		{
			name: "names differing in case",
			csv:  "name,accounts\r\nSystem-A,111111111111\r\nsystem-a,222222222222\r\n",
			want: []string{`p.csv:3:1: column "name": project "system-a" differs from "System-A" (line 2) only in case; their report files would collide`},
		},
		{
			name: "a shared account is a warning",
			csv:  "name,accounts\n基幹,111111111111\n\"b\",\"222222222222 111111111111\"\n",
			want: []string{`p.csv:3:19: column "accounts": account 111111111111 is also in project "基幹" (line 2); its findings appear in both reports`},
		},
		{
			name: "only a header",
			csv:  "\uFEFFname,accounts\r\n",
			want: []string{`hubrelay.yaml:9:18: projects.file: p.csv has no projects: no report will be made`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, fileProblems(t, "p.csv", tt.csv), tt.want)
		})
	}
}

func TestProjectsYAMLFileErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{
			name: "projects: written in the file",
			yaml: "projects:\n  - {name: a, accounts: [\"111111111111\"]}\n",
			want: []string{`p.yaml:1:1: a projects file holds the list itself: remove "projects:" and write the list (- name: ...) at the top level`},
		},
		{
			name: "invalid YAML",
			yaml: "- {name: a, accounts: [\"111111111111\"]\n",
			want: []string{`p.yaml:1:3: invalid YAML: could not find flow mapping end token '}'`},
		},
		{
			name: "problems in the file are positioned there",
			yaml: "# projects\n- name: a\n  accounts: [\"111111111111\"]\n  to: [tickets]\n- name: a\n  accounts: [12345]\n  schedule: \"0 9 * * 7\"\n",
			want: []string{
				`p.yaml:4:8: projects[0].to[0]: destination "tickets" is a backlog destination, which cannot receive reports (use email, slack, teams, sns, webhook)`,
				`p.yaml:5:9: projects[1].name: project "a" is already defined at line 2`,
				`p.yaml:6:14: projects[1].accounts[0]: "12345" has 5 digits; an AWS account ID has 12 (write its leading zeros: a spreadsheet drops them unless the column is formatted as text)`,
				`p.yaml:7:22: projects[1].schedule: day-of-week "7": 7 is above the maximum 6 (Sunday is 0 or SUN)`,
			},
		},
		{
			name: "an empty file",
			yaml: "# nothing yet\n",
			want: []string{`hubrelay.yaml:9:18: projects.file: p.yaml has no projects: no report will be made`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, fileProblems(t, "p.yaml", tt.yaml), tt.want)
		})
	}
}

func TestProjectsFileReference(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"missing file", "projects: {file: nope.csv}\n", []string{`t.yaml:7:18: projects.file: cannot read nope.csv: no such file or directory`}},
		{"unknown extension", "projects: {file: projects.xlsx}\n", []string{`t.yaml:7:18: projects.file: "projects.xlsx": want a .csv, .yaml or .yml file`}},
		{"unknown key", "projects: {path: p.csv}\n", []string{
			`t.yaml:7:11: projects: missing required key "file"`,
			`t.yaml:7:12: projects: unknown key "path"`,
		}},
		{"empty name", "projects: {file: \"\"}\n", []string{`t.yaml:7:18: projects.file: must not be empty`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, parseErrors(t, reportDests+tt.src), tt.want)
		})
	}
}
