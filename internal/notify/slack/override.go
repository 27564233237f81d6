package slack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	goslack "github.com/slack-go/slack"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// Build builds the Slack message for m as BuildPayload does, except that
// when msg (the destination's compiled `message:` override, nil when unset)
// applies to m, its output replaces the message's text and blocks:
//
//   - format text: the output is the mrkdwn of one section block (cut to
//     Slack's 3000 characters, with a visible marker) and, cut to 500
//     characters, the notification text;
//   - format json: a JSON array is the blocks (the notification text stays
//     the built-in one); an object may hold "text" and/or "blocks", which
//     replace the built-in ones (text without blocks sends a text-only
//     message). No other key is accepted: channel, thread and unfurling
//     stay the destination's.
//
// The blocks are checked against Slack's documented limits (at most 50
// blocks, header text 150 characters, section text 3000, 10 fields of 2000,
// 10 context elements, text objects 3000, block_id 255) and an error names
// the offending path; nothing in the override's blocks is rewritten. A
// digest that msg does not apply to keeps the built-in digest; a notice
// always gets BuildNoticePayload's message (overrides render findings).
//
// Build is pure and safe for concurrent use; an error comes from the
// override (its execution, or output Slack would refuse) and is permanent
// for that message.
func Build(m *notify.Message, cfg *Config, opts render.Options, msg *render.Renderer) (*Payload, error) {
	p := BuildPayload(m, cfg, opts)
	if msg == nil || m.Notice != nil {
		return p, nil
	}
	data := overrideData(m, messageOptions(cfg, opts))
	if !msg.Applies(data) {
		return p, nil
	}
	out, err := msg.Render(data)
	if err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	if msg.Format() == render.FormatJSON {
		err = applyJSONOverride(p, out)
	} else {
		applyTextOverride(p, string(out))
	}
	if err != nil {
		return nil, fmt.Errorf("slack: %s: message: output: %w", msg.Name(), err)
	}
	return p, nil
}

// messageOptions returns opts with the language BuildPayload uses.
func messageOptions(cfg *Config, opts render.Options) render.Options {
	if cfg.Language != "" {
		opts.Language = render.Language(cfg.Language)
	}
	if opts.Language != render.Japanese {
		opts.Language = render.English
	}
	return opts
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

// applyTextOverride makes text (mrkdwn as the user wrote it) the one
// section of p and its notification text.
func applyTextOverride(p *Payload, text string) {
	text = strings.TrimRightFunc(text, unicode.IsSpace)
	p.Text = cutUnits(text, fallbackTextBudget)
	p.Blocks = []goslack.Block{section(cutUnits(text, maxSectionText))}
}

// cutUnits cuts s to at most max UTF-16 units, ending a cut with "…". A
// cut never leaves half a <link|text> or <!mention>: it moves before the
// "<" the cut would leave open.
func cutUnits(s string, max int) string {
	if units(s) <= max {
		return s
	}
	used := 0
	for i, r := range s {
		if used+runeUnits(r) > max-1 {
			cut := s[:i]
			if open := strings.LastIndexByte(cut, '<'); open > strings.LastIndexByte(cut, '>') {
				cut = cut[:open]
			}
			return strings.TrimRightFunc(cut, unicode.IsSpace) + "…"
		}
		used += runeUnits(r)
	}
	return s
}

// overrideObject is the object form of a json override.
type overrideObject struct {
	Text   *string           `json:"text"`
	Blocks []json.RawMessage `json:"blocks"`
}

// applyJSONOverride merges out (a blocks array, or an object with text
// and/or blocks) into p after checking it against Slack's limits.
func applyJSONOverride(p *Payload, out []byte) error {
	trimmed := bytes.TrimSpace(out)
	var obj overrideObject
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		if err := json.Unmarshal(trimmed, &obj.Blocks); err != nil {
			return fmt.Errorf("a JSON array must be the message's blocks: %w", err)
		}
		if obj.Blocks == nil {
			obj.Blocks = []json.RawMessage{}
		}
	case len(trimmed) > 0 && trimmed[0] == '{':
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&obj); err != nil {
			return fmt.Errorf("must be a blocks array or an object with \"text\" and/or \"blocks\" (channel and thread are the destination's): %w", err)
		}
		if obj.Text == nil && obj.Blocks == nil {
			return fmt.Errorf(`the object has neither "text" nor "blocks"`)
		}
	default:
		return fmt.Errorf("must be a blocks array or an object with \"text\" and/or \"blocks\", not %s", jsonKind(trimmed))
	}
	if obj.Blocks != nil {
		if err := checkBlocks(obj.Blocks); err != nil {
			return err
		}
	}
	if obj.Text != nil {
		text := strings.TrimSpace(*obj.Text)
		switch {
		case text == "" && obj.Blocks == nil:
			return fmt.Errorf("text: is empty and there are no blocks")
		case units(text) > maxMessageText:
			return fmt.Errorf("text: %d characters, Slack allows %d", units(text), maxMessageText)
		case text != "":
			p.Text = text
		}
		if obj.Blocks == nil {
			p.Blocks = nil // a text-only message
		}
	}
	if obj.Blocks != nil {
		p.Blocks = make([]goslack.Block, len(obj.Blocks))
		for i, b := range obj.Blocks {
			p.Blocks[i] = rawBlock(b)
		}
	}
	return nil
}

// jsonKind names the kind of JSON value data starts with, for errors.
func jsonKind(data []byte) string {
	if len(data) == 0 {
		return "nothing"
	}
	switch data[0] {
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// rawBlock is a block of an override, sent exactly as written.
type rawBlock json.RawMessage

// BlockType returns the block's "type".
func (b rawBlock) BlockType() goslack.MessageBlockType {
	var v struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(b, &v)
	return goslack.MessageBlockType(v.Type)
}

// ID returns the block's "block_id".
func (b rawBlock) ID() string {
	var v struct {
		ID string `json:"block_id"`
	}
	_ = json.Unmarshal(b, &v)
	return v.ID
}

// MarshalJSON returns the block as the override wrote it.
func (b rawBlock) MarshalJSON() ([]byte, error) { return json.RawMessage(b).MarshalJSON() }
