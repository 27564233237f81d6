package render

import "testing"

// BenchmarkOverrideSlackBlocks renders the Slack blocks JSON override of
// OVERRIDES.md for a real finding with its event: view, event decoding,
// execution and the JSON check.
func BenchmarkOverrideSlackBlocks(b *testing.B) {
	item := loadItem(b, "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json")
	r, err := Override{Template: slackBlocks, Format: FormatJSON}.Compile("slack-a", Options{Language: Japanese})
	if err != nil {
		b.Fatal(err)
	}
	data := Data{Finding: item.Finding, Event: item.Event, Kind: "new", Route: "r", Destination: "slack-a"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOverrideSeed000 renders seed 000's Backlog input transformer
// through an Override.
func BenchmarkOverrideSeed000(b *testing.B) {
	item := loadItem(b, "asff/19-eb-imported-securityhub-fsbp-ec2.8-archived-notified.json")
	r, err := seed000Override(b).Compile("backlog-a", Options{Language: Japanese})
	if err != nil {
		b.Fatal(err)
	}
	data := Data{Finding: item.Finding, Event: item.Event, Kind: "new", Route: "r"}
	b.SetBytes(int64(len(item.Event)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOverrideCompile compiles the Slack blocks override, as the
// configuration loader does once per destination.
func BenchmarkOverrideCompile(b *testing.B) {
	o := Override{Template: slackBlocks, Format: FormatJSON}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := o.Compile("slack-a", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
