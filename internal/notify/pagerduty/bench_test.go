package pagerduty

import (
	"context"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

func BenchmarkBuildAndMarshal(b *testing.B) {
	builder, err := NewBuilder(testConfig(""), renderOptions(render.Japanese))
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"new-rds1", "resolved", "digest"} {
		m := sampleNamed(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ev, err := builder.Build(m)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Marshal(ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNotify measures a whole delivery against a local server.
func BenchmarkNotify(b *testing.B) {
	srv := notifytest.NewServer(b, notifytest.Response{Status: 202,
		Body: `{"status":"success","message":"Event processed","dedup_key":"x"}`})
	env, _ := notifytest.NewEnv(b)
	n, err := New("pagerduty-oncall", testConfig(srv.URL), env)
	if err != nil {
		b.Fatal(err)
	}
	m := sampleNamed(b, "new-rds1")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Notify(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}
