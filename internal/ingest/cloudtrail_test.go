package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/route"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

const cloudTrailEvent = `{"version": "0", "id": "e1", "detail-type": "AWS API Call via CloudTrail", "source": "aws.securityhub",
 "account": "111111111111", "time": "2026-11-20T01:00:05Z", "region": "ap-northeast-1",
 "detail": {"eventSource": "securityhub.amazonaws.com", "eventName": "DisassociateFromAdministratorAccount", "eventID": "x"}}`

// hookErr is an error the hook returns; input marks it as the input's.
type hookErr struct{ input bool }

func (e hookErr) Error() string    { return "hook failed" }
func (e hookErr) InputError() bool { return e.input }

func newHookedIngester(t *testing.T, hook func(context.Context, []byte) error) *Ingester {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	r, err := route.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	in, err := New(cfg, r, storetest.Open(t, "sqlite"), Options{CloudTrail: hook})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	return in
}

func TestCloudTrailHook(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var got []string
	var fail error
	in := newHookedIngester(t, func(_ context.Context, ev []byte) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, string(ev))
		return fail
	})

	res, err := in.Body(ctx, "http", []byte(cloudTrailEvent))
	if err != nil || res != (Result{Events: 1}) {
		t.Fatalf("Body(CloudTrail event) = %+v, %v; want one event, no error", res, err)
	}
	if len(got) != 1 || got[0] != cloudTrailEvent {
		t.Fatalf("the hook got %q", got)
	}
	// Findings do not reach the hook; they are routed as before.
	res, err = in.Body(ctx, "http", event(t, 1, "111111111111"))
	if err != nil || res.Findings != 1 || res.Events != 0 || len(got) != 1 {
		t.Fatalf("Body(finding) = %+v, %v; hook calls %d", res, err, len(got))
	}
	// Several documents, or the words inside a finding, are not one
	// CloudTrail event: finding.Decode reads them.
	for _, body := range []string{cloudTrailEvent + "\n" + cloudTrailEvent, `{"detail-type": "x", "detail": {"findings": [], "note": "AWS API Call via CloudTrail"}}`} {
		if _, err := in.Body(ctx, "http", []byte(body)); err == nil {
			t.Errorf("Body(%.40q…) succeeded", body)
		}
	}
	if len(got) != 1 {
		t.Fatalf("the hook was called for %d inputs", len(got))
	}

	fail = hookErr{input: true}
	_, err = in.Body(ctx, "http", []byte(cloudTrailEvent))
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "request body: hook failed") {
		t.Errorf("an input error of the hook: %T %v; want *InputError", err, err)
	}
	fail = hookErr{input: false}
	_, err = in.Body(ctx, "http", []byte(cloudTrailEvent))
	var ue *UnavailableError
	if !errors.As(err, &ue) {
		t.Errorf("a failure of the hook: %T %v; want *UnavailableError", err, err)
	}
	in.Close()
	if _, err := in.Body(ctx, "http", []byte(cloudTrailEvent)); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestCloudTrailWithoutHook(t *testing.T) {
	in := newIngester(t, storetest.Open(t, "sqlite"))
	_, err := in.Body(context.Background(), "http", []byte(cloudTrailEvent))
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "carries no findings") {
		t.Errorf("without a hook a CloudTrail event is refused as before: %v", err)
	}
}

func TestResultAddEvents(t *testing.T) {
	r := Result{Findings: 1}
	r.Add(Result{Events: 2, Findings: 1})
	if r != (Result{Findings: 2, Events: 2}) {
		t.Errorf("Add = %+v", r)
	}
}

func BenchmarkIsCloudTrail(b *testing.B) {
	ev := []byte(cloudTrailEvent)
	finding := []byte(strings.Repeat(`{"detail-type": "Security Hub Findings - Imported", "detail": {"findings": [{"Id": "x"}]}}`, 20))
	b.Run("cloudtrail", func(b *testing.B) {
		for b.Loop() {
			if !isCloudTrail(ev) {
				b.Fatal("not recognized")
			}
		}
	})
	b.Run("finding", func(b *testing.B) {
		b.SetBytes(int64(len(finding)))
		for b.Loop() {
			if isCloudTrail(finding) {
				b.Fatal("recognized")
			}
		}
	})
}

// FuzzIsCloudTrail checks isCloudTrail against a plain reading: one JSON
// document, an object whose "detail-type" is the CloudTrail one.
func FuzzIsCloudTrail(f *testing.F) {
	f.Add([]byte(cloudTrailEvent))
	f.Add([]byte(cloudTrailEvent + cloudTrailEvent))
	f.Add([]byte(`{"detail-type": "AWS API Call via CloudTrail"}`))
	f.Add([]byte(`[{"detail-type": "AWS API Call via CloudTrail"}]`))
	f.Add([]byte(`{"detail-type": "Security Hub Findings - Imported", "x": "AWS API Call via CloudTrail"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got := isCloudTrail(body)
		var docs []map[string]any
		dec := json.NewDecoder(bytes.NewReader(body))
		for {
			var m map[string]any
			if err := dec.Decode(&m); err != nil {
				if err != io.EOF {
					docs = nil
				}
				break
			}
			docs = append(docs, m)
		}
		want := len(docs) == 1 && docs[0]["detail-type"] == DetailTypeCloudTrail
		if got != want {
			t.Fatalf("isCloudTrail(%q) = %v, want %v", body, got, want)
		}
	})
}
