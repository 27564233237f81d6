package config

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzQueueURL feeds arbitrary strings to the queue URL parser, alone and
// as sources.sqs.queue_url of a whole config: it never panics, a URL it
// accepts has the queue's shape, and what it derives (region, endpoint)
// is well formed.
func FuzzQueueURL(f *testing.F) {
	for _, seed := range []string{
		"https://sqs.ap-northeast-1.amazonaws.com/123456789012/hubrelay-findings",
		"https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q.fifo",
		"https://queue.amazonaws.com/123456789012/q",
		"https://us-west-2.queue.amazonaws.com/123456789012/q",
		"https://vpce-0a1b2c3d4e5f-abcd1234.sqs.us-west-2.vpce.amazonaws.com/123456789012/q",
		"https://sqs-fips.us-gov-west-1.amazonaws.com/123456789012/q",
		"http://127.0.0.1:9324/000000000000/q",
		"http://[::1]:9324/queue/q",
		"http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/q",
		"https://sqs.us-east-1.amazonaws.com/123456789012/q?Action=x#y",
		"https://user@sqs.us-east-1.amazonaws.com/1/q",
		"arn:aws:sqs:us-east-1:123456789012:q",
		"https://sqs.us-east-1.amazonaws.com:99999/123456789012/q",
		"https://%zz/1/q",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseQueueURL(s)
		if err != nil {
			if q.endpoint != "" && strings.HasPrefix(err.Error(), "use https") {
				t.Fatalf("endpoint %q derived for a refused URL", q.endpoint)
			}
		} else {
			u, perr := url.Parse(s)
			if perr != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
				t.Fatalf("accepted %q, which is not an http(s) URL with a host", s)
			}
			if parts := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/"); len(parts) != 2 || !validQueueName(parts[1]) {
				t.Fatalf("accepted %q, whose path is not /ACCOUNT/NAME", s)
			}
			if q.region != "" && !validRegion(q.region) {
				t.Fatalf("region %q of %q is not a region", q.region, s)
			}
			if q.endpoint != "" && q.endpoint != u.Scheme+"://"+u.Host {
				t.Fatalf("endpoint %q of %q is not its scheme and host", q.endpoint, s)
			}
			if awsHost(strings.ToLower(u.Hostname())) && u.Scheme != "https" {
				t.Fatalf("accepted plain http to AWS: %q", s)
			}
		}
		if strings.ContainsAny(s, "'\r\n\t") || strings.Contains(s, "${") || !isPrintable(s) {
			return
		}
		cfg, err := Parse("fuzz.yaml", []byte("sources:\n  sqs:\n    queue_url: '"+s+"'\n"))
		if err == nil {
			if cfg.Sources.SQS == nil || cfg.Sources.SQS.QueueURL != s {
				t.Fatalf("config accepted %q but holds %+v", s, cfg.Sources.SQS)
			}
			return
		}
		for _, e := range err.(ErrorList) {
			if e.Pos.File != "fuzz.yaml" || e.Pos.Line < 1 || e.Pos.Column < 1 {
				t.Fatalf("bad position in %q", e.Error())
			}
		}
	})
}

// isPrintable reports whether s is valid UTF-8 without control characters
// (such a string survives a single-quoted YAML scalar unchanged).
func isPrintable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xfeff || (r >= 0x80 && r < 0xa0) || r == '\uFFFD' {
			return false
		}
	}
	return true
}
