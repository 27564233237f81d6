package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// HeaderTopic carries a notice's topic ("members", "report") on the
// request of a notice, beside HeaderKind "notice".
const HeaderTopic = "X-Hubrelay-Topic"

// NoticeBody is the JSON body of a notice, whatever the destination's
// override (overrides shape findings):
//
//	{
//	  "kind": "notice",
//	  "topic": "members",
//	  "title": "2026/01/02",
//	  "subject": "Security Hub メンバーステータスの変更 300 件（2026/01/02）",
//	  "sections": [{"header": "…", "text": "…", "groups": [{"label": "Enabled", "items": ["123456789012"]}]}],
//	  "link": {"text": "…", "url": "https://…"},
//	  "attachment": {"name": "system-a-2026-01-02.xlsx", "content_type": "…", "size": 7299},
//	  "data": {…},
//	  "route": "members", "destination": "ops-webhook", "key": "…"
//	}
//
// Empty fields are left out. The attachment's bytes are not sent: a
// receiver fetches the file from the link. Field names are stable;
// receivers tell a notice from a finding's event by "kind" (and the
// X-Hubrelay-Kind header).
type NoticeBody struct {
	Kind        notify.Kind            `json:"kind"`
	Topic       string                 `json:"topic"`
	Title       string                 `json:"title,omitempty"`
	Subject     string                 `json:"subject"`
	Sections    []notify.NoticeSection `json:"sections,omitempty"`
	Link        *notify.NoticeLink     `json:"link,omitempty"`
	Attachment  *NoticeAttachment      `json:"attachment,omitempty"`
	Data        map[string]any         `json:"data,omitempty"`
	Route       string                 `json:"route,omitempty"`
	Destination string                 `json:"destination,omitempty"`
	Key         string                 `json:"key,omitempty"`
}

// NoticeAttachment describes a notice's attachment without its bytes.
type NoticeAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int    `json:"size"`
}

// NewNoticeBody returns the body of m, which must hold a valid notice.
// Pure.
func NewNoticeBody(m *notify.Message) NoticeBody {
	n := m.Notice
	b := NoticeBody{
		Kind: m.Kind, Topic: n.Topic, Title: n.Title, Subject: n.SubjectLine(),
		Sections: n.Sections, Link: n.Link, Data: n.Data,
		Route: m.Route, Destination: m.Destination, Key: m.Key,
	}
	if a := n.Attachment; a != nil {
		b.Attachment = &NoticeAttachment{Name: a.Name, ContentType: a.ContentType, Size: len(a.Data)}
	}
	return b
}

// noticeBody encodes m's NoticeBody without HTML escaping. Data that
// cannot be encoded as JSON is an error.
func noticeBody(m *notify.Message) (Body, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(NewNoticeBody(m)); err != nil {
		return Body{}, fmt.Errorf("notice: encode: %w", err)
	}
	return Body{ContentType: ContentTypeJSON, Data: bytes.TrimSuffix(buf.Bytes(), []byte("\n"))}, nil
}

// noticeRedactor is red, also removing the link of m's notice: it may be a
// signed URL, sent only in the body, and a receiver that echoes the
// request must not carry it into an error.
func noticeRedactor(red *notify.Redactor, m *notify.Message) *notify.Redactor {
	if m.Notice == nil || m.Notice.Link == nil {
		return red
	}
	return red.With(m.Notice.Link.URL)
}
