package sns

import (
	"fmt"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Publication is what one Publish call sends: the message and its subject,
// attributes and, for a FIFO topic, group and deduplication IDs. Thread is
// not sent; it is the thread key recorded in the receipt.
type Publication struct {
	Subject         string      `json:"subject,omitempty"`
	Message         string      `json:"message"`
	Attributes      []Attribute `json:"attributes,omitempty"`
	GroupID         string      `json:"message_group_id,omitempty"`
	DeduplicationID string      `json:"message_deduplication_id,omitempty"`
	Thread          string      `json:"thread"`
}

// Size is what SNS counts against MaxMessageBytes: the message and its
// attributes.
func (p Publication) Size() int { return len(p.Message) + attributesSize(p.Attributes) }

// Build builds the Publication of m for cfg's topic and message format,
// with opts setting language, time zone and console region. It is pure:
// the same arguments give the same Publication. m must be valid
// (notify.Message.Validate) and cfg valid (Config.Validate).
//
// The message is, by format: the Chatbot custom notification
// (NewChatbotNotification); the EventBridge event itself (notify.FindingEvent,
// notify.DigestEvent), without a subject, as an EventBridge rule would have
// published it; or the Document. Every message is valid JSON within
// MaxMessageBytes together with its attributes: long texts are cut and a
// digest event carries the findings that fit. Build fails only when a raw
// event cannot be had or does not fit even alone.
//
// msg is the destination's compiled `message:` override (Config.Message,
// compiled once by New; nil when unset). When it applies to m its output
// is the message instead (see overrideMessage); the subject, attributes
// and FIFO IDs stay those of cfg's message format, and a digest msg does
// not render keeps the built-in digest message.
//
// A notice (m.Notice) is published with NoticeSubject, the attributes
// kind ("notice") and topic (AttrTopic), and, by format: its Chatbot
// notification (NewChatbotNoticeNotification), the Document with its
// NoticeDocument (Data left out, then items, when it would not fit), or,
// for a raw topic, which has no EventBridge event to publish, the notice
// as plain text. The override does not apply to a notice.
func Build(m *notify.Message, cfg *Config, opts render.Options, msg *render.Renderer) (Publication, error) {
	topic, err := ParseTopicARN(cfg.TopicARN)
	if err != nil {
		return Publication{}, fmt.Errorf("topic_arn: %w", err)
	}
	if m.Notice != nil {
		return buildNotice(m, cfg, opts, topic.FIFO)
	}
	p := Publication{Attributes: Attributes(m), Thread: threadID(m)}
	if topic.FIFO {
		p.GroupID = GroupID(m, cfg.group())
		p.DeduplicationID = DeduplicationID(m)
	}
	room := MaxMessageBytes - attributesSize(p.Attributes)
	if msg != nil {
		if data := overrideData(m, opts); msg.Applies(data) {
			if cfg.format() != FormatRaw {
				p.Subject = Subject(m)
			}
			if p.Message, err = overrideMessage(msg, data, room, opts.Language); err != nil {
				return Publication{}, err
			}
			return p, nil
		}
	}
	switch cfg.format() {
	case FormatRaw:
		var event []byte
		if m.Digest != nil {
			event, err = notify.DigestEvent(m, opts, room)
		} else {
			event, err = notify.FindingEvent(m)
		}
		if err != nil {
			return Publication{}, err
		}
		p.Message = string(event)
	case FormatJSON:
		p.Subject = Subject(m)
		data, err := marshal(NewDocument(m, opts, p.Thread))
		if err != nil {
			return Publication{}, fmt.Errorf("json: encode: %w", err)
		}
		// Too big (hostile or very long finding text): cut every long
		// string until it fits.
		for _, n := range []int{20000, 2000, 200} {
			if len(data) <= room {
				break
			}
			if data, err = truncateStrings(data, n, opts.Language); err != nil {
				return Publication{}, fmt.Errorf("json: shorten: %w", err)
			}
		}
		p.Message = string(data)
	default:
		p.Subject = Subject(m)
		data, err := marshal(NewChatbotNotification(m, opts, p.Thread))
		if err != nil {
			return Publication{}, fmt.Errorf("chatbot: encode: %w", err)
		}
		p.Message = string(data)
	}
	if size := p.Size(); size > MaxMessageBytes {
		return Publication{}, fmt.Errorf("message: %d bytes with its attributes, more than the %d SNS accepts", size, MaxMessageBytes)
	}
	return p, nil
}
