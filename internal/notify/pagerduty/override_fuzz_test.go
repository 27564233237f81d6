package pagerduty

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/render"
)

// FuzzPayloadOverride feeds arbitrary json override output (through a
// template that writes the route as it is) to the payload merge: it never
// panics, and an event it builds is valid JSON with the required payload
// fields.
func FuzzPayloadOverride(f *testing.F) {
	for _, seed := range []string{
		`{"summary": "s", "source": "x", "severity": "info"}`, `{"runbook": "r"}`, `{"summary": "s"}`,
		`{"severity": "bad", "summary": "s", "source": "x"}`, `[]`, `{}`, `{"custom_details": null, "summary": "s", "source": "x", "severity": "error"}`,
	} {
		f.Add(seed)
	}
	b, err := NewBuilder(overrideConfig(render.Override{Template: "{{ .Route }}", Format: render.FormatJSON}), render.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if !json.Valid([]byte(data)) {
			return
		}
		m := sampleNamed(t, "new-rds1")
		m.Route = data
		ev, err := b.Build(m)
		if err != nil {
			return
		}
		body, err := Marshal(ev)
		if err != nil {
			return // over 512 KB: refused, as documented
		}
		p := ev.Payload
		if !json.Valid(body) || p.Summary == "" || p.Source == "" || utf8.RuneCountInString(p.Summary) > MaxSummary {
			t.Fatalf("event: %.300s", body)
		}
		switch p.Severity {
		case SeverityCritical, SeverityError, SeverityWarning, SeverityInfo:
		default:
			t.Fatalf("severity %q", p.Severity)
		}
	})
}
