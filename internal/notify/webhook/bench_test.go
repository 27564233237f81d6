package webhook

import (
	"context"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

func BenchmarkRender(b *testing.B) {
	all := samples(b)
	seed, tmpl := hostileConfigs(b)
	modes := map[string]*Config{"event": {URL: "https://example.com/h"}, "seed000": seed, "template": tmpl}
	for _, s := range []sample{all[0], all[9]} {
		for name, cfg := range modes {
			b.Run(s.name+"/"+name, func(b *testing.B) {
				r, err := NewRenderer("webhook-test", cfg, render.Options{Language: render.Japanese})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := r.Render(s.m); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkNotify sends signed requests to a local server.
func BenchmarkNotify(b *testing.B) {
	srv := notifytest.NewServer(b)
	env, _ := notifytest.NewEnv(b)
	seed, _ := hostileConfigs(b)
	cfg := *seed
	cfg.URL = srv.URL + "/api/v2/issues?apiKey=" + testQueryToken
	cfg.SigningSecret = testSigningSecret
	n := newTestNotifier(b, cfg, env)
	m := samples(b)[0].m
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Notify(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	body := make([]byte, 8<<10)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		Sign(testSigningSecret, 1767323045, body)
	}
}
