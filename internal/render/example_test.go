package render_test

import (
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/render"
)

// The EventBridge input transformer: paste the InputPathsMap and
// InputTemplate of an existing rule target.
func ExampleNewTransformer() {
	paths := map[string]string{
		"summary":  "$.detail.findings[0].Title",
		"severity": "$.detail.findings[0].Severity.Label",
		"account":  "$.detail.findings[0].AwsAccountId",
	}
	template := `{"summary": <summary>, "description": "重要度: <severity><br />AWSアカウント: <account>", "rule": <aws.events.rule-name>}`
	tr, err := render.NewTransformer(paths, template)
	if err != nil {
		fmt.Println(err)
		return
	}
	event := []byte(`{"detail-type": "Security Hub Findings - Imported", "detail": {"findings": [{
		"Title": "S3 bucket \"logs\" is public", "Severity": {"Label": "HIGH"}, "AwsAccountId": "111111111111"}]}}`)
	out, err := tr.Render(event, render.Vars{RuleName: "securityhub-to-backlog"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	// Output:
	// {"summary":"S3 bucket \"logs\" is public","description":"重要度: HIGH<br />AWSアカウント: 111111111111","rule":"securityhub-to-backlog"}
}

// An invalid path or an undefined placeholder is reported when the
// transformer is built, with where it is.
func ExampleNewTransformer_errors() {
	_, err := render.NewTransformer(map[string]string{"id": "$['detail']"}, `"<id>"`)
	fmt.Println(err)
	_, err = render.NewTransformer(nil, "{\n  \"id\": <id>\n}")
	fmt.Println(err)
	// Output:
	// InputPathsMap: "id": path "$['detail']": bracket notation "['detail']" is not supported; use dot notation
	// InputTemplate: line 2, column 9: placeholder <id> is not defined in InputPathsMap
}

func exampleFinding() *finding.Finding {
	return &finding.Finding{
		ID:          "arn:aws:securityhub:ap-northeast-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/S3.8/finding/0001",
		ProductARN:  "arn:aws:securityhub:ap-northeast-1::product/aws/securityhub",
		ProductName: "Security Hub",
		AccountID:   "111111111111",
		Region:      "ap-northeast-1",
		Title:       "S3.8 S3 general purpose buckets should block public access",
		Severity:    finding.Severity{Label: "HIGH", Normalized: 70},
		Resources:   []finding.Resource{{Type: "AwsS3Bucket", ID: "arn:aws:s3:::logs"}},
		Compliance:  finding.Compliance{Status: "FAILED", SecurityControlID: "S3.8"},
		Workflow:    "NEW",
		RecordState: "ACTIVE",
		UpdatedAt:   time.Date(2025, 4, 1, 0, 30, 0, 0, time.UTC),
		Format:      finding.FormatASFF,
	}
}

// A view holds display-ready, localized fields for one finding.
func ExampleNewView() {
	v := render.NewView(exampleFinding(), render.Options{Language: render.Japanese})
	fmt.Println(v.Severity.Emoji, v.Severity.Text, v.Title)
	fmt.Println(v.Details)
	fmt.Println(render.Translate(v.Language, render.MsgUpdatedAt)+":", v.UpdatedAt)
	fmt.Println(v.ComplianceStatusName, v.WorkflowName, v.ControlID)
	fmt.Println(v.RemediationURL)
	// Output:
	// 🟠 高 (HIGH) S3.8 S3 general purpose buckets should block public access
	// AWSアカウント: 111111111111 / リージョン: ap-northeast-1 / 製品名: Security Hub
	// 更新日時: 2025/04/01 09:30:00 JST
	// 失敗 新規 S3.8
	// https://docs.aws.amazon.com/console/securityhub/S3.8/remediation
}

// A digest counts findings by severity and lists the most urgent.
func ExampleNewDigestView() {
	high := exampleFinding()
	low := exampleFinding()
	low.ID += "-low"
	low.Severity = finding.Severity{Label: "LOW"}
	d := render.NewDigestView([]*finding.Finding{low, high, high}, render.Options{Language: render.English, TopN: 2})
	fmt.Println(d.Title)
	fmt.Println(d.Summary)
	for _, v := range d.Top {
		fmt.Println("-", v.Severity.Name, v.Title)
	}
	fmt.Println(d.MoreText, "|", d.ConsoleScope)
	// Output:
	// Security Hub digest: 3 findings
	// High: 2 / Low: 1
	// - High S3.8 S3 general purpose buckets should block public access
	// - High S3.8 S3 general purpose buckets should block public access
	// and 1 more | ids
}

// Templates get sprig and hubrelay's helpers; escape untrusted text for the
// destination's format.
func ExampleNewTemplate() {
	tmpl, err := render.NewTemplate("slack", `{"text": {{ jsonString (printf "%s %s: %s" .Severity.Emoji (t "severity") (slackEscape .Title)) }}}`,
		render.Options{Language: render.Japanese})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := exampleFinding()
	f.Title = "<!channel> look at this"
	out, err := tmpl.Execute(render.NewView(f, render.Options{Language: render.Japanese}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	// Output:
	// {"text": "🟠 重要度: \u0026lt;!channel\u0026gt; look at this"}
}

// Built-in templates can be replaced by the user's own text.
func ExampleLoadTemplate() {
	opts := render.Options{Language: render.Japanese}
	subject, err := render.LoadTemplate(render.KindEmailSubject, "", opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	custom, err := render.LoadTemplate(render.KindEmailSubject, `{{ .Severity.Emoji }} {{ .AccountID }} {{ .Title }}`, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	v := render.NewView(exampleFinding(), opts).WithEvent(render.EventResolved)
	for _, tmpl := range []*render.Template{subject, custom} {
		out, _ := tmpl.Execute(v)
		fmt.Println(string(out))
	}
	// Output:
	// [Security Hub][高] 解決した Security Hub の検出結果: S3.8 S3 general purpose buckets should block public access
	// 🟠 111111111111 S3.8 S3 general purpose buckets should block public access
}

func ExampleTruncate() {
	fmt.Println(render.Truncate("検出内容がとても長い場合は省略します", 15, render.Japanese))
	fmt.Println(render.Truncate("A very long description of the finding", 25, render.English))
	// Output:
	// 検出内容が…（省略されました）
	// A very long… (truncated)
}

func ExampleSlackEscape() {
	fmt.Println(render.SlackEscape("<!here> <@U0123> <https://evil.example|click> & more"))
	// Output:
	// &lt;!here&gt; &lt;@U0123&gt; &lt;https://evil.example|click&gt; &amp; more
}
