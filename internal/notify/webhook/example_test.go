package webhook_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify/webhook"
)

// A receiver checks each request's signature before trusting its body.
func ExampleVerify() {
	const secret = "whsec_0123456789abcdef0123456789"
	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err := webhook.Verify(secret, r.Header, body, time.Now(), 0); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "accepted %s", r.Header.Get(webhook.HeaderIdempotencyKey))
	})

	// What hubrelay sends: the timestamp and the signature of "timestamp.body".
	body := `{"version":"0","detail-type":"Security Hub Findings - Imported"}`
	ts := time.Now().Unix()
	req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
	req.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(webhook.HeaderSignature, webhook.Sign(secret, ts, []byte(body)))
	req.Header.Set(webhook.HeaderIdempotencyKey, "delivery-0001")
	rec := httptest.NewRecorder()
	receiver.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body.String())

	req.Header.Set(webhook.HeaderSignature, webhook.Sign("another secret", ts, []byte(body)))
	rec = httptest.NewRecorder()
	receiver.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output:
	// 200 accepted delivery-0001
	// 401
}
