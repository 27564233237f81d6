package config

import (
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func TestReportsErrors(t *testing.T) {
	t.Setenv("HR_TEST_LINK_SECRET", "short-link-secret")
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "reports is not a mapping",
			src:  "reports: [daily]\n",
			want: []string{`t.yaml:7:10: reports: want a mapping (key: value), got a list`},
		},
		{
			name: "schedule, time zone, formats and size",
			src:  "reports:\n  schedule: \"0 25 * * *\"\n  timezone: \"\"\n  formats: [xlsx, XLSX]\n  attach_max: 5.5MB\n  storag: {}\n",
			want: []string{
				`t.yaml:8:16: reports.schedule: hour "25": 25 is above the maximum 23`,
				`t.yaml:9:13: reports.timezone: name an IANA time zone such as Asia/Tokyo or UTC`,
				`t.yaml:10:19: reports.formats[1]: "XLSX" is listed twice`,
				`t.yaml:11:15: reports.attach_max: "5.5MB": write a whole number with a unit (1500KB, not 1.5MB)`,
				`t.yaml:12:3: reports: unknown key "storag" (did you mean "storage"?)`,
			},
		},
		{
			name: "sizes",
			src:  "reports: {attach_max: 5 ZB, storage: {s3: {bucket: b-1}}}\nmembers: {to: [mail], schedule: \"0 9 * * *\"}\n",
			want: []string{`t.yaml:7:23: reports.attach_max: "5 ZB": unknown unit "ZB"; use B, KB, MB, GB, KiB, MiB or GiB (a whole number before it, as in 5MB)`},
		},
		{
			name: "both storages",
			src:  "reports:\n  storage:\n    local: {base_url: https://h.example.com, secret: x}\n    s3: {bucket: b-1}\n",
			want: []string{`t.yaml:10:5: reports.storage: choose one of local and s3, not both`},
		},
		{
			name: "no storage kind",
			src:  "reports:\n  storage: {}\n",
			want: []string{`t.yaml:8:3: reports.storage: want local: {dir, base_url, secret} or s3: {bucket}`},
		},
		{
			name: "local storage",
			src: "reports:\n  storage:\n    local:\n      dir: \"\"\n      base_url: http://example.com/x?y=1\n" +
				"      secret: ${env:HR_TEST_LINK_SECRET}\n      expires: 30s\n" +
				"      allow: [203.0.113.5/24, 10.0.0.1, nope, \"fe80::1%eth0\", 2001:db8::/32]\n",
			want: []string{
				`t.yaml:10:12: reports.storage.local.dir: must not be empty`,
				`t.yaml:11:17: reports.storage.local.base_url: "http://example.com/x?y=1": must not have a query or a fragment`,
				`t.yaml:12:15: reports.storage.local.secret: 17 bytes; at least 32, as from: openssl rand -base64 32`,
				`t.yaml:13:16: reports.storage.local.expires: at least 1m`,
				`t.yaml:14:15: reports.storage.local.allow[0]: "203.0.113.5/24" has bits set after the prefix length; did you mean 203.0.113.0/24?`,
				`t.yaml:14:41: reports.storage.local.allow[2]: "nope" is not an address range such as 203.0.113.0/24 or 2001:db8::/32, or an address`,
				`t.yaml:14:47: reports.storage.local.allow[3]: "fe80::1%eth0": leave out the zone (%eth0)`,
			},
		},
		{
			name: "local storage needs base_url and secret",
			src:  "reports:\n  storage:\n    local: {dir: out, allow: []}\n",
			want: []string{
				`t.yaml:9:12: reports.storage.local: missing required key "base_url"`,
				`t.yaml:9:12: reports.storage.local: missing required key "secret"`,
				`t.yaml:9:30: reports.storage.local.allow: name at least one address range, or leave allow out to allow any address`,
			},
		},
		{
			name: "empty local storage",
			src:  "reports:\n  storage:\n    local:\n",
			want: []string{`t.yaml:9:5: reports.storage.local: missing required keys base_url and secret`},
		},
		{
			name: "base URLs",
			src: "reports:\n  storage:\n    local: {base_url: http://example.com, secret: \"${env:HR_TEST_LINK_SECRET}\"}\n" +
				"projects:\n  - {name: a, accounts: [\"111111111111\"], to: [mail]}\n" +
				"---\n",
			want: []string{
				`t.yaml:9:23: reports.storage.local.base_url: "http://example.com": links open reports and carry their signature: use https (http only for localhost)`,
				`t.yaml:9:51: reports.storage.local.secret: 17 bytes; at least 32, as from: openssl rand -base64 32`,
			},
		},
		{
			name: "s3 storage",
			src: "securityhub: {region: ap-northeast-1}\nreports:\n  storage:\n    s3:\n      bucket: s3://example-reports\n" +
				"      prefix: /reports\n      region: tokyo\n      endpoint: ftp://s3.example.com\n      expires: 8d\n" +
				"      sse: aes256\n      kms_key_id: alias/reports\n      path_style: \"yes\"\n",
			want: []string{
				`t.yaml:11:15: reports.storage.s3.bucket: "s3://example-reports": write the bucket's name alone (and the key's start in prefix)`,
				`t.yaml:12:15: reports.storage.s3.prefix: "/reports": an S3 key does not start with '/'`,
				`t.yaml:13:15: reports.storage.s3.region: "tokyo" is not an AWS region name such as ap-northeast-1`,
				`t.yaml:14:17: reports.storage.s3.endpoint: want the http(s) URL of an S3-compatible API, as in https://s3.example.com`,
				`t.yaml:15:16: reports.storage.s3.expires: at most 7d (168h): a presigned S3 URL lasts at most 7 days`,
				`t.yaml:16:12: reports.storage.s3.sse: "aes256": use AES256 or aws:kms (did you mean "AES256"?)`,
				`t.yaml:17:19: reports.storage.s3.kms_key_id: set sse: aws:kms to use a KMS key`,
				`t.yaml:18:19: reports.storage.s3.path_style: want true or false, got a string`,
			},
		},
		{
			name: "bucket names and prefixes",
			src:  "reports:\n  storage: {s3: {bucket: Example_Reports, prefix: reports}}\n",
			want: []string{
				`t.yaml:8:26: reports.storage.s3.bucket: "Example_Reports" is not an S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit`,
				`t.yaml:8:51: reports.storage.s3.prefix: "reports": end it with '/', as in reports/ (or write "" for the top of the bucket)`,
			},
		},
		{
			name: "a bucket named like an address",
			src:  "reports:\n  storage: {s3: {bucket: 192.168.1.1}}\n",
			want: []string{`t.yaml:8:26: reports.storage.s3.bucket: "192.168.1.1": a bucket name is not an IP address`},
		},
		{
			name: "s3 without a bucket",
			src:  "reports:\n  storage: {s3: {prefix: x/}}\n",
			want: []string{`t.yaml:8:17: reports.storage.s3: missing required key "bucket"`},
		},
		{
			name: "an empty s3 storage",
			src:  "reports: {storage: {s3: }}\n",
			want: []string{`t.yaml:7:21: reports.storage.s3: missing required key "bucket"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseErrors(t, reportDests+tt.src, noticeTypes())
			equalLines(t, got, tt.want)
			if strings.Contains(strings.Join(got, "\n"), "short-link-secret") {
				t.Errorf("the link secret is in the errors: %q", got)
			}
		})
	}
}

func TestReportsDefaults(t *testing.T) {
	t.Setenv("HR_TEST_LINK_SECRET", "0123456789abcdef0123456789abcdef")
	cfg := mustParse(t, "language: ja\n"+reportDests+"reports:\n  storage:\n    local: {base_url: \"http://127.0.0.1:8080/\", secret: \"${env:HR_TEST_LINK_SECRET}\"}\n"+
		"projects:\n  - {name: a, accounts: [\"111111111111\"], to: [mail]}\nmembers: {to: [chat]}\n")
	r := cfg.Reports
	local := r.Storage.Local
	checks := []struct {
		name      string
		got, want any
	}{
		{"schedule", r.Schedule, DefaultReportSchedule},
		{"timezone from the config", r.Timezone, "Asia/Tokyo"},
		{"location from the config", r.Location.String(), "Asia/Tokyo"},
		{"formats", r.Formats, []string{"xlsx"}},
		{"attach max", r.AttachMax, DefaultAttachMax},
		{"pos", r.Pos.String(), "t.yaml:8:1"},
		{"no s3", r.Storage.S3 == nil, true},
		{"dir", local.Dir, DefaultReportDir},
		{"base url without the slash", local.BaseURL, "http://127.0.0.1:8080"},
		{"secret", local.Secret, "0123456789abcdef0123456789abcdef"},
		{"expires", local.Expires, 7 * 24 * time.Hour},
		{"allow", len(local.Allow), 0},
		{"secret among Secrets", slices.Contains(cfg.Secrets(), local.Secret), true},
		{"no warnings", len(cfg.Warnings()), 0},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !equalAny(c.got, c.want) {
				t.Errorf("got %#v, want %#v", c.got, c.want)
			}
		})
	}
}

func TestS3Storage(t *testing.T) {
	tests := []struct {
		name, src string
		want      S3Storage
	}{
		{
			name: "defaults, region from securityhub",
			src:  "securityhub: {region: ap-northeast-1}\nreports: {storage: {s3: {bucket: example-reports}}}\n",
			want: S3Storage{Bucket: "example-reports", Prefix: "reports/", Region: "ap-northeast-1", Expires: 7 * 24 * time.Hour, SSE: "AES256"},
		},
		{
			name: "everything",
			src: "reports:\n  storage:\n    s3: {bucket: my.reports-1, prefix: \"\", region: us-east-1, endpoint: \"http://127.0.0.1:9000\"," +
				" expires: 72h, sse: aws:kms, kms_key_id: alias/reports, path_style: true}\n",
			want: S3Storage{Bucket: "my.reports-1", Prefix: "", Region: "us-east-1", Endpoint: "http://127.0.0.1:9000", Expires: 72 * time.Hour, SSE: "aws:kms", KMSKeyID: "alias/reports", PathStyle: true},
		},
		{
			name: "a null prefix is the top of the bucket",
			src:  "reports: {storage: {s3: {bucket: abc, prefix: , expires: 7d}}}\n",
			want: S3Storage{Bucket: "abc", Expires: 7 * 24 * time.Hour, SSE: "AES256"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, tt.src)
			if got := cfg.Reports.Storage.S3; got == nil || *got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if cfg.Reports.Storage.Local != nil {
				t.Error("local storage set too")
			}
		})
	}
}

func TestLocalStorageDir(t *testing.T) {
	t.Setenv("HR_TEST_LINK_SECRET", "0123456789abcdef0123456789abcdef")
	for _, tt := range []struct{ dir, want string }{
		{"", filepath.Join("/etc/hubrelay", DefaultReportDir)},
		{"dir: out/reports", "/etc/hubrelay/out/reports"},
		{"dir: /var/lib/hubrelay/reports", "/var/lib/hubrelay/reports"},
	} {
		src := "reports:\n  storage:\n    local: {" + tt.dir + "\n      , base_url: https://h.example.com, secret: \"${env:HR_TEST_LINK_SECRET}\", allow: [10.1.0.0/16, 192.0.2.7, \"2001:db8::/32\"]}\n"
		cfg, err := Parse("/etc/hubrelay/hubrelay.yaml", []byte(strings.Replace(src, "{\n      , ", "{", 1)))
		if err != nil {
			t.Fatal(err)
		}
		local := cfg.Reports.Storage.Local
		if local.Dir != tt.want {
			t.Errorf("%q: dir %q, want %q", tt.dir, local.Dir, tt.want)
		}
		want := []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("192.0.2.7/32"), netip.MustParsePrefix("2001:db8::/32")}
		if !slices.Equal(local.Allow, want) {
			t.Errorf("allow %v, want %v", local.Allow, want)
		}
	}
}

// TestLinkSecretNeverShown checks that the link secret, read from the
// environment or written in the file, is among Secrets and is not in any
// error, excerpt or warning.
func TestLinkSecretNeverShown(t *testing.T) {
	const secret = "s3cr3t-link-key-0123456789abcdefghij"
	t.Setenv("HR_TEST_LINK_SECRET", secret)
	for _, ref := range []string{`"${env:HR_TEST_LINK_SECRET}"`, secret} {
		src := reportDests + "reports:\n  storage:\n    local: {base_url: \"ftp://h\", secret: " + ref + "}\n"
		_, err := Parse("t.yaml", []byte(src))
		list, ok := err.(ErrorList)
		if !ok || len(list) == 0 {
			t.Fatalf("%s: want an ErrorList, got %v", ref, err)
		}
		if strings.Contains(list.Detailed(), secret) {
			t.Errorf("%s: secret in the errors:\n%s", ref, list.Detailed())
		}
		cfg := mustParse(t, strings.Replace(src, "ftp://h", "https://h.example.com", 1))
		if !slices.Contains(cfg.Secrets(), secret) {
			t.Errorf("%s: Secrets() = %q lacks the link secret", ref, cfg.Secrets())
		}
		for _, w := range cfg.Warnings() {
			if strings.Contains(w, secret) {
				t.Errorf("%s: secret in warning %q", ref, w)
			}
		}
	}
	cfg := mustParse(t, reportDests+"reports:\n  storage:\n    local: {base_url: https://h.example.com, secret: "+secret+"}\n")
	equalLines(t, cfg.Warnings(), []string{
		`t.yaml:2:3: destination "mail" is not used by any route, project or member monitoring`,
		`t.yaml:3:3: destination "chat" is not used by any route, project or member monitoring`,
		`t.yaml:7:1: reports: no projects: no report will be made`,
		`t.yaml:9:54: reports.storage.local.secret: written in the config file; keep it out with ${env:NAME} or ${file:PATH}`,
	})
}

func TestLoadFullReporting(t *testing.T) {
	t.Setenv("HUBRELAY_TEST_INGEST_KEY", "ingest-secret-1")
	t.Setenv("HUBRELAY_TEST_MAIL_TAG", "alerts")
	t.Setenv("HUBRELAY_TEST_BASIC_PASSWORD", "basic-secret-2")
	t.Setenv("HUBRELAY_TEST_LINK_SECRET", "link-secret-0123456789abcdef0123456789")
	cfg, err := Load("testdata/full.yaml", WithNow(testNow), WithNoticeTypes(func(typ string) bool { return typ != "backlog" }))
	if err != nil {
		t.Fatal(err)
	}
	a, b, r, m := cfg.Projects[0], cfg.Projects[1], cfg.Reports, cfg.Members
	local := r.Storage.Local
	checks := []struct {
		name      string
		got, want any
	}{
		{"projects", len(cfg.Projects), 2},
		{"a", strings.Join([]string{a.Name, strings.Join(a.Accounts, " "), strings.Join(a.To, " "), a.Language, a.Schedule, a.Location.String(), strings.Join(a.Formats, " ")}, "|"),
			"system-a|111111111111 222222222222|ops-email|ja|0 9 * * MON|Asia/Tokyo|xlsx csv"},
		{"a pos", a.Pos.String(), "testdata/full.yaml:72:5"},
		{"b", strings.Join([]string{b.Name, strings.Join(b.Accounts, " "), strings.Join(b.To, " "), b.Language, b.Schedule, b.Location.String(), strings.Join(b.Formats, " ")}, "|"),
			"基幹システム|333333333333|console|en|0 8 * * MON-FRI|Asia/Tokyo|xlsx html"},
		{"reports schedule", r.Schedule, "0 8 * * MON-FRI"},
		{"reports timezone", r.Timezone, "Asia/Tokyo"},
		{"reports formats", r.Formats, []string{"xlsx", "html"}},
		{"attach max", r.AttachMax, int64(512000)},
		{"reports pos", r.Pos.String(), "testdata/full.yaml:81:1"},
		{"local dir", local.Dir, filepath.Join("testdata", "reports")},
		{"local base url", local.BaseURL, "https://hubrelay.example.com"},
		{"local secret", local.Secret, "link-secret-0123456789abcdef0123456789"},
		{"local expires", local.Expires, 72 * time.Hour},
		{"local allow", len(local.Allow), 2},
		{"members schedule", m.Schedule, "0 11 * * MON-FRI"},
		{"members timezone", m.Timezone + "/" + m.Location.String(), "UTC/UTC"},
		{"members to", m.To, []string{"console"}},
		{"members no change", m.NoChange, NoChangeSkip},
		{"members language", m.Language, "ja"},
		{"members organizations", m.Organizations, true},
		{"members cloudtrail", m.CloudTrail, false},
		{"members pos", m.Pos.String(), "testdata/full.yaml:90:1"},
		{"warnings", len(cfg.Warnings()), 0},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !equalAny(c.got, c.want) {
				t.Errorf("got %#v, want %#v", c.got, c.want)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		err  string
	}{
		{"0", 0, ""},
		{"5242880", 5 << 20, ""},
		{"512KB", 512000, ""},
		{"5MB", 5000000, ""},
		{"5 mb", 5000000, ""},
		{"10MiB", 10 << 20, ""},
		{"1GiB", 1 << 30, ""},
		{"1gb", 1000000000, ""},
		{"100B", 100, ""},
		{"2GiB", 0, "too large"},
		{"99999999999999999999", 0, "too large"},
		{"1.5MB", 0, "whole number"},
		{"MB", 0, "not a size"},
		{"-1", 0, "not a size"},
		{"5XB", 0, "unknown unit"},
		{"", 0, "not a size"},
	} {
		got, err := parseSize(tt.in)
		switch {
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("parseSize(%q) = %d, %v; want an error with %q", tt.in, got, err, tt.err)
		}
	}
}

func TestCheckSchedule(t *testing.T) {
	for _, tt := range []struct {
		spec   string
		offset int // -1: valid
		msg    string
	}{
		{"0 9 * * MON-FRI", -1, ""},
		{"  30 8 1,15 * ?", -1, ""},
		{"0 9 * JAN,jul sun", -1, ""},
		{"@daily", -1, ""},
		{"@weekly", -1, ""},
		{"", 0, "empty"},
		{"   ", 0, "empty"},
		{"0 9 * *", 0, "4 fields"},
		{"0 0 9 * * MON", 10, "6 fields; a schedule has 5: minute hour day-of-month month day-of-week, as in \"0 9 * * MON-FRI\" (drop the seconds field"},
		{"cron(0 0 ? * MON-FRI *)", 0, "EventBridge schedule expression"},
		{" rate(1 day)", 1, "EventBridge schedule expression"},
		{"TZ=Asia/Tokyo 0 9 * * *", 0, "timezone:"},
		{"CRON_TZ=UTC 0 9 * * *", 0, "timezone:"},
		{"@every 1h", 0, "@every counts from when hubrelay started"},
		{"@fortnightly", 0, "unknown descriptor"},
		{"60 9 * * *", 0, `minute "60": 60 is above the maximum 59`},
		{"0 9 0 * *", 4, `day-of-month "0": 0 is below the minimum 1`},
		{"0 9 * 13 *", 6, `month "13": 13 is above the maximum 12`},
		{"0 9 * FOO *", 6, `month "FOO": not a number (1-12) or a month name (JAN-DEC)`},
		{"0 9 * * 7", 8, `day-of-week "7": 7 is above the maximum 6 (Sunday is 0 or SUN)`},
		{"0 9 * * 5-1", 8, `day-of-week "5-1": the range starts at 5, after its end 1`},
		{"*/0 9 * * *", 0, `minute "*/0": a step (/N) must be a positive number`},
		{"0 1-2-3 * * *", 2, `hour "1-2-3": a range has one '-', as in 1-5`},
		{"0 */2/3 * * *", 2, `hour "*/2/3": a step has one '/', as in */15`},
		{"0 x * * *", 2, `hour "x": not a number`},
		{"0 9 30 2 *", 4, "never runs"},
	} {
		sched, problem := checkSchedule(tt.spec, testNow)
		if tt.offset < 0 {
			if problem != nil {
				t.Errorf("checkSchedule(%q): %s", tt.spec, problem.msg)
				continue
			}
			// What Load accepts, cron.ParseStandard reads the same way.
			std, err := cron.ParseStandard(tt.spec)
			if err != nil || std.Next(testNow) != sched.Next(testNow) {
				t.Errorf("cron.ParseStandard(%q) = %v; next %v, want %v", tt.spec, err, std.Next(testNow), sched.Next(testNow))
			}
			continue
		}
		if problem == nil {
			t.Errorf("checkSchedule(%q) accepted", tt.spec)
			continue
		}
		if problem.offset != tt.offset || !strings.Contains(problem.msg, tt.msg) {
			t.Errorf("checkSchedule(%q) = at %d %q; want at %d %q", tt.spec, problem.offset, problem.msg, tt.offset, tt.msg)
		}
	}
}

// TestReportTrustedProxies: trusted_proxies is read like allow, an empty
// list is refused, and without allow it warns that it changes nothing.
func TestReportTrustedProxies(t *testing.T) {
	t.Setenv("HR_TEST_LINK_SECRET", strings.Repeat("s", MinLinkSecret))
	base := "reports:\n  storage:\n    local: {dir: out, base_url: https://h.example.com, secret: \"${env:HR_TEST_LINK_SECRET}\""
	cfg, err := Parse("t.yaml", []byte(base+", allow: [203.0.113.0/24], trusted_proxies: [10.0.0.0/8, 192.0.2.10]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Reports.Storage.Local.TrustedProxies
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.10/32")}
	if !slices.Equal(got, want) {
		t.Errorf("trusted_proxies %v, want %v", got, want)
	}
	for _, w := range cfg.Warnings() {
		if strings.Contains(w, "trusted_proxies") {
			t.Errorf("warning %q with allow set", w)
		}
	}

	_, err = Parse("t.yaml", []byte(base+", allow: [203.0.113.0/24], trusted_proxies: []}\n"))
	if err == nil || !strings.Contains(err.Error(), "reports.storage.local.trusted_proxies: name at least one address range, or leave trusted_proxies out when no proxy is in front of hubrelay") {
		t.Errorf("empty list: %v", err)
	}

	cfg, err = Parse("t.yaml", []byte(base+", trusted_proxies: [10.0.0.0/8]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if w := cfg.Warnings(); !slices.ContainsFunc(w, func(s string) bool {
		return strings.Contains(s, "reports.storage.local.trusted_proxies: without allow")
	}) {
		t.Errorf("warnings %v, want one about allow", w)
	}
}
