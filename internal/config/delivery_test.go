package config

import (
	"fmt"
	"testing"
	"time"
)

func TestDeliveryDefaults(t *testing.T) {
	cfg := mustParse(t, "destinations:\n  a: {stdout: {}}\nroutes:\n  - {name: r, pattern: {source: [x]}, to: [a]}\n")
	want := Delivery{Workers: 4, Lease: 2 * time.Minute, Poll: 200 * time.Millisecond,
		Retry: Retry{MaxAttempts: 200, MaxAge: 24 * time.Hour, MinBackoff: time.Second, MaxBackoff: 5 * time.Minute}}
	if cfg.Delivery != want {
		t.Errorf("Delivery = %+v, want %+v", cfg.Delivery, want)
	}
	if DefaultDelivery() != want {
		t.Errorf("DefaultDelivery() = %+v, want %+v", DefaultDelivery(), want)
	}
	d := cfg.Destination("a")
	if d.Retry != want.Retry || d.Rate != nil {
		t.Errorf("destination Retry = %+v, Rate = %+v; want the defaults and nil", d.Retry, d.Rate)
	}
	if cfg.Routes[0].SendResolved {
		t.Error("SendResolved is true by default")
	}
	// An empty file and "delivery:" with nothing after it get the defaults.
	for _, src := range []string{"", "delivery:\n", "delivery: {}\n"} {
		if got := mustParse(t, src).Delivery; got.Workers != 4 || got.Retry != want.Retry {
			t.Errorf("%q: Delivery = %+v", src, got)
		}
	}
}

func TestDeliveryValues(t *testing.T) {
	const routes = "routes:\n  - {name: r, pattern: {source: [x]}, to: [a, b]}\n"
	tests := []struct {
		name     string
		src      string
		delivery Delivery // Pos is not compared
		a, b     Retry
		rateA    *Rate // Pos is not compared
		rateB    *Rate
	}{
		{
			name: "delivery keys; destinations inherit delivery.retry",
			src: "delivery:\n  workers: 16\n  lease: 1s\n  poll: 10ms\n  retry: {max_attempts: 5, max_age: 1w, min_backoff: 500ms, max_backoff: 1h}\n" +
				"destinations:\n  a: {stdout: {}}\n  b: {stdout: {}}\n",
			delivery: Delivery{Workers: 16, Lease: time.Second, Poll: 10 * time.Millisecond,
				Retry: Retry{MaxAttempts: 5, MaxAge: 7 * 24 * time.Hour, MinBackoff: 500 * time.Millisecond, MaxBackoff: time.Hour}},
			a: Retry{MaxAttempts: 5, MaxAge: 7 * 24 * time.Hour, MinBackoff: 500 * time.Millisecond, MaxBackoff: time.Hour},
			b: Retry{MaxAttempts: 5, MaxAge: 7 * 24 * time.Hour, MinBackoff: 500 * time.Millisecond, MaxBackoff: time.Hour},
		},
		{
			name: "a destination's keys win key by key, over delivery.retry and over the defaults",
			src: "delivery:\n  retry: {max_attempts: 5, max_backoff: 1h}\n" +
				"destinations:\n  a:\n    stdout: {}\n    retry: {max_age: 2h, min_backoff: 10s}\n  b:\n    retry:\n      max_attempts: 1\n    stdout:\n",
			delivery: Delivery{Workers: 4, Lease: 2 * time.Minute, Poll: 200 * time.Millisecond,
				Retry: Retry{MaxAttempts: 5, MaxAge: 24 * time.Hour, MinBackoff: time.Second, MaxBackoff: time.Hour}},
			a: Retry{MaxAttempts: 5, MaxAge: 2 * time.Hour, MinBackoff: 10 * time.Second, MaxBackoff: time.Hour},
			b: Retry{MaxAttempts: 1, MaxAge: 24 * time.Hour, MinBackoff: time.Second, MaxBackoff: time.Hour},
		},
		{
			name: "min_backoff may equal max_backoff; rate keys left out are 0; null rate and retry are not written",
			src: "destinations:\n  a: {stdout: {}, retry: {min_backoff: 5m}, rate: {interval: 1s}}\n" +
				"  b: {rate: {concurrency: 3}, stdout: {}}\n",
			delivery: DefaultDelivery(),
			a:        Retry{MaxAttempts: 200, MaxAge: 24 * time.Hour, MinBackoff: 5 * time.Minute, MaxBackoff: 5 * time.Minute},
			b:        DefaultRetry(),
			rateA:    &Rate{Interval: time.Second},
			rateB:    &Rate{Concurrency: 3},
		},
		{
			name:     "an empty rate mapping means no limit; a null one the type's default",
			src:      "destinations:\n  a: {stdout: {}, rate: {}}\n  b: {stdout: {}, rate: , retry: }\n",
			delivery: DefaultDelivery(),
			a:        DefaultRetry(),
			b:        DefaultRetry(),
			rateA:    &Rate{},
		},
		{
			name:     "zero interval and concurrency",
			src:      "destinations:\n  a: {stdout: {}, rate: {interval: 0s, concurrency: 0}}\n  b: {stdout: {}, rate: {interval: 1d, concurrency: 1}}\n",
			delivery: DefaultDelivery(),
			a:        DefaultRetry(),
			b:        DefaultRetry(),
			rateA:    &Rate{},
			rateB:    &Rate{Interval: 24 * time.Hour, Concurrency: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, tt.src+routes, WithDestinationTypes(stdoutTypes))
			got := cfg.Delivery
			got.Pos = Position{}
			if got != tt.delivery {
				t.Errorf("Delivery = %+v, want %+v", got, tt.delivery)
			}
			for _, c := range []struct {
				name  string
				retry Retry
				rate  *Rate
			}{{"a", tt.a, tt.rateA}, {"b", tt.b, tt.rateB}} {
				d := cfg.Destination(c.name)
				if d.Type != "stdout" {
					t.Errorf("%s: Type = %q, want stdout", c.name, d.Type)
				}
				if d.Retry != c.retry {
					t.Errorf("%s: Retry = %+v, want %+v", c.name, d.Retry, c.retry)
				}
				if rateText(d.Rate) != rateText(c.rate) {
					t.Errorf("%s: Rate = %s, want %s", c.name, rateText(d.Rate), rateText(c.rate))
				}
			}
		})
	}
}

func rateText(r *Rate) string {
	if r == nil {
		return "nil"
	}
	return fmt.Sprintf("{%v %d}", r.Interval, r.Concurrency)
}

func TestDeliveryPositions(t *testing.T) {
	src := "language: en\ndelivery:\n  workers: 2\ndestinations:\n  a:\n    stdout: {}\n    rate: {interval: 1s}\n" +
		"routes:\n  - {name: r, pattern: {source: [x]}, to: [a]}\n"
	cfg := mustParse(t, src)
	if got := cfg.Delivery.Pos.String(); got != "t.yaml:2:1" {
		t.Errorf("Delivery.Pos = %s, want t.yaml:2:1", got)
	}
	if got := cfg.Destination("a").Rate.Pos.String(); got != "t.yaml:7:5" {
		t.Errorf("Rate.Pos = %s, want t.yaml:7:5", got)
	}
	if got := mustParse(t, "").Delivery.Pos; got != (Position{}) {
		t.Errorf("Delivery.Pos without delivery: = %v, want the zero Position", got)
	}
}

func TestDeliveryErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "delivery ranges and types",
			src:  "delivery:\n  workers: 0\n  lease: 500ms\n  poll: 1ms\n  retry: {max_attempts: 10001, max_age: 0s, min_backoff: 0s, max_backoff: -1s}\n",
			want: []string{
				`t.yaml:2:12: delivery.workers: must be between 1 and 256`,
				`t.yaml:3:10: delivery.lease: must be at least 1s`,
				`t.yaml:4:9: delivery.poll: must be at least 10ms`,
				`t.yaml:5:25: delivery.retry.max_attempts: must be between 1 and 10000 (1 means no retries)`,
				`t.yaml:5:41: delivery.retry.max_age: must be longer than 0`,
				`t.yaml:5:58: delivery.retry.min_backoff: must be longer than 0`,
				`t.yaml:5:75: delivery.retry.max_backoff: duration "-1s" is negative`,
			},
		},
		{
			name: "delivery wrong types and unknown keys",
			src:  "delivery:\n  workers: many\n  lease: 30\n  poll: [1s]\n  retri: {}\n  retry: 5\n",
			want: []string{
				`t.yaml:2:12: delivery.workers: want a whole number, got a string`,
				`t.yaml:3:10: delivery.lease: a duration needs a unit, as in 30s, 5m, 1h or 1d`,
				`t.yaml:4:9: delivery.poll: want a string, got a list`,
				`t.yaml:5:3: delivery: unknown key "retri" (did you mean "retry"?)`,
				`t.yaml:6:10: delivery.retry: want a mapping (key: value), got a number`,
			},
		},
		{
			name: "delivery is not a mapping",
			src:  "delivery: fast\n",
			want: []string{`t.yaml:1:11: delivery: want a mapping (key: value), got a string`},
		},
		{
			name: "workers above the limit, unknown retry key",
			src:  "delivery: {workers: 257, retry: {max_attempt: 3}}\n",
			want: []string{
				`t.yaml:1:21: delivery.workers: must be between 1 and 256`,
				`t.yaml:1:34: delivery.retry: unknown key "max_attempt" (did you mean "max_attempts"?)`,
			},
		},
		{
			name: "backoffs out of order in delivery.retry, against each other and against the defaults",
			src:  "delivery:\n  retry: {min_backoff: 1m, max_backoff: 30s}\n",
			want: []string{`t.yaml:2:24: delivery.retry.min_backoff: 1m is longer than max_backoff 30s`},
		},
		{
			name: "a broken delivery.retry is reported once, not at every destination inheriting it",
			src: "delivery:\n  retry: {min_backoff: 1m, max_backoff: 30s}\ndestinations:\n  a: {stdout: {}, retry: {max_attempts: 3}}\n  b: {stdout: {}}\n" +
				"routes:\n  - {name: r, pattern: {source: [x]}, to: [a, b]}\n",
			want: []string{`t.yaml:2:24: delivery.retry.min_backoff: 1m is longer than max_backoff 30s`},
		},
		{
			name: "max_backoff below the default min_backoff",
			src:  "delivery:\n  retry: {max_backoff: 500ms}\n",
			want: []string{`t.yaml:2:24: delivery.retry.max_backoff: 500ms is shorter than min_backoff 1s (the default); lower min_backoff too`},
		},
		{
			name: "min_backoff above the default max_backoff",
			src:  "delivery:\n  retry: {min_backoff: 1h}\n",
			want: []string{`t.yaml:2:24: delivery.retry.min_backoff: 1h is longer than max_backoff 5m (the default); raise max_backoff too`},
		},
		{
			name: "a destination's backoff against the inherited one",
			src: "delivery:\n  retry: {max_backoff: 10s}\ndestinations:\n  a:\n    stdout: {}\n    retry: {min_backoff: 1m}\n" +
				"  b: {stdout: {}, retry: {max_backoff: 100ms}}\n  c: {stdout: {}, retry: {max_attempts: 3}}\n",
			want: []string{
				`t.yaml:6:26: destinations.a.retry.min_backoff: 1m is longer than max_backoff 10s (inherited from delivery.retry); raise max_backoff too`,
				`t.yaml:7:40: destinations.b.retry.max_backoff: 100ms is shorter than min_backoff 1s (inherited from delivery.retry); lower min_backoff too`,
			},
		},
		{
			name: "destination retry and rate problems name the destination",
			src: "destinations:\n  backlog-a:\n    stdout: {}\n    rate: {interval: -1s, concurrency: -1, burst: 3}\n    retry: {max_attempts: 0, max_age: 1y}\n" +
				"  b: {stdout: {}, rate: 1s, retry: [1]}\n  c: {stdout: {}, rate: {interval: 5, concurrency: one}}\n",
			want: []string{
				`t.yaml:4:22: destinations.backlog-a.rate.interval: duration "-1s" is negative`,
				`t.yaml:4:40: destinations.backlog-a.rate.concurrency: must be 0 (no limit) or more`,
				`t.yaml:4:44: destinations.backlog-a.rate: unknown key "burst"`,
				`t.yaml:5:27: destinations.backlog-a.retry.max_attempts: must be between 1 and 10000 (1 means no retries)`,
				`t.yaml:5:39: destinations.backlog-a.retry.max_age: invalid duration "1y": write e.g. 30s, 5m, 1h30m, 1d or 1w`,
				`t.yaml:6:25: destinations.b.rate: want a mapping (key: value), got a string`,
				`t.yaml:6:36: destinations.b.retry: want a mapping (key: value), got a list`,
				`t.yaml:7:36: destinations.c.rate.interval: a duration needs a unit, as in 30s, 5m, 1h or 1d`,
				`t.yaml:7:52: destinations.c.rate.concurrency: want a whole number, got a string`,
			},
		},
		{
			name: "only retry or rate: no destination type",
			src:  "destinations:\n  a: {retry: {max_attempts: 3}}\n  b:\n    rate: {interval: 1s}\n    retry: {max_age: 1h}\n  c: {rate: {concurrency: x}}\n",
			want: []string{
				`t.yaml:2:3: destinations.a: no destination type: retry and rate go beside one type key, as in a: {stdout: {}, retry: {max_attempts: 10}}`,
				`t.yaml:3:3: destinations.b: no destination type: retry and rate go beside one type key, as in b: {stdout: {}, retry: {max_attempts: 10}}`,
				`t.yaml:6:3: destinations.c: no destination type: retry and rate go beside one type key, as in c: {stdout: {}, retry: {max_attempts: 10}}`,
				`t.yaml:6:27: destinations.c.rate.concurrency: want a whole number, got a string`,
			},
		},
		{
			name: "two type keys beside retry and rate; a misspelt option",
			src:  "destinations:\n  a: {retry: {}, slack: {}, rate: {}, email: {}}\n  b: {stdout: {}, retyr: {max_attempts: 3}}\n  c: {stdout: {}, rate: {}, rate: {}}\n",
			want: []string{
				`t.yaml:2:39: destinations.a: has a second type key "email" after "slack"; a destination has exactly one type (define another destination)`,
				`t.yaml:3:19: destinations.b: has a second type key "retyr" after "stdout"; a destination has exactly one type (define another destination) (did you mean "retry"?)`,
				`t.yaml:4:29: duplicate key "rate" (first at line 4)`,
			},
		},
		{
			name: "retry and rate problems are reported together with the settings' problems",
			src:  "destinations:\n  a: {stdout: {pretty: maybe}, retry: {max_attempts: -1}}\n",
			want: []string{
				`t.yaml:2:24: destinations.a.stdout.pretty: want true or false, got a string`,
				`t.yaml:2:54: destinations.a.retry.max_attempts: must be between 1 and 10000 (1 means no retries)`,
			},
		},
		{
			name: "send_resolved",
			src:  dests + "routes:\n  - {name: r, pattern: {source: [x]}, to: [d, e], send_resolved: yes}\n  - {name: s, pattern: {source: [x]}, to: [d], send_resolve: true}\n",
			want: []string{
				`t.yaml:5:66: routes[0].send_resolved: want true or false, got a string`,
				`t.yaml:6:48: routes[1]: unknown key "send_resolve" (did you mean "send_resolved"?)`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, parseErrors(t, tt.src, WithDestinationTypes(stdoutTypes)), tt.want)
		})
	}
}

func TestSendResolved(t *testing.T) {
	cfg := mustParse(t, dests+"routes:\n  - {name: r, pattern: {source: [x]}, to: [d], send_resolved: true}\n"+
		"  - {name: s, pattern: {source: [x]}, to: [e], send_resolved: false}\n  - {name: u, pattern: {source: [x]}, to: [e]}\n")
	for i, want := range []bool{true, false, false} {
		if got := cfg.Routes[i].SendResolved; got != want {
			t.Errorf("routes[%d].SendResolved = %v, want %v", i, got, want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{5 * time.Minute, "5m"},
		{24 * time.Hour, "24h"},
		{90 * time.Minute, "1h30m"},
		{time.Hour + time.Second, "1h0m1s"},
		{1500 * time.Millisecond, "1.5s"},
		{10 * time.Millisecond, "10ms"},
		{0, "0s"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			if got := formatDuration(tt.d); got != tt.want {
				t.Errorf("formatDuration(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}
