package archive

import (
	"mime"
	"strings"
	"testing"
	"time"
)

func TestKey(t *testing.T) {
	day := time.Date(2026, 11, 23, 9, 0, 0, 0, tokyo)
	for _, tc := range []struct {
		project, ext, want, err string
	}{
		{"system-a", "xlsx", "reports/system-a/2026-11-23.xlsx", ""},
		{"基幹システム", "csv", "reports/基幹システム/2026-11-23.csv", ""},
		{"Sales Portal", "html", "reports/Sales Portal/2026-11-23.html", ""},
		{"", "xlsx", "", "project: empty"},
		{"..", "xlsx", "", "starts with a dot"},
		{".hidden", "xlsx", "", "starts with a dot"},
		{"a/b", "xlsx", "", "not reports/{project}/{file}"},
		{`a\b`, "xlsx", "", "backslash"},
		{"a\nb", "xlsx", "", "control character U+000A"},
		{"evil\u202egpj", "xlsx", "", "invisible formatting character U+202E"},
		{"bad\xff", "xlsx", "", "not valid UTF-8"},
		{strings.Repeat("a", 201), "xlsx", "", "longer than 200 bytes"},
		{"system-a", "exe", "", "not .xlsx, .csv or .html"},
	} {
		got, err := Key(tc.project, day, tc.ext)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Key(%q, %q) = %q, %v; want error with %q", tc.project, tc.ext, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Key(%q, %q) = %q, %v; want %q", tc.project, tc.ext, got, err, tc.want)
		}
	}
}

// The date is the day in the report's time zone, not UTC: Monday 08:59 in
// Tokyo is still Sunday in UTC.
func TestKeyUsesTheDaysLocation(t *testing.T) {
	day := time.Date(2026, 11, 23, 8, 59, 0, 0, tokyo)
	got, err := Key("p", day, "xlsx")
	if err != nil || got != "reports/p/2026-11-23.xlsx" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestParseKeyRefuses(t *testing.T) {
	for _, key := range []string{
		"", "reports", "reports/", "reports/p", "reports/p/", "reports//x.xlsx",
		"reports/p/../x.xlsx", "reports/../p/x.xlsx", "reports/p/./x.xlsx",
		"/reports/p/x.xlsx", "other/p/x.xlsx", "reports/p/q/x.xlsx",
		"reports/p/.x.xlsx.tmp-0011", "reports/p/x.xlsx/", "reports/p/x",
		"reports/p/x.XLSX", "reports/p\x00/x.xlsx",
	} {
		if p, f, err := ParseKey(key); err == nil {
			t.Errorf("ParseKey(%q) = %q, %q, nil; want an error", key, p, f)
		}
	}
}

func TestContentType(t *testing.T) {
	for file, want := range map[string]string{
		"a.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"a.csv":  "text/csv; charset=utf-8",
		"a.html": "text/html; charset=utf-8",
		"a.htm":  "",
		"xlsx":   "",
	} {
		if got := ContentType(file); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", file, got, want)
		}
	}
}

// A browser (and Go's mime package, which follows RFC 2231/5987) reads
// the exact UTF-8 name back from the header; old clients get an ASCII
// fallback without quotes or backslashes that would end the parameter.
func TestContentDisposition(t *testing.T) {
	for _, name := range []string{
		"system-a-security-report-2026-11-23.xlsx",
		"基幹システム-security-report-2026-11-23.xlsx",
		`we"ird; name\%.csv`,
		"Sales Portal 売上-security-report-2026-11-23.html",
	} {
		h := ContentDisposition(name)
		for _, r := range h {
			if r < 0x20 || r > 0x7e {
				t.Fatalf("%q: header has non-ASCII %q", name, h)
			}
		}
		disp, params, err := mime.ParseMediaType(h)
		if err != nil {
			t.Fatalf("%q: %q: %v", name, h, err)
		}
		if disp != "attachment" || params["filename"] != name {
			t.Errorf("%q: parsed %q %q from %q", name, disp, params["filename"], h)
		}
		fallback := h[strings.Index(h, `filename="`)+len(`filename="`):]
		fallback = fallback[:strings.IndexByte(fallback, '"')]
		if strings.ContainsAny(fallback, `\;%`) || len(fallback) == 0 {
			t.Errorf("%q: fallback %q", name, fallback)
		}
	}
}

func TestDownloadName(t *testing.T) {
	if got := DownloadName("reports/基幹システム/2026-11-23.xlsx"); got != "基幹システム-security-report-2026-11-23.xlsx" {
		t.Errorf("got %q", got)
	}
	if got := DownloadName("reports/../x.xlsx"); got != "report" {
		t.Errorf("invalid key: got %q", got)
	}
}
