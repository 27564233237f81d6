package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
)

// The contract tests check requests the way Slack documents them:
// chat.postMessage (https://docs.slack.dev/reference/methods/chat.postMessage):
// POST https://slack.com/api/chat.postMessage, the token in
// "Authorization: Bearer xoxb-…", a JSON body (Content-Type
// application/json; charset=utf-8) with channel, text and blocks; the
// answer {"ok":true,"channel":…,"ts":…} or {"ok":false,"error":…}, and
// HTTP 429 with Retry-After when rate limited
// (https://docs.slack.dev/apis/web-api/rate-limits).
// chat.getPermalink (https://docs.slack.dev/reference/methods/chat.getPermalink):
// GET with channel and message_ts, answer {"ok":true,"permalink":…}.
// Incoming webhooks: POST of the same JSON to the webhook URL, answer 200
// "ok", errors as HTTP statuses with a code in the body
// (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).

const (
	testToken   = "xoxb-1111111111-2222222222-SeCrEtToKeNvAlUe0123456789"
	testWebhook = "/services/T00000000/B00000000/SeCrEtWeBhOoKpAtH0123456789"
	postedTS    = "1767323045.000100"
	replyTS     = "1767323999.000200"
	channelID   = "C0123456789"
)

// botNotifier builds a bot-token Notifier for the server at baseURL from
// settings written as in the configuration file.
func botNotifier(t *testing.T, baseURL string, env notify.Env, extra string) notify.Notifier {
	t.Helper()
	settings := fmt.Sprintf(`{"token": %q, "channel": "#sec-alerts", "api_url": %q%s}`, testToken, baseURL+"/api/", extra)
	n, err := notify.Typed(New)("slack-sec", notifytest.Settings(settings), env)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return n
}

// webhookNotifier builds an incoming-webhook Notifier for the server at
// baseURL.
func webhookNotifier(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
	t.Helper()
	n, err := notify.Typed(New)("slack-hook", notifytest.Settings(fmt.Sprintf(`{"webhook_url": %q}`, baseURL+testWebhook)), env)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return n
}

// slackAPI answers like the Web API: chat.postMessage with a ts (replies
// get replyTS), chat.getPermalink with a permalink. fail, when set,
// answers chat.postMessage calls instead, in order, until used up.
func slackAPI(fail ...notifytest.Response) func(notifytest.Request) notifytest.Response {
	return func(req notifytest.Request) notifytest.Response {
		ok := func(body string) notifytest.Response {
			return notifytest.Response{Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, Body: body}
		}
		switch req.Path {
		case "/api/chat.postMessage":
			if len(fail) > 0 {
				r := fail[0]
				fail = fail[1:]
				return r
			}
			var body struct {
				Channel  string `json:"channel"`
				ThreadTS string `json:"thread_ts"`
			}
			_ = json.Unmarshal(req.Body, &body)
			ts := postedTS
			if body.ThreadTS != "" {
				ts = replyTS
			}
			return ok(fmt.Sprintf(`{"ok":true,"channel":%q,"ts":%q,"message":{"type":"message","subtype":"bot_message","ts":%q}}`, channelID, ts, ts))
		case "/api/chat.getPermalink":
			q, _ := url.ParseQuery(req.RawQuery)
			link := "https://example.slack.com/archives/" + q.Get("channel") + "/p" + strings.Replace(q.Get("message_ts"), ".", "", 1)
			return ok(fmt.Sprintf(`{"ok":true,"channel":%q,"permalink":%q}`, q.Get("channel"), link))
		}
		return notifytest.Response{Status: 404, Body: "unknown method"}
	}
}

func notifyOnce(t *testing.T, n notify.Notifier, m *notify.Message) (notify.Receipt, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return n.Notify(ctx, m)
}

func TestPostMessageContract(t *testing.T) {
	srv := notifytest.NewServerFunc(t, slackAPI())
	env, _ := notifytest.NewEnv(t)
	n := botNotifier(t, srv.URL, env, "")
	m := single(notify.KindNew, fixtureGuardDuty, "account-a-guardduty", nil)(t)

	rc, err := notifyOnce(t, n, m)
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	want := notify.Receipt{ID: postedTS, Channel: channelID, Thread: postedTS,
		URL: "https://example.slack.com/archives/C0123456789/p1767323045000100"}
	if rc != want {
		t.Errorf("receipt %+v, want %+v", rc, want)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want chat.postMessage then chat.getPermalink", len(reqs))
	}
	post := reqs[0]
	checkRequest(t, post, http.MethodPost, "/api/chat.postMessage")
	if got := post.Header.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	var body map[string]any
	if err := json.Unmarshal(post.Body, &body); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	if body["channel"] != "sec-alerts" {
		t.Errorf("channel %v, want sec-alerts", body["channel"])
	}
	if text, _ := body["text"].(string); text == "" {
		t.Error("no text (the notification fallback)")
	}
	if blocks, _ := body["blocks"].([]any); len(blocks) == 0 {
		t.Error("no blocks")
	}
	for _, forbidden := range []string{"token", "thread_ts", "link_names", "parse", "as_user"} {
		if _, ok := body[forbidden]; ok {
			t.Errorf("body has %q", forbidden)
		}
	}
	wantBody, _ := BuildPayload(m, &Config{Token: testToken, Channel: "#sec-alerts"}, n.(*Notifier).opts).Marshal()
	if string(post.Body) != string(wantBody) {
		t.Error("the body sent is not BuildPayload's payload")
	}

	perma := reqs[1]
	checkRequest(t, perma, http.MethodGet, "/api/chat.getPermalink")
	if q, _ := url.ParseQuery(perma.RawQuery); q.Get("channel") != channelID || q.Get("message_ts") != postedTS {
		t.Errorf("chat.getPermalink query %q", perma.RawQuery)
	}
}

// checkRequest checks method, path and the bearer token of a Web API call.
func checkRequest(t *testing.T, r notifytest.Request, method, path string) {
	t.Helper()
	if r.Method != method || r.Path != path {
		t.Errorf("%s %s, want %s %s", r.Method, r.Path, method, path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization %q, want the bot token as a bearer token", got)
	}
	if strings.Contains(r.RawQuery, testToken) || strings.Contains(string(r.Body), testToken) {
		t.Error("the token is sent outside the Authorization header")
	}
}

func TestThreadReply(t *testing.T) {
	srv := notifytest.NewServerFunc(t, slackAPI())
	env, _ := notifytest.NewEnv(t)
	n := botNotifier(t, srv.URL, env, `, "reply_broadcast": true`)
	prev := &notify.Receipt{ID: postedTS, Channel: "C0999999999", Thread: postedTS, URL: "https://example.slack.com/x"}
	rc, err := notifyOnce(t, n, single(notify.KindResolved, fixtureGuardDuty, "r", prev)(t))
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	var body map[string]any
	_ = json.Unmarshal(srv.Requests()[0].Body, &body)
	if body["channel"] != "C0999999999" || body["thread_ts"] != postedTS || body["reply_broadcast"] != true {
		t.Errorf("reply sent to channel %v thread %v broadcast %v", body["channel"], body["thread_ts"], body["reply_broadcast"])
	}
	if rc.ID != replyTS || rc.Thread != postedTS {
		t.Errorf("receipt %+v: want the reply's ts and the thread's root", rc)
	}
	if !strings.Contains(rc.URL, "p1767323999000200") {
		t.Errorf("receipt URL %q is not the reply's permalink", rc.URL)
	}
}

// TestThreadGone: when the thread's channel is gone, the reply is posted
// as a new message in the configured channel.
func TestThreadGone(t *testing.T) {
	for _, code := range []string{"channel_not_found", "is_archived", "not_in_channel", "thread_not_found"} {
		t.Run(code, func(t *testing.T) {
			srv := notifytest.NewServerFunc(t, slackAPI(notifytest.Response{Body: `{"ok":false,"error":"` + code + `"}`}))
			env, logs := notifytest.NewEnv(t)
			n := botNotifier(t, srv.URL, env, "")
			rc, err := notifyOnce(t, n, single(notify.KindReminder, fixtureGuardDuty, "r", thread)(t))
			if err != nil {
				t.Fatalf("Notify: %v", err)
			}
			reqs := srv.Requests()
			var second map[string]any
			_ = json.Unmarshal(reqs[1].Body, &second)
			if reqs[1].Path != "/api/chat.postMessage" || second["channel"] != "sec-alerts" || second["thread_ts"] != nil {
				t.Errorf("second post: %s %v", reqs[1].Path, second)
			}
			if rc.ID != postedTS || rc.Thread != postedTS {
				t.Errorf("receipt %+v: want the new message", rc)
			}
			if !strings.Contains(logs.String(), "cannot reply") {
				t.Errorf("the fallback was not logged: %s", logs)
			}
		})
	}
}

// TestPermalinkFallback: when chat.getPermalink fails, the delivery still
// succeeds; the link is built from workspace_url when it is set.
func TestPermalinkFallback(t *testing.T) {
	failing := func(req notifytest.Request) notifytest.Response {
		if req.Path == "/api/chat.getPermalink" {
			return notifytest.Response{Body: `{"ok":false,"error":"internal_error"}`}
		}
		return slackAPI()(req)
	}
	tests := []struct {
		name, extra string
		prev        *notify.Receipt
		want        string
	}{
		{"built from workspace_url", `, "workspace_url": "https://example.slack.com"`, nil,
			"https://example.slack.com/archives/C0123456789/p1767323045000100"},
		{"reply built from workspace_url", `, "workspace_url": "https://example.slack.com/"`, thread,
			"https://example.slack.com/archives/C0123456789/p1767323999000200?thread_ts=1767323045.000100&cid=C0123456789"},
		{"no workspace_url", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := notifytest.NewServerFunc(t, failing)
			env, logs := notifytest.NewEnv(t)
			n := botNotifier(t, srv.URL, env, tt.extra)
			rc, err := notifyOnce(t, n, single(notify.KindNew, fixtureGuardDuty, "r", tt.prev)(t))
			if err != nil {
				t.Fatalf("Notify: %v", err)
			}
			if rc.URL != tt.want {
				t.Errorf("URL %q, want %q", rc.URL, tt.want)
			}
			if !strings.Contains(logs.String(), "chat.getPermalink failed") {
				t.Errorf("the failure was not logged: %s", logs)
			}
		})
	}
}

// TestWebAPIErrors: "ok": false answers are classified by their code;
// HTTP failures by notify.
func TestWebAPIErrors(t *testing.T) {
	okFalse := func(status int, header http.Header, code, extra string) notifytest.Response {
		return notifytest.Response{Status: status, Header: header, Body: `{"ok":false,"error":"` + code + `"` + extra + `}`}
	}
	tests := []struct {
		name      string
		answer    notifytest.Response
		retryable bool
		after     time.Duration
		says      string
	}{
		{"channel_not_found", okFalse(200, nil, "channel_not_found", ""), false, 0, "no such channel"},
		{"not_in_channel", okFalse(200, nil, "not_in_channel", ""), false, 0, "invite it"},
		{"is_archived", okFalse(200, nil, "is_archived", ""), false, 0, "archived"},
		{"invalid_auth", okFalse(200, nil, "invalid_auth", ""), false, 0, "token is not valid"},
		{"missing_scope", okFalse(200, nil, "missing_scope", `,"needed":"chat:write","provided":"channels:read"`), false, 0, "needed scope chat:write, token has channels:read"},
		{"invalid_blocks", okFalse(200, nil, "invalid_blocks", `,"response_metadata":{"messages":["[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]"]}`), false, 0, "json-pointer:/blocks/0/text/text"},
		{"msg_too_long", okFalse(200, nil, "msg_too_long", ""), false, 0, "too long"},
		{"unknown code", okFalse(200, nil, "something_new", ""), false, 0, "something_new"},
		{"no code", notifytest.Response{Body: `{"ok":false}`}, false, 0, "unknown_error"},
		{"ratelimited with 429", okFalse(429, http.Header{"Retry-After": {"30"}}, "ratelimited", ""), true, 30 * time.Second, "429"},
		{"ratelimited with 200", okFalse(200, http.Header{"Retry-After": {"12"}}, "ratelimited", ""), true, 12 * time.Second, "rate limited"},
		{"internal_error", okFalse(200, nil, "internal_error", ""), true, 0, "internal_error"},
		{"fatal_error", okFalse(200, nil, "fatal_error", ""), true, 0, "fatal_error"},
		{"service_unavailable", okFalse(200, nil, "service_unavailable", ""), true, 0, "service_unavailable"},
		{"request_timeout", okFalse(200, nil, "request_timeout", ""), true, 0, "request_timeout"},
		{"team_added_to_org", okFalse(200, nil, "team_added_to_org", ""), true, 0, "team_added_to_org"},
		{"503 with retry-after", notifytest.Response{Status: 503, Header: http.Header{"Retry-After": {"5"}}, Body: "<html>down</html>"}, true, 5 * time.Second, "503"},
		{"answer is not JSON", notifytest.Response{Body: "<html>captive portal</html>"}, false, 0, "not the Web API's JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := notifytest.NewServer(t, tt.answer)
			env, _ := notifytest.NewEnv(t)
			n := botNotifier(t, srv.URL, env, "")
			_, err := notifyOnce(t, n, single(notify.KindNew, fixtureGuardDuty, "r", nil)(t))
			notifytest.CheckError(t, err, tt.retryable, tt.after)
			if err != nil && !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
			if got := len(srv.Requests()); got != 1 {
				t.Errorf("%d requests; a failed post must not be repeated by the destination", got)
			}
		})
	}
}

func TestWebAPIRetry(t *testing.T) {
	notifytest.CheckRetry(t, func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
		return botNotifier(t, baseURL, env, "")
	}, single(notify.KindNew, fixtureGuardDuty, "r", nil)(t))
}

func TestWebhookContract(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Header: http.Header{"Content-Type": {"text/html"}}, Body: "ok"})
	env, _ := notifytest.NewEnv(t)
	n := webhookNotifier(t, srv.URL, env)
	rc, err := notifyOnce(t, n, single(notify.KindNew, fixtureGuardDuty, "r", thread)(t))
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	if !rc.IsZero() {
		t.Errorf("receipt %+v; an incoming webhook learns nothing about the message", rc)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != testWebhook {
		t.Errorf("%s %s, want POST %s", r.Method, r.Path, testWebhook)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	if r.Header.Get("Authorization") != "" {
		t.Error("an incoming webhook takes no Authorization header")
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if text, _ := body["text"].(string); text == "" {
		t.Error("no text")
	}
	if blocks, _ := body["blocks"].([]any); len(blocks) == 0 {
		t.Error("no blocks")
	}
	for _, key := range []string{"channel", "thread_ts"} {
		if _, ok := body[key]; ok {
			t.Errorf("webhook body has %q", key)
		}
	}
}

// TestWebhookErrors: the statuses and bodies Slack documents for incoming
// webhooks.
func TestWebhookErrors(t *testing.T) {
	tests := []struct {
		status    int
		header    http.Header
		body      string
		retryable bool
		after     time.Duration
		says      string
	}{
		{400, nil, "invalid_payload", false, 0, "could not read the message"},
		{400, nil, "user_not_found", false, 0, "user no longer exists"},
		{403, nil, "action_prohibited", false, 0, "prevents the webhook"},
		{404, nil, "channel_not_found", false, 0, "channel no longer exists"},
		{404, nil, "no_service", false, 0, "removed or revoked"},
		{410, nil, "channel_is_archived", false, 0, "archived"},
		{429, http.Header{"Retry-After": {"1"}}, "rate_limited", true, time.Second, "429"},
		{500, nil, "rollup_error", true, 0, "rollup_error"},
		{503, nil, "", true, 0, "503"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %s", tt.status, tt.body), func(t *testing.T) {
			srv := notifytest.NewServer(t, notifytest.Response{Status: tt.status, Header: tt.header, Body: tt.body})
			env, _ := notifytest.NewEnv(t)
			n := webhookNotifier(t, srv.URL, env)
			_, err := notifyOnce(t, n, single(notify.KindNew, fixtureGuardDuty, "r", nil)(t))
			notifytest.CheckError(t, err, tt.retryable, tt.after)
			if err != nil && !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
			if err != nil && strings.Contains(err.Error(), "SeCrEt") {
				t.Errorf("error %q shows the webhook URL", err)
			}
		})
	}
}

func TestWebhookRetry(t *testing.T) {
	notifytest.CheckRetry(t, func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
		return webhookNotifier(t, baseURL, env)
	}, single(notify.KindNew, fixtureGuardDuty, "r", nil)(t))
}

func TestNoSecretLeak(t *testing.T) {
	t.Run("bot token", func(t *testing.T) {
		notifytest.CheckNoSecretLeak(t, func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
			return botNotifier(t, baseURL, env, "")
		}, notifytest.Message(t), testToken)
	})
	t.Run("incoming webhook", func(t *testing.T) {
		// The server's address changes with every mode; the webhook URL's
		// secret is its path, which the detector derives from any URL
		// holding it.
		notifytest.CheckNoSecretLeak(t, func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
			return webhookNotifier(t, baseURL, env)
		}, notifytest.Message(t), "https://hooks.slack.com"+testWebhook)
	})
}

// TestCancelledContext: a cancelled context stops the delivery with a
// retryable error that says so.
func TestCancelledContext(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Hang: true})
	env, _ := notifytest.NewEnv(t)
	n := botNotifier(t, srv.URL, env, "")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := n.Notify(ctx, single(notify.KindNew, fixtureGuardDuty, "r", nil)(t))
	notifytest.CheckError(t, err, true, 0)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %q does not wrap context.DeadlineExceeded", err)
	}
}
