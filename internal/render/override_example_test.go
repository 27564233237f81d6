package render_test

import (
	"fmt"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/render"
)

// A destination compiles its message override once, when the configuration
// loads, and renders each message with it; a nil Renderer means "use the
// built-in template".
func ExampleOverride() {
	// slack: {channel: "#sec", message: {format: json, template: ...}}
	o := render.Override{
		Format: render.FormatJSON,
		Template: `{"text": {{ printf "%s [%s] %s" .View.Severity.Emoji (.Kind | upper) .View.Title | slackEscape | jsonString }},
 "route": {{ jsonString .Route }}}`,
	}
	if err := o.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	r, err := o.Compile("slack-sec", render.Options{Language: render.Japanese})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := exampleFinding()
	f.Title = "<!channel> S3.8 bucket is public"
	d := render.Data{Finding: f, Kind: "new", Route: "s3-public", Destination: "slack-sec"}
	if !r.Applies(d) {
		fmt.Println("built-in message")
		return
	}
	out, err := r.Render(d)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	// Output:
	// {"text": "🟠 [NEW] \u0026lt;!channel\u0026gt; S3.8 bucket is public",
	//  "route": "s3-public"}
}

// An EventBridge input transformer, pasted from an existing rule target,
// renders single findings from their event; digests keep the built-in body.
func ExampleOverride_inputTransformer() {
	o := render.Override{
		InputPaths: map[string]string{
			"summary":  "$.detail.findings[0].Title",
			"severity": "$.detail.findings[0].Severity.Label",
		},
		InputTemplate: `{"summary": <summary>, "description": "重要度: <severity><br />ルール: <aws.events.rule-name>"}`,
		Format:        render.FormatJSON,
	}
	r, err := o.Compile("backlog-a", render.Options{Language: render.Japanese})
	if err != nil {
		fmt.Println(err)
		return
	}
	event := []byte(`{"detail-type": "Security Hub Findings - Imported", "detail": {"findings": [
		{"Title": "S3 bucket \"logs\" is public", "Severity": {"Label": "HIGH"}}]}}`)
	out, err := r.Render(render.Data{Finding: exampleFinding(), Event: event, Route: "system-a"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	digest := render.NewDigestView([]*finding.Finding{exampleFinding()}, render.Options{})
	fmt.Println("applies to a digest:", r.Applies(render.Data{Digest: &digest}))
	// Output:
	// {"summary":"S3 bucket \"logs\" is public","description":"重要度: HIGH<br />ルール: system-a"}
	// applies to a digest: false
}

// Validate names the field, and for a template the line, that is wrong.
func ExampleOverride_Validate() {
	for _, o := range []render.Override{
		{Template: "{{ .View.Title }}\n{{ if }}"},
		{Template: "x", InputTemplate: `"<aws.events.rule-name>"`},
		{InputPaths: map[string]string{"t": "$.detail.findings[0].Title"}, InputTemplate: "Finding: <t>", Format: "json"},
		{Template: "x", Format: "xml"},
	} {
		fmt.Println(o.Validate())
	}
	// Output:
	// message.template: line 2: missing value for if
	// message: template and input_paths/input_template are both set; use a Go template or an input transformer, not both
	// message.format: json, but message.input_template is not a JSON template (EventBridge would send it as text)
	// message.format: "xml" is not one of "text", "json", "html"
}
