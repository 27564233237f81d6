package teams

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// FuzzWebhookAnswer reads arbitrary Incoming Webhook answers: only "1"
// (or an empty 202) is success; everything else is an error that is one
// valid line and holds no secret.
//
//	go test -fuzz=FuzzWebhookAnswer -fuzztime=60s ./internal/notify/teams
func FuzzWebhookAnswer(f *testing.F) {
	f.Add(200, "1")
	f.Add(200, " 1\n")
	f.Add(202, "")
	f.Add(200, "Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi")
	f.Add(200, "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 413")
	f.Add(200, "HTTP error 999")
	f.Add(201, "Summary or Text is required.")
	f.Add(200, "secret-token-1234567890 \xff\n\x1b[31m")
	const secret = "secret-token-1234567890"
	n := &Notifier{webhook: true, red: notify.NewRedactor(secret), now: time.Now}
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 200 || status > 299 {
			status = 200 + (status%100+100)%100
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
		err := n.webhookAnswer(resp, []byte(body), nil)
		success := strings.TrimSpace(body) == "1" || (status == 202 && strings.TrimSpace(body) == "")
		if success != (err == nil) {
			t.Fatalf("status %d body %q: err = %v, want success %v", status, body, err, success)
		}
		if err == nil {
			return
		}
		msg := err.Error()
		if strings.Contains(msg, secret) || !utf8.ValidString(msg) || strings.ContainsAny(msg, "\n\r") {
			t.Errorf("error %q leaks the secret or is not one valid line", msg)
		}
	})
}
