package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/report/trend"
	"github.com/hubrelay/hubrelay/internal/store"
)

// trendsConfig is a config with two projects: system-a in the config's
// time zone and language (Tokyo, ja), system-b in UTC and English.
const trendsConfig = `store: sqlite:STORE
language: ja
timezone: Asia/Tokyo
projects:
  - name: system-a
    accounts: ["111111111111"]
  - name: system-b
    accounts: ["222222222222"]
    language: en
    timezone: UTC
`

// trendsFixture writes the config and feeds its store, through Ingest with
// the clock of each version, this history (Tokyo times):
//
//	A1 111… HIGH    new 2 Nov 10:00, CRITICAL from 3 Nov 09:00, resolved 4 Nov 10:00 (48 h)
//	A2 111… LOW     new 2 Nov 12:00, suppressed 3 Nov 12:00
//	A3 111… MEDIUM  new 3 Nov 08:00, resolved 3 Nov 20:00 (12 h), reopened 4 Nov 08:00
//	B1 222… HIGH    new 4 Nov 08:00 (3 Nov 23:00 UTC)
func trendsFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "hubrelay.db")
	cfg := filepath.Join(dir, "hubrelay.yaml")
	if err := os.WriteFile(cfg, []byte(strings.Replace(trendsConfig, "STORE", dbPath, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, tokyo) }
	type version struct {
		id, account, severity, state string
		at                           time.Time
	}
	history := []version{
		{"A1", "111111111111", "HIGH", "open", at(2, 10)},
		{"A2", "111111111111", "LOW", "open", at(2, 12)},
		{"A3", "111111111111", "MEDIUM", "open", at(3, 8)},
		{"A1", "111111111111", "CRITICAL", "open", at(3, 9)},
		{"A2", "111111111111", "LOW", "suppressed", at(3, 12)},
		{"A3", "111111111111", "MEDIUM", "passed", at(3, 20)},
		{"A3", "111111111111", "MEDIUM", "open", at(4, 8)},
		{"B1", "222222222222", "HIGH", "open", at(4, 8)},
		{"A1", "111111111111", "CRITICAL", "passed", at(4, 10)},
	}
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, v := range history {
		f := &finding.Finding{
			ID: "arn:aws:securityhub:ap-northeast-1:" + v.account + ":finding/" + v.id, ProductARN: "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
			AccountID: v.account, Severity: finding.Severity{Label: v.severity}, Workflow: "NEW", RecordState: "ACTIVE",
			Compliance: finding.Compliance{Status: "FAILED"}, UpdatedAt: v.at,
		}
		switch v.state {
		case "passed":
			f.Compliance.Status = "PASSED"
		case "suppressed":
			f.Workflow = "SUPPRESSED"
		}
		if _, err := st.Ingest(ctx, []store.Observation{{Finding: f, Event: []byte(`{}`), Source: "poll", ReceivedAt: v.at}}); err != nil {
			t.Fatal(err)
		}
	}
	return cfg
}

// readTrendsCSV checks the BOM and parses the CSV output.
func readTrendsCSV(t *testing.T, out string) [][]string {
	t.Helper()
	body, ok := strings.CutPrefix(out, trend.ExcelBOM)
	if !ok {
		t.Fatalf("CSV output does not start with a UTF-8 BOM: %q", out[:min(len(out), 20)])
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v\n%s", err, body)
	}
	return rows
}

func joinRows(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, ","))
	}
	return out
}

func TestTrendsCSV(t *testing.T) {
	cfg := trendsFixture(t)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"daily, all accounts then every project", []string{"--from", "2026-11-02", "--to", "2026/11/04"}, []string{
			"プロジェクト,日付,CRITICAL,HIGH,MEDIUM,LOW,INFORMATIONAL,合計",
			",2026-11-02,0,1,0,1,0,2",
			",2026-11-03,1,0,0,0,0,1",
			",2026-11-04,0,1,1,0,0,2",
			"system-a,2026-11-02,0,1,0,1,0,2",
			"system-a,2026-11-03,1,0,0,0,0,1",
			"system-a,2026-11-04,0,0,1,0,0,1",
			"system-b,2026-11-02,0,0,0,0,0,0",
			"system-b,2026-11-03,0,1,0,0,0,1",
			"system-b,2026-11-04,0,1,0,0,0,1",
		}},
		{"weekly, one project", []string{"--project", "system-a", "--from", "2026-11-02", "--to", "2026-11-04", "--what", "weekly"}, []string{
			"プロジェクト,週の開始日 (月曜),ISO週,新規,再発,解決,抑制",
			"system-a,2026-11-02,2026-W45,3,1,2,1",
		}},
		{"mttr in the project's language", []string{"--project", "system-b", "--to", "2026-11-04", "--days", "3", "--what", "mttr"}, []string{
			"project,severity,resolved,mean_hours,median_hours",
			"system-b,CRITICAL,0,,", "system-b,HIGH,0,,", "system-b,MEDIUM,0,,", "system-b,LOW,0,,", "system-b,INFORMATIONAL,0,,",
		}},
		{"mttr", []string{"--project", "system-a", "--to", "2026-11-04", "--days", "2", "--what", "mttr"}, []string{
			"プロジェクト,重要度,解決件数,平均解決時間 (時間),中央値 (時間)",
			"system-a,CRITICAL,1,48.00,48.00", "system-a,HIGH,0,,", "system-a,MEDIUM,1,12.00,12.00",
			"system-a,LOW,0,,", "system-a,INFORMATIONAL,0,,",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", append([]string{"trends", "-c", cfg, "-o", "csv"}, tc.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got := joinRows(readTrendsCSV(t, out)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("CSV:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestTrendsJSON(t *testing.T) {
	cfg := trendsFixture(t)
	code, out, stderr := runCLI(t, "", "trends", "-c", cfg, "-o", "json", "--from", "2026-11-03", "--to", "2026-11-04")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sums []struct {
		Project  string `json:"project"`
		TimeZone string `json:"time_zone"`
		Days     []struct {
			Date  string         `json:"date"`
			Open  map[string]int `json:"open"`
			Total int            `json:"total"`
		} `json:"days"`
		Weeks []struct {
			ISOWeek  string `json:"iso_week"`
			New      int    `json:"new"`
			Resolved int    `json:"resolved"`
		} `json:"weeks"`
		MTTR []struct {
			Severity    string  `json:"severity"`
			Resolved    int     `json:"resolved"`
			MeanSeconds float64 `json:"mean_seconds"`
		} `json:"mttr"`
	}
	if err := json.Unmarshal([]byte(out), &sums); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(sums) != 3 || sums[0].Project != "" || sums[1].Project != "system-a" || sums[2].TimeZone != "UTC" {
		t.Fatalf("summaries: %+v", sums)
	}
	a := sums[1]
	if len(a.Days) != 2 || a.Days[0].Date != "2026-11-03" || a.Days[0].Open["CRITICAL"] != 1 || a.Days[1].Total != 1 {
		t.Errorf("system-a days: %+v", a.Days)
	}
	// From 3 Nov: A1 and A2 opened before the period; A3 opened, resolved and reopened in it.
	if len(a.Weeks) != 1 || a.Weeks[0].ISOWeek != "2026-W45" || a.Weeks[0].New != 1 || a.Weeks[0].Resolved != 2 {
		t.Errorf("system-a weeks: %+v", a.Weeks)
	}
	if m := a.MTTR[0]; m.Severity != "CRITICAL" || m.Resolved != 1 || m.MeanSeconds != 48*3600 {
		t.Errorf("system-a mttr: %+v", a.MTTR)
	}
}

func TestTrendsTable(t *testing.T) {
	cfg := trendsFixture(t)
	code, out, stderr := runCLI(t, "", "trends", "-c", cfg, "--project", "system-b", "--from", "2026-11-02", "--to", "2026-11-04")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"== Open findings at the end of each day ==\nsystem-b: 2026-11-02 to 2026-11-04 (UTC)\n",
		"2026-11-03         0     1       0    0              0      1\n",
		"== New and resolved per week ==",
		"2026-11-02  2026-W45    1         0         0           0\n",
		"== Time to resolve ==",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, stderr = runCLI(t, "", "trends", "-c", cfg, "--to", "2026-11-04", "--days", "1", "--what", "mttr")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"== 解決までの時間 ==\n全アカウント: 2026-11-04 〜 2026-11-04 (Asia/Tokyo)\n", "CRITICAL              1           2日     2日\n", "system-b: 2026-11-04 〜 2026-11-04 (UTC)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "日ごと") {
		t.Errorf("--what mttr printed the daily table:\n%s", out)
	}
}

// TestTrendsDefaultPeriod checks that the period ends today in the
// config's time zone and spans --days days.
func TestTrendsDefaultPeriod(t *testing.T) {
	cfg := trendsFixture(t)
	code, out, stderr := runCLI(t, "", "trends", "-c", cfg, "-o", "csv", "--project", "system-a", "--days", "3")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := readTrendsCSV(t, out)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	today := time.Now().In(tokyo)
	if len(rows) != 4 || rows[3][1] != today.Format(time.DateOnly) || rows[1][1] != today.AddDate(0, 0, -2).Format(time.DateOnly) {
		t.Errorf("rows %v, want the 3 days up to %s", rows, today.Format(time.DateOnly))
	}
	if code, out, _ = runCLI(t, "", "trends", "-c", cfg, "-o", "csv"); code != exitOK || len(readTrendsCSV(t, out)) != 1+3*defaultTrendDays {
		t.Errorf("default period: exit %d, %d rows", code, len(readTrendsCSV(t, out)))
	}
}

func TestTrendsErrors(t *testing.T) {
	cfg := trendsFixture(t)
	unreachable := filepath.Join(t.TempDir(), "pg.yaml")
	if err := os.WriteFile(unreachable, []byte("store: postgres://hubrelay:s3cret-pw@127.0.0.1:1/hubrelay?connect_timeout=2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad from", []string{"-c", cfg, "--from", "2026-13-01"}, exitInvalid, `--from: want a date as YYYY-MM-DD or YYYY/MM/DD, got "2026-13-01"`},
		{"bad to", []string{"-c", cfg, "--to", "4 Nov"}, exitInvalid, `--to: want a date as YYYY-MM-DD or YYYY/MM/DD, got "4 Nov"`},
		{"from after to", []string{"-c", cfg, "--from", "2026-11-05", "--to", "2026-11-04"}, exitInvalid, "--from 2026-11-05 is after --to 2026-11-04"},
		{"from and days", []string{"-c", cfg, "--from", "2026-11-01", "--days", "3"}, exitInvalid, "--from and --days: give one of them"},
		{"days zero", []string{"-c", cfg, "--days", "0"}, exitInvalid, "--days: want 1 to 3660, got 0"},
		{"too long", []string{"-c", cfg, "--from", "2000-01-01", "--to", "2026-11-04"}, exitInvalid, "at most 3660 days"},
		{"unknown project", []string{"-c", cfg, "--project", "system-c"}, exitInvalid, `--project "system-c": not in the config (projects: system-a, system-b)`},
		{"output", []string{"-c", cfg, "-o", "xml"}, exitInvalid, `--output: want table, json or csv, got "xml"`},
		{"what", []string{"-c", cfg, "--what", "hourly"}, exitInvalid, `--what: want one of daily, weekly, mttr, got "hourly"`},
		{"no config", []string{"--days", "3"}, exitInvalid, `"config" not set`},
		{"store unreachable", []string{"-c", unreachable}, exitNegative, "store: "},
		{"no projects", []string{"-c", unreachable, "--project", "a"}, exitInvalid, `--project "a": the config has no projects`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", append([]string{"trends"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
			if out != "" {
				t.Errorf("wrote %q to stdout", out)
			}
			if strings.Contains(stderr, "s3cret-pw") {
				t.Errorf("stderr shows the store password: %s", stderr)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"2026-11-04", "2026-11-04"},
		{"2026/11/04", "2026-11-04"},
		{" 2024-02-29 ", "2024-02-29"},
		{"2026-02-29", ""},
		{"2026/11-04", ""},
		{"2026-1-4", ""},
		{"20261104", ""},
		{"", ""},
	} {
		d, err := parseDate("--from", tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("parseDate(%q) = %v, want an error", tc.in, d)
		case tc.want != "" && (err != nil || d.String() != tc.want):
			t.Errorf("parseDate(%q) = %v, %v; want %s", tc.in, d, err, tc.want)
		}
	}
}

// FuzzParseDate checks that parseDate either fails with an error naming
// the flag or returns a real day that reads back as itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-04", "2026/11/04", "2024-02-29", "2026-02-29", "0000-01-01", "9999-12-31", "2026/11-04", "２０２６-11-04", " 2026-11-04\n", "2026-11-04T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDate("--to", s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--to: ") {
				t.Fatalf("error %q does not name the flag", err)
			}
			return
		}
		back, err := parseDate("--to", d.String())
		if err != nil || *back != *d {
			t.Fatalf("%q → %v, which reads back as %v, %v", s, d, back, err)
		}
		if got := d.at(time.UTC); got.Year() != d.year || got.Month() != d.month || got.Day() != d.day {
			t.Fatalf("%q → %v is not a calendar day (%v)", s, d, got)
		}
	})
}
