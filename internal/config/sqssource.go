package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// SQSSource receives findings from an SQS queue: an EventBridge rule (or an
// SNS topic the queue subscribes to) sends each event there, and hubrelay
// deletes a message only after its findings are committed.
type SQSSource struct {
	// QueueURL is the queue's URL as the SQS console shows it,
	// https://sqs.REGION.amazonaws.com/ACCOUNT/NAME. An http(s) URL on a host
	// outside AWS (an SQS emulator) is accepted too, and its host becomes
	// Endpoint.
	QueueURL string
	// Region is the queue's region: as written in region, else read from
	// QueueURL's host. Empty when neither says; the AWS SDK's default region
	// (AWS_REGION) then applies.
	Region string
	// Endpoint is the SQS API endpoint (scheme://host[:port]) to call when
	// QueueURL's host is not one the AWS SDK derives from Region: a VPC
	// endpoint name, a FIPS or dual-stack name, an emulator. Empty means the
	// SDK's own endpoint for Region.
	Endpoint string
	// Concurrency is how many receive loops run at once, each taking up to
	// ten messages; default DefaultSQSConcurrency.
	Concurrency int
	// VisibilityTimeout, when not 0, is asked for on every receive, in whole
	// seconds; 0 means the queue's own visibility timeout.
	VisibilityTimeout time.Duration
	// Pos is where sqs: is written.
	Pos Position
}

// Defaults and limits of the SQS source.
const (
	// DefaultSQSConcurrency is the number of receive loops when
	// sources.sqs.concurrency is left out.
	DefaultSQSConcurrency = 2
	// MaxSQSConcurrency is the most receive loops sources.sqs.concurrency
	// may ask for.
	MaxSQSConcurrency = 64
	// MaxSQSVisibilityTimeout is SQS's longest visibility timeout.
	MaxSQSVisibilityTimeout = 12 * time.Hour
)

var sqsSourceKeys = []string{"queue_url", "region", "concurrency", "visibility_timeout"}

// decodeSQSSource reads sources.sqs; key is the sqs key. It returns nil when
// the value is not a mapping.
func (l *loader) decodeSQSSource(key, n ast.Node) *SQSSource {
	const path = "sources.sqs"
	o, ok := l.object(n, path, sqsSourceKeys...)
	if !ok {
		return nil
	}
	s := &SQSSource{Concurrency: DefaultSQSConcurrency, Pos: l.pos(key)}
	var derived string // the region QueueURL names, if any
	if u, ok := l.requiredString(o, "queue_url", path); ok {
		q, err := parseQueueURL(u)
		if err != nil {
			l.errorf(o.value("queue_url"), "%s.queue_url: %v", path, err)
		} else {
			s.QueueURL, s.Endpoint, derived = u, q.endpoint, q.region
			if q.plainHTTP && !q.loopback {
				l.warnf(o.value("queue_url"), "%s.queue_url: plain http: messages travel unencrypted; use https outside a test setup", path)
			}
		}
	}
	s.Region = derived
	if o.has("region") {
		n := o.value("region")
		if r, ok := l.stringValue(n, path+".region"); ok {
			switch {
			case !validRegion(r):
				l.errorf(n, "%s.region: %q is not an AWS region name such as ap-northeast-1", path, r)
			case derived != "" && r != derived:
				l.errorf(n, "%s.region: %q does not match the region %s of queue_url", path, r, derived)
			default:
				s.Region = r
			}
		}
	}
	if o.has("concurrency") {
		n := o.value("concurrency")
		if c, ok := l.intValue(n, path+".concurrency"); ok {
			if c < 1 || c > MaxSQSConcurrency {
				l.errorf(n, "%s.concurrency: must be between 1 and %d", path, MaxSQSConcurrency)
			} else {
				s.Concurrency = c
			}
		}
	}
	if o.has("visibility_timeout") {
		n := o.value("visibility_timeout")
		if d, ok := l.durationValue(n, path+".visibility_timeout"); ok {
			switch {
			case d < time.Second || d > MaxSQSVisibilityTimeout:
				l.errorf(n, "%s.visibility_timeout: must be between 1s and 12h (leave it out to use the queue's own)", path)
			case d%time.Second != 0:
				l.errorf(n, "%s.visibility_timeout: SQS counts whole seconds; %s is not", path, formatDuration(d))
			default:
				s.VisibilityTimeout = d
			}
		}
	}
	return s
}

// queueURL is what parseQueueURL reads from a queue URL.
type queueURL struct {
	region    string // "" when the host does not name one
	endpoint  string // "" when the SDK derives the endpoint from the region
	plainHTTP bool
	loopback  bool
}

// parseQueueURL checks an SQS queue URL, scheme://host/ACCOUNT/NAME, and
// reads the region and endpoint from its host. Its errors quote the parts
// at fault, never the whole URL.
func parseQueueURL(s string) (queueURL, error) {
	var q queueURL
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return q, fmt.Errorf("want a URL such as https://sqs.REGION.amazonaws.com/ACCOUNT/NAME, as the SQS console shows it")
	}
	switch u.Scheme {
	case "https":
	case "http":
		q.plainHTTP = true
	default:
		return q, fmt.Errorf("scheme %q: want https", u.Scheme)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return q, fmt.Errorf("must be scheme://host/ACCOUNT/NAME without user information, query or fragment")
	}
	host := strings.ToLower(u.Hostname())
	if host == "" || strings.HasSuffix(host, ".") {
		return q, fmt.Errorf("host %q is not a host name", u.Hostname())
	}
	if p := u.Port(); p != "" && !validPort(p) {
		return q, fmt.Errorf("port %q is not a port number", p)
	}
	account, name, ok := strings.Cut(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	if !strings.HasPrefix(u.EscapedPath(), "/") || !ok || account == "" || strings.Contains(name, "/") {
		return q, fmt.Errorf("the path must be /ACCOUNT/NAME, as in https://sqs.REGION.amazonaws.com/ACCOUNT/NAME")
	}
	if !validQueueName(name) {
		return q, fmt.Errorf("%q is not a queue name: 1 to 80 letters, digits, - and _, ending in .fifo for a FIFO queue", name)
	}
	q.region = hostRegion(host)
	if awsHost(host) {
		if q.plainHTTP {
			return q, fmt.Errorf("use https for an AWS endpoint")
		}
		if !digitsOnly(account) || len(account) != 12 {
			return q, fmt.Errorf("%q is not a 12-digit AWS account ID", account)
		}
		if !standardSQSHost(host) {
			q.endpoint = "https://" + u.Host
		}
		return q, nil
	}
	if !validPathSegment(account) {
		return q, fmt.Errorf("%q is not an account ID", account)
	}
	q.endpoint = u.Scheme + "://" + u.Host
	ip := net.ParseIP(host)
	q.loopback = host == "localhost" || (ip != nil && ip.IsLoopback())
	return q, nil
}

// awsHost reports whether host is in one of AWS's domains.
func awsHost(host string) bool {
	for _, suffix := range []string{".amazonaws.com", ".amazonaws.com.cn", ".amazonaws.eu", ".api.aws"} {
		if strings.HasSuffix(host, suffix) {
			return true
		}
	}
	return false
}

// standardSQSHost reports whether host is an SQS endpoint the AWS SDK
// derives from the region on its own: sqs.REGION.amazonaws.com (.cn), or the
// legacy REGION.queue.amazonaws.com and queue.amazonaws.com.
func standardSQSHost(host string) bool {
	if host == "queue.amazonaws.com" {
		return true
	}
	for _, suffix := range []string{".amazonaws.com", ".amazonaws.com.cn"} {
		rest, ok := strings.CutSuffix(host, suffix)
		if !ok {
			continue
		}
		if r, ok := strings.CutPrefix(rest, "sqs."); ok && validRegion(r) {
			return true
		}
		if r, ok := strings.CutSuffix(rest, ".queue"); ok && validRegion(r) {
			return true
		}
	}
	return false
}

// hostRegion returns the region an SQS host name carries: the label after
// "sqs" or "sqs-fips" (sqs.us-east-1.amazonaws.com,
// vpce-0a1b.sqs.us-east-1.vpce.amazonaws.com), the label before "queue"
// (us-west-2.queue.amazonaws.com), us-east-1 for queue.amazonaws.com, or "".
func hostRegion(host string) string {
	if host == "queue.amazonaws.com" {
		return "us-east-1"
	}
	labels := strings.Split(host, ".")
	for i := 0; i+1 < len(labels); i++ {
		switch {
		case (labels[i] == "sqs" || labels[i] == "sqs-fips") && validRegion(labels[i+1]):
			return labels[i+1]
		case labels[i+1] == "queue" && i == 0 && validRegion(labels[i]):
			return labels[i]
		}
	}
	return ""
}

// validQueueName reports whether s is an SQS queue name: 1 to 80
// characters of letters, digits, '-' and '_', the last five of which may be
// ".fifo".
func validQueueName(s string) bool {
	if len(s) == 0 || len(s) > 80 {
		return false
	}
	base := strings.TrimSuffix(s, ".fifo")
	if base == "" {
		return false
	}
	for i := 0; i < len(base); i++ {
		c := base[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// validPathSegment reports whether s is a plain path segment: letters,
// digits, '-', '_' and '.', as emulators use for the account part.
func validPathSegment(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// validPort reports whether s is a TCP port number, 1 to 65535.
func validPort(s string) bool {
	if !digitsOnly(s) || len(s) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n >= 1 && n <= 65535
}
