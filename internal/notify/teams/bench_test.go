package teams_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/notify/teams"
	"github.com/hubrelay/hubrelay/internal/render"
)

// BenchmarkBuildPayload measures building a card: a plain finding, a
// digest of 5, and a finding with a 100 KB description that has to be cut.
func BenchmarkBuildPayload(b *testing.B) {
	huge := message(b, fixtureEC27Event, notify.KindNew)
	huge.Finding.Description = strings.Repeat("Public <access> [granted](https://evil.example) to *everyone*. ", 1600)
	worst := message(b, fixtureEC27Event, notify.KindNew)
	worst.Finding.Description = strings.Repeat(`\@a<`, 25_000)
	worst.Finding.Title = worst.Finding.Description
	for range 20 {
		worst.Finding.Resources = append(worst.Finding.Resources, worst.Finding.Resources[0])
	}
	cases := []struct {
		name   string
		m      *notify.Message
		format teams.Format
	}{
		{"finding/adaptive", message(b, fixtureGuardDuty, notify.KindNew), teams.FormatAdaptive},
		{"finding/connector", message(b, fixtureGuardDuty, notify.KindNew), teams.FormatConnector},
		{"digest/adaptive", digestMessage(b), teams.FormatAdaptive},
		{"description-100KB/adaptive", huge, teams.FormatAdaptive},
		{"worst-case-shortened/adaptive", worst, teams.FormatAdaptive},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			opts := render.Options{Language: render.Japanese}
			for b.Loop() {
				if _, err := teams.BuildPayload(c.m, c.format, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNotify measures a whole delivery to a local workflow.
func BenchmarkNotify(b *testing.B) {
	srv := notifytest.NewServer(b, notifytest.Response{Status: 202})
	env, _ := notifytest.NewEnv(b)
	n, err := teams.New("teams-sec", &teams.Config{WorkflowURL: workflowURL(srv.URL)}, env)
	if err != nil {
		b.Fatal(err)
	}
	m := message(b, fixtureGuardDuty, notify.KindNew)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Notify(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildNoticePayload measures a notice's card: seed 004's member
// alert with 300 accounts, and an organization's 20,000 that must be cut to
// 28 KB (a search over how many fit).
func BenchmarkBuildNoticePayload(b *testing.B) {
	big := notifytest.MembersNoticeJA()
	big.Sections[0].Groups[0].Items = notifytest.AccountIDs(7, 20000)
	for _, c := range []struct {
		name   string
		notice *notify.Notice
	}{
		{"members-300", notifytest.MembersNoticeJA()},
		{"members-20000", big},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := teams.BuildNoticePayload(c.notice, teams.FormatAdaptive, render.Options{Language: render.Japanese}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
