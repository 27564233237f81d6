package slack

import (
	"context"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

func BenchmarkBuildPayloadFinding(b *testing.B) {
	m := single(notify.KindNew, fixtureGuardDuty, "r", nil)(b)
	cfg := botConfig()
	opts := render.Options{Language: render.Japanese, Location: time.UTC, Region: "us-east-1"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildPayload(m, cfg, opts).Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildPayloadDigest(b *testing.B) {
	var fs []*finding.Finding
	for i := 0; i < 100; i++ {
		fs = append(fs, load(b, allFixtures[i%len(allFixtures)]).Finding)
	}
	m := &notify.Message{Kind: notify.KindNew, Key: "d", Digest: &notify.Digest{GroupKey: "g", Findings: fs, Total: 100}}
	cfg := botConfig()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildPayload(m, cfg, render.Options{Location: time.UTC}).Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildPayloadHugeDescription: the cost of cutting a 100 KB
// description.
func BenchmarkBuildPayloadHugeDescription(b *testing.B) {
	m := single(notify.KindNew, fixtureGuardDuty, "r", nil)(b)
	desc := make([]byte, 100<<10)
	for i := range desc {
		desc[i] = "abc <&> "[i%8]
	}
	m.Finding.Description = string(desc)
	cfg := botConfig()
	b.ReportAllocs()
	for b.Loop() {
		BuildPayload(m, cfg, render.Options{Location: time.UTC})
	}
}

// BenchmarkNotify: one delivery through chat.postMessage and
// chat.getPermalink against a local server.
func BenchmarkNotify(b *testing.B) {
	srv := notifytest.NewServerFunc(b, slackAPI())
	env, _ := notifytest.NewEnv(b)
	n, err := New("bench", &Config{Token: testToken, Channel: "#sec", APIURL: srv.URL + "/api/"}, env)
	if err != nil {
		b.Fatal(err)
	}
	m := single(notify.KindNew, fixtureGuardDuty, "r", nil)(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Notify(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildNoticePayload: seed 004's member alert with 300 accounts,
// and an organization-sized one of 20,000 that must be cut.
func BenchmarkBuildNoticePayload(b *testing.B) {
	for _, tc := range []struct {
		name   string
		notice *notify.Notice
	}{
		{"members-300", notifytest.MembersNoticeJA()},
		{"members-20000", bigMembers(20000)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			cfg := botConfig()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := BuildNoticePayload(tc.notice, cfg, render.Options{Language: render.Japanese}).Marshal(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
