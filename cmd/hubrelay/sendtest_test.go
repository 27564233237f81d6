package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// slackServer answers chat.postMessage and chat.getPermalink the way Slack
// documents them, failing with invalid_auth for any other token.
func slackServer(t *testing.T, token string) (*httptest.Server, *[]map[string]any) {
	t.Helper()
	var mu sync.Mutex
	var posts []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+token {
			// Slack does not echo tokens, but a proxy might: the CLI must still not print it.
			io.WriteString(w, `{"ok":false,"error":"invalid_auth","detail":"`+r.Header.Get("Authorization")+`"}`)
			return
		}
		switch r.URL.Path {
		case "/api/chat.postMessage":
			var body map[string]any
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				t.Errorf("chat.postMessage body: %v", err)
			}
			mu.Lock()
			posts = append(posts, body)
			mu.Unlock()
			io.WriteString(w, `{"ok":true,"channel":"C0123456789","ts":"1700000000.000100"}`)
		case "/api/chat.getPermalink":
			io.WriteString(w, `{"ok":true,"channel":"C0123456789","permalink":"https://example.slack.com/archives/C0123456789/p1700000000000100"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &posts
}

func writeSendTestConfig(t *testing.T, apiURL string) string {
	t.Helper()
	cfg := `language: ja
destinations:
  slack-sec:
    slack: {token: "${env:HUBRELAY_TEST_SLACK_TOKEN}", channel: C0123456789, api_url: "` + apiURL + `/api/"}
  out:
    stdout: {}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [slack-sec, out]
`
	path := filepath.Join(t.TempDir(), "hubrelay.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSendTestSlack(t *testing.T) {
	const token = "xoxb-111-222-sendtestsecret"
	srv, posts := slackServer(t, token)
	t.Setenv("HUBRELAY_TEST_SLACK_TOKEN", token)
	cfg := writeSendTestConfig(t, srv.URL)

	code, out, stderr := runCLI(t, "", "send-test", "-c", cfg, "--destination", "slack-sec", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	var got struct {
		Destination string `json:"destination"`
		Type        string `json:"type"`
		Receipt     struct{ ID, URL, Channel string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if got.Destination != "slack-sec" || got.Type != "slack" || got.Receipt.ID != "1700000000.000100" || !strings.Contains(got.Receipt.URL, "/archives/C0123456789/") {
		t.Errorf("receipt %+v", got)
	}
	if len(*posts) != 1 {
		t.Fatalf("%d posts, want 1", len(*posts))
	}
	if text, _ := (*posts)[0]["text"].(string); !strings.Contains(text, "CloudTrail") {
		t.Errorf("posted text %q does not carry the sample finding", text)
	}
}

func TestSendTestFailureHidesTheToken(t *testing.T) {
	srv, _ := slackServer(t, "xoxb-the-right-one")
	const wrong = "xoxb-999-888-wrongsecretvalue"
	t.Setenv("HUBRELAY_TEST_SLACK_TOKEN", wrong)
	cfg := writeSendTestConfig(t, srv.URL)

	code, out, stderr := runCLI(t, "", "send-test", "-c", cfg, "-d", "slack-sec", "--finding", "testdata/findings/08-guardduty-ssh-bruteforce.json")
	if code != exitNegative {
		t.Errorf("exit %d, want 1; stderr %s", code, stderr)
	}
	if !strings.Contains(stderr, "invalid_auth") {
		t.Errorf("stderr %q should say why", stderr)
	}
	if strings.Contains(stderr+out, wrong) || strings.Contains(stderr+out, "wrongsecretvalue") {
		t.Errorf("the token leaked: %s%s", out, stderr)
	}
}

func TestSendTestStdoutAndErrors(t *testing.T) {
	srv, _ := slackServer(t, "xoxb-1-2-stdouttest")
	t.Setenv("HUBRELAY_TEST_SLACK_TOKEN", "xoxb-1-2-stdouttest")
	cfg := writeSendTestConfig(t, srv.URL)

	code, out, stderr := runCLI(t, "", "send-test", "-c", cfg, "-d", "out")
	if code != exitOK || !strings.Contains(out, `"kind":"test"`) {
		t.Errorf("stdout destination: exit %d, out %q, stderr %q", code, out, stderr)
	}
	if code, _, _ := runCLI(t, "", "send-test", "-c", cfg, "-d", "nope"); code != exitInvalid {
		t.Errorf("unknown destination: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "", "send-test", "-c", cfg, "-d", "out", "--finding", "testdata/bad-pattern.json"); code != exitInvalid {
		t.Errorf("a file with no finding: exit %d, want 2", code)
	}
}
