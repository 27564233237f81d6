package config_test

import (
	"errors"
	"fmt"

	"github.com/hubrelay/hubrelay/internal/config"
)

func ExampleParse() {
	_, err := config.Parse("hubrelay.yaml", []byte(`
language: ja
destinations:
  chat: {slack: {channel: alerts}}
routes:
  - name: critical
    pattern:
      detail:
        findings:
          Severity: {Label: [CRITICAL]}
    to: [chat, pager]
    repeat_interval: 5
`))
	var list config.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Println(e)
		}
	}
	// Output:
	// hubrelay.yaml:11:16: routes[0].to[1]: destination "pager" is not defined under destinations
	// hubrelay.yaml:12:22: routes[0].repeat_interval: a duration needs a unit, as in 30s, 5m, 1h or 1d
}

func ExampleConfig_Warnings() {
	cfg, err := config.Parse("hubrelay.yaml", []byte(`
destinations:
  chat: {slack: {channel: alerts}}
routes:
  - name: account-a
    pattern:
      detail:
        findings:
          AwsAccountId: [123456789012]
    to: [chat]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range cfg.Warnings() {
		fmt.Println(w)
	}
	// Output:
	// hubrelay.yaml:9:26: routes[0].pattern: 123456789012 is a number, but account IDs in events are strings and EventBridge never matches a string against a number: quote it ("123456789012")
}

func ExampleSettings_Decode() {
	type slackSettings struct {
		Channel string `yaml:"channel"`
	}
	check := func(typ string, s *config.Settings) error {
		if typ != "slack" {
			return fmt.Errorf("unknown destination type %q", typ)
		}
		var st slackSettings
		if err := s.Decode(&st); err != nil {
			return err
		}
		if st.Channel == "" {
			return s.Errorf("channel", "required")
		}
		return nil
	}
	_, err := config.Parse("hubrelay.yaml", []byte(`
destinations:
  chat: {slack: {chanel: alerts}}
  mail: {email: {to: ops@example.com}}
`), config.WithDestinationTypes(check))
	fmt.Println(err)
	// Output:
	// hubrelay.yaml:3:18: destinations.chat.slack: unknown key "chanel" (did you mean "channel"?)
	// hubrelay.yaml:4:10: destinations.mail.email: unknown destination type "email"
}

func ExampleDestination() {
	cfg, err := config.Parse("hubrelay.yaml", []byte(`
delivery:
  retry: {max_attempts: 50, max_backoff: 10m}
destinations:
  backlog-a:
    backlog: {space: https://example.backlog.jp}
    retry: {max_age: 2d}
    rate: {interval: 1s, concurrency: 1}
  chat:
    slack: {channel: alerts}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [backlog-a, chat]
    send_resolved: true
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range cfg.Destinations {
		fmt.Printf("%s: %d attempts within %v, backoff %v to %v", d.Name, d.Retry.MaxAttempts, d.Retry.MaxAge, d.Retry.MinBackoff, d.Retry.MaxBackoff)
		if d.Rate != nil {
			fmt.Printf("; one start every %v, %d at a time", d.Rate.Interval, d.Rate.Concurrency)
		}
		fmt.Println()
	}
	fmt.Println("send resolved:", cfg.Routes[0].SendResolved)
	// Output:
	// backlog-a: 50 attempts within 48h0m0s, backoff 1s to 10m0s; one start every 1s, 1 at a time
	// chat: 50 attempts within 24h0m0s, backoff 1s to 10m0s
	// send resolved: true
}
