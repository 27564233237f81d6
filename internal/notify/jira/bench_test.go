package jira

import (
	"context"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// BenchmarkBuild measures building the requests of the main message shapes
// for both API versions.
func BenchmarkBuild(b *testing.B) {
	for _, version := range []int{3, 2} {
		cfg := testConfig("https://example.atlassian.net")
		cfg.APIVersion = version
		builder, err := NewBuilder(cfg, renderOptions(render.Japanese))
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range samples(b) {
			if s.name != "new-ec2.8" && s.name != "reminder" && s.name != "digest" {
				continue
			}
			b.Run("v"+string(rune('0'+version))+"/"+s.name, func(b *testing.B) {
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

// BenchmarkBuildHostile measures a finding whose every field holds 100 KB
// of markup, which takes the caps down until the text fits.
func BenchmarkBuildHostile(b *testing.B) {
	for _, version := range []int{3, 2} {
		cfg := testConfig("https://example.atlassian.net")
		cfg.APIVersion = version
		builder, err := NewBuilder(cfg, renderOptions(render.Japanese))
		if err != nil {
			b.Fatal(err)
		}
		m := &notify.Message{Kind: notify.KindNew, Key: "k",
			Finding: hostileFinding(fixture(b, fxEC28).Finding, strings.Repeat("[x|y] *z* ", 100<<10/10))}
		b.Run("v"+string(rune('0'+version)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := builder.Build(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEscapeWiki measures escaping a typical finding description.
func BenchmarkEscapeWiki(b *testing.B) {
	text := fixture(b, fxEC28).Finding.Description
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		EscapeWiki(text)
	}
}

// BenchmarkNotify measures a whole delivery against a local server: build,
// encode, send, decode the answer.
func BenchmarkNotify(b *testing.B) {
	srv := notifytest.NewServerFunc(b, jiraAPI(statusToDo))
	env, _ := notifytest.NewEnv(b)
	n, err := New("jira-sec", testConfig(srv.URL), env)
	if err != nil {
		b.Fatal(err)
	}
	m := sampleNamed(b, "new-ec2.8")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Notify(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildOverride measures building a new issue whose description
// comes from a message override: a Go template and seed 000's input
// transformer as text.
func BenchmarkBuildOverride(b *testing.B) {
	overrides := map[string]render.Override{
		"template":    {Template: overrideTemplate},
		"transformer": seedTextTransformer(),
	}
	m := sampleNamed(b, "new-ec2.8")
	for name, o := range overrides {
		for _, version := range []int{3, 2} {
			cfg := serverOrCloud(version)
			cfg.Message = o
			builder, err := NewBuilder(cfg, renderOptions(render.Japanese))
			if err != nil {
				b.Fatal(err)
			}
			b.Run(name+"/v"+string(rune('0'+version)), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := builder.Build(m); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
