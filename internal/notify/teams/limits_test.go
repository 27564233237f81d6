package teams

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// worstText is text that grows the most once escaped and encoded: "&"
// becomes "&amp;" in a MessageCard, U+2028 "\u2028" in JSON, "\" "\\\\",
// "@" before a letter "@" and a zero-width space.
var worstText = strings.Repeat("&\u2028\\@a", 1_000)

// worstFinding fills every text field, and 200 resources, with worstText.
func worstFinding(id string) *finding.Finding {
	f := &finding.Finding{
		ID: id, ProviderID: id, ProductARN: worstText, ProductName: worstText, CompanyName: worstText,
		GeneratorID: worstText, AccountID: worstText, Region: "us-east-1", Title: worstText,
		Description: worstText, Severity: finding.Severity{Label: worstText}, Types: []string{worstText},
		Compliance: finding.Compliance{Status: worstText, SecurityControlID: worstText},
		Workflow:   "RESOLVED", RecordState: "ARCHIVED",
		Remediation: finding.Remediation{Text: worstText, URL: "https://example.com/" + strings.Repeat("a", maxLinkLength-30)},
		ActionName:  worstText, Format: finding.FormatASFF,
	}
	for range 50 {
		f.Resources = append(f.Resources, finding.Resource{Type: worstText, ID: worstText, Region: worstText})
	}
	return f
}

// TestLeastDetailAlwaysFits checks the claim of limits.go: at the last
// level of detail, whatever a finding holds, the card fits PayloadBudget,
// so BuildPayload never fails for size.
func TestLeastDetailAlwaysFits(t *testing.T) {
	least := details[len(details)-1]
	prev := &notify.Receipt{URL: "https://example.com/" + strings.Repeat("b", maxLinkLength-30)}
	var fs []*finding.Finding
	for i := range 20 {
		// IDs short enough that every console link is kept.
		fs = append(fs, worstFinding(fmt.Sprintf("arn:aws:securityhub:us-east-1:111111111111:finding/%03d", i)))
	}
	messages := map[string]*notify.Message{
		"finding": {Kind: notify.KindNew, Route: worstText, Key: "k", Finding: fs[0], Previous: prev},
		"digest":  {Kind: notify.KindNew, Route: worstText, Key: "k", Digest: &notify.Digest{GroupKey: worstText, Findings: fs, Total: 1 << 30}},
	}
	for name, m := range messages {
		for _, format := range []Format{FormatAdaptive, FormatConnector} {
			for _, lang := range []render.Language{render.English, render.Japanese} {
				opts := render.Options{Language: lang, MaxResources: 50, TopN: 20}
				body, err := encode(buildContent(m, opts, least, true), format)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s %s %s: %d bytes at the least detail", name, format, lang, len(body))
				if len(body) > PayloadBudget {
					t.Errorf("%s %s %s: %d bytes at the least detail, over the budget of %d", name, format, lang, len(body), PayloadBudget)
				}
			}
		}
	}
}
