package render

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// ec2Event is the example event of the EventBridge User Guide page "Amazon
// EventBridge input transformation".
const ec2Event = `{
  "version": "0",
  "id": "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "123456789012",
  "time": "2015-11-11T21:29:54Z",
  "region": "us-east-1",
  "resources": [
    "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"
  ],
  "detail": {
    "instance-id": "i-0123456789",
    "state": "RUNNING"
  }
}`

// ec2Paths is the Input Path of the same page.
var ec2Paths = map[string]string{
	"timestamp": "$.time",
	"instance":  "$.detail.instance-id",
	"state":     "$.detail.state",
	"resource":  "$.resources[0]",
}

var exampleVars = Vars{
	RuleARN:  "arn:aws:events:us-east-2:123456789012:rule/example",
	RuleName: "example",
}

func render(t *testing.T, paths map[string]string, template, event string, vars Vars) string {
	t.Helper()
	tr, err := NewTransformer(paths, template)
	if err != nil {
		t.Fatalf("NewTransformer: %v", err)
	}
	out, err := tr.Render([]byte(event), vars)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if tr.JSON() && !json.Valid(out) {
		t.Fatalf("JSON template produced invalid JSON: %s", out)
	}
	return string(out)
}

// TestTransformerDocumentedExamples runs the "Input transform examples" table
// of the EventBridge User Guide and the InputTransformer examples of the API
// Reference. The guide shows indented output; EventBridge sends it minified
// ("The JSON that is passed to the target is minified").
func TestTransformerDocumentedExamples(t *testing.T) {
	originalEvent := `{"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602","detailType":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"2015-11-11T21:29:54Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"]}`
	apiPaths := map[string]string{"instance": "$.detail.instance-id", "status": "$.detail.state"}
	tests := []struct {
		name     string
		paths    map[string]string
		template string
		want     string
	}{
		{"simple string", ec2Paths, `"instance <instance> is in <state>"`, `"instance i-0123456789 is in RUNNING"`},
		{"string with escaped quotes", ec2Paths, `"instance \"<instance>\" is in <state>"`, `"instance \"i-0123456789\" is in RUNNING"`},
		{"simple JSON", ec2Paths, "{\n  \"instance\" : <instance>,\n  \"state\": <state>\n}", `{"instance":"i-0123456789","state":"RUNNING"}`},
		{"JSON with strings and variables", ec2Paths,
			"{\n \"instance\" : <instance>,\n \"state\": \"<state>\",\n \"instanceStatus\": \"instance \\\"<instance>\\\" is in <state>\"\n}",
			`{"instance":"i-0123456789","state":"RUNNING","instanceStatus":"instance \"i-0123456789\" is in RUNNING"}`},
		{"JSON with a mix of variables and static information", ec2Paths,
			"{\n  \"instance\" : <instance>,\n  \"state\": [ 9, <state>, true ],\n  \"Transformed\" : \"Yes\"\n}\n",
			`{"instance":"i-0123456789","state":[9,"RUNNING",true],"Transformed":"Yes"}`},
		{"including reserved variables in JSON", ec2Paths,
			"{\n  \"instance\" : <instance>,\n  \"state\": <state>,\n  \"ruleArn\" : <aws.events.rule-arn>,\n  \"ruleName\" : <aws.events.rule-name>,\n  \"originalEvent\" : <aws.events.event>\n}",
			`{"instance":"i-0123456789","state":"RUNNING","ruleArn":"arn:aws:events:us-east-2:123456789012:rule/example","ruleName":"example","originalEvent":` + originalEvent + `}`},
		{"including reserved variables in a string", ec2Paths, `"<aws.events.rule-name> triggered"`, `"example triggered"`},
		{"API reference: plain text", apiPaths, `<instance> is in state <status>`, `i-0123456789 is in state RUNNING`},
		{"API reference: escaped quotes", apiPaths, `<instance> is in state \"<status>\"`, `i-0123456789 is in state \"RUNNING\"`},
		{"API reference: JSON with variables in quotes or out", apiPaths,
			`{"myInstance": <instance>,"myStatus": "<instance> is in state \"<status>\""}`,
			`{"myInstance":"i-0123456789","myStatus":"i-0123456789 is in state \"RUNNING\""}`},
		{"path into an array", ec2Paths, `{"resource": <resource>, "at": "<timestamp>"}`,
			`{"resource":"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111","at":"2015-11-11T21:29:54Z"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tt.paths, tt.template, ec2Event, exampleVars); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestTransformerRecordedBehaviour covers behaviour EventBridge showed when
// recorded against AWS (LocalStack's AWS-validated snapshot tests for input
// transformers): missing paths, special characters, the predefined variables.
func TestTransformerRecordedBehaviour(t *testing.T) {
	event := `{"version":"0","id":"e1","detail-type":"core.update-account-command","source":"core.update-account-command","account":"111111111111","time":"2024-06-11T08:33:04Z","region":"us-east-1","resources":[],"detail":{"command":"update-account","payload":{"acc_id":"0a787ecb-4015","sf_id":"baz"}}}`
	paths := map[string]string{"detail-type": "$.detail-type", "timestamp": "$.time", "command": "$.detail.command"}
	missing := map[string]string{"detail-type": "$.detail-type", "timestamp": "$.time", "command": "$.detail.notinmessage"}
	tests := []struct {
		name     string
		paths    map[string]string
		template string
		vars     Vars
		want     string
	}{
		{"string template", paths, `"Event of <detail-type> type, at time <timestamp>, info extracted from detail <command>"`, Vars{},
			`"Event of core.update-account-command type, at time 2024-06-11T08:33:04Z, info extracted from detail update-account"`},
		{"string template, path missing", missing, `"Event of <detail-type> type, at time <timestamp>, info extracted from detail <command>"`, Vars{},
			`"Event of core.update-account-command type, at time 2024-06-11T08:33:04Z, info extracted from detail "`},
		{"special starting characters", paths, `"{[/Check with special starting characters for event of <detail-type> type"`, Vars{},
			`"{[/Check with special starting characters for event of core.update-account-command type"`},
		{"JSON template", paths, `{"detailType": <detail-type>,  "time": <timestamp>, "command": <command>}`, Vars{},
			`{"detailType":"core.update-account-command","time":"2024-06-11T08:33:04Z","command":"update-account"}`},
		{"JSON template, path missing", missing, `{"detailType": <detail-type>,  "time": <timestamp>, "command": <command>}`, Vars{},
			`{"detailType":"core.update-account-command","time":"2024-06-11T08:33:04Z","command":""}`},
		{"predefined variables in a string", nil, `"Message containing all pre defined variables <aws.events.rule-arn> <aws.events.rule-name> <aws.events.event.ingestion-time>"`,
			Vars{RuleARN: "arn:aws:events:us-east-1:111111111111:rule/bus/rule", RuleName: "rule", IngestionTime: time.Date(2024, 6, 11, 8, 33, 13, 0, time.FixedZone("JST", 9*3600))},
			`"Message containing all pre defined variables arn:aws:events:us-east-1:111111111111:rule/bus/rule rule 2024-06-10T23:33:13Z"`},
		{"whole event variables", nil, `{"originalEvent": <aws.events.event>, "originalEventJson": <aws.events.event.json>}`, Vars{},
			`{"originalEvent":{"version":"0","id":"e1","detailType":"core.update-account-command","source":"core.update-account-command","account":"111111111111","time":"2024-06-11T08:33:04Z","region":"us-east-1","resources":[]},"originalEventJson":` + event + `}`},
		{"event time is the ingestion time", nil, `{"e": <aws.events.event>}`, Vars{IngestionTime: time.Date(2024, 6, 11, 8, 33, 5, 0, time.UTC)},
			`{"e":{"version":"0","id":"e1","detailType":"core.update-account-command","source":"core.update-account-command","account":"111111111111","time":"2024-06-11T08:33:05Z","region":"us-east-1","resources":[]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tt.paths, tt.template, event, tt.vars); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestTransformerValueInsertion covers how each kind of value is inserted in
// and out of JSON strings, and in plain text.
func TestTransformerValueInsertion(t *testing.T) {
	event := `{"detail":{"s":"say \"hi\"\nback\\slash\ttab \u2028 </x>","n":12.50,"b":true,"z":null,"o":{"k":"v \"q\"","a":[1,"x"]},"l":["a","b"],"e":[],"u":"日本語"}}`
	paths := map[string]string{
		"s": "$.detail.s", "n": "$.detail.n", "b": "$.detail.b", "z": "$.detail.z",
		"o": "$.detail.o", "l": "$.detail.l", "e": "$.detail.e", "u": "$.detail.u", "m": "$.detail.missing",
	}
	tests := []struct {
		name     string
		template string
		want     string
	}{
		{"string outside quotes is quoted and escaped", `{"v": <s>}`, `{"v":"say \"hi\"\nback\\slash\ttab \u2028 </x>"}`},
		{"string inside quotes is escaped", `{"v": "[<s>]"}`, `{"v":"[say \"hi\"\nback\\slash\ttab \u2028 </x>]"}`},
		{"number", `{"v": <n>, "w": "n=<n>"}`, `{"v":12.50,"w":"n=12.50"}`},
		{"boolean", `{"v": <b>, "w": "<b>"}`, `{"v":true,"w":"true"}`},
		{"null is empty", `{"v": <z>, "w": "[<z>]"}`, `{"v":"","w":"[]"}`},
		{"missing is empty", `{"v": <m>, "w": "[<m>]"}`, `{"v":"","w":"[]"}`},
		{"object outside quotes", `{"v": <o>}`, `{"v":{"k":"v \"q\"","a":[1,"x"]}}`},
		{"object inside quotes loses its quotes", `{"v": "o=<o>"}`, `{"v":"o={k:v \"q\",a:[1,x]}"}`},
		{"array outside quotes", `{"v": <l>, "w": <e>}`, `{"v":["a","b"],"w":[]}`},
		{"array inside quotes", `{"v": "<l>"}`, `{"v":"[a,b]"}`},
		{"non-ASCII kept", `{"v": <u>, "w": "「<u>」"}`, `{"v":"日本語","w":"「日本語」"}`},
		{"top-level placeholder is JSON", `<s>`, `"say \"hi\"\nback\\slash\ttab \u2028 </x>"`},
		{"array template", `[<n>, <u>]`, `[12.50,"日本語"]`},
		{"plain text gets raw values", `s=<s> n=<n> o=<o> m=<m>.`, "s=say \"hi\"\nback\\slash\ttab \u2028 </x> n=12.50 o={\"k\":\"v \\\"q\\\"\",\"a\":[1,\"x\"]} m=."},
		{"literal angle brackets are text", `"<br /><b >< <s>"`, `"<br /><b >< say \"hi\"\nback\\slash\ttab \u2028 </x>"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, paths, tt.template, event, Vars{}); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestTransformerPaths covers the documented path syntax: dot notation,
// dashes, underscores, alphanumerics, indices, wildcards, forward slashes.
func TestTransformerPaths(t *testing.T) {
	event := string(readTestdata(t, "asff/18-eb-imported-securityhub-fsbp-ec2.7-failed.json"))
	tests := []struct {
		path string
		want string
	}{
		{"$.detail.findings[0].Resources[0].Id", `"AWS::::Account:111111111111"`},
		{"$.detail-type", `"Security Hub Findings - Imported"`},
		{"$.detail.findings[0].ProductFields.aws/securityhub/ProductName", `"Security Hub"`},
		{"$.detail.findings[*].Compliance.Status", `["FAILED"]`},
		{"$.detail.findings[0].Severity.*", `[0,"INFORMATIONAL",0,"INFORMATIONAL"]`},
		{"$.detail.findings[0].Resources[*].Type", `["AwsAccount"]`},
		{"$.detail.findings[*].Nope", `[]`},
		{"$.detail.findings[1].Id", `""`},
		{"$.detail.findings[0].Severity.Normalized", `0`},
		{"$.detail.findings[0].Resources[0].Id.deeper", `""`},
		{"$.resources[0]", `"arn:aws:securityhub:us-east-1::product/aws/securityhub/arn:aws:securityhub:us-east-1:111111111111:subscription/cis-aws-foundations-benchmark/v/1.2.0/1.3/finding/6e842abe-6cbf-4bc1-aa55-3b2ae63aabd6"`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := render(t, map[string]string{"v": tt.path}, `{"v": <v>}`, event, Vars{})
			if want := `{"v":` + tt.want + `}`; got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
	t.Run("root", func(t *testing.T) {
		got := render(t, map[string]string{"all": "$"}, `{"v": <all>}`, `{"a": [1, {"b": "c"}]}`, Vars{})
		if want := `{"v":{"a":[1,{"b":"c"}]}}`; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
}

func TestNewTransformerErrors(t *testing.T) {
	many := map[string]string{}
	for i := 0; i <= maxInputPaths; i++ {
		many[fmt.Sprintf("v%d", i)] = "$.detail"
	}
	tests := []struct {
		name     string
		paths    map[string]string
		template string
		want     string
	}{
		{"too many paths", many, `"x"`, "101 entries is more than the 100"},
		{"key with a dot", map[string]string{"a.b": "$.a"}, `"x"`, `key "a.b": '.' is not allowed`},
		{"key with a space", map[string]string{"a b": "$.a"}, `"x"`, `key "a b": ' ' is not allowed`},
		{"empty key", map[string]string{"": "$.a"}, `"x"`, `key "": must not be empty`},
		{"long key", map[string]string{strings.Repeat("k", 257): "$.a"}, `"x"`, "longer than 256"},
		{"predefined key", map[string]string{"aws.events.rule-name": "$.a"}, `"x"`, "predefined variable"},
		{"path without $", map[string]string{"v": "detail.a"}, `"x"`, `"v": path "detail.a" must start with "$"`},
		{"bracket notation", map[string]string{"v": "$['detail']"}, `"x"`, "bracket notation"},
		{"recursive descent", map[string]string{"v": "$..Id"}, `"x"`, "recursive descent"},
		{"filter", map[string]string{"v": "$.a[?(@.b)]"}, `"x"`, "not an array index"},
		{"slice", map[string]string{"v": "$.a[0:2]"}, `"x"`, "not an array index"},
		{"negative index", map[string]string{"v": "$.a[-1]"}, `"x"`, "not an array index"},
		{"unclosed bracket", map[string]string{"v": "$.a[0"}, `"x"`, "is not closed"},
		{"empty brackets", map[string]string{"v": "$.a[]"}, `"x"`, "empty brackets"},
		{"trailing dot", map[string]string{"v": "$.a."}, `"x"`, `ends with "."`},
		{"space in name", map[string]string{"v": "$.External Principal"}, `"x"`, "unexpected ' '"},
		{"colon in name", map[string]string{"v": "$.a:b"}, `"x"`, "unexpected ':'"},
		{"huge index", map[string]string{"v": "$.a[99999999999999999999]"}, `"x"`, "too large"},
		{"long path", map[string]string{"v": "$." + strings.Repeat("a", 300)}, `"x"`, "longer than 256"},
		{"empty template", nil, "", "must not be empty"},
		{"long template", nil, strings.Repeat("x", maxInputTemplate+1), "8193 characters"},
		{"undefined placeholder", map[string]string{"a": "$.a"}, "{\n  \"a\": <a>,\n  \"b\": <notdefinedkey>\n}", "line 3, column 8: placeholder <notdefinedkey> is not defined"},
		{"placeholder as key", map[string]string{"a": "$.a"}, `{<a>: 1}`, "placeholder <a> at line 1, column 2 is used as an object key"},
		{"placeholder inside a key", map[string]string{"a": "$.a"}, "{\"ok\": 1,\n \"key-<a>\": 1}", "placeholder <a> at line 2, column 7 is used as an object key"},
		{"event in a string", nil, `{"e": "<aws.events.event.json>"}`, "<aws.events.event.json> at line 1, column 8 is inside a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewTransformer(tt.paths, tt.template)
			if err == nil {
				t.Fatalf("no error, want one containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestTransformerRenderErrors(t *testing.T) {
	tr, err := NewTransformer(map[string]string{"a": "$.a"}, `{"a": <a>}`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		event string
		want  string
	}{
		{"not JSON", `{"a": }`, "invalid JSON at byte 6"},
		{"truncated", `{"a": "x`, "unexpected end of JSON input"},
		{"trailing data", `{"a": 1} {}`, "unexpected data after the top-level value"},
		{"array", `[1]`, "must be a JSON object"},
		{"empty", ``, "unexpected end of JSON input"},
		{"too deep", strings.Repeat(`{"a":`, maxJSONDepth+1) + "1" + strings.Repeat("}", maxJSONDepth+1), "nesting deeper than 512"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tr.Render([]byte(tt.event), Vars{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestTransformerInvalidUTF8(t *testing.T) {
	tr, err := NewTransformer(map[string]string{"a": "$.a"}, "{\"a\": <a>, \"b\": \"\xff<a>\"}")
	if err != nil {
		t.Fatal(err)
	}
	out, err := tr.Render([]byte("{\"a\": \"x\xfey\"}"), Vars{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\"a\":\"x\ufffdy\",\"b\":\"\ufffdx\ufffdy\"}"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// seed000 loads the InputPathsMap and InputTemplate of seed 000 (the Backlog
// API destination), exactly as published.
func seed000(t testing.TB) *Transformer {
	t.Helper()
	var paths map[string]string
	if err := json.Unmarshal(readTestdata(t, "transformer/seed000-input-paths.json"), &paths); err != nil {
		t.Fatal(err)
	}
	tr, err := NewTransformer(paths, string(readTestdata(t, "transformer/seed000-input-template.txt")))
	if err != nil {
		t.Fatalf("seed 000 must compile unchanged: %v", err)
	}
	return tr
}

// backlogIssue is the request body seed 000 sends to the Backlog API.
type backlogIssue struct {
	ProjectID     string `json:"projectId"`
	ParentIssueID string `json:"parentIssueId"`
	PriorityID    string `json:"priorityId"`
	IssueTypeID   string `json:"issueTypeId"`
	Summary       string `json:"summary"`
	Description   string `json:"description"`
}

func TestTransformerSeed000(t *testing.T) {
	tr := seed000(t)
	if !tr.JSON() {
		t.Fatal("seed 000's template is JSON")
	}
	tests := []struct {
		event   string
		golden  string
		summary string
		detail  string // a piece the description must contain
	}{
		{"asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json", "transformer-seed000-19.json",
			"EC2.8 EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", "重要度: HIGH<br /><br />AWSアカウント: 123456789012<br />リージョン: eu-west-1<br />"},
		{"transformer/19-hostile-description.event.json", "transformer-seed000-19-hostile.json",
			"EC2.8 EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)",
			"検出内容:<br />The instance \"web-1\" uses IMDSv1.\nSecond line with a backslash C:\\temp\\new and a tab\there.\n<br />Already has a <br /> tag & an <b>HTML</b> tag.\r\n日本語:「メタデータ」の\u201c設定\u201dを確認してください。<br /><br />重要度: HIGH"},
		{"transformer/13-in-18-envelope.event.json", "transformer-seed000-13.json",
			`1.13 Ensure MFA is enabled for the "root" account`, "重要度: <br /><br />"},
		{"asff/14-eb-customaction-securityhub-cis120-4.3-failed.json", "transformer-seed000-14.json",
			"4.3 Ensure the default security group of every VPC restricts all traffic",
			"[Recommendation](https://docs.aws.amazon.com/console/securityhub/standards-cis-4.3/remediation)"},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			out, err := tr.Render(readTestdata(t, tt.event), Vars{RuleName: "securityhub-to-backlog"})
			if err != nil {
				t.Fatal(err)
			}
			var issue backlogIssue
			if err := json.Unmarshal(out, &issue); err != nil {
				t.Fatalf("output is not valid JSON: %v\n%s", err, out)
			}
			if issue.ProjectID != "BacklogのプロジェクトID" || issue.PriorityID != "3" {
				t.Errorf("static fields changed: %+v", issue)
			}
			if issue.Summary != tt.summary {
				t.Errorf("summary %q, want %q", issue.Summary, tt.summary)
			}
			if !strings.Contains(issue.Description, tt.detail) {
				t.Errorf("description does not contain %q:\n%s", tt.detail, issue.Description)
			}
			if !strings.HasPrefix(issue.Description, "AWS Security Hubで以下が検出されました。<br /><br />検出内容:<br />") {
				t.Errorf("description lost its literal <br /> text: %s", issue.Description)
			}
			checkGolden(t, tt.golden, append(out, '\n'))
		})
	}
}
