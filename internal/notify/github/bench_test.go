package github

import (
	"context"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

func BenchmarkBuild(b *testing.B) {
	builder, err := NewBuilder(testConfig(""), renderOptions(render.Japanese))
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"new-rds1", "resolved", "digest"} {
		m := sampleNamed(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := builder.Build(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNotify measures a whole delivery of a reminder (a comment)
// against a local server.
func BenchmarkNotify(b *testing.B) {
	srv := notifytest.NewServer(b, notifytest.Response{Status: 201,
		Body: `{"id":1,"html_url":"https://github.com/example-org/security-findings/issues/12#issuecomment-1"}`})
	env, _ := notifytest.NewEnv(b)
	n, err := New("github-security", testConfig(srv.URL+"/"), env)
	if err != nil {
		b.Fatal(err)
	}
	m := sampleNamed(b, "reminder") // one comment per delivery
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Notify(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}
