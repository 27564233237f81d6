package slack

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// hostileTexts are finding texts that try to mention people, forge links
// or break the message: Slack's special parsing, mrkdwn, HTML and Markdown
// markup, entities that are already escaped, control and bidi characters
// and invalid UTF-8.
var hostileTexts = []string{
	"<!channel> wake up",
	"<!here|here> now",
	"<!everyone>",
	"ping <@U0123ABCD> and <@W999>",
	"<#C0123ABCD|general>",
	"<!subteam^S0123ABCD|@security>",
	"<!date^1392734382^{date}|Feb 18, 2014>",
	"<https://evil.example|click here to rotate your keys>",
	"<https://evil.example>",
	"<mailto:boss@example.com|boss>",
	"@channel @here @everyone",
	"&lt;!channel&gt; already escaped",
	"*bold* _italic_ ~strike~ `code` ```block```",
	"> quoted\n>>> quoted rest",
	"<script>alert(1)</script><img src=x onerror=alert(1)>",
	"[click](https://evil.example) ![x](https://evil.example/x.png)",
	"a|b|c <https://evil.example|x|y>",
	"\u202eevil\u202c \u2066isolated\u2069",
	"nul\x00byte bell\x07 esc\x1b[31m",
	"invalid \xff\xfe\xfd utf-8 \xc3\x28",
	"emoji 🔥🔥🔥 and 日本語のテキスト",
}

// hostileFinding is a finding whose every text field holds s.
func hostileFinding(s string) *finding.Finding {
	return &finding.Finding{
		ID:          "arn:aws:securityhub:us-east-1:111111111111:finding/" + s,
		ProductARN:  "arn:aws:securityhub:us-east-1::product/aws/securityhub",
		ProductName: s,
		CompanyName: s,
		GeneratorID: s,
		AccountID:   s,
		Region:      s,
		Title:       s,
		Description: s + "\n" + s,
		Severity:    finding.Severity{Label: s, Normalized: 95},
		Types:       []string{s},
		Resources: []finding.Resource{
			{Type: s, ID: s, Region: s},
			{Type: "AwsS3Bucket", ID: "arn:aws:s3:::" + s},
		},
		Compliance:  finding.Compliance{Status: s, SecurityControlID: s},
		Workflow:    s,
		RecordState: s,
		Remediation: finding.Remediation{Text: s, URL: "https://evil.example/|" + s},
		ActionName:  s,
		Format:      finding.FormatASFF,
	}
}

// hostileMessages are every message shape around hostile findings.
func hostileMessages(s string) []*notify.Message {
	var out []*notify.Message
	for _, kind := range []notify.Kind{notify.KindNew, notify.KindResolved, notify.KindReopened, notify.KindReminder, notify.KindTest} {
		for _, prev := range []*notify.Receipt{nil, thread} {
			out = append(out, &notify.Message{Kind: kind, Route: s, Key: "k", Finding: hostileFinding(s), Previous: prev})
		}
	}
	fs := []*finding.Finding{hostileFinding(s), hostileFinding(s + "2"), hostileFinding(strings.Repeat(s, 50))}
	out = append(out, &notify.Message{Kind: notify.KindNew, Route: s, Key: "d",
		Digest: &notify.Digest{GroupKey: s, Findings: fs, Total: 1000}})
	return out
}

// hostileConfigs are a bot-token and a webhook configuration.
var hostileConfigs = []*Config{
	{Token: "xoxb-1-hostile", Channel: "#sec", ReplyBroadcast: true},
	{WebhookURL: "https://hooks.slack.com/services/T/B/hostile"},
}

// TestHostileTextIsInert: whatever a finding says, the payload stays
// within Slack's limits, holds no unescaped "<" or ">" (so no mention,
// special command or link can come from the finding), and every link
// points to the Security Hub console.
func TestHostileTextIsInert(t *testing.T) {
	for _, s := range hostileTexts {
		for _, m := range hostileMessages(s) {
			for _, cfg := range hostileConfigs {
				for _, lang := range []render.Language{render.English, render.Japanese} {
					p := BuildPayload(m, cfg, render.Options{Language: lang, Region: "us-east-1"})
					if problems := payloadProblems(p); len(problems) > 0 {
						t.Fatalf("text %q, kind %s, threaded %v: %s", s, m.Kind, m.Previous != nil, strings.Join(problems, "\n"))
					}
					for _, host := range linkTargets(t, p) {
						if host != "us-east-1.console.aws.amazon.com" {
							t.Fatalf("text %q: link to %q", s, host)
						}
					}
				}
			}
		}
	}
}

// TestHostileTextIsShownEscaped: the text a person reads is the finding's
// text, with only "&", "<" and ">" escaped (Slack turns them back).
func TestHostileTextIsShownEscaped(t *testing.T) {
	m := &notify.Message{Kind: notify.KindNew, Key: "k", Finding: hostileFinding("x")}
	m.Finding.Title = "<!channel> & <https://evil.example|click>"
	m.Finding.Description = "ping <@U0123ABCD>"
	m.Finding.Resources[0].ID = "<!here>"
	p := BuildPayload(m, hostileConfigs[0], render.Options{})
	js, _ := p.Marshal()
	for _, want := range []string{
		"&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;",
		"ping &lt;@U0123ABCD&gt;",
		"`&lt;!here&gt;`",
	} {
		if !strings.Contains(string(js), want) {
			t.Errorf("payload does not show %q:\n%s", want, js)
		}
	}
}

// TestLongDescriptionIsCut: a 100 KB description is cut to the section
// limit with the localized marker and a link to the console.
func TestLongDescriptionIsCut(t *testing.T) {
	for _, tt := range []struct {
		lang   render.Language
		marker string
	}{
		{render.English, "… (truncated) <https://us-east-1.console.aws.amazon.com/"},
		{render.Japanese, "…（省略されました） <https://us-east-1.console.aws.amazon.com/"},
	} {
		t.Run(string(tt.lang), func(t *testing.T) {
			it := load(t, fixtureGuardDuty)
			it.Finding.Description = strings.Repeat("Lorem ipsum <dolor> & sit amet. ", 100<<10/32)
			m := &notify.Message{Kind: notify.KindNew, Key: "k", Finding: it.Finding}
			p := BuildPayload(m, hostileConfigs[0], render.Options{Language: tt.lang})
			checkPayload(t, p)
			js, _ := p.Marshal()
			if !strings.Contains(string(js), tt.marker) {
				t.Errorf("no %q in the cut description", tt.marker)
			}
			if len(js) > 32<<10 {
				t.Errorf("payload is %d bytes for a 100 KB description", len(js))
			}
		})
	}
}

// TestManyResources: a finding with a thousand resources lists what fits
// and says how many more there are.
func TestManyResources(t *testing.T) {
	it := load(t, fixtureGuardDuty)
	for i := 0; i < 1000; i++ {
		it.Finding.Resources = append(it.Finding.Resources, finding.Resource{Type: "AwsS3Bucket", ID: strings.Repeat("b", 500)})
	}
	m := &notify.Message{Kind: notify.KindNew, Key: "k", Finding: it.Finding}
	p := BuildPayload(m, hostileConfigs[0], render.Options{MaxResources: 1000})
	checkPayload(t, p)
	js, _ := p.Marshal()
	if !strings.Contains(string(js), "more") {
		t.Errorf("no \"and N more\" for the resources left out")
	}
}

// TestLargeDigest: a digest of 500 findings with TopN 500 stays within
// the limits, listing at most maxDigestEntries.
func TestLargeDigest(t *testing.T) {
	var fs []*finding.Finding
	for i := 0; i < 500; i++ {
		f := load(t, allFixtures[i%len(allFixtures)]).Finding
		f.ID += strings.Repeat("x", i)
		f.Title = strings.Repeat("long title ", 40)
		fs = append(fs, f)
	}
	m := &notify.Message{Kind: notify.KindNew, Key: "d", Digest: &notify.Digest{GroupKey: "g", Findings: fs, Total: 5000}}
	p := BuildPayload(m, hostileConfigs[0], render.Options{TopN: 500})
	checkPayload(t, p)
	var doc struct {
		Blocks []json.RawMessage `json:"blocks"`
	}
	js, _ := p.Marshal()
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	if n := len(doc.Blocks); n > maxDigestEntries+8 {
		t.Errorf("%d blocks", n)
	}
	more := regexp.MustCompile(`and (\d+) more`).FindStringSubmatch(string(js))
	if more == nil {
		t.Fatal("no \"and N more\"")
	}
	if n, _ := strconv.Atoi(more[1]); n < 5000-maxDigestEntries || n >= 5000 {
		t.Errorf("and %d more; want the 5000 findings less the few listed", n)
	}
}
