package sns

import (
	"fmt"
	"strings"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Subject returns the subject of m's Publish call: the line email
// subscribers see as the mail's subject, also carried in the JSON that
// SQS, Lambda and HTTP subscribers receive. SNS requires printable ASCII
// without line breaks, fewer than 100 characters, so the subject is
// always English and keeps only the ASCII of the finding's title:
//
//	[HIGH] 199.241.229.197 is performing SSH brute force attacks against i-…
//	[RESOLVED] EC2.7 EBS default encryption should be enabled
//	[DIGEST] Security Hub: 5 findings (1 CRITICAL, 2 HIGH, 2 LOW)
//
// A notice's subject is NoticeSubject's. Pure; m must be valid.
func Subject(m *notify.Message) string {
	if m.Notice != nil {
		return NoticeSubject(m.Notice)
	}
	if m.Digest != nil {
		return digestSubject(m.Digest)
	}
	f := m.Finding
	label := asciiLine(f.Severity.Label)
	if label == "" {
		label = "FINDING"
	}
	tag := label
	switch m.Kind {
	case notify.KindResolved:
		tag = "RESOLVED"
	case notify.KindReopened:
		tag = "REOPENED " + label
	case notify.KindReminder:
		tag = "REMINDER " + label
	case notify.KindTest:
		tag = "TEST"
	}
	title := asciiLine(f.Title)
	if len(strings.Trim(title, " -.:_/")) < 3 {
		// A title in another script (Japanese) leaves little ASCII.
		title = firstNonEmpty(asciiLine(f.Compliance.SecurityControlID), asciiLine(f.GeneratorID), "Security Hub finding")
	}
	return clipASCII("["+tag+"] "+title, MaxSubjectLength)
}

func digestSubject(d *notify.Digest) string {
	counts := severityCounts(d.Findings)
	var parts []string
	for _, label := range append(render.SeverityLabels(), "UNKNOWN") {
		if n := counts[label]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, label))
		}
	}
	total := max(d.Total, len(d.Findings))
	s := fmt.Sprintf("[DIGEST] Security Hub: %d findings", total)
	if total == 1 {
		s = "[DIGEST] Security Hub: 1 finding"
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return clipASCII(s, MaxSubjectLength)
}

// asciiLine keeps the printable ASCII of s on one line: white space
// becomes one space, every other character is dropped.
func asciiLine(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range render.RepairUTF8(s) {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000' || r == '\u00a0':
			space = true
		case r > 0x20 && r < 0x7f:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// clipASCII cuts an ASCII string to at most n bytes, marking a cut with
// "...".
func clipASCII(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.TrimRight(s[:n-3], " ") + "..."
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// severityCounts counts findings per severity label.
func severityCounts(fs []*finding.Finding) map[string]int {
	counts := map[string]int{}
	for _, f := range fs {
		label := render.SingleLine(f.Severity.Label)
		if label == "" {
			label = "UNKNOWN"
		}
		counts[label]++
	}
	return counts
}
