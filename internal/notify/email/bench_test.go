package email

import (
	"context"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// BenchmarkCompose measures building a mail (views, templates, limits)
// for a single finding and for a digest of nine, in each language.
func BenchmarkCompose(b *testing.B) {
	all := samples(b)
	for _, lang := range languages {
		c := composer(b, testConfig("smtp.example.com", 0), lang)
		for _, s := range []sample{all[0], all[6]} {
			b.Run(string(lang)+"-"+s.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := c.Compose(s.msg, at()); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkBytes measures writing a composed mail as MIME.
func BenchmarkBytes(b *testing.B) {
	for _, lang := range languages {
		ml, err := composer(b, testConfig("smtp.example.com", 0), lang).Compose(samples(b)[0].msg, at())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(lang), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ml.Bytes(goldenBoundary); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNotifySMTP measures a whole delivery to an in-process SMTP
// server over STARTTLS with AUTH PLAIN: connection, TLS handshake,
// authentication and the message.
func BenchmarkNotifySMTP(b *testing.B) {
	srv := newSMTPServer(b, serverOptions{startTLS: true, mechs: []string{"PLAIN"}})
	env, _ := notifytest.NewEnv(b)
	env.Language = string(render.English)
	n := newNotifier(b, srv.config(), env)
	m := samples(b)[0].msg
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Notify(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNotifySES measures a delivery through the AWS SDK to a local
// contract server (signing, JSON, HTTP).
func BenchmarkNotifySES(b *testing.B) {
	srv := notifytest.NewServer(b, sesAccepted)
	env, _ := notifytest.NewEnv(b)
	n := newNotifier(b, testSESConfig(srv.URL), env)
	m := samples(b)[0].msg
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Notify(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNoticeBytes measures composing and writing a notice's mail:
// seed 004's 300 accounts, the Excel report attached, and a 7 MB
// attachment near the size limit.
func BenchmarkNoticeBytes(b *testing.B) {
	c := composer(b, testConfig("smtp.example.com", 0), render.Japanese)
	big := notifytest.NoticeSamples(b)[2].Message
	big.Notice.Attachment.Data = make([]byte, 7_000_000)
	for _, s := range []struct {
		name string
		m    *notify.Message
	}{
		{"members-300", notifytest.NoticeSamples(b)[0].Message},
		{"report-xlsx", notifytest.NoticeSamples(b)[2].Message},
		{"report-7MB", big},
	} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ml, err := c.Compose(s.m, at())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := ml.Bytes(goldenBoundary); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
