package webhook

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// TestNoticeGolden pins the documented notice body of every sample; the
// destination's language and override do not change it.
func TestNoticeGolden(t *testing.T) {
	seed, tmpl := hostileConfigs(t)
	for _, s := range notifytest.NoticeSamples(t) {
		t.Run(s.Name, func(t *testing.T) {
			b := render1(t, &Config{URL: "https://example.com/h"}, render.Japanese, sample{s.Name, s.Message})
			if b.ContentType != ContentTypeJSON {
				t.Errorf("Content-Type %q", b.ContentType)
			}
			for _, cfg := range []*Config{seed, tmpl} {
				if other := render1(t, cfg, render.English, sample{s.Name, s.Message}); string(other.Data) != string(b.Data) {
					t.Error("an override or the language changed the notice body")
				}
			}
			notifytest.Golden(t, "testdata/golden/"+s.Name+".json", indented(t, b))
		})
	}
}

// TestNoticeBodyShape decodes the body as a receiver would and finds the
// notice as composed, the attachment described without its bytes.
func TestNoticeBodyShape(t *testing.T) {
	m := notifytest.NoticeSamples(t)[2].Message
	r, _ := NewRenderer("w", &Config{URL: "https://example.com/h"}, render.Options{})
	b, err := r.Render(m)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Kind, Topic, Title, Subject, Route, Destination, Key string
		Sections                                             []notify.NoticeSection
		Link                                                 notify.NoticeLink
		Attachment                                           map[string]any
		Data                                                 map[string]any
	}
	if err := json.Unmarshal(b.Data, &got); err != nil {
		t.Fatal(err)
	}
	n := m.Notice
	if got.Kind != "notice" || got.Topic != "report" || got.Title != n.Title || got.Subject != n.Subject ||
		got.Route != m.Route || got.Key != m.Key || got.Link != *n.Link || !reflect.DeepEqual(got.Sections, n.Sections) {
		t.Errorf("body %s", b.Data)
	}
	want := map[string]any{"name": n.Attachment.Name, "content_type": n.Attachment.ContentType, "size": float64(len(n.Attachment.Data))}
	if !reflect.DeepEqual(got.Attachment, want) {
		t.Errorf("attachment %v, want %v", got.Attachment, want)
	}
	if got.Data["project"] != "system-a" || got.Data["total"] != float64(128) {
		t.Errorf("data %v", got.Data)
	}
	if strings.Contains(string(b.Data), "PK\\u0003") || len(b.Data) > len(n.Attachment.Data) {
		t.Error("the attachment's bytes are in the body")
	}
}

// TestNoticeDataNotJSON: data JSON cannot encode is a permanent error
// naming the notice, sent nowhere.
func TestNoticeDataNotJSON(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Status: 200})
	env, _ := notifytest.NewEnv(t)
	n := newTestNotifier(t, Config{URL: srv.URL + "/h"}, env)
	m := notifytest.NoticeMessage(t)
	m.Notice.Data = map[string]any{"ratio": math.NaN()}
	_, err := n.Notify(context.Background(), m)
	notifytest.CheckError(t, err, false, 0)
	if err == nil || !strings.Contains(err.Error(), "notice: encode") {
		t.Errorf("error %v", err)
	}
	if len(srv.Requests()) != 0 {
		t.Error("a request was sent")
	}
}

// TestNoticeRequestContract: a notice is POSTed like any body: signed,
// with the idempotency key, the kind and the topic.
func TestNoticeRequestContract(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Response{Status: http.StatusAccepted})
	env, _ := notifytest.NewEnv(t)
	cfg := Config{URL: srv.URL + "/hooks/security?token=" + testQueryToken, Auth: &Auth{Bearer: testBearer},
		SigningSecret: testSigningSecret, Template: readTestdata(t, "example-template.tmpl")}
	n := newTestNotifier(t, cfg, env)
	m := notifytest.NoticeSamples(t)[0].Message
	if rc, err := n.Notify(context.Background(), m); err != nil || !rc.IsZero() {
		t.Fatalf("Notify = %+v, %v", rc, err)
	}
	req := srv.Requests()[0]
	want, _ := n.renderer.Render(m)
	if req.Method != http.MethodPost || req.Path != "/hooks/security" || string(req.Body) != string(want.Data) {
		t.Errorf("%s %s, body %d bytes (want Render's %d)", req.Method, req.Path, len(req.Body), len(want.Data))
	}
	h := req.Header
	if h.Get("Content-Type") != ContentTypeJSON || h.Get(HeaderKind) != "notice" || h.Get(HeaderTopic) != "members" ||
		h.Get(HeaderIdempotencyKey) != m.Key || h.Get("Authorization") != "Bearer "+testBearer {
		t.Errorf("headers %v", h)
	}
	if err := Verify(testSigningSecret, h, req.Body, notifytest.Now(), 0); err != nil {
		t.Errorf("signature: %v", err)
	}
	// A finding's request has no topic.
	if _, err := n.Notify(context.Background(), samples(t)[0].m); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[1].Header.Get(HeaderTopic); got != "" {
		t.Errorf("finding request with %s %q", HeaderTopic, got)
	}
}

func TestNoticeRetryClassification(t *testing.T) {
	notifytest.CheckRetry(t, buildFor(Config{}), notifytest.NoticeMessage(t))
}

// TestNoticeNoSecretLeak: the report's signed link, like the
// destination's secrets, never reaches an error or a log, however the
// receiver fails (the echo modes send the body, link included, back).
func TestNoticeNoSecretLeak(t *testing.T) {
	cfg := Config{Auth: &Auth{Bearer: testBearer}, SigningSecret: testSigningSecret}
	for _, s := range notifytest.NoticeSamples(t)[2:] {
		t.Run(s.Name, func(t *testing.T) {
			notifytest.CheckNoSecretLeak(t, buildFor(cfg), s.Message, testQueryToken, testBearer, testSigningSecret, s.Message.Notice.Link.URL)
		})
	}
}

// FuzzNoticeBody builds bodies of random notices: always valid JSON that
// decodes back to the notice's text, whatever it holds.
//
//	go test -run '^$' -fuzz '^FuzzNoticeBody$' -fuzztime 60s ./internal/notify/webhook
func FuzzNoticeBody(f *testing.F) {
	f.Add("members", "2026/01/02", "Security Hub メンバーステータスの変更", "Enabled", "123456789012", "https://example.com/r?a=1&b=2", 3.5, uint8(3))
	for i, s := range hostileTexts {
		f.Add(s, s, s, s, s, "https://evil.example/"+s, float64(i), uint8(i))
	}
	r, err := NewRenderer("w", &Config{URL: "https://example.com/h"}, render.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, topic, title, header, label, item, linkURL string, number float64, count uint8) {
		n := &notify.Notice{Topic: topic, Title: title, Subject: header,
			Sections: []notify.NoticeSection{{Header: header, Text: title}},
			Link:     &notify.NoticeLink{Text: label, URL: linkURL},
			Data:     map[string]any{label: []any{item, number}, "n": int(count)},
		}
		for i := range int(count) {
			n.Sections[0].Groups = append(n.Sections[0].Groups, notify.NoticeGroup{Label: label, Items: []string{item + strconv.Itoa(i)}})
		}
		m := &notify.Message{Kind: notify.KindNotice, Key: "k", Notice: n}
		if m.Validate() != nil {
			return
		}
		b, err := r.Render(m)
		if math.IsNaN(number) || math.IsInf(number, 0) {
			if err == nil {
				t.Fatal("data with NaN or Inf encoded")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var back NoticeBody
		if !json.Valid(b.Data) || json.Unmarshal(b.Data, &back) != nil {
			t.Fatalf("body is not JSON: %s", b.Data)
		}
		if back.Kind != notify.KindNotice || len(back.Sections[0].Groups) != int(count) {
			t.Fatalf("body %s", b.Data)
		}
	})
}
