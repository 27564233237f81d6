package config

import (
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Sources says where findings come from. A nil field means that source is
// off.
type Sources struct {
	HTTP *HTTPSource
	SQS  *SQSSource
	// Poll reads findings with GetFindings on a schedule.
	Poll *PollSource
}

// SecurityHub configures the Security Hub API hubrelay calls back.
type SecurityHub struct {
	// Region is the home (aggregation) region; empty means the AWS SDK's
	// default region.
	Region string
	// MarkNotified sets Workflow NOTIFIED on a finding once the deliveries
	// its routes asked for have succeeded.
	MarkNotified bool
	// Note writes the receipts of those deliveries (ticket keys and links)
	// into the finding's note; default true.
	Note bool
	// TicketFields writes each ticket key into the finding's
	// UserDefinedFields as "hubrelay_<destination>"; default true.
	TicketFields bool
	// Actions are the custom action targets hubrelay keeps in step, in
	// file order.
	Actions []*ActionTarget
}

func (l *loader) decodeSources(n ast.Node) Sources {
	var src Sources
	o, ok := l.object(n, "sources", "http", "sqs", "poll")
	if !ok {
		return src
	}
	if o.keys["http"] != nil {
		src.HTTP = l.decodeHTTPSource(o.key("http"), o.value("http"))
	}
	if o.keys["sqs"] != nil {
		src.SQS = l.decodeSQSSource(o.key("sqs"), o.value("sqs"))
	}
	if o.keys["poll"] != nil {
		src.Poll = l.decodePollSource(o.key("poll"), o.value("poll"))
	}
	return src
}

// validRegion reports whether s has the shape of an AWS region name
// (us-east-1, ap-northeast-1, us-gov-west-1, eu-isoe-west-1): two letters,
// one or more lower-case words, a number, joined by '-'.
func validRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return false
	}
	for i, part := range parts {
		if part == "" {
			return false
		}
		for _, r := range part {
			digit := r >= '0' && r <= '9'
			lower := r >= 'a' && r <= 'z'
			if (i == len(parts)-1 && !digit) || (i < len(parts)-1 && !lower) {
				return false
			}
		}
	}
	return true
}

func (l *loader) decodeSecurityHub(n ast.Node) SecurityHub {
	sh := SecurityHub{Note: true, TicketFields: true}
	o, ok := l.object(n, "securityhub", "region", "mark_notified", "note", "ticket_fields", "actions")
	if !ok {
		return sh
	}
	l.decodeSecurityHubOptions(&sh, o)
	if o.has("region") {
		if s, ok := l.stringValue(o.value("region"), "securityhub.region"); ok {
			if validRegion(s) {
				sh.Region = s
			} else {
				l.errorf(o.value("region"), "securityhub.region: %q is not an AWS region name such as ap-northeast-1", s)
			}
		}
	}
	if o.has("mark_notified") {
		sh.MarkNotified, _ = l.boolValue(o.value("mark_notified"), "securityhub.mark_notified")
	}
	return sh
}
