// Package render turns Security Hub findings into the text the destinations
// send: the EventBridge input transformer (so users can paste the
// InputPathsMap and InputTemplate they already run in AWS), Go templates with
// sprig and hubrelay helpers, display-ready views of one finding or a digest,
// a Japanese/English message catalog, escapers for Slack, Markdown and JSON,
// and the built-in default templates.
//
// # Overrides
//
// Every destination has a built-in message in Japanese and English (the
// configuration's language). A destination's "message" setting, an
// Override, replaces its body with a Go template (sprig and hubrelay's
// functions; format text, json or html) or with an EventBridge input
// transformer pasted from an existing rule target:
//
//	destinations:
//	  slack-a:
//	    slack:
//	      token: ${env:SLACK_BOT_TOKEN}
//	      channel: "#sec-alerts"
//	      message:
//	        format: json            # the output must be valid JSON
//	        template: |
//	          {"text": {{ printf "%s %s" .View.Severity.Emoji .View.Title | slackEscape | jsonString }}}
//	  backlog-a:
//	    backlog:
//	      space: https://example.backlog.jp
//	      api_key: ${env:BACKLOG_API_KEY}
//	      project_id: 12345
//	      issue_type_id: 67890
//	      message:                  # an input transformer, as in seed 000
//	        input_paths: {Summary: "$.detail.findings[0].Title"}
//	        input_template: '{"summary": <Summary>}'
//	        format: json
//
// The configuration loader calls Override.Validate; each destination calls
// Override.Compile once and Renderer.Render per message with a Data. A
// template sees .Finding, .View, .Digest, .Event (the EventBridge event,
// decoded), .Kind, .Route, .Destination and .Language. An input transformer
// renders single findings from their event, and so does a template that never
// reads .Digest; for digests those destinations keep the built-in digest body
// (Renderer.Applies). OVERRIDES.md is the user's guide.
//
// Everything here is a pure function of its inputs: no I/O, no globals beyond
// immutable lookup tables, and every exported type is safe for concurrent use
// once built. render imports only internal/finding (and sprig).
package render
