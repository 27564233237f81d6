package sns

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

const (
	standardTopic = "arn:aws:sns:ap-northeast-1:123456789012:security-alerts"
	fifoTopic     = "arn:aws:sns:ap-northeast-1:123456789012:security-alerts.fifo"
)

// goldenPublication is a Publication as a golden file shows it: the
// message as indented JSON rather than one long string.
type goldenPublication struct {
	Subject         string            `json:"subject,omitempty"`
	Attributes      map[string]string `json:"attributes,omitempty"`
	GroupID         string            `json:"message_group_id,omitempty"`
	DeduplicationID string            `json:"message_deduplication_id,omitempty"`
	Thread          string            `json:"thread"`
	Size            int               `json:"size_bytes"`
	Message         json.RawMessage   `json:"message"`
}

func golden(t *testing.T, p Publication) goldenPublication {
	t.Helper()
	if !json.Valid([]byte(p.Message)) {
		t.Fatalf("message is not valid JSON: %s", p.Message)
	}
	g := goldenPublication{
		Subject: p.Subject, GroupID: p.GroupID, DeduplicationID: p.DeduplicationID,
		Thread: p.Thread, Size: p.Size(), Message: json.RawMessage(p.Message),
	}
	if len(p.Attributes) > 0 {
		g.Attributes = map[string]string{}
		for _, a := range p.Attributes {
			g.Attributes[a.Name] = a.Value
		}
	}
	return g
}

// preview writes a Chatbot notification as a person reads it in Slack.
func preview(n ChatbotNotification) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s\n", n.Content.Title, n.Content.Description)
	if len(n.Content.NextSteps) > 0 {
		b.WriteString("\nNext steps:\n")
		for _, s := range n.Content.NextSteps {
			fmt.Fprintf(&b, "  • %s\n", s)
		}
	}
	if len(n.Content.Keywords) > 0 {
		fmt.Fprintf(&b, "\n[%s]\n", strings.Join(n.Content.Keywords, "] ["))
	}
	fmt.Fprintf(&b, "\n(preview: %s | thread %s | %s)\n", n.Metadata.Summary, n.Metadata.ThreadID, n.Metadata.EventType)
	return b.String()
}

var languages = []render.Language{render.English, render.Japanese}

// goldenOptions are the options of seed 000's users: console links in
// the Tokyo aggregation region; times in UTC (en) and JST (ja).
func goldenOptions(lang render.Language) render.Options {
	return render.Options{Language: lang, Region: "ap-northeast-1"}
}

func TestChatbotGolden(t *testing.T) {
	for _, s := range samples(t) {
		for _, lang := range languages {
			t.Run(s.name+"/"+string(lang), func(t *testing.T) {
				cfg := &Config{TopicARN: standardTopic}
				p, err := Build(s.m, cfg, goldenOptions(lang), nil)
				if err != nil {
					t.Fatal(err)
				}
				var n ChatbotNotification
				if err := json.Unmarshal([]byte(p.Message), &n); err != nil {
					t.Fatal(err)
				}
				base := "testdata/golden/chatbot-" + s.name + "." + string(lang)
				notifytest.GoldenJSON(t, base+".json", golden(t, p))
				notifytest.Golden(t, base+".txt", []byte(preview(n)))
			})
		}
	}
}

func TestDocumentGolden(t *testing.T) {
	for _, s := range samples(t) {
		for _, lang := range languages {
			t.Run(s.name+"/"+string(lang), func(t *testing.T) {
				p, err := Build(s.m, &Config{TopicARN: standardTopic, MessageFormat: FormatJSON}, goldenOptions(lang), nil)
				if err != nil {
					t.Fatal(err)
				}
				notifytest.GoldenJSON(t, "testdata/golden/json-"+s.name+"."+string(lang)+".json", golden(t, p))
			})
		}
	}
}

// TestRawGolden: the raw format is the same in every language.
func TestRawGolden(t *testing.T) {
	for _, s := range samples(t) {
		t.Run(s.name, func(t *testing.T) {
			cfg := &Config{TopicARN: standardTopic, MessageFormat: FormatRaw}
			p, err := Build(s.m, cfg, goldenOptions(render.English), nil)
			if err != nil {
				t.Fatal(err)
			}
			ja, err := Build(s.m, cfg, goldenOptions(render.Japanese), nil)
			if err != nil {
				t.Fatal(err)
			}
			if ja.Message != p.Message || ja.Subject != "" || p.Subject != "" {
				t.Errorf("raw messages differ between languages or carry a subject")
			}
			notifytest.GoldenJSON(t, "testdata/golden/raw-"+s.name+".json", golden(t, p))
		})
	}
}

func TestFIFOGolden(t *testing.T) {
	for _, s := range samples(t) {
		if s.name != "new-control-event" && s.name != "digest" && s.name != "new-critical-getfindings" {
			continue
		}
		for _, by := range []string{GroupByAccount, GroupByFinding} {
			t.Run(s.name+"/"+by, func(t *testing.T) {
				cfg := &Config{TopicARN: fifoTopic, MessageFormat: FormatRaw, MessageGroup: by}
				p, err := Build(s.m, cfg, goldenOptions(render.English), nil)
				if err != nil {
					t.Fatal(err)
				}
				notifytest.GoldenJSON(t, "testdata/golden/fifo-"+by+"-"+s.name+".json", golden(t, p))
			})
		}
	}
}
