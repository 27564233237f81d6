package report

import (
	"sort"
	"strings"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// StandardScore is the compliance score of one security standard over a
// project's accounts.
//
// How controls are counted: every ACTIVE control finding of the project
// whose workflow is not SUPPRESSED counts, open or resolved (the report
// reads the resolved ones with a second query for this alone). A control
// is one SecurityControlId (before consolidated control findings: one
// GeneratorId) within one standard, across all the project's accounts and
// regions. It is FAILED when any of its findings is FAILED, else UNKNOWN
// when any is WARNING or NOT_AVAILABLE, else PASSED. Score is
// Passed / Evaluated, as Security Hub computes its security score;
// controls with no findings at all are not seen and not counted.
type StandardScore struct {
	// Standard identifies the standard: "<name>/v/<version>", e.g.
	// "aws-foundational-security-best-practices/v/1.0.0".
	Standard string `json:"standard"`
	// Name is the standard's display name, e.g. "AWS Foundational
	// Security Best Practices v1.0.0".
	Name      string  `json:"name"`
	Passed    int     `json:"passed"`
	Failed    int     `json:"failed"`
	Unknown   int     `json:"unknown"`
	Evaluated int     `json:"evaluated"` // Passed + Failed + Unknown
	Score     float64 `json:"score"`     // Passed / Evaluated, from 0 to 1
}

// controlStatus orders control states: a worse one wins.
type controlStatus uint8

const (
	controlPassed controlStatus = iota + 1
	controlUnknown
	controlFailed
)

func statusOf(compliance string) controlStatus {
	switch compliance {
	case "PASSED":
		return controlPassed
	case "FAILED":
		return controlFailed
	}
	return controlUnknown
}

type controlKey struct{ standard, control string }

// scores accumulates control states per standard.
type scores map[controlKey]controlStatus

// add counts one finding, if it is a control finding: one with a
// compliance status and at least one standard.
func (s scores) add(f *finding.Finding) {
	if f.Compliance.Status == "" || f.Workflow == "SUPPRESSED" || f.RecordState != "ACTIVE" {
		return
	}
	control := controlOrRule(f)
	if control == "" {
		return
	}
	st := statusOf(f.Compliance.Status)
	for _, std := range standardsOf(f) {
		k := controlKey{standard: std, control: control}
		old, ok := s[k]
		if !ok {
			// Copies, so that the key holds no part of the page.
			k = controlKey{standard: strings.Clone(std), control: strings.Clone(control)}
		}
		if st > old {
			s[k] = st
		}
	}
}

// result returns the scores per standard, sorted by display name.
func (s scores) result() []StandardScore {
	by := map[string]*StandardScore{}
	for k, st := range s {
		sc := by[k.standard]
		if sc == nil {
			sc = &StandardScore{Standard: k.standard, Name: standardName(k.standard)}
			by[k.standard] = sc
		}
		switch st {
		case controlPassed:
			sc.Passed++
		case controlFailed:
			sc.Failed++
		default:
			sc.Unknown++
		}
	}
	out := make([]StandardScore, 0, len(by))
	for _, sc := range by {
		sc.Evaluated = sc.Passed + sc.Failed + sc.Unknown
		sc.Score = float64(sc.Passed) / float64(sc.Evaluated)
		out = append(out, *sc)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Standard < out[j].Standard
	})
	return out
}

// controlOrRule names what a finding checks: its SecurityControlId, else
// its GeneratorId (a control of one standard before consolidated control
// findings, a Config rule, a GuardDuty detector, an Inspector rule...).
func controlOrRule(f *finding.Finding) string {
	if f.Compliance.SecurityControlID != "" {
		return f.Compliance.SecurityControlID
	}
	return f.GeneratorID
}

// standardsOf returns the standards a control finding belongs to, as
// "<name>/v/<version>": its Compliance standards, else, for a Security
// Hub finding, the standard its GeneratorId names
// ("arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/2.7",
// "aws-foundational-security-best-practices/v/1.0.0/S3.1").
func standardsOf(f *finding.Finding) []string {
	var out []string
	for _, s := range f.Compliance.Standards {
		if k := standardKey(s); k != "" {
			out = append(out, k)
		}
	}
	if len(out) == 0 && strings.HasSuffix(f.ProductARN, "product/aws/securityhub") {
		if k := standardKey(f.GeneratorID); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// standardKey reduces a standards ARN, StandardsId, StandardsGuideArn or
// GeneratorId to "<name>/v/<version>", or "" when it names no version.
func standardKey(s string) string {
	if strings.HasPrefix(s, "arn:") {
		// arn:partition:securityhub:region:account:resource
		parts := strings.SplitN(s, ":", 6)
		if len(parts) < 6 {
			return ""
		}
		s = parts[5]
	}
	i := strings.Index(s, "/v/")
	if i <= 0 {
		return ""
	}
	name := s[:i]
	for {
		n := strings.TrimPrefix(strings.TrimPrefix(name, "ruleset/"), "standards/")
		if n == name {
			break
		}
		name = n
	}
	version, _, _ := strings.Cut(s[i+3:], "/")
	if name == "" || version == "" {
		return ""
	}
	return name + "/v/" + version
}

// standardNames are the display names of the standards Security Hub
// offers.
var standardNames = map[string]string{
	"aws-foundational-security-best-practices": "AWS Foundational Security Best Practices",
	"cis-aws-foundations-benchmark":            "CIS AWS Foundations Benchmark",
	"pci-dss":                                  "PCI DSS",
	"nist-800-53":                              "NIST SP 800-53",
	"nist-800-171":                             "NIST SP 800-171",
	"service-managed-aws-control-tower":        "AWS Control Tower",
	"aws-resource-tagging-standard":            "AWS Resource Tagging Standard",
}

// standardName is a standard key's display name: "PCI DSS v3.2.1".
func standardName(key string) string {
	name, version, _ := strings.Cut(key, "/v/")
	if n, ok := standardNames[name]; ok {
		name = n
	}
	return name + " v" + version
}
