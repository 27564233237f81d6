package config

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestLoadExample(t *testing.T) {
	t.Setenv("HUBRELAY_INGEST_KEY", "ingest-key-value")
	t.Setenv("BACKLOG_API_KEY", "backlog-key-value")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-token-value")
	cfg, err := Load("testdata/example.yaml", WithNow(testNow))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"store", cfg.Store, "sqlite:hubrelay.db"},
		{"language", cfg.Language, "ja"},
		{"timezone", cfg.Location.String(), "Asia/Tokyo"},
		{"http path", cfg.Sources.HTTP.Path, "/events"},
		{"http listen default", cfg.Sources.HTTP.Listen, ":8080"},
		{"http api key", cfg.Sources.HTTP.APIKey, "ingest-key-value"},
		{"http api key header default", cfg.Sources.HTTP.APIKeyHeader, "x-api-key"},
		{"delivery defaults", cfg.Delivery, DefaultDelivery()},
		{"destination retry defaults", cfg.Destinations[0].Retry, DefaultRetry()},
		{"destination rate default", cfg.Destinations[0].Rate == nil, true},
		{"region", cfg.SecurityHub.Region, "ap-northeast-1"},
		{"mark notified", cfg.SecurityHub.MarkNotified, true},
		{"destination count", len(cfg.Destinations), 2},
		{"destination 0", cfg.Destinations[0].Name + "/" + cfg.Destinations[0].Type, "backlog-system-a/backlog"},
		{"destination 1", cfg.Destinations[1].Name + "/" + cfg.Destinations[1].Type, "slack-a-guardduty/slack"},
		{"destination pos", cfg.Destinations[1].Pos.String(), "testdata/example.yaml:15:3"},
		{"route count", len(cfg.Routes), 2},
		{"route 0 kind", cfg.Routes[0].Match.Kind, KindPattern},
		{"route 0 json", string(cfg.Routes[0].Match.JSON), `{"source":["aws.securityhub"],"detail-type":["Security Hub Findings - Imported"],"detail":{"findings":{"Compliance":{"Status":[{"anything-but":"PASSED"}]},"AwsAccountId":["111111111111","222222222222"],"Workflow":{"Status":["NEW"]},"RecordState":["ACTIVE"]}}}`},
		{"route 0 pos", cfg.Routes[0].Pos.String(), "testdata/example.yaml:19:5"},
		{"route 0 group", cfg.Routes[0].Group == nil, true},
		{"route 1 kind", cfg.Routes[1].Match.Kind, KindFilters},
		{"route 1 json", string(cfg.Routes[1].Match.JSON), `{"AwsAccountId":[{"Value":"123456789012","Comparison":"EQUALS"}],"ProductName":[{"Value":"GuardDuty","Comparison":"EQUALS"}],"SeverityLabel":[{"Value":"MEDIUM","Comparison":"EQUALS"},{"Value":"HIGH","Comparison":"EQUALS"},{"Value":"CRITICAL","Comparison":"EQUALS"}]}`},
		{"route 1 to", cfg.Routes[1].To, []string{"slack-a-guardduty"}},
		{"route 1 group by", cfg.Routes[1].Group.By, []string{"AwsAccountId", "ProductName"}},
		{"route 1 group wait", cfg.Routes[1].Group.Wait, 30 * time.Second},
		{"route 1 group interval", cfg.Routes[1].Group.Interval, 5 * time.Minute},
		{"route 1 group max default", cfg.Routes[1].Group.Max, 100},
		{"route 1 group by pos", cfg.Routes[1].Group.ByPos[1].String(), "testdata/example.yaml:37:32"},
		{"secrets", cfg.Secrets(), []string{"ingest-key-value", "backlog-key-value", "xoxb-token-value"}},
		{"warnings", len(cfg.Warnings()), 0},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !equalAny(c.got, c.want) {
				t.Errorf("got %#v, want %#v", c.got, c.want)
			}
		})
	}
}

func TestLoadFull(t *testing.T) {
	t.Setenv("HUBRELAY_TEST_INGEST_KEY", "ingest-secret-1")
	t.Setenv("HUBRELAY_TEST_MAIL_TAG", "alerts")
	t.Setenv("HUBRELAY_TEST_BASIC_PASSWORD", "basic-secret-2")
	t.Setenv("HUBRELAY_TEST_LINK_SECRET", "link-secret-0123456789abcdef0123456789")
	var seen []string
	check := func(typ string, s *Settings) error {
		seen = append(seen, typ)
		return nil
	}
	cfg, err := Load("testdata/full.yaml", WithNow(testNow), WithDestinationTypes(check))
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	var email struct {
		To      string `yaml:"to"`
		Subject string `yaml:"subject"`
	}
	if err := cfg.Destination("ops-email").Settings.Decode(&email); err != nil {
		t.Fatal(err)
	}
	var backlog struct {
		Space     string `yaml:"space"`
		APIKey    string `yaml:"api_key"`
		ProjectID int    `yaml:"project_id"`
	}
	if err := cfg.Destination("backlog-a").Settings.Decode(&backlog); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"types checked in order", seen, []string{"stdout", "backlog", "email"}},
		{"store", cfg.Store, "sqlite:/var/lib/hubrelay/hubrelay.db"},
		{"timezone", cfg.Timezone, "Europe/Berlin"},
		{"listen", cfg.Sources.HTTP.Listen, "127.0.0.1:9000"},
		{"path", cfg.Sources.HTTP.Path, "/hooks/securityhub"},
		{"api key from env", cfg.Sources.HTTP.APIKey, "ingest-secret-1"},
		{"api key header", cfg.Sources.HTTP.APIKeyHeader, "X-Hubrelay-Key"},
		{"basic auth", cfg.Sources.HTTP.BasicUser + ":" + cfg.Sources.HTTP.BasicPassword, "eventbridge:basic-secret-2"},
		{"no bearer token", cfg.Sources.HTTP.BearerToken, ""},
		{"delivery workers", cfg.Delivery.Workers, 8},
		{"delivery lease", cfg.Delivery.Lease, 30 * time.Second},
		{"delivery poll", cfg.Delivery.Poll, time.Second},
		{"delivery retry", cfg.Delivery.Retry, Retry{MaxAttempts: 50, MaxAge: 48 * time.Hour, MinBackoff: 2 * time.Second, MaxBackoff: 10 * time.Minute}},
		{"delivery pos", cfg.Delivery.Pos.String(), "testdata/full.yaml:18:1"},
		{"inherited retry", cfg.Destination("console").Retry, cfg.Delivery.Retry},
		{"destination retry over delivery.retry", cfg.Destination("backlog-a").Retry, Retry{MaxAttempts: 20, MaxAge: 48 * time.Hour, MinBackoff: 2 * time.Second, MaxBackoff: 10 * time.Minute}},
		{"no rate", cfg.Destination("console").Rate == nil, true},
		{"rate", *cfg.Destination("backlog-a").Rate, Rate{Interval: time.Second, Concurrency: 1, Pos: Position{File: "testdata/full.yaml", Line: 33, Column: 5}}},
		{"send resolved", cfg.Routes[1].SendResolved, true},
		{"send resolved default", cfg.Routes[0].SendResolved, false},
		{"region", cfg.SecurityHub.Region, "eu-central-1"},
		{"embedded env reference", email.To, "ops+alerts@example.com"},
		{"escaped reference", email.Subject, "price: ${PRICE}"},
		{"file reference, newline trimmed", backlog.APIKey, "file-secret-value"},
		{"project id", backlog.ProjectID, 12345},
		{"json string pattern", string(cfg.Routes[0].Match.JSON), `{"source":["aws.securityhub"],"detail":{"findings":{"Severity":{"Label":["CRITICAL"]}}}}`},
		{"repeat interval in days", cfg.Routes[0].RepeatInterval, 24 * time.Hour},
		{"group", *cfg.Routes[1].Group, Group{By: []string{"AwsAccountId", "SeverityLabel", "ResourceType"}, ByPos: cfg.Routes[1].Group.ByPos, Wait: time.Minute, Interval: time.Hour, Max: 50, Pos: cfg.Routes[1].Group.Pos}},
		{"suppressions", len(cfg.Suppressions), 2},
		{"suppression without until", cfg.Suppressions[0].Until.IsZero(), true},
		{"suppression reason", cfg.Suppressions[0].Reason, "sandbox account, ticket SEC-12"},
		{"until is end of day in the time zone", cfg.Suppressions[1].Until, time.Date(2030, 6, 30, 23, 59, 59, 999999999, berlin)},
		{"secrets", cfg.Secrets(), []string{"ingest-secret-1", "basic-secret-2", "file-secret-value", "alerts", "link-secret-0123456789abcdef0123456789"}},
		{"warnings", cfg.Warnings(), []string(nil)},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !equalAny(c.got, c.want) {
				t.Errorf("got %#v, want %#v", c.got, c.want)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		name, src                       string
		store, language, timezone, path string
	}{
		{"empty file", "", DefaultStore, "en", "UTC", ""},
		{"comment only", "# nothing yet\n", DefaultStore, "en", "UTC", ""},
		{"ja defaults to Tokyo", "language: ja\n", DefaultStore, "ja", "Asia/Tokyo", ""},
		{"explicit zone wins", "language: ja\ntimezone: UTC\n", DefaultStore, "ja", "UTC", ""},
		{"http with defaults", "sources:\n  http:\n", DefaultStore, "en", "UTC", "/events"},
		{"postgres", "store: postgres://hubrelay@db:5432/hubrelay?sslmode=disable\n", "postgres://hubrelay@db:5432/hubrelay?sslmode=disable", "en", "UTC", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, tt.src)
			path := ""
			if cfg.Sources.HTTP != nil {
				path = cfg.Sources.HTTP.Path
			}
			got := []string{cfg.Store, cfg.Language, cfg.Timezone, cfg.Location.String(), path}
			want := []string{tt.store, tt.language, tt.timezone, tt.timezone, tt.path}
			if !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Fatalf("got %v, want a not-exist error", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func equalAny(a, b any) bool {
	switch x := a.(type) {
	case []string:
		y, ok := b.([]string)
		return ok && slices.Equal(x, y)
	case Group:
		y, ok := b.(Group)
		return ok && slices.Equal(x.By, y.By) && x.Wait == y.Wait && x.Interval == y.Interval && x.Max == y.Max
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	}
	return a == b
}
