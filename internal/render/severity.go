package render

import "strings"

// Severity labels, most severe first.
const (
	SeverityCritical      = "CRITICAL"
	SeverityHigh          = "HIGH"
	SeverityMedium        = "MEDIUM"
	SeverityLow           = "LOW"
	SeverityInformational = "INFORMATIONAL"
)

// SeverityLabels returns the severity labels from CRITICAL to INFORMATIONAL.
// Each call returns a new slice.
func SeverityLabels() []string {
	return []string{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityInformational}
}

// severityStyle is how one severity is shown.
type severityStyle struct {
	rank  int // 0 is the most severe
	name  MessageKey
	color string
	emoji string
}

// styleOf returns the style of a severity label (case-insensitive). The
// colours form a fixed palette whose every entry has a contrast ratio of at
// least 3:1 (the WCAG minimum for graphics) against both white and Slack's
// dark theme background (#1A1D21), so a colour bar reads in light and dark
// mode; the emoji match the colours.
func styleOf(label string) severityStyle {
	switch strings.ToUpper(label) {
	case SeverityCritical:
		return severityStyle{0, MsgSeverityCritical, "#D62828", "🔴"}
	case SeverityHigh:
		return severityStyle{1, MsgSeverityHigh, "#E8590C", "🟠"}
	case SeverityMedium:
		return severityStyle{2, MsgSeverityMedium, "#B8860B", "🟡"}
	case SeverityLow:
		return severityStyle{3, MsgSeverityLow, "#1C7ED6", "🔵"}
	case SeverityInformational:
		return severityStyle{4, MsgSeverityInformational, "#7B8794", "⚪"}
	}
	return severityStyle{5, MsgSeverityUnknown, "#868E96", "❔"}
}

// SeverityColor returns the hex colour ("#RRGGBB") for a severity label;
// unknown labels get a neutral grey.
func SeverityColor(label string) string { return styleOf(label).color }

// SeverityEmoji returns the emoji for a severity label; unknown labels get "❔".
func SeverityEmoji(label string) string { return styleOf(label).emoji }

// SeverityName returns the display name of a severity label in lang, as the
// Security Hub console shows it (重大, 高, 中, 低, 情報 in Japanese). An empty
// label is "Unknown"/"不明"; any other unknown label is returned as it is.
func SeverityName(lang Language, label string) string {
	s := styleOf(label)
	if s.rank == 5 && strings.TrimSpace(label) != "" {
		return label
	}
	return Translate(lang, s.name)
}

// severityRank orders labels: 0 for CRITICAL up to 4 for INFORMATIONAL, 5 for
// anything else.
func severityRank(label string) int { return styleOf(label).rank }
