package slack

import (
	"encoding/json"
	"errors"
	"fmt"
)

// maxBlockID is the longest block_id Slack accepts
// (https://docs.slack.dev/reference/block-kit/blocks).
const maxBlockID = 255

// overrideBlock is what checkBlocks reads of one block.
type overrideBlock struct {
	Type     string            `json:"type"`
	BlockID  *string           `json:"block_id"`
	Text     *overrideText     `json:"text"`
	Fields   []overrideText    `json:"fields"`
	Elements []json.RawMessage `json:"elements"`
}

// overrideText is a composition text object.
type overrideText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// checkBlocks checks an override's blocks against Slack's documented
// limits (see limits.go), naming the first offending path:
// "blocks[2].text.text: 3120 characters, Slack allows 3000".
func checkBlocks(blocks []json.RawMessage) error {
	if len(blocks) == 0 {
		return errors.New("blocks: is empty; Slack needs at least one block (or leave blocks out)")
	}
	if len(blocks) > maxBlocks {
		return fmt.Errorf("blocks: %d blocks, Slack allows %d", len(blocks), maxBlocks)
	}
	for i, raw := range blocks {
		var b overrideBlock
		if err := json.Unmarshal(raw, &b); err != nil {
			return fmt.Errorf("blocks[%d]: must be a block object with a \"type\": %w", i, err)
		}
		if err := checkBlock(b); err != nil {
			return fmt.Errorf("blocks[%d].%w", i, err)
		}
	}
	return nil
}

// checkBlock checks one block; its error starts with the field path.
func checkBlock(b overrideBlock) error {
	if b.Type == "" {
		return errors.New(`type: is missing`)
	}
	if b.BlockID != nil && units(*b.BlockID) > maxBlockID {
		return fmt.Errorf("block_id: %d characters, Slack allows %d", units(*b.BlockID), maxBlockID)
	}
	switch b.Type {
	case "header":
		if b.Text == nil || b.Text.Text == "" {
			return errors.New("text.text: a header needs text")
		}
		return checkText("text.text", b.Text.Text, maxHeaderText)
	case "section":
		if (b.Text == nil || b.Text.Text == "") && len(b.Fields) == 0 {
			return errors.New("text: a section needs text or fields")
		}
		if b.Text != nil {
			if err := checkText("text.text", b.Text.Text, maxSectionText); err != nil {
				return err
			}
		}
		if len(b.Fields) > maxFields {
			return fmt.Errorf("fields: %d fields, Slack allows %d", len(b.Fields), maxFields)
		}
		for j, f := range b.Fields {
			if err := checkText(fmt.Sprintf("fields[%d].text", j), f.Text, maxFieldText); err != nil {
				return err
			}
		}
	case "context":
		if len(b.Elements) == 0 || len(b.Elements) > maxContextElements {
			return fmt.Errorf("elements: %d elements, Slack allows 1 to %d", len(b.Elements), maxContextElements)
		}
		for j, raw := range b.Elements {
			var e overrideText
			if json.Unmarshal(raw, &e) == nil && (e.Type == "mrkdwn" || e.Type == "plain_text") {
				if err := checkText(fmt.Sprintf("elements[%d].text", j), e.Text, maxTextObject); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// checkText checks a text against its limit.
func checkText(path, s string, limit int) error {
	if n := units(s); n > limit {
		return fmt.Errorf("%s: %d characters, Slack allows %d", path, n, limit)
	}
	return nil
}
