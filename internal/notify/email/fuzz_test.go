package email

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// FuzzCompose renders hostile finding text (HTML, script, Markdown and
// Slack markup, header injection, invalid UTF-8, descriptions of 100 KB
// and more, built by repeating the input) as
// a single-finding mail or inside a digest, in both languages, and checks
// that the mail stays valid: it parses as a two-part UTF-8 mail with
// lines of at most 998 octets, stays under MaxMessageBytes, has a
// one-line subject within its limit and no header field a finding could
// add, and its HTML holds only the templates' own tags and https links.
func FuzzCompose(f *testing.F) {
	gd := fixture(f, fxGuardDuty).Finding
	hostile := hostileFinding(f)
	f.Add(gd.Title, gd.Description, uint16(0), gd.Resources[0].ID, gd.Remediation.URL, false, false)
	f.Add(gd.Title, gd.Description, uint16(0), gd.Resources[0].ID, gd.Remediation.URL, true, true)
	f.Add(hostile.Title, hostile.Description, uint16(3), hostile.Resources[0].ID, hostile.Remediation.URL, false, false)
	f.Add(hostile.Title, hostile.Description, uint16(0), hostile.Resources[0].ID, hostile.Remediation.URL, true, true)
	f.Add("重大な脆弱性 <script>", "長い説明文。<b>", uint16(8000), "arn:aws:s3:::bucket", "https://docs.aws.amazon.com/", true, false)
	f.Add(strings.Repeat("T", 600), strings.Repeat("A", 1024), uint16(100), strings.Repeat("r", 1200), "https://example.com/"+strings.Repeat("x", 2100), false, true)
	f.Add("\xff\xfe\xfd", "\x00\x01\x02\r\r\n\t\u202e\u2066", uint16(0), "\xc3\x28", "javascript:alert(1)", false, false)
	f.Add("--"+goldenBoundary, "\r\n--"+goldenBoundary+"--\r\n", uint16(1), ".", "http://example.com/\"><script>", true, false)
	f.Add("=?UTF-8?B?PHNjcmlwdD4=?=", "=?UTF-8?Q?=0D=0ABcc:_x@example.net?=", uint16(0), "Subject: injected", "https://ok.example/", false, false)

	composers := map[bool]*Composer{
		false: composer(f, testConfig("smtp.example.com", 0), render.English),
		true:  composer(f, testConfig("smtp.example.com", 0), render.Japanese),
	}
	other := fixture(f, fxCIS113).Finding
	f.Fuzz(func(t *testing.T, title, description string, repeat uint16, resource, remediationURL string, japanese, digest bool) {
		fd := *gd
		fd.Title, fd.Description, fd.Remediation.URL = title, repeated(description, repeat), remediationURL
		fd.Remediation.Text = description
		fd.Resources = []finding.Resource{{Type: "AwsEc2Instance", ID: resource, Region: "us-east-1"}}
		m := &notify.Message{Kind: notify.KindNew, Route: "fuzz", Key: "fuzz-" + title, Finding: &fd}
		if digest {
			m = &notify.Message{Kind: notify.KindNew, Route: "fuzz", Key: "fuzz", Digest: &notify.Digest{
				GroupKey: resource, Findings: []*finding.Finding{&fd, other}, Total: 3,
			}}
		}
		ml, err := composers[japanese].Compose(m, notifytest.Now())
		if err != nil {
			t.Fatalf("Compose: %v", err)
		}
		raw, err := ml.Bytes(goldenBoundary)
		if err != nil {
			if strings.Contains(title+fd.Description+resource+remediationURL, goldenBoundary) {
				return // the finding holds the boundary; deliveries draw a random one
			}
			t.Fatalf("Bytes: %v", err)
		}
		if len(raw) > MaxMessageBytes {
			t.Fatalf("message of %d bytes", len(raw))
		}
		p, err := parseMailBytes(raw)
		if err != nil {
			t.Fatalf("%v\n%s", err, raw)
		}
		checkFuzzedMail(t, p)
		checkRoundTrip(t, p, ml)
	})
}

// checkRoundTrip checks that a mail client reads the subject and the
// hubrelay header fields exactly as composed.
func checkRoundTrip(t *testing.T, p parsedMail, ml *Mail) {
	t.Helper()
	if p.subject != ml.Subject {
		t.Errorf("subject reads %q, composed %q", p.subject, ml.Subject)
	}
	for _, h := range ml.Headers {
		if got := p.decoded(h.Name); got != h.Value {
			t.Errorf("%s reads %q, composed %q", h.Name, got, h.Value)
		}
	}
}

// repeated returns s repeated 1+n times, up to 256 KB: descriptions of
// 100 KB and more from small fuzz inputs, which keeps the fuzzer fast.
func repeated(s string, n uint16) string {
	const limit = 256 << 10
	if s == "" {
		return s
	}
	times := 1 + int(n)
	if times*len(s) > limit {
		times = max(1, limit/len(s))
	}
	return strings.Repeat(s, times)
}

// allowedTags are the HTML elements of render's email templates.
var allowedTags = map[string]bool{
	"!doctype": true, "html": true, "head": true, "meta": true, "title": true, "body": true,
	"div": true, "p": true, "h2": true, "h3": true, "table": true, "tr": true, "th": true,
	"td": true, "ul": true, "ol": true, "li": true, "a": true, "br": true, "span": true,
}

var (
	tagPattern  = regexp.MustCompile(`<(/?)([!a-zA-Z][a-zA-Z0-9-]*)`)
	hrefPattern = regexp.MustCompile(`href="([^"]*)"`)
)

func checkFuzzedMail(t *testing.T, p parsedMail) {
	t.Helper()
	if strings.ContainsAny(p.subject, "\r\n") || !utf8.ValidString(p.subject) {
		t.Errorf("subject %q is not one valid line", p.subject)
	}
	if n := utf8.RuneCountInString(p.subject); n > maxSubjectRunes {
		t.Errorf("subject of %d characters", n)
	}
	known := map[string]bool{"content-type": true}
	for _, name := range goldenHeaders {
		known[strings.ToLower(name)] = true
	}
	for key := range p.header {
		if !known[strings.ToLower(key)] {
			t.Errorf("header field %s appeared", key)
		}
	}
	html := p.text("text/html")
	for _, m := range tagPattern.FindAllStringSubmatch(html, -1) {
		if !allowedTags[strings.ToLower(m[2])] {
			t.Errorf("HTML part holds a <%s%s> tag", m[1], m[2])
		}
	}
	for _, m := range hrefPattern.FindAllStringSubmatch(html, -1) {
		if !strings.HasPrefix(m[1], "https://") && !strings.HasPrefix(m[1], "http://") {
			t.Errorf("HTML part links to %q", m[1])
		}
	}
	if strings.Contains(strings.ToLower(html), "javascript:") && strings.Contains(html, `href="javascript`) {
		t.Errorf("HTML part holds a javascript: link")
	}
}

// FuzzSettings decodes arbitrary settings strictly, as the config loader
// does, and checks that Validate never panics and that every config it
// accepts builds a Composer: validation is the only gate before New.
func FuzzSettings(f *testing.F) {
	for _, s := range []string{
		smtpSettings("", ""),
		smtpSettings(`, "port": 465, "tls": "tls", "helo": "[192.0.2.1]", "timeout": "10s"`, `, "cc": ["情報 <a@example.co.jp>"], "language": "ja"`),
		smtpSettings(`, "tls": "none", "insecure_allow_plain_auth": true`, `, "subject_template": "{{ .Title }}"`),
		sesSettings(`, "configuration_set": "x", "endpoint": "https://email.example.com"`, `, "bcc": ["b@example.com"]`),
		`{"smtp": {"host": "h:25"}, "ses": {}, "to": ["x", "", "a@b"]}`,
		`{"to": ["\"quoted name\" <a@example.com>", "a@example.com"], "reply_to": "<>"}`,
		`{"smtp": {"host": "xn--fsq.example", "from": "=?UTF-8?B?5L6L?= <a@example.com>"}, "to": ["a@example.com"], "digest_subject_template": "{{ len .Top }}"}`,
		smtpSettings("", `, "message": {"template": "<p>{{ .View.Title }}</p>", "format": "html"}`),
		smtpSettings("", `, "message": {"input_paths": {"t": "$.detail.findings[0].Title"}, "input_template": "<t>", "format": "json"}`),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, settings string) {
		var cfg Config
		if err := notifytest.Settings(settings).Decode(&cfg); err != nil {
			return
		}
		if err := cfg.Validate(); err != nil {
			if err.Error() == "" {
				t.Error("empty error")
			}
			return
		}
		if _, err := NewComposer("fuzz", &cfg, render.Options{}); err != nil {
			t.Fatalf("Validate accepted %s but NewComposer failed: %v", settings, err)
		}
	})
}

// FuzzThread feeds arbitrary receipts (they come back from the store) to
// the threading code and checks that only well-formed Message-IDs reach
// the In-Reply-To and References fields, and that the mail still parses
// with exactly those fields.
func FuzzThread(f *testing.F) {
	for _, rc := range []notify.Receipt{smtpFirst, smtpLater, sesFirst, {ID: "SEC-12"}, {ID: "<a@b>\r\nBcc: x@y"}, {Thread: "<t@example.com>", ID: "<t@example.com>"}} {
		f.Add(rc.ID, rc.Thread)
	}
	c := composer(f, testConfig("smtp.example.com", 0), render.English)
	gd := fixture(f, fxGuardDuty).Finding
	f.Fuzz(func(t *testing.T, id, threadID string) {
		prev := &notify.Receipt{ID: id, Thread: threadID}
		th := threadOf(prev, "<own@example.com>")
		for _, ref := range append([]string{th.inReplyTo, th.root}, th.references...) {
			if ref != "" && messageID(ref) != ref {
				t.Fatalf("ill-formed Message-ID %q reached the thread fields", ref)
			}
		}
		ml, err := c.Compose(&notify.Message{Kind: notify.KindReminder, Key: "k", Finding: gd, Previous: prev}, notifytest.Now())
		if err != nil {
			t.Fatal(err)
		}
		raw, err := ml.Bytes(goldenBoundary)
		if err != nil {
			t.Fatal(err)
		}
		p, err := parseMailBytes(raw)
		if err != nil {
			t.Fatalf("%v\n%s", err, raw)
		}
		if got := p.header.Get("In-Reply-To"); got != th.inReplyTo {
			t.Errorf("In-Reply-To %q, want %q", got, th.inReplyTo)
		}
		if got := p.header.Get("References"); got != strings.Join(th.references, " ") {
			t.Errorf("References %q, want %q", got, strings.Join(th.references, " "))
		}
		checkFuzzedMail(t, p)
		checkRoundTrip(t, p, ml)
	})
}
