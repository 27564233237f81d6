package sns

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goccy/go-yaml"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Overrides of each format SNS takes, as a configuration would hold them.
const (
	// overrideJSON renders single findings and digests (it reads .Digest);
	// truncate keeps every text within SNS's size limit.
	overrideJSON = `{{- with .Digest -}}
{"title": {{ jsonString .Title }}, "summary": {{ jsonString .Summary }},
 "top": [{{ range $i, $v := .Top }}{{ if $i }}, {{ end }}{{ $v.Title | truncate 200 | jsonString }}{{ end }}],
 "more": {{ .More }}, "link": {{ jsonString .ConsoleURL }}}
{{- else -}}
{"title": {{ .View.Title | truncate 200 | jsonString }}, "severity": {{ jsonString .View.Severity.Label }},
 "account": {{ .View.AccountID | truncate 50 | jsonString }}, "kind": {{ jsonString $.Kind }},
 "description": {{ .View.Description | truncate 2000 | jsonString }}, "link": {{ jsonString .View.ConsoleURL }}}
{{- end -}}`
	// overrideText never reads .Digest: digests keep the built-in message.
	overrideText = `{{ .View.Severity.Emoji }} {{ .View.Heading }}
{{ .View.Title }}
{{ .View.Details }}

{{ .View.Description }}

{{ .View.ConsoleURL }}
`
	overrideTransformer = `{"title": "<title>", "account": "<account>", "rule": "<aws.events.rule-name>"}`
)

func overrideConfig(name, topic string) *Config {
	overrides := map[string]render.Override{
		"json": {Template: overrideJSON, Format: render.FormatJSON},
		"text": {Template: overrideText},
		"transformer": {
			InputPaths:    map[string]string{"title": "$.detail.findings[0].Title", "account": "$.detail.findings[0].AwsAccountId"},
			InputTemplate: overrideTransformer, Format: render.FormatJSON,
		},
	}
	return &Config{TopicARN: topic, Message: overrides[name]}
}

// buildOverride builds m with cfg's override compiled as New compiles it.
func buildOverride(t testing.TB, m *notify.Message, cfg *Config, opts render.Options) (Publication, error) {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	msg, err := cfg.Message.Compile("sns-test", opts)
	if err != nil {
		t.Fatal(err)
	}
	return Build(m, cfg, opts, msg)
}

// TestOverrideGolden: an override's output is the SNS message; subject,
// attributes and FIFO IDs stay the built-in ones.
func TestOverrideGolden(t *testing.T) {
	s := samples(t)
	var single, digest sample
	for _, x := range s {
		switch x.name {
		case "new-control-event":
			single = x
		case "digest":
			digest = x
		}
	}
	tests := []struct {
		config, topic, file string
		s                   sample
	}{
		{"json", standardTopic, "override-json-single.json", single},
		{"json", fifoTopic, "override-json-digest.fifo.json", digest},
		{"transformer", standardTopic, "override-transformer-single.json", single},
		{"text", standardTopic, "override-text-single.txt", single},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, err := buildOverride(t, tt.s.m, overrideConfig(tt.config, tt.topic), goldenOptions(render.English))
			if err != nil {
				t.Fatal(err)
			}
			if p.Subject != Subject(tt.s.m) {
				t.Errorf("subject %q, want the built-in %q", p.Subject, Subject(tt.s.m))
			}
			if strings.HasSuffix(tt.file, ".txt") {
				notifytest.Golden(t, "testdata/golden/"+tt.file, []byte("Subject: "+p.Subject+"\n\n"+p.Message))
				return
			}
			notifytest.GoldenJSON(t, "testdata/golden/"+tt.file, golden(t, p))
		})
	}
}

// TestOverrideDigestFallback: a template that never reads .Digest, and an
// input transformer, leave a digest the built-in digest message.
func TestOverrideDigestFallback(t *testing.T) {
	digest := samples(t)[len(samples(t))-1].m
	if digest.Digest == nil {
		t.Fatal("the last sample is not a digest")
	}
	builtin, err := Build(digest, &Config{TopicARN: standardTopic}, goldenOptions(render.Japanese), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"text", "transformer"} {
		p, err := buildOverride(t, digest, overrideConfig(name, standardTopic), goldenOptions(render.Japanese))
		if err != nil {
			t.Fatal(err)
		}
		if p.Message != builtin.Message || p.Subject != builtin.Subject {
			t.Errorf("%s: the digest is not the built-in one:\n%.300s", name, p.Message)
		}
	}
}

// TestOverrideInvalid: a bad override is a configuration error naming
// message.…, from Validate and from New.
func TestOverrideInvalid(t *testing.T) {
	env, _ := notifytest.NewEnv(t)
	tests := []struct {
		name string
		o    render.Override
		want string
	}{
		{"template", render.Override{Template: "{{ .View.Title"}, "message.template: line 1: unclosed action"},
		{"html", render.Override{Template: "<p>{{ .View.Title }}</p>", Format: render.FormatHTML}, "message.format: html: SNS delivers no HTML"},
		{"format", render.Override{Template: "x", Format: "xml"}, `message.format: "xml" is not one of`},
		{"format only", render.Override{Format: render.FormatJSON}, "message: format is set but template and input_template are not"},
		{"transformer", render.Override{InputTemplate: `{"a": "<nope>"}`}, "message.input_template:"},
		{"both", render.Override{Template: "x", InputTemplate: "y"}, "message: template and input_paths/input_template are both set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &Config{TopicARN: standardTopic, Message: tt.o}
			if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate: %v, want %q", err, tt.want)
			}
			if _, err := New("sns-test", cfg, env); err == nil || !strings.HasPrefix(err.Error(), "sns: "+tt.want) {
				t.Errorf("New: %v, want prefix %q", err, "sns: "+tt.want)
			}
		})
	}
}

// TestOverrideTooLarge: text output over SNS's limit is cut with the
// truncation marker; JSON output over it is an error naming the override.
func TestOverrideTooLarge(t *testing.T) {
	m := samples(t)[0].m
	huge := render.Override{Template: `{{ repeat 300000 "検" }}`}
	p, err := buildOverride(t, m, &Config{TopicARN: standardTopic, Message: huge}, goldenOptions(render.Japanese))
	if err != nil {
		t.Fatal(err)
	}
	marker := strings.TrimLeft(render.Truncate(strings.Repeat("検", 100), 20, render.Japanese), "検")
	if p.Size() > MaxMessageBytes || !utf8.ValidString(p.Message) || len(p.Message) < MaxMessageBytes/2 || !strings.HasSuffix(p.Message, marker) {
		t.Errorf("size %d of %d, ends %q", p.Size(), MaxMessageBytes, p.Message[max(len(p.Message)-40, 0):])
	}
	huge.Format = render.FormatJSON
	huge.Template = `{"a": {{ repeat 300000 "x" | jsonString }}}`
	_, err = buildOverride(t, m, &Config{TopicARN: standardTopic, Message: huge}, goldenOptions(render.Japanese))
	if err == nil || !strings.Contains(err.Error(), "render: sns-test: message: output is") {
		t.Errorf("error %v", err)
	}
}

// TestOverrideHostile: hostile finding text (and 100 KB in every field)
// through every override keeps the message valid: JSON stays JSON, text is
// UTF-8, and both fit SNS's limit.
func TestOverrideHostile(t *testing.T) {
	base := load(t, fixtureGuardDuty).Finding
	other := load(t, fixtureCIS113).Finding
	huge := strings.Repeat("<!channel> & \"x\" 検出 ", 100<<10/30)
	for _, text := range append(hostileTexts, huge) {
		f := hostile(base, text, text+"\n"+text, text, text, "https://evil.example/"+text)
		for _, m := range []*notify.Message{
			hostileMessage(f, []*finding.Finding{other}, "route", 0),
			hostileMessage(f, []*finding.Finding{other}, "route", 16),
		} {
			for _, name := range []string{"json", "text", "transformer"} {
				for _, topic := range []string{standardTopic, fifoTopic} {
					p, err := buildOverride(t, m, overrideConfig(name, topic), render.Options{Language: render.Japanese, Region: "us-east-1"})
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					checkOverridePublication(t, name, p)
				}
			}
		}
	}
}

func checkOverridePublication(t *testing.T, name string, p Publication) {
	t.Helper()
	if p.Size() > MaxMessageBytes {
		t.Errorf("%s: %d bytes, over %d", name, p.Size(), MaxMessageBytes)
	}
	if !utf8.ValidString(p.Message) || !utf8.ValidString(p.Subject) || len(p.Subject) > MaxSubjectLength {
		t.Errorf("%s: invalid message or subject %q", name, p.Subject)
	}
	if name != "text" && !json.Valid([]byte(p.Message)) {
		t.Errorf("%s: message is not JSON: %.300s", name, p.Message)
	}
}

// TestOverrideREADME decodes every sns destination of README.md's
// "Your own message" example strictly and validates it, so the guide
// cannot drift from the code.
func TestOverrideREADME(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "## Your own message")
	block := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindStringSubmatch(section)
	if block == nil {
		t.Fatal("no YAML example under \"Your own message\"")
	}
	var doc struct {
		Destinations map[string]struct {
			SNS any `yaml:"sns"`
		} `yaml:"destinations"`
	}
	if err := yaml.Unmarshal([]byte(block[1]), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Destinations) < 2 {
		t.Fatalf("%d destinations in the example", len(doc.Destinations))
	}
	for name, d := range doc.Destinations {
		text, err := json.Marshal(d.SNS)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(strings.NewReader(string(text)))
		dec.DisallowUnknownFields()
		var cfg Config
		if err := dec.Decode(&cfg); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cfg.Message.IsZero() {
			t.Fatalf("%s: no message", name)
		}
		p, err := buildOverride(t, samples(t)[0].m, &cfg, goldenOptions(render.Japanese))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		kind := "json"
		if cfg.Message.Format == "" {
			kind = "text"
		}
		checkOverridePublication(t, kind, p)
	}
}

// FuzzOverride renders hostile finding text through the json, text and
// transformer overrides, on a standard or FIFO topic, as mode picks: the
// message must stay within SNS's limit, UTF-8, and JSON where the format
// says so.
//
//	go test -fuzz=FuzzOverride -fuzztime=60s ./internal/notify/sns
func FuzzOverride(f *testing.F) {
	bases := []*finding.Finding{load(f, fixtureGuardDuty).Finding, load(f, fixtureOCSFConfig1).Finding, load(f, fixtureCIS113).Finding}
	for i, s := range hostileTexts {
		f.Add(s, strings.Repeat(s, 8), s, s, "https://evil.example/|"+s, s, uint8(i*37), uint8(i))
	}
	names := []string{"json", "text", "transformer"}
	f.Fuzz(func(t *testing.T, title, description, resource, account, remediationURL, route string, flags, mode uint8) {
		fd := hostile(bases[int(flags>>5)%len(bases)], title, description, resource, account, remediationURL)
		m := hostileMessage(fd, bases[1:], route, flags)
		name := names[int(mode)%len(names)]
		topic := []string{standardTopic, fifoTopic}[int(mode/3)%2]
		p, err := buildOverride(t, m, overrideConfig(name, topic), render.Options{Language: languages[int(mode/6)%2], Region: "us-east-1"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkOverridePublication(t, name, p)
	})
}
