package sns

import (
	"fmt"
	"unicode/utf8"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// The `message:` override (Config.Message, a render.Override) replaces the
// SNS message itself, the Message parameter of Publish, whatever
// message_format says:
//
//   - format text: the output is published as written (for email and SMS
//     subscriptions, or consumers that read plain text), cut with render's
//     truncation marker when it would pass MaxMessageBytes with the
//     attributes;
//   - format json: the output must be valid JSON (render checks it) and is
//     published as written; JSON over MaxMessageBytes cannot be cut and is
//     an error for that message;
//   - format html is refused: SNS delivers no HTML (email subscriptions
//     are plain text).
//
// The subject, message attributes, FIFO group and deduplication IDs and
// the thread key stay as message_format makes them (raw: no subject). A
// digest the override does not render (an input transformer, or a
// template that never reads .Digest) keeps the built-in digest message of
// message_format.

// checkOverride reports what is wrong with o, naming the field
// ("message.template: line 2: …"); the zero Override is valid.
func checkOverride(o render.Override) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.Format == render.FormatHTML {
		return fmt.Errorf("message.format: html: SNS delivers no HTML (email subscriptions are plain text); use text or json")
	}
	return nil
}

// overrideData is m as an override template sees it. A digest's view
// counts the whole group (m.Digest.Total) when the message lists only some
// of its findings.
func overrideData(m *notify.Message, opts render.Options) render.Data {
	d := render.Data{Finding: m.Finding, Event: m.Event, Kind: string(m.Kind),
		Route: m.Route, Destination: m.Destination, Language: opts.Language}
	if m.Digest != nil {
		dv := render.NewDigestView(m.Digest.Findings, opts)
		if m.Digest.Total > dv.Total {
			dv.More += m.Digest.Total - dv.Total
			dv.Total = m.Digest.Total
			dv.Title = render.Translate(opts.Language, render.MsgDigestTitle, dv.Total)
			dv.MoreText = render.Translate(opts.Language, render.MsgAndMore, dv.More)
		}
		d.Digest = &dv
	}
	return d
}

// overrideMessage renders msg for data as the SNS message, within room
// bytes: text is cut to fit, JSON that does not fit is an error naming the
// override.
func overrideMessage(msg *render.Renderer, data render.Data, room int, lang render.Language) (string, error) {
	out, err := msg.Render(data)
	if err != nil {
		return "", err
	}
	if len(out) <= room {
		return string(out), nil
	}
	if msg.Format() == render.FormatJSON {
		return "", fmt.Errorf("render: %s: message: output is %d bytes with the attributes' room at %d; SNS accepts at most %d bytes (cut long values with truncate)",
			msg.Name(), len(out), room, MaxMessageBytes)
	}
	return fitText(string(out), room, lang), nil
}

// fitText cuts s to at most room bytes, ending it with render's truncation
// marker, at a character boundary.
func fitText(s string, room int, lang render.Language) string {
	for n := utf8.RuneCountInString(s[:max(room-64, 0)]); n > 0; n = n * 9 / 10 {
		if cut := render.Truncate(s, n, lang); len(cut) <= room {
			return cut
		}
	}
	return ""
}
