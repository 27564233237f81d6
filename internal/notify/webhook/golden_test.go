package webhook

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

var languages = []render.Language{render.English, render.Japanese}

// goldenOptions are the options of seed 000's users: console links in
// the Tokyo aggregation region; times in UTC (en) and JST (ja).
func goldenOptions(lang render.Language) render.Options {
	return render.Options{Language: lang, Region: "ap-northeast-1"}
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// seed000Config is seed 000's API destination: its InputPathsMap and
// InputTemplate as published, unchanged.
func seed000Config(t testing.TB) *Config {
	t.Helper()
	var paths map[string]string
	if err := json.Unmarshal([]byte(readTestdata(t, "seed000-input-paths.json")), &paths); err != nil {
		t.Fatal(err)
	}
	return &Config{URL: "https://example.backlog.jp/api/v2/issues", InputPaths: paths, InputTemplate: readTestdata(t, "seed000-input-template.txt")}
}

// indented writes a JSON body indented for reading; other bodies as they
// are.
func indented(t *testing.T, b Body) []byte {
	t.Helper()
	if b.ContentType != ContentTypeJSON {
		return b.Data
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b.Data, "", "  "); err != nil {
		t.Fatalf("JSON body does not indent: %v", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

func render1(t *testing.T, cfg *Config, lang render.Language, s sample) Body {
	t.Helper()
	r, err := NewRenderer("webhook-test", cfg, goldenOptions(lang))
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Render(s.m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Data, bytes.ToValidUTF8(b.Data, nil)) {
		t.Error("body is not valid UTF-8")
	}
	return b
}

// TestEventGolden: by default the body is the event, in any language.
func TestEventGolden(t *testing.T) {
	for _, s := range samples(t) {
		t.Run(s.name, func(t *testing.T) {
			cfg := &Config{URL: "https://example.com/hook"}
			b := render1(t, cfg, render.English, s)
			if ja := render1(t, cfg, render.Japanese, s); !bytes.Equal(ja.Data, b.Data) || b.ContentType != ContentTypeJSON {
				t.Error("the event differs by language or is not JSON")
			}
			notifytest.Golden(t, "testdata/golden/event-"+s.name+".json", indented(t, b))
		})
	}
}

// TestSeed000Golden: seed 000's Backlog transformer, unchanged, gives the
// Backlog issue it gave behind EventBridge.
func TestSeed000Golden(t *testing.T) {
	for _, s := range samples(t) {
		t.Run(s.name, func(t *testing.T) {
			b := render1(t, seed000Config(t), render.Japanese, s)
			if b.ContentType != ContentTypeJSON {
				t.Fatalf("content type %q", b.ContentType)
			}
			notifytest.Golden(t, "testdata/golden/seed000-"+s.name+".json", indented(t, b))
		})
	}
}

// TestSeed000Fields checks the Backlog issue field by field against the
// finding and the published template.
func TestSeed000Fields(t *testing.T) {
	// The EC2.7 event of the seed's EventBridge rule. As published, its
	// finding has no Region and no FindingProviderFields, so EventBridge
	// fills <Region> and <Severity> with nothing, and so does hubrelay.
	s := samples(t)[0]
	b := render1(t, seed000Config(t), render.Japanese, s)
	var issue map[string]string
	if err := json.Unmarshal(b.Data, &issue); err != nil {
		t.Fatal(err)
	}
	f := s.m.Finding
	want := map[string]string{
		"projectId":     "BacklogのプロジェクトID",
		"parentIssueId": "SecurityHub用親課題のID",
		"priorityId":    "3",
		"issueTypeId":   "SecurityHubチケットに割り当てる分類のID",
		"summary":       f.Title,
		"description": "AWS Security Hubで以下が検出されました。<br /><br />検出内容:<br />" + f.Description +
			"<br /><br />重要度: <br /><br />AWSアカウント: 111111111111<br />リージョン: <br />リソース: AWS::::Account:111111111111" +
			"<br /><br />検索ID: " + f.ID + "<br /><br />リンク:<br />[Security Hub](https://ap-northeast-1.console.aws.amazon.com/securityhub/home?region=ap-northeast-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A" + f.ID +
			")<br />[Recommendation](https://docs.aws.amazon.com/console/securityhub/EC2.7/remediation)",
	}
	if len(issue) != len(want) {
		t.Errorf("issue has %d fields, want %d: %v", len(issue), len(want), issue)
	}
	for k, v := range want {
		if issue[k] != v {
			t.Errorf("%s:\n got %q\nwant %q", k, issue[k], v)
		}
	}
}

func TestTemplateGolden(t *testing.T) {
	tmpl := readTestdata(t, "example-template.tmpl")
	for _, s := range samples(t) {
		for _, lang := range languages {
			t.Run(s.name+"/"+string(lang), func(t *testing.T) {
				b := render1(t, &Config{URL: "https://example.com/hook", Template: tmpl}, lang, s)
				if b.ContentType != ContentTypeJSON {
					t.Fatalf("template output is not JSON:\n%s", b.Data)
				}
				notifytest.Golden(t, "testdata/golden/template-"+s.name+"."+string(lang)+".json", indented(t, b))
			})
		}
	}
}

func TestPlainTextBodies(t *testing.T) {
	s := samples(t)[1]
	for _, cfg := range []*Config{
		{URL: "https://example.com/hook", InputPaths: map[string]string{"title": "$.detail.findings[0].Title"}, InputTemplate: "Security Hub: <title>"},
		{URL: "https://example.com/hook", Template: `{{ with .View }}{{ .Severity.Name }}: {{ .Title }}{{ end }}`},
	} {
		b := render1(t, cfg, render.Japanese, s)
		if b.ContentType != ContentTypeText || !strings.Contains(string(b.Data), "199.241.229.197 is performing SSH brute force attacks") {
			t.Errorf("body %q as %s", b.Data, b.ContentType)
		}
	}
}

// TestREADMETemplate runs the chat template of README.md's example, as
// the configuration file would hold it.
func TestREADMETemplate(t *testing.T) {
	cfg := readmeDestination(t, "chat")
	cfg.URL = "https://example.com/h"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	s := samples(t)
	single := render1(t, cfg, render.English, s[1])
	digest := render1(t, cfg, render.Japanese, s[9])
	for _, b := range []Body{single, digest} {
		if b.ContentType != ContentTypeJSON {
			t.Errorf("not JSON: %s", b.Data)
		}
	}
	if !strings.Contains(string(single.Data), `"text": "🟡 New Security Hub finding: 199.241.229.197`) ||
		!strings.Contains(string(digest.Data), `Security Hub ダイジェスト: 9 件の検出結果\n重大: 1 件`) {
		t.Errorf("bodies:\n%s\n%s", single.Data, digest.Data)
	}
}

// readmeDestination decodes destination name of README.md's first YAML
// example strictly into a Config.
func readmeDestination(t *testing.T, name string) *Config {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README.md has no YAML example")
	}
	var doc struct {
		Destinations map[string]struct {
			Webhook any `yaml:"webhook"`
		} `yaml:"destinations"`
	}
	if err := yaml.Unmarshal(block[1], &doc); err != nil {
		t.Fatalf("README.md example: %v", err)
	}
	text, err := json.Marshal(doc.Destinations[name].Webhook)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("README.md example %s: %v", name, err)
	}
	return &cfg
}
