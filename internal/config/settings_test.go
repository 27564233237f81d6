package config

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

type slackSettings struct {
	Token   string        `yaml:"token"`
	Channel string        `yaml:"channel"`
	Timeout time.Duration `yaml:"timeout"`
	Retries int           `yaml:"retries"`
}

// slackAndStdout is a registry knowing two types, as the caller's would.
func slackAndStdout(typ string, s *Settings) error {
	switch typ {
	case "stdout":
		return stdoutTypes(typ, s)
	case "nested":
		var st struct {
			Inner *struct {
				Width int `json:"width"`
			} `json:"inner"`
		}
		return s.Decode(&st)
	case "slack":
		var st slackSettings
		if err := s.Decode(&st); err != nil {
			return fmt.Errorf("slack: %w", err)
		}
		var errs []error
		if st.Token == "" {
			errs = append(errs, s.Errorf("token", "required"))
		}
		if st.Channel == "" {
			errs = append(errs, s.Errorf("channel", "required"))
		}
		if st.Retries < 0 {
			errs = append(errs, errors.New("retries must not be negative"))
		}
		return errors.Join(errs...)
	}
	return fmt.Errorf("unknown destination type %q", typ)
}

func TestDestinationSettings(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"valid", "  a: {slack: {token: t, channel: c, timeout: 5s}}\n  b: {stdout: }\n  c: {stdout: {pretty: true}}\n", nil},
		{"unknown key", "  a: {slack: {token: t, channel: c, chanel: x}}\n", []string{
			`t.yaml:2:37: destinations.a.slack: unknown key "chanel" (did you mean "channel"?)`,
		}},
		{"wrong type keeps its position through wrapping", "  a:\n    slack:\n      token: t\n      channel: c\n      retries: many\n", []string{
			`t.yaml:6:16: destinations.a.slack.retries: want a whole number, got a string`,
		}},
		{"wrong types named by their key, not by Go names", "  a: {stdout: {pretty: yes}}\n  b: {slack: {token: [t], channel: c}}\n" +
			"  c: {slack: {token: t, channel: c, timeout: {s: 5}}}\n  d: {slack: {token: t, channel: c, retries: 99999999999999999999}}\n", []string{
			`t.yaml:2:24: destinations.a.stdout.pretty: want true or false, got a string`,
			`t.yaml:3:22: destinations.b.slack.token: want a string, got a list`,
			`t.yaml:4:46: destinations.c.slack.timeout: want a duration such as 30s or 5m, got a mapping`,
			`t.yaml:5:46: destinations.d.slack.retries: 99999999999999999999 is too large`,
		}},
		{"unknown nested key suggests from the nested struct", "  a: {nested: {inner: {widht: 1}}}\n", []string{
			`t.yaml:2:24: destinations.a.nested.inner: unknown key "widht" (did you mean "width"?)`,
		}},
		{"missing keys via Errorf", "  a:\n    slack:\n      channel:\n", []string{
			`t.yaml:3:5: destinations.a.slack.token: required`,
			`t.yaml:4:7: destinations.a.slack.channel: required`,
		}},
		{"plain error goes to the type key", "  a: {slack: {token: t, channel: c, retries: -1}}\n", []string{
			`t.yaml:2:7: destinations.a.slack: retries must not be negative`,
		}},
		{"settings not a mapping", "  a: {stdout: [1]}\n", []string{
			`t.yaml:2:15: destinations.a.stdout: want a mapping of settings, got a list`,
		}},
		{"unknown type", "  a: {pager: {}}\n", []string{
			`t.yaml:2:7: destinations.a.pager: unknown destination type "pager"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "destinations:\n" + tt.src
			equalLines(t, parseErrors(t, src, WithDestinationTypes(slackAndStdout)), tt.want)
		})
	}
}

func TestSettingsWithoutRegistry(t *testing.T) {
	cfg := mustParse(t, "destinations:\n  a: {anything: {x: 1}}\n  b: {stdout: }\n")
	if got := cfg.Destination("a").Type; got != "anything" {
		t.Errorf("type = %q", got)
	}
	if !cfg.Destination("b").Settings.Empty() || cfg.Destination("a").Settings.Empty() {
		t.Error("Empty() is wrong")
	}
	var st struct {
		Pretty bool `yaml:"pretty"`
	}
	if err := cfg.Destination("b").Settings.Decode(&st); err != nil || st.Pretty {
		t.Errorf("Decode of no settings = %v, %+v", err, st)
	}
	err := cfg.Destination("a").Settings.Decode(&st)
	if err == nil || err.Error() != `t.yaml:2:18: destinations.a.anything: unknown key "x"` {
		t.Errorf("Decode = %v", err)
	}
	var pe *Error
	if !errors.As(err, &pe) || pe.Pos.Line != 2 {
		t.Errorf("Decode error is not a positioned *Error: %#v", err)
	}
	if got := cfg.Destination("a").Settings.Pos().String(); got != "t.yaml:2:7" {
		t.Errorf("Pos() = %s", got)
	}
	if cfg.Destination("nope") != nil {
		t.Error("Destination(nope) != nil")
	}
}

func TestSettingsDecodeSharedAnchors(t *testing.T) {
	cfg := mustParse(t, "destinations:\n  a: {slack: &common {token: t, channel: c}}\n  b: {slack: *common}\n")
	for _, name := range []string{"a", "b"} {
		var st slackSettings
		if err := cfg.Destination(name).Settings.Decode(&st); err != nil || st.Channel != "c" {
			t.Errorf("%s: Decode = %v, %+v", name, err, st)
		}
	}
}
