package sns

import (
	"context"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

func BenchmarkBuild(b *testing.B) {
	all := samples(b)
	for _, s := range []sample{all[0], all[9]} {
		for _, format := range []string{FormatChatbot, FormatRaw, FormatJSON} {
			b.Run(s.name+"/"+format, func(b *testing.B) {
				cfg := &Config{TopicARN: fifoTopic, MessageFormat: format}
				opts := render.Options{Language: render.Japanese, Region: "ap-northeast-1"}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Build(s.m, cfg, opts, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkNotify publishes through the SDK to a local SNS stand-in:
// building, signing, sending and reading the answer.
func BenchmarkNotify(b *testing.B) {
	srv := notifytest.NewServer(b, publishOK("5f6e7d8c-1234-5678-9abc-def012345678"))
	env, _ := notifytest.NewEnv(b)
	cfg := Config{TopicARN: standardTopic, Endpoint: srv.URL, AccessKeyID: testAccessKey, SecretAccessKey: testSecretKey}
	n, err := New("bench", &cfg, env)
	if err != nil {
		b.Fatal(err)
	}
	m := samples(b)[0].m
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Notify(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildNotice measures a notice in each format: seed 004's 300
// accounts (cut to fit Chatbot's 3,000 characters by a search), and
// 20,000 that must be cut to SNS's 256 KB.
func BenchmarkBuildNotice(b *testing.B) {
	big := notifytest.NoticeMessage(b)
	big.Notice.Sections[0].Groups[0].Items = notifytest.AccountIDs(9, 20000)
	for _, s := range []struct {
		name string
		m    *notify.Message
	}{{"members-300", notifytest.NoticeMessage(b)}, {"members-20000", big}} {
		for _, format := range []string{FormatChatbot, FormatRaw, FormatJSON} {
			b.Run(s.name+"/"+format, func(b *testing.B) {
				cfg := &Config{TopicARN: standardTopic, MessageFormat: format}
				opts := render.Options{Language: render.Japanese}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Build(s.m, cfg, opts, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
