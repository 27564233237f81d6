package sns

import (
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Attribute is one message attribute, always of the String data type, so
// subscription filter policies can select on it:
//
//	{"severity": ["CRITICAL", "HIGH"], "account": ["123456789012"]}
//
// Names follow the SNS rules (A–Z, a–z, 0–9, "_", "-", "."; no "AWS." or
// "Amazon." prefix; at most 256 characters) and values are never empty
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html).
type Attribute struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// The message attribute names.
const (
	AttrSeverity = "severity" // the severity label: CRITICAL … INFORMATIONAL
	AttrAccount  = "account"  // the AWS account ID
	AttrProduct  = "product"  // the product name (else its ARN)
	AttrKind     = "kind"     // new, reminder, reopened, resolved or test
)

// Attributes returns the message attributes of m, sorted by name, leaving
// out those without a value. A digest's severity is its most severe
// finding's; its account and product are set only when all its findings
// share them. A notice has kind ("notice") and topic (AttrTopic) only.
// Pure; m must be valid.
func Attributes(m *notify.Message) []Attribute {
	if m.Notice != nil {
		var attrs []Attribute
		for _, a := range []Attribute{{AttrKind, string(m.Kind)}, {AttrTopic, m.Notice.Topic}} {
			if a.Value = render.Truncate(render.SingleLine(a.Value), maxAttributeValueRunes, render.English); a.Value != "" {
				attrs = append(attrs, a)
			}
		}
		return attrs
	}
	var severity, account, product string
	if m.Digest != nil {
		severity = mostSevere(m.Digest.Findings)
		account = shared(m.Digest.Findings, func(f *finding.Finding) string { return f.AccountID })
		product = shared(m.Digest.Findings, productOf)
	} else {
		severity, account, product = m.Finding.Severity.Label, m.Finding.AccountID, productOf(m.Finding)
	}
	var attrs []Attribute
	for _, a := range []Attribute{
		{AttrAccount, account}, {AttrKind, string(m.Kind)}, {AttrProduct, product}, {AttrSeverity, severity},
	} {
		if a.Value = render.Truncate(render.SingleLine(a.Value), maxAttributeValueRunes, render.English); a.Value != "" {
			attrs = append(attrs, a)
		}
	}
	return attrs
}

func productOf(f *finding.Finding) string {
	if f.ProductName != "" {
		return f.ProductName
	}
	return f.ProductARN
}

// shared returns the value every finding has, or "" when they differ.
func shared(fs []*finding.Finding, value func(*finding.Finding) string) string {
	v := value(fs[0])
	for _, f := range fs[1:] {
		if value(f) != v {
			return ""
		}
	}
	return v
}

// mostSevere returns the highest severity label among fs.
func mostSevere(fs []*finding.Finding) string {
	best, bestRank := "", len(render.SeverityLabels())
	for _, f := range fs {
		for rank, label := range render.SeverityLabels() {
			if f.Severity.Label == label && rank < bestRank {
				best, bestRank = label, rank
			}
		}
	}
	return best
}

// attributesSize is what attributes add to the message size SNS checks:
// each name, data type and value.
func attributesSize(attrs []Attribute) int {
	n := 0
	for _, a := range attrs {
		n += len(a.Name) + len("String") + len(a.Value)
	}
	return n
}
