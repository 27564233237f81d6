package stdout_test

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/notify/stdout"
)

// TestNoticeRecordGolden pins the record of every notice sample: one JSON
// line of kind notice.
func TestNoticeRecordGolden(t *testing.T) {
	for _, s := range notifytest.NoticeSamples(t) {
		t.Run(s.Name, func(t *testing.T) {
			line, err := stdout.Marshal(stdout.NewRecord(s.Message, notifytest.Now(), ""), false)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Count(line, []byte("\n")) != 1 || !json.Valid(line) {
				t.Errorf("not one JSON line: %q", line)
			}
			notifytest.Golden(t, "testdata/"+s.Name+".jsonl", line)
		})
	}
}

// TestNoticeRecordShape decodes a report notice's record as a script
// would: the notice as composed, the attachment by name, type and size.
func TestNoticeRecordShape(t *testing.T) {
	m := notifytest.NoticeSamples(t)[2].Message
	line, err := stdout.Marshal(stdout.NewRecord(m, notifytest.Now(), ""), false)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Kind   string `json:"kind"`
		Route  string `json:"route"`
		Notice struct {
			Topic, Title, Subject string
			Sections              []notify.NoticeSection
			Link                  notify.NoticeLink
			Attachment            map[string]any
			Data                  map[string]any
		} `json:"notice"`
	}
	if err := json.Unmarshal(line, &rec); err != nil {
		t.Fatal(err)
	}
	n := m.Notice
	got := rec.Notice
	if rec.Kind != "notice" || rec.Route != m.Route || got.Topic != "report" || got.Subject != n.Subject ||
		got.Link != *n.Link || !reflect.DeepEqual(got.Sections, n.Sections) || got.Data["project"] != "system-a" {
		t.Errorf("record %s", line)
	}
	if got.Attachment["name"] != n.Attachment.Name || got.Attachment["size"] != float64(len(n.Attachment.Data)) {
		t.Errorf("attachment %v", got.Attachment)
	}
	if len(line) > 4000 {
		t.Errorf("%d bytes: the attachment's bytes are in the record", len(line))
	}
}

func TestNoticeNotify(t *testing.T) {
	var out syncBuffer
	n := newStdout(t, `{}`, &out)
	m := notifytest.NoticeMessage(t)
	if rc, err := n.Notify(t.Context(), m); err != nil || !rc.IsZero() {
		t.Fatalf("Notify = %+v, %v", rc, err)
	}
	want, _ := stdout.Marshal(stdout.NewRecord(m, notifytest.Now(), "us-east-1"), false)
	if out.String() != string(want) {
		t.Errorf("wrote %q", out.String())
	}
	// Data JSON cannot hold is refused for good; nothing is written.
	m.Notice.Data = map[string]any{"ratio": math.Inf(1)}
	_, err := n.Notify(t.Context(), m)
	notifytest.CheckError(t, err, false, 0)
	if err == nil || !strings.Contains(err.Error(), "stdout: encode") || out.String() != string(want) {
		t.Errorf("error %v; output %d bytes", err, len(out.String()))
	}
}

// FuzzNoticeRecord writes records of random notices: always one line of
// valid JSON (pretty: one object), or an error for data JSON cannot hold.
//
//	go test -run '^$' -fuzz '^FuzzNoticeRecord$' -fuzztime 60s ./internal/notify/stdout
func FuzzNoticeRecord(f *testing.F) {
	f.Add("members", "2026/01/02", "Security Hub メンバーステータスの変更", "Enabled", "123456789012\n<b>", 1.5, false)
	f.Add("report", "\u2028\x00\xff", "\"}{", "", "", math.Inf(-1), true)
	f.Fuzz(func(t *testing.T, topic, title, header, label, item string, number float64, pretty bool) {
		m := &notify.Message{Kind: notify.KindNotice, Key: "k", Notice: &notify.Notice{
			Topic: topic, Title: title, Subject: header,
			Sections:   []notify.NoticeSection{{Header: header, Text: title, Groups: []notify.NoticeGroup{{Label: label, Items: []string{item, item}}}}},
			Link:       &notify.NoticeLink{Text: label, URL: item},
			Attachment: &notify.NoticeAttachment{Name: label, Data: []byte(item)},
			Data:       map[string]any{label: number},
		}}
		if m.Validate() != nil {
			return
		}
		line, err := stdout.Marshal(stdout.NewRecord(m, notifytest.Now(), ""), pretty)
		if math.IsNaN(number) || math.IsInf(number, 0) {
			if err == nil {
				t.Fatal("NaN or Inf encoded")
			}
			return
		}
		if err != nil || !json.Valid(line) || !bytes.HasSuffix(line, []byte("\n")) {
			t.Fatalf("record %q: %v", line, err)
		}
		if !pretty && bytes.Count(line, []byte("\n")) != 1 {
			t.Fatalf("record spans lines: %q", line)
		}
	})
}
