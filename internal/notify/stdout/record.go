package stdout

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
)

// Record is the JSON object written for one message. A single-finding
// message fills the finding fields; a digest fills group_key, total and
// finding_ids; a notice fills notice. Empty fields are left out. Field names are stable: scripts
// read them.
type Record struct {
	// Time is when the record was written (RFC 3339, Env.Location).
	Time string `json:"time"`
	// Kind, Route, Destination and Key are the message's.
	Kind        notify.Kind `json:"kind"`
	Route       string      `json:"route,omitempty"`
	Destination string      `json:"destination,omitempty"`
	Key         string      `json:"key,omitempty"`

	// FindingID to ConsoleURL describe a single-finding message.
	FindingID   string   `json:"finding_id,omitempty"`
	Title       string   `json:"title,omitempty"`
	Severity    string   `json:"severity,omitempty"` // the label: INFORMATIONAL … CRITICAL
	Account     string   `json:"account,omitempty"`
	Region      string   `json:"region,omitempty"`
	Product     string   `json:"product,omitempty"` // product name, else product ARN
	ResourceIDs []string `json:"resource_ids,omitempty"`
	Compliance  string   `json:"compliance,omitempty"` // compliance status
	Workflow    string   `json:"workflow,omitempty"`   // workflow status
	RecordState string   `json:"record_state,omitempty"`
	ConsoleURL  string   `json:"console_url,omitempty"` // the Security Hub console link

	// GroupKey, Total and FindingIDs describe a digest.
	GroupKey   string   `json:"group_key,omitempty"`
	Total      int      `json:"total,omitempty"`
	FindingIDs []string `json:"finding_ids,omitempty"`

	// Notice is a notice's content (kind "notice").
	Notice *NoticeRecord `json:"notice,omitempty"`
}

// NoticeRecord is a notice in a Record: as composed, with its attachment
// described by name, type and size (its bytes are not written).
type NoticeRecord struct {
	Topic      string                 `json:"topic"`
	Title      string                 `json:"title,omitempty"`
	Subject    string                 `json:"subject"`
	Sections   []notify.NoticeSection `json:"sections,omitempty"`
	Link       *notify.NoticeLink     `json:"link,omitempty"`
	Attachment *NoticeAttachment      `json:"attachment,omitempty"`
	Data       map[string]any         `json:"data,omitempty"`
}

// NoticeAttachment describes a notice's attachment without its bytes.
type NoticeAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int    `json:"size"`
}

// NewRecord builds the record of m, written at the time at. A notice's
// link is written as it is (the record is the message's body); its
// attachment only by name, type and size. region is the
// Security Hub aggregation region the console link opens in (empty: the
// finding's own region). Pure: the same arguments give the same record.
// m must be valid (notify.Message.Validate).
func NewRecord(m *notify.Message, at time.Time, region string) Record {
	rec := Record{
		Time:        at.Format(time.RFC3339Nano),
		Kind:        m.Kind,
		Route:       m.Route,
		Destination: m.Destination,
		Key:         m.Key,
	}
	if f := m.Finding; f != nil {
		rec.FindingID = f.ID
		rec.Title = f.Title
		rec.Severity = f.Severity.Label
		rec.Account = f.AccountID
		rec.Region = f.Region
		rec.Product = product(f)
		rec.ResourceIDs = resourceIDs(f)
		rec.Compliance = f.Compliance.Status
		rec.Workflow = f.Workflow
		rec.RecordState = f.RecordState
		rec.ConsoleURL = finding.ConsoleURL(f, region)
	}
	if n := m.Notice; n != nil {
		rec.Notice = &NoticeRecord{Topic: n.Topic, Title: n.Title, Subject: n.SubjectLine(),
			Sections: n.Sections, Link: n.Link, Data: n.Data}
		if a := n.Attachment; a != nil {
			rec.Notice.Attachment = &NoticeAttachment{Name: a.Name, ContentType: a.ContentType, Size: len(a.Data)}
		}
	}
	if d := m.Digest; d != nil {
		rec.GroupKey = d.GroupKey
		rec.Total = d.Total
		rec.FindingIDs = make([]string, 0, len(d.Findings))
		for _, f := range d.Findings {
			rec.FindingIDs = append(rec.FindingIDs, f.ID)
		}
	}
	return rec
}

func product(f *finding.Finding) string {
	if f.ProductName != "" {
		return f.ProductName
	}
	return f.ProductARN
}

func resourceIDs(f *finding.Finding) []string {
	if len(f.Resources) == 0 {
		return nil
	}
	ids := make([]string, 0, len(f.Resources))
	for _, r := range f.Resources {
		if r.ID != "" {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// Marshal encodes rec as one line of JSON ending in a newline, or, when
// pretty, as an indented object followed by a newline. HTML characters are
// not escaped, so titles read as written.
func Marshal(rec Record, pretty bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if pretty {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(rec); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
