package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/members/orgtest"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

const membersSlackToken = "xoxb-2222222222-3333333333-MeMbErSsEcReT0123456789"

// slackAPI answers chat.postMessage as the Web API documents it
// (https://docs.slack.dev/reference/methods/chat.postMessage): a POST with
// "Authorization: Bearer <token>" and a JSON body holding channel, text
// and blocks; it keeps the bodies and refuses anything else.
type slackAPI struct {
	t     *testing.T
	mu    sync.Mutex
	posts []map[string]any
}

func (s *slackAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/api/chat.getPermalink":
		_, _ = io.WriteString(w, `{"ok":true,"channel":"C0123456789","permalink":"https://example.slack.com/archives/C0123456789/p1767323045000100"}`)
		return
	case r.Method != http.MethodPost || r.URL.Path != "/api/chat.postMessage":
		s.t.Errorf("Slack got %s %s", r.Method, r.URL.Path)
		_, _ = io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
		return
	case r.Header.Get("Authorization") != "Bearer "+membersSlackToken:
		_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
		return
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
		s.t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_json"}`)
		return
	}
	if body["channel"] != "sec-members" || body["text"] == "" || body["blocks"] == nil {
		s.t.Errorf("chat.postMessage body %v", body)
	}
	s.mu.Lock()
	s.posts = append(s.posts, body)
	s.mu.Unlock()
	_, _ = io.WriteString(w, `{"ok":true,"channel":"C0123456789","ts":"1767323045.000100"}`)
}

// take returns the messages posted since the last call, as JSON text.
func (s *slackAPI) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, p := range s.posts {
		b, _ := json.Marshal(p)
		out = append(out, string(b))
	}
	s.posts = nil
	return out
}

type membersJSON struct {
	PreviousAt *time.Time `json:"previous_at"`
	Members    int        `json:"members"`
	Kind       string     `json:"kind"`
	Changes    []struct {
		AccountID, Kind, From, To string
	} `json:"changes"`
	Unmanaged []struct {
		AccountID string `json:"account_id"`
		Status    string `json:"status"`
	} `json:"unmanaged"`
	Organizations *struct {
		Accounts   int `json:"accounts"`
		NotMembers []struct {
			AccountID string `json:"account_id"`
		} `json:"not_members"`
	} `json:"organizations"`
	Announced  bool           `json:"announced"`
	Notices    int            `json:"notices"`
	Deliveries map[string]int `json:"deliveries"`
}

func TestMembersCommand(t *testing.T) {
	hub := hubtest.NewTest(t, hubtest.Options{Region: "ap-northeast-1", AccountID: "999999999999"})
	creds, err := hub.AWSConfig().Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	org := orgtest.NewTest(t, orgtest.Options{ManagementAccountID: "999999999999", AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey})
	t.Setenv("AWS_ENDPOINT_URL_SECURITYHUB", hub.URL())
	t.Setenv("AWS_ENDPOINT_URL_ORGANIZATIONS", org.URL())
	t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	old := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	hub.AddMembers(hubtest.Member{AccountID: "111111111111", MemberStatus: "Enabled", UpdatedAt: old},
		hubtest.Member{AccountID: "222222222222", MemberStatus: "Enabled", UpdatedAt: old})
	org.AddAccounts(orgtest.Account{ID: "111111111111", Name: "prod-app"}, orgtest.Account{ID: "222222222222", Name: "staging"},
		orgtest.Account{ID: "333333333333", Name: "sandbox"}, orgtest.Account{ID: "999999999999", Name: "security"})
	slackSrv := &slackAPI{t: t}
	api := httptest.NewServer(slackSrv)
	defer api.Close()

	dir := t.TempDir()
	cfg := filepath.Join(dir, "hubrelay.yaml")
	yaml := "store: " + strconv.Quote("sqlite:"+filepath.Join(dir, "hubrelay.db")) + `
language: ja
timezone: Asia/Tokyo
securityhub: {region: ap-northeast-1}
destinations:
  slack-sec:
    slack: {token: ` + membersSlackToken + `, channel: sec-members, api_url: "` + api.URL + `/api/"}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [slack-sec]
members:
  to: [slack-sec]
  organizations: true
`
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (membersJSON, string) {
		t.Helper()
		code, stdout, stderr := runCLI(t, "", append([]string{"members", "-c", cfg}, args...)...)
		if code != exitOK {
			t.Fatalf("members %v: exit %d\n%s\n%s", args, code, stdout, stderr)
		}
		if strings.Contains(stdout+stderr, membersSlackToken) {
			t.Fatal("the Slack token shows in the output")
		}
		var r membersJSON
		if strings.Contains(strings.Join(args, " "), "json") {
			if err := json.Unmarshal([]byte(stdout), &r); err != nil {
				t.Fatalf("%v: %s", err, stdout)
			}
		}
		return r, stdout
	}

	// A check: the first one, nothing sent.
	r, _ := run("-o", "json")
	if r.PreviousAt != nil || r.Members != 2 || r.Kind != "check" || r.Announced || r.Notices != 0 || r.Organizations == nil ||
		len(r.Organizations.NotMembers) != 1 || r.Organizations.NotMembers[0].AccountID != "333333333333" {
		t.Fatalf("first check: %+v", r)
	}
	if posts := slackSrv.take(); len(posts) != 0 {
		t.Fatalf("a check posted %d messages", len(posts))
	}
	// --send: the first announced check, delivered before the command ends.
	r, _ = run("--send", "-o", "json")
	if !r.Announced || r.Notices != 1 || r.Deliveries["delivered"] != 1 || r.Kind != "manual" {
		t.Fatalf("first --send: %+v", r)
	}
	posts := slackSrv.take()
	if len(posts) != 1 || !strings.Contains(posts[0], "初回のチェックです") || !strings.Contains(posts[0], "333333333333 sandbox") {
		t.Fatalf("first --send posted %q", posts)
	}

	// 111 resigns: a check shows it as a table and sends nothing.
	hub.SetMemberStatus("111111111111", "Resigned", time.Now())
	_, table := run()
	for _, want := range []string{"CHANGES", "111111111111", "left", "Enabled", "Resigned", "OUTSIDE SECURITY HUB MANAGEMENT", "333333333333", "nothing sent"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
	if posts := slackSrv.take(); len(posts) != 0 {
		t.Fatalf("a check posted %d messages", len(posts))
	}
	// --send tells it: the change was not swallowed by the check.
	r, _ = run("--send", "-o", "json")
	if len(r.Changes) != 1 || r.Changes[0].Kind != "left" || len(r.Unmanaged) != 1 || r.Notices != 1 {
		t.Fatalf("second --send: %+v", r)
	}
	posts = slackSrv.take()
	if len(posts) != 1 || !strings.Contains(posts[0], "Security Hub メンバーステータスの変更") || !strings.Contains(posts[0], "Security Hub 管理外となっているアカウント") ||
		!strings.Contains(posts[0], "111111111111 prod-app（Enabled → Resigned）") {
		t.Fatalf("second --send posted %q", posts)
	}
}

func TestMembersCommandErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "hubrelay.yaml")
	yaml := "store: " + strconv.Quote("sqlite:"+filepath.Join(dir, "hubrelay.db")) + `
securityhub: {region: ap-northeast-1}
destinations:
  out: {stdout: {}}
routes:
  - {name: all, pattern: {source: [aws.securityhub]}, to: [out]}
`
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "", "members", "-c", cfg, "--send"); code != exitInvalid || !strings.Contains(stderr, "no members: section") {
		t.Errorf("--send without members: exit %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "members", "-c", cfg, "-o", "yaml"); code != exitInvalid || !strings.Contains(stderr, "--output") {
		t.Errorf("bad --output: exit %d %s", code, stderr)
	}
	// Security Hub refuses (the role lacks securityhub:ListMembers, as
	// the service answers it): exit 1, saying so.
	denied := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"Message":"User: arn:aws:iam::999999999999:user/x is not authorized to perform: securityhub:ListMembers"}`)
	}))
	defer denied.Close()
	t.Setenv("AWS_ENDPOINT_URL_SECURITYHUB", denied.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE000000000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "members-test-secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	code, _, stderr := runCLI(t, "", "members", "-c", cfg)
	if code != exitNegative || !strings.Contains(stderr, "list members") || !strings.Contains(stderr, "securityhub:ListMembers") ||
		strings.Contains(stderr, "members-test-secret") {
		t.Errorf("Security Hub refuses: exit %d %s", code, stderr)
	}
}
