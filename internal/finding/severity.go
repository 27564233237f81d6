package finding

import "strings"

// The ASFF severity labels.
const (
	LabelInformational = "INFORMATIONAL"
	LabelLow           = "LOW"
	LabelMedium        = "MEDIUM"
	LabelHigh          = "HIGH"
	LabelCritical      = "CRITICAL"
)

// labelForNormalized applies the documented ASFF mapping used when a finding
// has Normalized but no Label: 0 INFORMATIONAL, 1–39 LOW, 40–69 MEDIUM,
// 70–89 HIGH, 90–100 CRITICAL.
func labelForNormalized(n int) string {
	switch {
	case n <= 0:
		return LabelInformational
	case n < 40:
		return LabelLow
	case n < 70:
		return LabelMedium
	case n < 90:
		return LabelHigh
	default:
		return LabelCritical
	}
}

// normalizedForLabel applies the documented ASFF mapping used when a finding
// has Label but no Normalized: INFORMATIONAL 0, LOW 1, MEDIUM 40, HIGH 70,
// CRITICAL 90. ok is false for a value that is not a label.
func normalizedForLabel(label string) (n int, ok bool) {
	switch label {
	case LabelInformational:
		return 0, true
	case LabelLow:
		return 1, true
	case LabelMedium:
		return 40, true
	case LabelHigh:
		return 70, true
	case LabelCritical:
		return 90, true
	}
	return 0, false
}

// canonicalLabel upper-cases a label and reports whether it is one of the five.
func canonicalLabel(s string) (string, bool) {
	u := strings.ToUpper(strings.TrimSpace(s))
	_, ok := normalizedForLabel(u)
	return u, ok
}

// ocsfSeverity maps an OCSF severity_id (0 Unknown, 1 Informational, 2 Low,
// 3 Medium, 4 High, 5 Critical, 6 Fatal, 99 Other) and the severity caption
// to a Severity. Fatal, above Critical, becomes CRITICAL with Normalized 100.
// Unknown, Other and unlisted ids fall back to the caption when it names a
// label, and are left empty otherwise.
func ocsfSeverity(id int, caption string) Severity {
	var label string
	switch id {
	case 1:
		label = LabelInformational
	case 2:
		label = LabelLow
	case 3:
		label = LabelMedium
	case 4:
		label = LabelHigh
	case 5:
		label = LabelCritical
	case 6:
		return Severity{Label: LabelCritical, Normalized: 100}
	default:
		if strings.EqualFold(strings.TrimSpace(caption), "fatal") {
			return Severity{Label: LabelCritical, Normalized: 100}
		}
		if l, ok := canonicalLabel(caption); ok {
			label = l
		}
	}
	if label == "" {
		return Severity{}
	}
	n, _ := normalizedForLabel(label)
	return Severity{Label: label, Normalized: n}
}
