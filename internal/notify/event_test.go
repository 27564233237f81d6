package notify_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// decodedEvent is the part of an EventBridge event the tests read.
type decodedEvent struct {
	ID         string   `json:"id"`
	DetailType string   `json:"detail-type"`
	Source     string   `json:"source"`
	Time       string   `json:"time"`
	Resources  []string `json:"resources"`
	Detail     struct {
		Findings []struct {
			ID string `json:"Id"`
		} `json:"findings"`
		Digest notify.DigestSummary `json:"hubrelayDigest"`
	} `json:"detail"`
}

func TestFindingEvent(t *testing.T) {
	control := notifytest.Item(t, notifytest.FixtureControlEvent)
	bare := notifytest.Item(t, notifytest.FixtureGuardDuty)
	badUTF8 := notifytest.Item(t, notifytest.FixtureControlEvent)
	badUTF8.Event = bytes.Replace(badUTF8.Event, []byte(`"detail"`), []byte("\"x\": \"\xff\", \"detail\""), 1)
	tests := []struct {
		name    string
		m       *notify.Message
		wantID  string
		wantErr string
	}{
		{"event as received", &notify.Message{Finding: control.Finding, Event: control.Event}, control.Finding.ID, ""},
		{"bare finding is wrapped", &notify.Message{Finding: bare.Finding}, bare.Finding.ID, ""},
		{"invalid UTF-8 is replaced", &notify.Message{Finding: badUTF8.Finding, Event: badUTF8.Event}, control.Finding.ID, ""},
		{"no finding", &notify.Message{}, "", "no single finding"},
		{"no event nor raw", &notify.Message{Finding: &finding.Finding{ID: "x"}}, "", "neither its event nor its raw JSON"},
		{"event not JSON", &notify.Message{Finding: control.Finding, Event: []byte("{not json")}, "", "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := notify.FindingEvent(tt.m)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, got); err != nil || !bytes.Equal(compact.Bytes(), got) {
				t.Errorf("event is not compact JSON (%v)", err)
			}
			var ev decodedEvent
			if err := json.Unmarshal(got, &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Source == "" || ev.DetailType == "" || len(ev.Detail.Findings) != 1 || ev.Detail.Findings[0].ID != tt.wantID {
				t.Errorf("event %s", got)
			}
		})
	}
}

func TestDigestEvent(t *testing.T) {
	control := notifytest.Item(t, notifytest.FixtureControlEvent).Finding
	bare := notifytest.Item(t, notifytest.FixtureGuardDuty).Finding
	digest := func(key string, fs ...*finding.Finding) *notify.Message {
		return &notify.Message{Kind: notify.KindNew, Key: key, Digest: &notify.Digest{GroupKey: "g", Findings: fs, Total: 7}}
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

	t.Run("carries every finding that fits", func(t *testing.T) {
		got, err := notify.DigestEvent(digest("k", control, bare), render.Options{}, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		var ev decodedEvent
		if err := json.Unmarshal(got, &ev); err != nil {
			t.Fatal(err)
		}
		s := ev.Detail.Digest
		if len(ev.Detail.Findings) != 2 || ev.Detail.Findings[0].ID != control.ID || ev.Detail.Findings[1].ID != bare.ID {
			t.Errorf("findings %+v", ev.Detail.Findings)
		}
		if s.GroupKey != "g" || s.Total != 7 || s.Included != 2 || s.Counts[control.Severity.Label]+s.Counts[bare.Severity.Label] < 2 {
			t.Errorf("summary %+v", s)
		}
		if !uuid.MatchString(ev.ID) || len(ev.Resources) < 2 {
			t.Errorf("id %q, resources %v", ev.ID, ev.Resources)
		}
	})
	t.Run("id depends on the key only", func(t *testing.T) {
		a, _ := notify.DigestEvent(digest("k1", control), render.Options{}, 1<<20)
		b, _ := notify.DigestEvent(digest("k1", control), render.Options{}, 1<<20)
		c, _ := notify.DigestEvent(digest("k2", control), render.Options{}, 1<<20)
		var ea, eb, ec decodedEvent
		for _, p := range []struct {
			data []byte
			ev   *decodedEvent
		}{{a, &ea}, {b, &eb}, {c, &ec}} {
			if err := json.Unmarshal(p.data, p.ev); err != nil {
				t.Fatal(err)
			}
		}
		if ea.ID != eb.ID || ea.ID == ec.ID {
			t.Errorf("ids %q %q %q", ea.ID, eb.ID, ec.ID)
		}
	})
	t.Run("over the limit keeps at least one", func(t *testing.T) {
		got, err := notify.DigestEvent(digest("k", control, bare, control), render.Options{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ev decodedEvent
		if err := json.Unmarshal(got, &ev); err != nil {
			t.Fatal(err)
		}
		if len(ev.Detail.Findings) != 1 || ev.Detail.Digest.Included != 1 {
			t.Errorf("%d findings, summary %+v", len(ev.Detail.Findings), ev.Detail.Digest)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for name, m := range map[string]*notify.Message{
			"no digest":     {Finding: control},
			"empty digest":  digest("k"),
			"finding raw":   digest("k", &finding.Finding{ID: "x"}),
			"raw not valid": digest("k", &finding.Finding{ID: "x", Raw: json.RawMessage("{")}),
		} {
			if _, err := notify.DigestEvent(m, render.Options{}, 1<<20); err == nil || !strings.HasPrefix(err.Error(), "event: ") {
				t.Errorf("%s: err = %v", name, err)
			}
		}
	})
}
