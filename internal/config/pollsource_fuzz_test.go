package config

import (
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/pattern"
)

// FuzzPollSource feeds arbitrary text as the filters of sources.poll (as
// YAML and as a pasted JSON string) and arbitrary values to the other poll
// and securityhub keys: Parse never panics, errors are positioned, and
// what it accepts is within the poller's limits and the documented limits
// of custom actions.
func FuzzPollSource(f *testing.F) {
	for _, seed := range []struct{ filters, interval, action string }{
		{`{RecordState: [{Value: ACTIVE, Comparison: EQUALS}]}`, "5m", "SendToBacklog"},
		{`'{"Filters": {"SeverityLabel": [{"Value": "HIGH", "Comparison": "EQUALS"}]}}'`, "1h", "A1"},
		{`{AwsAccountId: ` + accounts(25) + `}`, "10s", "x-y"},
		{`{UpdatedAt: [{DateRange: {Value: 1, Unit: DAYS}}]}`, "1s", ""},
		{`{ResourceTags: [{Key: a, Value: b, Comparison: NOT_EQUALS}]}`, "-1m", "ABCDEFGHIJKLMNOPQRSTUV"},
		{`[1, 2]`, "5", "名前"},
		{`{}`, "1w", "Z"},
	} {
		f.Add(seed.filters, seed.interval, seed.action)
	}
	f.Fuzz(func(t *testing.T, filters, interval, action string) {
		src := "sources:\n  poll:\n    interval: " + quoteYAML(interval) + "\n    filters: " + filters + "\n" +
			"securityhub:\n  actions:\n    - {id: " + quoteYAML(action) + ", name: n, description: d}\n" + pollRoutes
		cfg, err := Parse("fuzz.yaml", []byte(src))
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T is not a non-empty ErrorList", err)
			}
			for _, e := range list {
				if e.Pos.Line < 1 || e.Pos.Column < 1 {
					t.Fatalf("unpositioned error %q", e.Error())
				}
			}
			return
		}
		if p := cfg.Sources.Poll; p != nil {
			if p.Interval < MinPollInterval {
				t.Fatalf("interval %v accepted", p.Interval)
			}
			attrs, _, err := pattern.FilterLimits(p.Filters)
			if err != nil || attrs > MaxPollAttributes {
				t.Fatalf("filters %s accepted: %d attributes, %v", p.Filters, attrs, err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(p.Filters, &m); err != nil {
				t.Fatalf("filters %s are not an object: %v", p.Filters, err)
			}
			if v, ok := m["UpdatedAt"]; ok && string(v) != "null" && string(v) != "[]" {
				t.Fatalf("UpdatedAt accepted in %s", p.Filters)
			}
		}
		for _, a := range cfg.SecurityHub.Actions {
			if a.ID == "" || len(a.ID) > MaxActionID || utf8.RuneCountInString(a.Name) > MaxActionName {
				t.Fatalf("action %+v accepted", a)
			}
			for _, r := range a.ID {
				if !isASCIIAlnum(r) {
					t.Fatalf("action id %q accepted", a.ID)
				}
			}
		}
	})
}

// quoteYAML writes s as a double-quoted YAML scalar.
func quoteYAML(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
