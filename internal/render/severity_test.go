package render

import (
	"math"
	"strconv"
	"testing"
)

func TestSeverityNames(t *testing.T) {
	tests := []struct {
		label  string
		ja, en string
	}{
		{"CRITICAL", "重大", "Critical"},
		{"HIGH", "高", "High"},
		{"medium", "中", "Medium"},
		{"LOW", "低", "Low"},
		{"INFORMATIONAL", "情報", "Informational"},
		{"", "不明", "Unknown"},
		{"FATAL", "FATAL", "FATAL"},
	}
	for _, tt := range tests {
		if got := SeverityName(Japanese, tt.label); got != tt.ja {
			t.Errorf("SeverityName(ja, %q) = %q, want %q", tt.label, got, tt.ja)
		}
		if got := SeverityName(English, tt.label); got != tt.en {
			t.Errorf("SeverityName(en, %q) = %q, want %q", tt.label, got, tt.en)
		}
	}
	labels := SeverityLabels()
	for i, l := range labels {
		if severityRank(l) != i {
			t.Errorf("%s has rank %d, want %d", l, severityRank(l), i)
		}
	}
	labels[0] = "changed"
	if SeverityLabels()[0] != SeverityCritical {
		t.Error("SeverityLabels shares its slice")
	}
}

// luminance is the WCAG relative luminance of "#RRGGBB".
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	if len(hex) != 7 || hex[0] != '#' {
		t.Fatalf("bad colour %q", hex)
	}
	channel := func(s string) float64 {
		v, err := strconv.ParseUint(s, 16, 8)
		if err != nil {
			t.Fatalf("bad colour %q", hex)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(hex[1:3]) + 0.7152*channel(hex[3:5]) + 0.0722*channel(hex[5:7])
}

func contrast(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	return (a + 0.05) / (b + 0.05)
}

// TestSeverityPalette checks that every colour reads on light and dark
// backgrounds: a contrast ratio of at least 3:1 (WCAG, graphical objects)
// against white and against Slack's dark theme.
func TestSeverityPalette(t *testing.T) {
	backgrounds := map[string]string{"white": "#FFFFFF", "slack dark": "#1A1D21"}
	seen := map[string]string{}
	for _, label := range append(SeverityLabels(), "") {
		color := SeverityColor(label)
		if other, dup := seen[color]; dup {
			t.Errorf("%q and %q share colour %s", label, other, color)
		}
		seen[color] = label
		for name, bg := range backgrounds {
			if c := contrast(luminance(t, color), luminance(t, bg)); c < 3 {
				t.Errorf("%q colour %s has contrast %.2f on %s", label, color, c, name)
			}
		}
		if SeverityEmoji(label) == "" {
			t.Errorf("%q has no emoji", label)
		}
	}
}
