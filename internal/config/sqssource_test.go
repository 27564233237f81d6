package config

import (
	"testing"
	"time"
)

// sqsTail completes a config around sources.sqs: routes that use both
// destinations, so that no warning but those of the SQS source appears.
const sqsTail = dests + "routes:\n  - {name: r, pattern: {source: [x]}, to: [d, e]}\n"

func TestSQSSource(t *testing.T) {
	tests := []struct {
		name     string
		sqs      string // the value of sources.sqs
		want     SQSSource
		warnings []string
	}{
		{
			name: "defaults: the region comes from the URL, the SDK finds the endpoint",
			sqs:  "{queue_url: https://sqs.ap-northeast-1.amazonaws.com/123456789012/hubrelay-findings}",
			want: SQSSource{QueueURL: "https://sqs.ap-northeast-1.amazonaws.com/123456789012/hubrelay-findings", Region: "ap-northeast-1", Concurrency: 2},
		},
		{
			name: "every key",
			sqs:  "\n    queue_url: https://sqs.us-east-1.amazonaws.com/123456789012/findings.fifo\n    region: us-east-1\n    concurrency: 8\n    visibility_timeout: 2m",
			want: SQSSource{QueueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/findings.fifo", Region: "us-east-1", Concurrency: 8, VisibilityTimeout: 2 * time.Minute},
		},
		{
			name: "China",
			sqs:  "{queue_url: https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q}",
			want: SQSSource{QueueURL: "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q", Region: "cn-north-1", Concurrency: 2},
		},
		{
			name: "legacy host names",
			sqs:  "{queue_url: https://queue.amazonaws.com/123456789012/q, concurrency: 1}",
			want: SQSSource{QueueURL: "https://queue.amazonaws.com/123456789012/q", Region: "us-east-1", Concurrency: 1},
		},
		{
			name: "legacy regional host name",
			sqs:  "{queue_url: https://eu-west-1.queue.amazonaws.com/123456789012/q}",
			want: SQSSource{QueueURL: "https://eu-west-1.queue.amazonaws.com/123456789012/q", Region: "eu-west-1", Concurrency: 2},
		},
		{
			name: "a VPC endpoint name is called as the endpoint",
			sqs:  "{queue_url: https://vpce-0a1b2c3d4e5f-abcd1234.sqs.us-west-2.vpce.amazonaws.com/123456789012/q}",
			want: SQSSource{
				QueueURL: "https://vpce-0a1b2c3d4e5f-abcd1234.sqs.us-west-2.vpce.amazonaws.com/123456789012/q", Region: "us-west-2",
				Endpoint: "https://vpce-0a1b2c3d4e5f-abcd1234.sqs.us-west-2.vpce.amazonaws.com", Concurrency: 2,
			},
		},
		{
			name: "an emulator on the loopback: its host is the endpoint, the region is given",
			sqs:  "{queue_url: \"http://127.0.0.1:9324/000000000000/findings\", region: eu-central-1, visibility_timeout: 1s}",
			want: SQSSource{QueueURL: "http://127.0.0.1:9324/000000000000/findings", Region: "eu-central-1", Endpoint: "http://127.0.0.1:9324", Concurrency: 2, VisibilityTimeout: time.Second},
		},
		{
			name: "an emulator with the region in its host name, older account path",
			sqs:  "{queue_url: \"http://sqs.us-east-1.localhost.localstack.cloud:4566/queue/findings\"}",
			want: SQSSource{QueueURL: "http://sqs.us-east-1.localhost.localstack.cloud:4566/queue/findings", Region: "us-east-1", Endpoint: "http://sqs.us-east-1.localhost.localstack.cloud:4566", Concurrency: 2},
			warnings: []string{
				`t.yaml:2:20: sources.sqs.queue_url: plain http: messages travel unencrypted; use https outside a test setup`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, "sources:\n  sqs: "+tt.sqs+"\n"+sqsTail)
			got := cfg.Sources.SQS
			if got == nil {
				t.Fatal("Sources.SQS is nil")
			}
			if got.Pos.Line != 2 || got.Pos.Column != 3 {
				t.Errorf("Pos = %v, want line 2 column 3", got.Pos)
			}
			got.Pos = Position{}
			if *got != tt.want {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
			if cfg.Sources.HTTP != nil {
				t.Errorf("Sources.HTTP = %+v, want nil: only sqs is written", cfg.Sources.HTTP)
			}
			equalLines(t, cfg.Warnings(), tt.warnings)
		})
	}
}

func TestSQSSourceBesideHTTP(t *testing.T) {
	cfg := mustParse(t, "sources:\n  http: {api_key: k-1}\n  sqs: {queue_url: https://sqs.us-east-2.amazonaws.com/123456789012/q}\n"+sqsTail)
	if cfg.Sources.HTTP == nil || cfg.Sources.SQS == nil {
		t.Fatalf("Sources = %+v, want both", cfg.Sources)
	}
	if cfg.Sources.SQS.Region != "us-east-2" || cfg.Sources.HTTP.APIKey != "k-1" {
		t.Errorf("Sources = %+v %+v", *cfg.Sources.HTTP, *cfg.Sources.SQS)
	}
}

func TestSQSSourceErrors(t *testing.T) {
	const src = "sources:\n  sqs: "
	tests := []struct {
		name string
		sqs  string
		want []string
	}{
		{
			name: "no queue_url",
			sqs:  "{concurrency: 2}",
			want: []string{`t.yaml:2:8: sources.sqs: missing required key "queue_url"`},
		},
		{
			name: "empty mapping",
			sqs:  "",
			want: []string{`t.yaml:2:7: sources.sqs: missing required key "queue_url"`},
		},
		{
			name: "not a mapping",
			sqs:  "https://sqs.us-east-1.amazonaws.com/123456789012/q",
			want: []string{`t.yaml:2:8: sources.sqs: want a mapping (key: value), got a string`},
		},
		{
			name: "unknown key with a suggestion",
			sqs:  "{queue_url: https://sqs.us-east-1.amazonaws.com/123456789012/q, visibility: 30s}",
			want: []string{`t.yaml:2:72: sources.sqs: unknown key "visibility"`},
		},
		{
			name: "not a URL",
			sqs:  "{queue_url: hubrelay-findings}",
			want: []string{`t.yaml:2:20: sources.sqs.queue_url: want a URL such as https://sqs.REGION.amazonaws.com/ACCOUNT/NAME, as the SQS console shows it`},
		},
		{
			name: "an ARN instead of the URL",
			sqs:  "{queue_url: \"arn:aws:sqs:us-east-1:123456789012:q\"}",
			want: []string{`t.yaml:2:20: sources.sqs.queue_url: want a URL such as https://sqs.REGION.amazonaws.com/ACCOUNT/NAME, as the SQS console shows it`},
		},
		{
			name: "plain http to AWS",
			sqs:  "{queue_url: \"http://sqs.us-east-1.amazonaws.com/123456789012/q\"}",
			want: []string{`t.yaml:2:20: sources.sqs.queue_url: use https for an AWS endpoint`},
		},
		{
			name: "another scheme",
			sqs:  "{queue_url: \"sqs://sqs.us-east-1.amazonaws.com/123456789012/q\"}",
			want: []string{`t.yaml:2:20: sources.sqs.queue_url: scheme "sqs": want https`},
		},
		{
			name: "no queue name",
			sqs:  "{queue_url: \"https://sqs.us-east-1.amazonaws.com/123456789012\"}",
			want: []string{`t.yaml:2:20: sources.sqs.queue_url: the path must be /ACCOUNT/NAME, as in https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`},
		},
		{
			name: "a path too deep",
			sqs:  "{queue_url: \"https://sqs.us-east-1.amazonaws.com/123456789012/q/x\"}",
			want: []string{`t.yaml:2:20: sources.sqs.queue_url: the path must be /ACCOUNT/NAME, as in https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`},
		},
		{
			name: "a bad queue name",
			sqs:  "{queue_url: \"https://sqs.us-east-1.amazonaws.com/123456789012/my%20queue\"}",
			want: []string{`t.yaml:2:20: sources.sqs.queue_url: "my%20queue" is not a queue name: 1 to 80 letters, digits, - and _, ending in .fifo for a FIFO queue`},
		},
		{
			name: "a short account",
			sqs:  "{queue_url: \"https://sqs.us-east-1.amazonaws.com/12345/q\"}",
			want: []string{`t.yaml:2:20: sources.sqs.queue_url: "12345" is not a 12-digit AWS account ID`},
		},
		{
			name: "query, user and fragment",
			sqs:  "{queue_url: \"https://u:p@sqs.us-east-1.amazonaws.com/123456789012/q?x=1\"}",
			want: []string{`t.yaml:2:20: sources.sqs.queue_url: must be scheme://host/ACCOUNT/NAME without user information, query or fragment`},
		},
		{
			name: "a port out of range",
			sqs:  "{queue_url: \"http://localhost:70000/000000000000/q\", region: us-east-1}",
			want: []string{`t.yaml:2:20: sources.sqs.queue_url: port "70000" is not a port number`},
		},
		{
			name: "region, concurrency and visibility out of bounds",
			sqs:  "\n    queue_url: https://sqs.us-east-1.amazonaws.com/123456789012/q\n    region: us-west-2\n    concurrency: 0\n    visibility_timeout: 13h",
			want: []string{
				`t.yaml:4:13: sources.sqs.region: "us-west-2" does not match the region us-east-1 of queue_url`,
				`t.yaml:5:18: sources.sqs.concurrency: must be between 1 and 64`,
				`t.yaml:6:25: sources.sqs.visibility_timeout: must be between 1s and 12h (leave it out to use the queue's own)`,
			},
		},
		{
			name: "types",
			sqs:  "\n    queue_url: [https://sqs.us-east-1.amazonaws.com/123456789012/q]\n    region: Tokyo\n    concurrency: two\n    visibility_timeout: 30",
			want: []string{
				`t.yaml:3:16: sources.sqs.queue_url: want a string, got a list`,
				`t.yaml:4:13: sources.sqs.region: "Tokyo" is not an AWS region name such as ap-northeast-1`,
				`t.yaml:5:18: sources.sqs.concurrency: want a whole number, got a string`,
				`t.yaml:6:25: sources.sqs.visibility_timeout: a duration needs a unit, as in 30s, 5m, 1h or 1d`,
			},
		},
		{
			name: "fractions of a second and too many loops",
			sqs:  "{queue_url: https://sqs.us-east-1.amazonaws.com/123456789012/q, visibility_timeout: 1500ms, concurrency: 65}",
			want: []string{
				`t.yaml:2:92: sources.sqs.visibility_timeout: SQS counts whole seconds; 1.5s is not`,
				`t.yaml:2:113: sources.sqs.concurrency: must be between 1 and 64`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, parseErrors(t, src+tt.sqs+"\n"+sqsTail), tt.want)
		})
	}
}

func TestParseQueueURL(t *testing.T) {
	tests := []struct {
		url      string
		region   string
		endpoint string
		wantErr  bool
	}{
		{url: "https://sqs.eu-west-3.amazonaws.com/123456789012/q", region: "eu-west-3"},
		{url: "https://SQS.EU-WEST-3.AMAZONAWS.COM/123456789012/q", region: "eu-west-3"},
		{url: "https://sqs.us-gov-west-1.amazonaws.com/123456789012/q_1-2", region: "us-gov-west-1"},
		{url: "https://sqs-fips.us-east-1.amazonaws.com/123456789012/q", region: "us-east-1", endpoint: "https://sqs-fips.us-east-1.amazonaws.com"},
		{url: "https://sqs.us-east-1.api.aws/123456789012/q", region: "us-east-1", endpoint: "https://sqs.us-east-1.api.aws"},
		{url: "https://sqs.amazonaws.com/123456789012/q", endpoint: "https://sqs.amazonaws.com"},
		{url: "http://[::1]:9324/000000000000/q", endpoint: "http://[::1]:9324"},
		{url: "https://sqs.us-east-1.amazonaws.com/123456789012/" + string(make([]byte, 81)), wantErr: true},
		{url: "https://sqs.us-east-1.amazonaws.com/123456789012/.fifo", wantErr: true},
		{url: "https://sqs.us-east-1.amazonaws.com//q", wantErr: true},
		{url: "https:///123456789012/q", wantErr: true},
		{url: "https://sqs.us-east-1.amazonaws.com./123456789012/q", wantErr: true},
		{url: "https://localhost/../q", wantErr: true},
		{url: "https://sqs.us-east-1.amazonaws.com/123456789012/q#frag", wantErr: true},
		{url: "https://sqs.us-east-1.amazonaws.com/123456789012/q?", wantErr: true},
		{url: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			q, err := parseQueueURL(tt.url)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseQueueURL(%q) error %v, want error %v", tt.url, err, tt.wantErr)
			}
			if err == nil && (q.region != tt.region || q.endpoint != tt.endpoint) {
				t.Errorf("region %q endpoint %q, want %q %q", q.region, q.endpoint, tt.region, tt.endpoint)
			}
		})
	}
}
