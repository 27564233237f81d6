package trend_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/report/trend"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// checkGolden compares got with testdata/golden/name, or rewrites the file
// when the test runs with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking the change)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// projects computes the scenario's two projects over 2–12 Nov, Tokyo.
func projects(t *testing.T) []*trend.Summary {
	t.Helper()
	s := storetest.Open(t, store.DialectSQLite)
	feed(t, s, scenario()...)
	from, to := jst(2, 0, 0), jst(12, 0, 0)
	sums, err := trend.ComputeAll(context.Background(), s, []trend.Query{
		{Project: "system-a", Accounts: []string{accountA}, From: from, To: to, Location: tokyo},
		{Project: "system-b", Accounts: []string{accountB}, From: from, To: to, Location: tokyo},
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func TestWriteCSV(t *testing.T) {
	sums := projects(t)
	for _, lang := range trend.Languages() {
		for _, what := range trend.Tables() {
			t.Run(lang+"/"+what, func(t *testing.T) {
				var b bytes.Buffer
				if err := trend.WriteCSVAll(&b, sums, what, lang); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, "all-"+what+"-"+lang+".csv", b.Bytes())

				// Parsed back, the rows are the Summaries' numbers.
				rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]int{trend.Daily: 20, trend.Weekly: 4, trend.MTTR: 10}[what]
				if len(rows) != want+1 {
					t.Fatalf("%d rows, want %d and a header", len(rows)-1, want)
				}
				switch what {
				case trend.Daily:
					// system-a, 4 Nov: CRITICAL 1, LOW 1, total 2.
					if got := strings.Join(rows[3], ","); got != "system-a,2026-11-04,1,0,0,1,0,2" {
						t.Errorf("row 3 = %s", got)
					}
					if rows[11][0] != "system-b" || rows[11][7] != "1" {
						t.Errorf("row 11 = %v", rows[11])
					}
				case trend.Weekly:
					if got := strings.Join(rows[1], ","); got != "system-a,2026-11-02,2026-W45,3,1,3,1" {
						t.Errorf("row 1 = %s", got)
					}
				case trend.MTTR:
					if got := strings.Join(rows[1], ","); got != "system-a,CRITICAL,3,30.00,12.00" {
						t.Errorf("row 1 = %s", got)
					}
					if got := strings.Join(rows[3], ","); got != "system-a,MEDIUM,0,," {
						t.Errorf("row 3 = %s", got)
					}
				}

				// One Summary alone is the same table, its rows only.
				var one bytes.Buffer
				if err := sums[1].WriteCSV(&one, what, lang); err != nil {
					t.Fatal(err)
				}
				lines := strings.SplitAfter(b.String(), "\n")
				if want := lines[0] + strings.Join(lines[1+want/2:], ""); one.String() != want {
					t.Errorf("system-b alone:\n%s\nwant\n%s", one.String(), want)
				}
			})
		}
	}
}

func TestWriteErrors(t *testing.T) {
	sums := projects(t)
	var b bytes.Buffer
	for _, tc := range []struct{ what, lang, want string }{
		{"hourly", "en", `trend: table "hourly": want one of daily, weekly, mttr`},
		{"daily", "fr", `trend: language "fr": want one of ja, en`},
	} {
		if err := trend.WriteCSVAll(&b, sums, tc.what, tc.lang); err == nil || err.Error() != tc.want {
			t.Errorf("WriteCSVAll(%s, %s) = %v, want %q", tc.what, tc.lang, err, tc.want)
		}
		if err := trend.WriteTable(&b, sums, tc.what, tc.lang); err == nil || err.Error() != tc.want {
			t.Errorf("WriteTable(%s, %s) = %v, want %q", tc.what, tc.lang, err, tc.want)
		}
	}
	if b.Len() != 0 {
		t.Errorf("wrote %q before failing", b.String())
	}
}

func TestWriteTable(t *testing.T) {
	sums := projects(t)
	for _, lang := range trend.Languages() {
		for _, what := range trend.Tables() {
			t.Run(lang+"/"+what, func(t *testing.T) {
				var b bytes.Buffer
				if err := trend.WriteTable(&b, sums, what, lang); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, "all-"+what+"-"+lang+".txt", b.Bytes())
			})
		}
	}
}

func TestMarshalJSON(t *testing.T) {
	sums := projects(t)
	b, err := json.MarshalIndent(sums, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "all.json", append(b, '\n'))
	var back []struct {
		Project  string `json:"project"`
		TimeZone string `json:"time_zone"`
		Days     []struct {
			Date  string         `json:"date"`
			Open  map[string]int `json:"open"`
			Total int            `json:"total"`
		} `json:"days"`
		MTTR []struct {
			Severity      string  `json:"severity"`
			MedianSeconds float64 `json:"median_seconds"`
		} `json:"mttr"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || back[0].TimeZone != "Asia/Tokyo" || back[0].Days[2].Date != "2026-11-04" ||
		back[0].Days[2].Open["CRITICAL"] != 1 || back[0].Days[2].Open["HIGH"] != 0 || back[0].Days[2].Total != 2 ||
		back[0].MTTR[0].MedianSeconds != 12*3600 {
		t.Errorf("parsed back: %+v", back)
	}
}
