package teams_test

import (
	"context"
	"mime"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/notify/teams"
)

// The URLs Teams hands out, as documented:
//
//   - A workflow's "When a Teams webhook request is received" trigger gives
//     an HTTP POST URL of the flow, signed by its query string: api-version,
//     sp (the permission), sv and sig (the signature). Nothing else
//     authenticates the request: no Authorization header is sent
//     (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook,
//     "Create Incoming Webhooks with Workflows for Microsoft Teams").
//   - An Incoming Webhook gives
//     https://<tenant>.webhook.office.com/webhookb2/<group>@<tenant>/IncomingWebhook/<id>/<owner>/<key>.
const (
	workflowPath  = "/powerautomate/automations/direct/workflows/0f3c9ee5f1a24b7e9d6c2a8b5e4d3c21/triggers/manual/paths/invoke"
	workflowQuery = "api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Xq7Zr2LmVb9Nc4Kd8Tf1Hs6Pw3Jy5Ga0Ue2Io7Ra4Sk"
	webhookPath   = "/webhookb2/5f1c9d2e-7a3b-4c8d-9e0f-1a2b3c4d5e6f@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/8b2d7e4f1a9c4e6b8d3f2a1c5e7b9d0f/3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f/V2abcDEFghiJKLmnoPQRstuVWXyz0123456789"
)

func workflowURL(base string) string { return base + workflowPath + "?" + workflowQuery }

func webhookURL(base string) string { return base + webhookPath }

// newNotifier builds a Notifier for cfg through the registry path
// (notify.Typed), as the program does.
func newNotifier(t *testing.T, settings teams.Config, env notify.Env) notify.Notifier {
	t.Helper()
	n, err := teams.New("teams-sec", &settings, env)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkRequest checks one request the way Teams documents it: POST to the
// exact URL (path and signed query string untouched), a JSON body in
// UTF-8, no credentials besides the URL, and a body of the format.
func checkRequest(t *testing.T, req notifytest.Request, path, query string, format teams.Format) {
	t.Helper()
	if req.Method != http.MethodPost {
		t.Errorf("method %s, want POST", req.Method)
	}
	if req.Path != path {
		t.Errorf("path %q, want %q", req.Path, path)
	}
	if req.RawQuery != query {
		t.Errorf("query %q, want %q (the signature must be sent as given)", req.RawQuery, query)
	}
	mediaType, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("Content-Type %q, want application/json; charset=utf-8", req.Header.Get("Content-Type"))
	}
	if a := req.Header.Get("Authorization"); a != "" {
		t.Errorf("Authorization header %q sent; the URL is the credential", a)
	}
	if err := validateBody(req.Body, format); err != nil {
		t.Errorf("body: %v\n%s", err, req.Body)
	}
}

// TestWorkflowContract posts every sample message to a workflow, which
// answers 202 Accepted with no body, as Workflows do.
func TestWorkflowContract(t *testing.T) {
	for _, s := range notifytest.Samples(t) {
		t.Run(s.Name, func(t *testing.T) {
			srv := notifytest.NewServer(t, notifytest.Response{Status: http.StatusAccepted})
			env, _ := notifytest.NewEnv(t)
			n := newNotifier(t, teams.Config{WorkflowURL: workflowURL(srv.URL)}, env)
			rc, err := n.Notify(context.Background(), s.Message)
			if err != nil {
				t.Fatal(err)
			}
			if !rc.IsZero() {
				t.Errorf("receipt %+v; Teams webhooks say nothing about the message", rc)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			checkRequest(t, reqs[0], workflowPath, workflowQuery, teams.FormatAdaptive)
		})
	}
}

// TestWebhookContract posts to an Incoming Webhook in both formats; it
// answers 200 with the body "1".
func TestWebhookContract(t *testing.T) {
	for _, format := range []teams.Format{teams.FormatAdaptive, teams.FormatConnector} {
		for _, s := range notifytest.Samples(t) {
			t.Run(string(format)+"/"+s.Name, func(t *testing.T) {
				srv := notifytest.NewServer(t, notifytest.Response{Status: 200, Body: "1"})
				env, _ := notifytest.NewEnv(t)
				n := newNotifier(t, teams.Config{WebhookURL: webhookURL(srv.URL), Format: format}, env)
				if _, err := n.Notify(context.Background(), s.Message); err != nil {
					t.Fatal(err)
				}
				reqs := srv.Requests()
				if len(reqs) != 1 {
					t.Fatalf("%d requests, want 1", len(reqs))
				}
				checkRequest(t, reqs[0], webhookPath, "", format)
			})
		}
	}
}

// TestAnswers checks how each answer of a workflow and of an Incoming
// Webhook is read.
func TestAnswers(t *testing.T) {
	retryAfter := func(s string) http.Header { return http.Header{"Retry-After": {s}} }
	cases := []struct {
		name      string
		webhook   bool
		answer    notifytest.Response
		ok        bool
		retryable bool
		after     time.Duration
	}{
		{name: "workflow 202 Accepted", answer: notifytest.Response{Status: 202}, ok: true},
		{name: "workflow 200 from a Response action", answer: notifytest.Response{Status: 200, Body: `{"posted":true}`}, ok: true},
		{name: "workflow 429 with Retry-After", answer: notifytest.Response{Status: 429, Header: retryAfter("12"), Body: `{"error":{"code":"WorkflowTriggerIsThrottled"}}`}, retryable: true, after: 12 * time.Second},
		{name: "workflow 502", answer: notifytest.Response{Status: 502}, retryable: true},
		{name: "workflow 400", answer: notifytest.Response{Status: 400, Body: `{"error":{"code":"TriggerInputSchemaMismatch"}}`}},
		{name: "workflow 401", answer: notifytest.Response{Status: 401}},
		{name: "workflow 404", answer: notifytest.Response{Status: 404, Body: `{"error":{"code":"WorkflowNotFound"}}`}},
		{name: "webhook 200 1", webhook: true, answer: notifytest.Response{Status: 200, Body: "1"}, ok: true},
		{name: "webhook 200 1 with newline", webhook: true, answer: notifytest.Response{Status: 200, Body: "1\n"}, ok: true},
		{name: "webhook 202 empty (a workflow URL)", webhook: true, answer: notifytest.Response{Status: 202}, ok: true},
		{name: "webhook 200 embedded 429", webhook: true, answer: notifytest.Response{Status: 200, Body: "Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi-production-eus-azsc2-4-170,cv=deadbeef.0."}, retryable: true},
		{name: "webhook 200 embedded 429 with Retry-After", webhook: true, answer: notifytest.Response{Status: 200, Header: retryAfter("30"), Body: "Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0"}, retryable: true, after: 30 * time.Second},
		{name: "webhook 200 embedded 503", webhook: true, answer: notifytest.Response{Status: 200, Body: "Microsoft Teams endpoint returned HTTP error 503 with ContextId tcid=0"}, retryable: true},
		{name: "webhook 200 embedded 413", webhook: true, answer: notifytest.Response{Status: 200, Body: "Microsoft Teams endpoint returned HTTP error 413 with ContextId tcid=0"}},
		{name: "webhook 200 embedded 400", webhook: true, answer: notifytest.Response{Status: 200, Body: "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 400"}},
		{name: "webhook 200 unexpected", webhook: true, answer: notifytest.Response{Status: 200, Body: "ok"}},
		{name: "webhook 200 empty", webhook: true, answer: notifytest.Response{Status: 200}},
		{name: "webhook 400 summary required", webhook: true, answer: notifytest.Response{Status: 400, Body: "Summary or Text is required."}},
		{name: "webhook 429", webhook: true, answer: notifytest.Response{Status: 429, Header: retryAfter("3")}, retryable: true, after: 3 * time.Second},
		{name: "webhook 404 removed", webhook: true, answer: notifytest.Response{Status: 404}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := notifytest.NewServer(t, c.answer)
			env, logs := notifytest.NewEnv(t)
			cfg := teams.Config{WorkflowURL: workflowURL(srv.URL)}
			if c.webhook {
				cfg = teams.Config{WebhookURL: webhookURL(srv.URL), Format: teams.FormatConnector}
			}
			n := newNotifier(t, cfg, env)
			_, err := n.Notify(context.Background(), notifytest.Message(t))
			if c.ok {
				if err != nil {
					t.Fatalf("Notify: %v", err)
				}
				return
			}
			notifytest.CheckError(t, err, c.retryable, c.after)
			t.Logf("error: %v", err)
			for _, secret := range []string{workflowQuery, webhookPath, "Xq7Zr2LmVb9Nc4Kd8Tf1Hs6Pw3Jy5Ga0Ue2Io7Ra4Sk"} {
				if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
					t.Errorf("a secret part of the URL leaked: %v", err)
				}
			}
		})
	}
}

// TestRetryClassification runs the shared failure table against both
// kinds of URL.
func TestRetryClassification(t *testing.T) {
	t.Run("workflow", func(t *testing.T) {
		notifytest.CheckRetry(t, func(t *testing.T, base string, env notify.Env) notify.Notifier {
			return newNotifier(t, teams.Config{WorkflowURL: workflowURL(base)}, env)
		}, notifytest.Message(t))
	})
	t.Run("webhook", func(t *testing.T) {
		notifytest.CheckRetry(t, func(t *testing.T, base string, env notify.Env) notify.Notifier {
			return newNotifier(t, teams.Config{WebhookURL: webhookURL(base), Format: teams.FormatConnector}, env)
		}, notifytest.Message(t))
	})
}

// TestNoSecretLeak: neither URL reaches an error, a receipt or a log,
// however Teams fails.
func TestNoSecretLeak(t *testing.T) {
	// The secrets are the URLs as Teams hands them out; the test servers'
	// hosts differ, but the paths and signatures, which are the secret
	// parts, are the same.
	t.Run("workflow", func(t *testing.T) {
		notifytest.CheckNoSecretLeak(t, func(t *testing.T, base string, env notify.Env) notify.Notifier {
			return newNotifier(t, teams.Config{WorkflowURL: workflowURL(base)}, env)
		}, notifytest.Message(t), workflowURL("https://prod-00.japaneast.logic.azure.com"))
	})
	t.Run("webhook", func(t *testing.T) {
		notifytest.CheckNoSecretLeak(t, func(t *testing.T, base string, env notify.Env) notify.Notifier {
			return newNotifier(t, teams.Config{WebhookURL: webhookURL(base), Format: teams.FormatConnector}, env)
		}, notifytest.Message(t), "https://example.webhook.office.com"+webhookPath)
	})
}

// TestNotifyConcurrent posts from many goroutines through one Notifier.
func TestNotifyConcurrent(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Status: 202})
	env, _ := notifytest.NewEnv(t)
	n := newNotifier(t, teams.Config{WorkflowURL: workflowURL(srv.URL)}, env)
	samples := notifytest.Samples(t)
	var wg sync.WaitGroup
	for range 8 {
		for _, s := range samples {
			wg.Go(func() {
				if _, err := n.Notify(context.Background(), s.Message); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	if got, want := len(srv.Requests()), 8*len(samples); got != want {
		t.Errorf("%d requests, want %d", got, want)
	}
}

// TestNotifyRejectsInvalidMessage: an invalid message is a permanent error
// and nothing is sent.
func TestNotifyRejectsInvalidMessage(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Status: 202})
	env, _ := notifytest.NewEnv(t)
	n := newNotifier(t, teams.Config{WorkflowURL: workflowURL(srv.URL)}, env)
	_, err := n.Notify(context.Background(), &notify.Message{Kind: notify.KindNew})
	notifytest.CheckError(t, err, false, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = n.Notify(ctx, notifytest.Message(t))
	notifytest.CheckError(t, err, true, 0)
	if len(srv.Requests()) != 0 {
		t.Errorf("%d requests sent", len(srv.Requests()))
	}
}
