package notify

import (
	"errors"
	"fmt"
	"sort"
)

// Notice is a message that is not about one finding: the membership of
// Security Hub changed, a project's report is ready. The package that
// composes it (members, report) writes every user-facing string in the
// configured language; destinations only lay it out, so one Notice reads
// the same in Slack, Teams, email, SNS or a webhook.
//
// The layout follows what users built by hand (seed 004): a header with the
// date, then sections, each with its own header, an optional bold label per
// group and a bulleted list of items, separated by dividers.
type Notice struct {
	// Topic says what the notice is about: "members" or "report". Webhook
	// consumers and templates branch on it; it is a stable lower-case word.
	Topic string `json:"topic"`
	// Title is the first header (seed 004: the date, 2026/11/20). Email
	// uses it as the subject when Subject is empty.
	Title string `json:"title"`
	// Subject is a one-line summary for email subjects, SNS subjects and
	// chat notifications (the text a phone shows); default Title.
	Subject string `json:"subject,omitempty"`
	// Sections are shown in order.
	Sections []NoticeSection `json:"sections,omitempty"`
	// Link is the notice's main link (a report's download link); nil when
	// there is none. It may be a signed URL: destinations show it only in
	// the message body, never in logs or errors.
	Link *NoticeLink `json:"link,omitempty"`
	// Attachment is a file that destinations able to carry one (email)
	// attach; others show Link instead. nil when there is none.
	Attachment *NoticeAttachment `json:"attachment,omitempty"`
	// Data is the notice's content in machine-readable form (a members
	// diff, a report summary) for webhook and SNS consumers; nil when
	// there is none. It must be a JSON object.
	Data map[string]any `json:"data,omitempty"`
}

// NoticeSection is one part of a Notice: a header, optional free text, and
// groups of items.
type NoticeSection struct {
	// Header is the section's heading ("Security Hub メンバーステータスの変更").
	Header string `json:"header,omitempty"`
	// Text is a paragraph shown under the header, plain text.
	Text string `json:"text,omitempty"`
	// Groups are labelled lists shown under the text.
	Groups []NoticeGroup `json:"groups,omitempty"`
}

// NoticeGroup is a labelled list: the label in bold ("Resigned"), then one
// bullet per item ("123456789012").
type NoticeGroup struct {
	Label string   `json:"label,omitempty"`
	Items []string `json:"items,omitempty"`
}

// NoticeLink is a link with the text to show for it.
type NoticeLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// NoticeAttachment is a file carried with a notice.
type NoticeAttachment struct {
	// Name is the file name shown to the reader (report-2026-11-23.xlsx).
	Name string `json:"name"`
	// ContentType is the MIME type.
	ContentType string `json:"content_type"`
	// Data is the file's content.
	Data []byte `json:"data"`
}

// SubjectLine returns Subject, or Title when Subject is empty.
func (n *Notice) SubjectLine() string {
	if n.Subject != "" {
		return n.Subject
	}
	return n.Title
}

func (n *Notice) validate() error {
	switch {
	case n.Topic == "":
		return errors.New("message: notice.topic is empty")
	case n.Title == "" && n.Subject == "":
		return errors.New("message: notice has neither title nor subject")
	case n.Link != nil && n.Link.URL == "":
		return errors.New("message: notice.link.url is empty")
	case n.Attachment != nil && n.Attachment.Name == "":
		return errors.New("message: notice.attachment.name is empty")
	}
	for i, s := range n.Sections {
		for j, g := range s.Groups {
			if g.Label == "" && len(g.Items) == 0 {
				return fmt.Errorf("message: notice.sections[%d].groups[%d] has neither label nor items", i, j)
			}
		}
	}
	return nil
}

// FairShare shares total among groups holding counts items: water-filling,
// so a group holding fewer than an equal share shows all of them and the
// others share the rest equally. Every group with items shows at least
// one. Notice builders use it to cut long lists fairly when a
// destination's size limit is reached.
func FairShare(counts []int, total int) []int {
	shown := make([]int, len(counts))
	sum := 0
	for _, n := range counts {
		sum += n
	}
	if sum <= total {
		copy(shown, counts)
		return shown
	}
	order := make([]int, 0, len(counts))
	for i, n := range counts {
		if n > 0 {
			shown[i] = 1
			total--
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return counts[order[a]] < counts[order[b]] })
	for k, i := range order {
		if total <= 0 {
			break
		}
		share := total / (len(order) - k)
		if k == len(order)-1 {
			share = total
		}
		extra := min(counts[i]-1, share)
		shown[i] += extra
		total -= extra
	}
	return shown
}
