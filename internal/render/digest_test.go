package render

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

func TestDigestViewGolden(t *testing.T) {
	fs := digestFindings(t)
	for _, lang := range []Language{Japanese, English} {
		t.Run(string(lang), func(t *testing.T) {
			opts := goldenOptions(lang)
			opts.TopN = 3
			d := NewDigestView(fs, opts)
			got, err := json.MarshalIndent(d, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "digest-view."+string(lang)+".json", append(got, '\n'))
		})
	}
}

// synthetic returns an ASFF finding with the given severity and update time.
func synthetic(id, label string, updated time.Time) *finding.Finding {
	return &finding.Finding{
		ID:          "arn:aws:securityhub:ap-northeast-1:111111111111:subscription/x/finding/" + id,
		ProductARN:  "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
		ProductName: "Security Hub",
		AccountID:   "111111111111",
		Region:      "ap-northeast-1",
		Title:       "finding " + id,
		Severity:    finding.Severity{Label: label},
		UpdatedAt:   updated,
		Format:      finding.FormatASFF,
	}
}

func TestDigestOrderAndCounts(t *testing.T) {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fs := []*finding.Finding{
		synthetic("low-old", "LOW", base),
		synthetic("crit-old", "CRITICAL", base),
		nil,
		synthetic("high", "HIGH", base.Add(time.Hour)),
		synthetic("crit-new", "CRITICAL", base.Add(2*time.Hour)),
		synthetic("unknown", "", base.Add(5*time.Hour)),
		synthetic("low-new", "low", base.Add(3*time.Hour)),
		{ID: "created-only", Severity: finding.Severity{Label: "LOW"}, CreatedAt: base.Add(4 * time.Hour)},
	}
	d := NewDigestView(fs, Options{Language: Japanese, TopN: 4})
	var order []string
	for _, v := range d.Top {
		order = append(order, v.ID[strings.LastIndex(v.ID, "/")+1:])
	}
	if want := "crit-new crit-old high created-only"; strings.Join(order, " ") != want {
		t.Errorf("order %q, want %q", strings.Join(order, " "), want)
	}
	if d.Total != 7 || d.More != 3 || d.MoreText != "他 3 件" {
		t.Errorf("total %d more %d %q", d.Total, d.More, d.MoreText)
	}
	var counts []string
	for _, c := range d.Counts {
		counts = append(counts, c.Text)
	}
	if want := "重大: 2 件,高: 1 件,中: 0 件,低: 3 件,情報: 0 件,不明: 1 件"; strings.Join(counts, ",") != want {
		t.Errorf("counts %q, want %q", strings.Join(counts, ","), want)
	}
	if want := "重大: 2 件 / 高: 1 件 / 低: 3 件 / 不明: 1 件"; d.Summary != want {
		t.Errorf("summary %q, want %q", d.Summary, want)
	}
	if d.Title != "Security Hub ダイジェスト: 7 件の検出結果" {
		t.Errorf("title %q", d.Title)
	}

	all := NewDigestView(fs[:2], Options{})
	if len(all.Top) != 2 || all.More != 0 || all.MoreText != "" || len(all.Counts) != 5 {
		t.Errorf("small digest: %d top, %d more, %d counts", len(all.Top), all.More, len(all.Counts))
	}
	many := make([]*finding.Finding, 25)
	for i := range many {
		many[i] = synthetic(fmt.Sprint(i), "MEDIUM", base)
	}
	if d := NewDigestView(many, Options{}); len(d.Top) != DefaultTopN || d.More != 15 || d.MoreText != "and 15 more" {
		t.Errorf("default top N: %d top, %q", len(d.Top), d.MoreText)
	}
}

// searchFilters decodes a console link's search into "field=value" pairs.
func searchFilters(t *testing.T, link string) []string {
	t.Helper()
	i := strings.Index(link, "#/findings?search=")
	if i < 0 {
		return nil
	}
	search, err := url.PathUnescape(link[i+len("#/findings?search="):])
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, pair := range strings.Split(search, "&") {
		field, value, _ := strings.Cut(pair, "=")
		value, err := url.PathUnescape(value)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, field+"="+strings.TrimPrefix(value, `\operator\:EQUALS\:`))
	}
	return out
}

func TestDigestConsoleURL(t *testing.T) {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	few := []*finding.Finding{synthetic("a b&c", "HIGH", base), synthetic("d", "LOW", base), synthetic("d", "LOW", base)}
	manyIDs := make([]*finding.Finding, 40)
	for i := range manyIDs {
		manyIDs[i] = synthetic(fmt.Sprintf("%036d", i), "HIGH", base)
		if i%2 == 1 {
			manyIDs[i].AccountID = "222222222222"
		}
	}
	manyAccounts := make([]*finding.Finding, 200)
	for i := range manyAccounts {
		manyAccounts[i] = synthetic(fmt.Sprint(i), "HIGH", base)
		manyAccounts[i].AccountID = fmt.Sprintf("%012d", i)
	}
	manyProducts := make([]*finding.Finding, 200)
	for i := range manyProducts {
		manyProducts[i] = synthetic(fmt.Sprint(i), "HIGH", base)
		manyProducts[i].AccountID = fmt.Sprintf("%012d", i)
		manyProducts[i].ProductName = fmt.Sprintf("Scanner number %d", i)
	}
	ocsf := loadFinding(t, "ocsf/03-cruxstack-securityhub-cspm-compliance-config1-cis.json")
	tests := []struct {
		name    string
		fs      []*finding.Finding
		region  string
		scope   DigestScope
		prefix  string
		filters []string // expected filters, or nil to skip the check
	}{
		{"few findings by ID", few, "", ScopeIDs,
			"https://ap-northeast-1.console.aws.amazon.com/securityhub/home?region=ap-northeast-1#/findings?search=Id%3D",
			[]string{"Id=" + few[0].ID, "Id=" + few[1].ID}},
		{"aggregation region", few[:1], "us-east-1", ScopeIDs,
			"https://us-east-1.console.aws.amazon.com/securityhub/home?region=us-east-1#/findings?search=Id%3D", nil},
		{"too many IDs: accounts and products", manyIDs, "", ScopeAccounts, "",
			[]string{"AwsAccountId=111111111111", "AwsAccountId=222222222222", "ProductName=Security Hub"}},
		{"too many accounts: products", manyAccounts, "", ScopeProducts, "", []string{"ProductName=Security Hub"}},
		{"too many products: everything", manyProducts, "", ScopeAll,
			"https://ap-northeast-1.console.aws.amazon.com/securityhub/home?region=ap-northeast-1#/findings", nil},
		{"OCSF findings go to the new console", []*finding.Finding{ocsf}, "", ScopeIDs,
			"https://us-east-1.console.aws.amazon.com/securityhub/v2/home?region=us-east-1#/findings?search=finding_info.uid%3D",
			[]string{"finding_info.uid=" + ocsf.ProviderID}},
		{"mixed formats: accounts and products", []*finding.Finding{ocsf, few[0], few[1]}, "", ScopeAccounts,
			"https://ap-northeast-1.console.aws.amazon.com/securityhub/home?", nil},
		{"nothing", nil, "", ScopeNone, "", nil},
		{"no public console", []*finding.Finding{{ID: "x", ProductARN: "arn:aws-iso:securityhub:us-iso-east-1::product/aws/securityhub", Region: "us-iso-east-1"}}, "", ScopeNone, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDigestView(tt.fs, Options{Region: tt.region})
			if d.ConsoleScope != tt.scope {
				t.Errorf("scope %q, want %q (%s)", d.ConsoleScope, tt.scope, d.ConsoleURL)
			}
			if len(d.ConsoleURL) > MaxConsoleURLLength {
				t.Errorf("link is %d characters", len(d.ConsoleURL))
			}
			if !strings.HasPrefix(d.ConsoleURL, tt.prefix) {
				t.Errorf("link %q does not start with %q", d.ConsoleURL, tt.prefix)
			}
			if tt.filters != nil {
				if got := searchFilters(t, d.ConsoleURL); strings.Join(got, "\n") != strings.Join(tt.filters, "\n") {
					t.Errorf("filters\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.filters, "\n"))
				}
			}
			if (d.ConsoleScope == ScopeNone) != (d.ConsoleScopeText == "") {
				t.Errorf("scope text %q for scope %q", d.ConsoleScopeText, d.ConsoleScope)
			}
		})
	}
}

// TestDigestLinkMatchesFindingLink checks that a one-finding digest links
// exactly where finding.ConsoleURL does.
func TestDigestLinkMatchesFindingLink(t *testing.T) {
	for _, name := range goldenFixtures() {
		f := loadFinding(t, name)
		d := NewDigestView([]*finding.Finding{f}, Options{Region: "ap-northeast-1"})
		if want := finding.ConsoleURL(f, "ap-northeast-1"); d.ConsoleURL != want {
			t.Errorf("%s:\ndigest  %s\nfinding %s", name, d.ConsoleURL, want)
		}
	}
}
