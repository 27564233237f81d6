package render

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

func TestViewGolden(t *testing.T) {
	for _, name := range goldenFixtures() {
		for _, lang := range []Language{Japanese, English} {
			t.Run(fixtureStem(name)+"/"+string(lang), func(t *testing.T) {
				v := NewView(loadFinding(t, name), goldenOptions(lang))
				got, err := json.MarshalIndent(v, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, "view-"+fixtureStem(name)+"."+string(lang)+".json", append(got, '\n'))
			})
		}
	}
}

func TestViewFields(t *testing.T) {
	f := loadFinding(t, "asff/13-securityhub-cis120-1.13-critical-notified.getfindings.json")
	tests := []struct {
		lang Language
		want View
	}{
		{Japanese, View{
			Severity:             Severity{Label: "CRITICAL", Name: "重大", Text: "重大 (CRITICAL)", Emoji: "🔴", Color: "#D62828", Normalized: 90},
			ComplianceStatusName: "失敗", WorkflowName: "通知済み", RecordStateName: "アクティブ",
			CreatedAt: Timestamp{Text: "2020/05/22 05:16:34 JST"},
			Heading:   "Security Hub の新しい検出結果", Intro: "AWS Security Hubで以下が検出されました。",
		}},
		{English, View{
			Severity:             Severity{Label: "CRITICAL", Name: "Critical", Text: "Critical", Emoji: "🔴", Color: "#D62828", Normalized: 90},
			ComplianceStatusName: "Failed", WorkflowName: "Notified", RecordStateName: "Active",
			CreatedAt: Timestamp{Text: "2020-05-21 20:16:34 UTC"},
			Heading:   "New Security Hub finding", Intro: "AWS Security Hub detected the following.",
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			v := NewView(f, Options{Language: tt.lang})
			if v.Severity != tt.want.Severity {
				t.Errorf("severity %+v, want %+v", v.Severity, tt.want.Severity)
			}
			if v.ComplianceStatusName != tt.want.ComplianceStatusName || v.WorkflowName != tt.want.WorkflowName || v.RecordStateName != tt.want.RecordStateName {
				t.Errorf("names %q %q %q", v.ComplianceStatusName, v.WorkflowName, v.RecordStateName)
			}
			if v.CreatedAt.Text != tt.want.CreatedAt.Text {
				t.Errorf("created %q, want %q", v.CreatedAt.Text, tt.want.CreatedAt.Text)
			}
			if v.Heading != tt.want.Heading || v.Intro != tt.want.Intro {
				t.Errorf("heading %q / %q", v.Heading, v.Intro)
			}
			if v.Title != `1.13 Ensure MFA is enabled for the "root" account` || v.ControlID != "1.13" {
				t.Errorf("title %q control %q", v.Title, v.ControlID)
			}
			if !strings.HasPrefix(v.ConsoleURL, "https://us-west-1.console.aws.amazon.com/securityhub/home?region=us-west-1#/findings?search=Id%3D") {
				t.Errorf("console URL %q", v.ConsoleURL)
			}
		})
	}
}

func TestViewControlIDFallback(t *testing.T) {
	tests := []struct {
		fixture string
		want    string
	}{
		{"asff/18-eb-imported-securityhub-fsbp-ec2.7-failed.json", "EC2.7"},            // ProductFields ControlId
		{"asff/13-securityhub-cis120-1.13-critical-notified.getfindings.json", "1.13"}, // ProductFields RuleId
		{"ocsf/03-cruxstack-securityhub-cspm-compliance-config1-cis.json", "Config.1"},
		{"asff/08-guardduty-ssh-bruteforce.json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			if got := NewView(loadFinding(t, tt.fixture), Options{}).ControlID; got != tt.want {
				t.Errorf("control ID %q, want %q", got, tt.want)
			}
		})
	}
}

func TestViewResources(t *testing.T) {
	f := &finding.Finding{ID: "id"}
	for i := 0; i < 8; i++ {
		f.Resources = append(f.Resources, finding.Resource{Type: "AwsS3Bucket", ID: fmt.Sprintf("arn:aws:s3:::bucket-%d", i)})
	}
	tests := []struct {
		opts     Options
		shown    int
		more     int
		moreText string
	}{
		{Options{Language: Japanese, MaxResources: 3}, 3, 5, "他 5 件"},
		{Options{Language: English, MaxResources: 3}, 3, 5, "and 5 more"},
		{Options{Language: English}, DefaultMaxResources, 3, "and 3 more"},
		{Options{MaxResources: 8}, 8, 0, ""},
		{Options{MaxResources: 100}, 8, 0, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.opts.Language, tt.opts.MaxResources), func(t *testing.T) {
			v := NewView(f, tt.opts)
			if len(v.Resources) != tt.shown || v.MoreResources != tt.more || v.MoreResourcesText != tt.moreText {
				t.Errorf("got %d shown, %d more, %q", len(v.Resources), v.MoreResources, v.MoreResourcesText)
			}
			if v.Resources[0].Text != "AwsS3Bucket arn:aws:s3:::bucket-0" {
				t.Errorf("resource line %q", v.Resources[0].Text)
			}
		})
	}
}

func TestViewHostileText(t *testing.T) {
	f := &finding.Finding{
		ID:          "id",
		Title:       "line1\nline2\x00\x1b[31m red \u202eevil\u202c",
		Description: "a\r\nb\rc\x07d\u2066e\xff",
		AccountID:   "1234\n5678",
		Severity:    finding.Severity{Label: "FATAL-ISH"},
		Remediation: finding.Remediation{Text: "fix", URL: "javascript:alert(1)"},
		Compliance:  finding.Compliance{SecurityControlID: "S3.1"},
	}
	v := NewView(f, Options{Language: Japanese})
	if v.Title != "line1 line2[31m red evil" {
		t.Errorf("title %q", v.Title)
	}
	if v.Description != "a\nb\ncde\ufffd" {
		t.Errorf("description %q", v.Description)
	}
	if v.AccountID != "1234 5678" {
		t.Errorf("account %q", v.AccountID)
	}
	if v.RemediationURL != "https://docs.aws.amazon.com/console/securityhub/S3.1/remediation" {
		t.Errorf("a javascript: URL must give way to the control's documentation, got %q", v.RemediationURL)
	}
	if v.Severity.Name != "FATAL-ISH" || v.Severity.Emoji != "❔" {
		t.Errorf("unknown severity shown as %+v", v.Severity)
	}
}

func TestViewUnknownAndNil(t *testing.T) {
	v := NewView(nil, Options{Language: Japanese})
	if v.Language != Japanese || v.Heading == "" || v.ID != "" || v.Finding != nil {
		t.Errorf("nil finding view %+v", v)
	}
	v = NewView(&finding.Finding{ID: "x"}, Options{Language: "fr"})
	if v.Language != English || v.Severity.Name != "Unknown" || v.CreatedAt.Text != "" || !v.CreatedAt.IsZero() {
		t.Errorf("empty finding view %+v", v)
	}
	if got := NewView(&finding.Finding{ID: "x"}, Options{Language: Japanese}).Severity.Name; got != "不明" {
		t.Errorf("unknown severity in Japanese %q", got)
	}
}

func TestViewWithEvent(t *testing.T) {
	f := loadFinding(t, "asff/08-guardduty-ssh-bruteforce.json")
	tests := []struct {
		event   Event
		lang    Language
		want    Event
		heading string
	}{
		{EventResolved, Japanese, EventResolved, "解決した Security Hub の検出結果"},
		{EventReopened, English, EventReopened, "Reopened Security Hub finding"},
		{EventReminder, Japanese, EventReminder, "リマインダー: 未対応の Security Hub の検出結果"},
		{"bogus", English, EventNew, "New Security Hub finding"},
	}
	for _, tt := range tests {
		t.Run(string(tt.event), func(t *testing.T) {
			v := NewView(f, Options{Language: tt.lang}).WithEvent(tt.event)
			if v.Event != tt.want || v.Heading != tt.heading || v.Intro == "" {
				t.Errorf("got %q %q %q", v.Event, v.Heading, v.Intro)
			}
		})
	}
}

func TestViewTimeZones(t *testing.T) {
	f := &finding.Finding{ID: "x", UpdatedAt: time.Date(2024, 12, 31, 20, 30, 0, 0, time.UTC)}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zone database")
	}
	tests := []struct {
		opts Options
		want string
	}{
		{Options{Language: Japanese}, "2025/01/01 05:30:00 JST"},
		{Options{Language: English}, "2024-12-31 20:30:00 UTC"},
		{Options{Language: English, Location: newYork}, "2024-12-31 15:30:00 EST"},
		{Options{Language: Japanese, Location: time.UTC}, "2024/12/31 20:30:00 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := NewView(f, tt.opts).UpdatedAt.Text; got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSafeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://docs.aws.amazon.com/x", "https://docs.aws.amazon.com/x"},
		{"http://example.com/a?b=c", "http://example.com/a?b=c"},
		{" https://example.com ", "https://example.com"},
		{"javascript:alert(1)", ""},
		{"JAVASCRIPT:alert(1)", ""},
		{"data:text/html,<script>", ""},
		{"//example.com", ""},
		{"https:///nohost", ""},
		{"https://example.com/a b", ""},
		{"https://example.com/\"onmouseover", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := safeURL(tt.in); got != tt.want {
			t.Errorf("safeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
