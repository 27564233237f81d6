package destinations_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// noticeTakers are the types that deliver notices.
var noticeTakers = []string{"email", "file", "slack", "sns", "stdout", "teams", "webhook"}

func TestNoticeTypes(t *testing.T) {
	reg := destinations.Registry()
	if got := reg.NoticeTypes(); !slices.Equal(got, noticeTakers) {
		t.Errorf("NoticeTypes() = %v, want %v", got, noticeTakers)
	}
	for _, typ := range reg.Types() {
		if reg.Notices(typ) != slices.Contains(noticeTakers, typ) {
			t.Errorf("Notices(%s) = %v", typ, reg.Notices(typ))
		}
	}
}

// answer is what a test server answers each destination's API: enough for
// a delivery to succeed.
func answer(req notifytest.Request) notifytest.Response {
	json := http.Header{"Content-Type": {"application/json"}}
	switch {
	case req.Path == "/api/chat.postMessage":
		return notifytest.Response{Header: json, Body: `{"ok":true,"channel":"C0123456789","ts":"1767323045.000100"}`}
	case req.Path == "/api/chat.getPermalink":
		return notifytest.Response{Header: json, Body: `{"ok":true,"permalink":"https://example.slack.com/archives/C0123456789/p1767323045000100"}`}
	case req.Path == "/v2/email/outbound-emails":
		return notifytest.Response{Header: json, Body: `{"MessageId":"010601937f0a1b2c-000000"}`}
	case req.Path == "/" && strings.Contains(string(req.Body), "Action=Publish"):
		return notifytest.Response{Header: http.Header{"Content-Type": {"text/xml"}}, Body: `<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>5f6e7d8c-1234-5678-9abc-def012345678</MessageId></PublishResult></PublishResponse>`}
	case req.Path == "/workflow":
		return notifytest.Response{Status: http.StatusAccepted}
	}
	return notifytest.Response{Status: http.StatusOK, Header: json, Body: `{}`}
}

// settingsFor are working settings of each type against the server at
// base (and, for file, a path in dir).
func settingsFor(typ, base, dir string) string {
	path, _ := json.Marshal(filepath.Join(dir, "notices.jsonl"))
	creds := `"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"`
	return map[string]string{
		"email": fmt.Sprintf(`{"ses": {"region": "ap-northeast-1", "from": "alerts@example.com", "endpoint": %q, %s}, "to": ["security@example.com"]}`, base, creds),
		"file":  `{"path": ` + string(path) + `}`,
		"slack": fmt.Sprintf(`{"token": "xoxb-1-destinations-test", "channel": "#sec", "api_url": %q}`, base+"/api/"),
		"sns": fmt.Sprintf(`{"topic_arn": "arn:aws:sns:ap-northeast-1:123456789012:security-alerts", "endpoint": %q, %s}`,
			base, creds),
		"stdout":  `{}`,
		"teams":   fmt.Sprintf(`{"workflow_url": %q}`, base+"/workflow?sig=destinations-test"),
		"webhook": fmt.Sprintf(`{"url": %q}`, base+"/hook"),
		"backlog": fmt.Sprintf(`{"space": %q, "api_key": "backlog-key-destinations-test", "project_id": 1, "issue_type_id": 2}`, base),
		"jira": fmt.Sprintf(`{"url": %q, "email": "a@example.com", "api_token": "jira-token-destinations-test", "project_key": "SEC", "issue_type": "Task"}`,
			base),
		"github":    fmt.Sprintf(`{"owner": "example-org", "repo": "security", "token": "ghp_destinations", "base_url": %q}`, base+"/"),
		"pagerduty": fmt.Sprintf(`{"routing_key": "abcdef0123456789hubrelaytest0001", "url": %q}`, base),
	}[typ]
}

// TestNoticeDelivery: each of the seven delivers every notice sample; the
// others refuse a notice permanently, without a request.
func TestNoticeDelivery(t *testing.T) {
	reg := destinations.Registry()
	for _, typ := range reg.Types() {
		t.Run(typ, func(t *testing.T) {
			srv := notifytest.NewServerFunc(t, answer)
			dir := t.TempDir()
			settings := notifytest.Settings(settingsFor(typ, srv.URL, dir))
			if err := reg.Check(typ, settings); err != nil {
				t.Fatalf("Check: %v", err)
			}
			env, _ := notifytest.NewEnv(t)
			var out syncWriter
			env.Stdout = &out
			n, err := reg.New(typ, typ+"-notices", settings, env)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if !slices.Contains(noticeTakers, typ) {
				_, err := n.Notify(t.Context(), notifytest.NoticeMessage(t))
				notifytest.CheckError(t, err, false, 0)
				if err == nil || !strings.Contains(err.Error(), "do not take notices") {
					t.Errorf("error %v does not say why", err)
				}
				if got := len(srv.Requests()); got != 0 {
					t.Errorf("%d requests for a refused notice", got)
				}
				return
			}
			for _, s := range notifytest.NoticeSamples(t) {
				if _, err := n.Notify(t.Context(), s.Message); err != nil {
					t.Errorf("%s: %v", s.Name, err)
				}
			}
			delivered := len(srv.Requests())
			switch typ {
			case "stdout":
				delivered = strings.Count(out.String(), `"kind":"notice"`)
			case "file":
				data, _ := os.ReadFile(filepath.Join(dir, "notices.jsonl"))
				delivered = strings.Count(string(data), `"kind":"notice"`)
			case "slack":
				delivered /= 2 // chat.postMessage, then chat.getPermalink
			}
			if want := len(notifytest.NoticeSamples(t)); delivered != want {
				t.Errorf("%d notices delivered, want %d", delivered, want)
			}
		})
	}
}

// syncWriter collects stdout.
type syncWriter struct{ strings.Builder }
