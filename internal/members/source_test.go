package members

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/route"
	"github.com/hubrelay/hubrelay/internal/source"
)

// TestCloudTrailThroughTheHTTPSource: an EventBridge API destination posts
// the CloudTrail event to hubrelay's HTTP source; it is answered 202 only
// once the leave and its alert are committed, 400 when it cannot be read,
// and 503 when the store is down (EventBridge then sends it again).
func TestCloudTrailThroughTheHTTPSource(t *testing.T) {
	r := newRig(t, "sqlite", Options{To: []string{"slack-sec"}, Language: LanguageJapanese, Location: tokyo(t)})
	cfg, err := config.Parse("test.yaml", []byte("destinations:\n  slack-sec: {stdout: {}}\nroutes:\n  - {name: all, pattern: {source: [aws.securityhub]}, to: [slack-sec]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	router, err := route.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	in, err := ingest.New(cfg, router, r.st, ingest.Options{CloudTrail: r.mon.HandleEvent})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	src := source.NewHTTP(source.HTTPConfig{APIKey: "k"}, func(ctx context.Context, body []byte) (any, error) {
		return in.Body(ctx, "http", body)
	}, nil, nil)
	srv := httptest.NewServer(src)
	defer srv.Close()
	post := func(body []byte) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+src.Path(), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(source.DefaultAPIKeyHeader, "k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}

	if code, body := post(readTestdata(t, "cloudtrail/disassociate-members.json")); code != http.StatusAccepted || !strings.Contains(body, `"events":1`) {
		t.Fatalf("CloudTrail event: %d %s", code, body)
	}
	ns := r.notices(t)
	if len(ns) != 1 || !strings.Contains(ns[0].notice.Subject, "222222222222 ほか 1 件") {
		t.Fatalf("notices %+v", ns)
	}
	if code, body := post([]byte(`{"detail-type": "AWS API Call via CloudTrail", "detail": {"eventSource": "securityhub.amazonaws.com", "eventName": "DeleteMembers", "eventID": "x", "eventTime": "2026-11-20T00:00:00Z", "requestParameters": {"AccountIds": ["1"]}}}`)); code != http.StatusBadRequest ||
		!strings.Contains(body, "AccountIds[0]") {
		t.Errorf("malformed CloudTrail event: %d %s", code, body)
	}
	if code, _ := post(readTestdata(t, "cloudtrail/create-insight.json")); code != http.StatusAccepted {
		t.Errorf("another CloudTrail event is acknowledged and ignored: %d", code)
	}
	r.st.Close()
	if code, body := post(readTestdata(t, "cloudtrail/delete-members.json")); code != http.StatusServiceUnavailable {
		t.Errorf("store down: %d %s", code, body)
	}
}
