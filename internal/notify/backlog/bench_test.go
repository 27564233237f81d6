package backlog

import (
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/render"
)

// BenchmarkBuild measures building each sample's request.
func BenchmarkBuild(b *testing.B) {
	for _, format := range []TextFormat{FormatBacklog, FormatMarkdown} {
		cfg := testConfig("https://example.backlog.jp")
		cfg.TextFormat = string(format)
		builder, err := NewBuilder(cfg, renderOptions(render.Japanese))
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range samples(b) {
			if s.name != "new-ec2.8" && s.name != "reminder" && s.name != "digest" {
				continue
			}
			b.Run(string(format)+"/"+s.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := builder.Build(s.msg); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkBuildHostile measures a finding whose every field holds 100 KB.
func BenchmarkBuildHostile(b *testing.B) {
	builder, err := NewBuilder(testConfig("https://example.backlog.jp"), renderOptions(render.Japanese))
	if err != nil {
		b.Fatal(err)
	}
	m := newMessage(hostileFinding(fixture(b, fxEC28).Finding, strings.Repeat("[[x]] ", 100<<10/6)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := builder.Build(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEscapeNotation measures escaping a typical finding description.
func BenchmarkEscapeNotation(b *testing.B) {
	text := fixture(b, fxEC28).Finding.Description
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		EscapeNotation(text)
	}
}
