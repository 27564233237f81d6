package config

import (
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Sources says where findings come from. A nil field means that source is
// off.
type Sources struct {
	HTTP *HTTPSource
}

// SecurityHub configures the Security Hub API hubrelay calls back.
type SecurityHub struct {
	// Region is the home (aggregation) region; empty means the AWS SDK's
	// default region.
	Region string
	// MarkNotified sets Workflow NOTIFIED on a finding once the deliveries
	// its routes asked for have succeeded.
	MarkNotified bool
}

func (l *loader) decodeSources(n ast.Node) Sources {
	var src Sources
	o, ok := l.object(n, "sources", "http")
	if !ok || o.keys["http"] == nil {
		return src
	}
	src.HTTP = l.decodeHTTPSource(o.key("http"), o.value("http"))
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
	var sh SecurityHub
	o, ok := l.object(n, "securityhub", "region", "mark_notified")
	if !ok {
		return sh
	}
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
