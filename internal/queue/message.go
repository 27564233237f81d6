package queue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/store"
)

// kindDigest is the store's kind for a digest row.
const kindDigest = "digest"

// message rebuilds the notify.Message of a claimed delivery from the
// events the store kept; a notice delivery (store.KindNotice) becomes a
// KindNotice message carrying the stored notify.Notice. A stored event or
// notice that no longer decodes is an error: retrying cannot fix it.
func message(c *store.Claimed) (*notify.Message, error) {
	m := &notify.Message{
		Kind:        notify.Kind(c.Kind),
		Route:       c.Route,
		Destination: c.Destination,
		Key:         c.Key,
		Attempt:     c.Attempts,
	}
	if c.Previous != nil {
		m.Previous = &notify.Receipt{ID: c.Previous.ID, URL: c.Previous.URL, Channel: c.Previous.Channel, Thread: c.Previous.Thread}
	}
	if c.Kind == kindDigest {
		m.Kind = notify.KindNew
		d := &notify.Digest{GroupKey: c.GroupKey, Total: c.Total}
		for _, mem := range c.Members {
			if mem.Event == nil {
				continue
			}
			it, err := decodeStored(mem.Event)
			if err != nil {
				return nil, fmt.Errorf("digest member %d (finding %s): %w", mem.DeliveryID, mem.FindingID, err)
			}
			d.Findings = append(d.Findings, it.Finding)
		}
		if d.Total < len(d.Findings) {
			d.Total = len(d.Findings)
		}
		m.Digest = d
		return m, nil
	}
	if c.Kind == store.KindNotice {
		n, err := decodeNotice(c.Event)
		if err != nil {
			return nil, err
		}
		m.Kind, m.Notice, m.Previous = notify.KindNotice, n, nil
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("stored notice is not valid: %w", err)
		}
		return m, nil
	}
	if !m.Kind.Valid() || m.Kind == notify.KindNotice {
		return nil, fmt.Errorf("stored kind %q is not one this version sends", c.Kind)
	}
	it, err := decodeStored(c.Event)
	if err != nil {
		return nil, err
	}
	m.Finding = it.Finding
	m.Event = it.Event
	return m, nil
}

// decodeStored decodes the one-finding event the store kept.
func decodeStored(event []byte) (finding.Item, error) {
	items, errs := finding.Decode("stored event", event)
	if len(errs) > 0 {
		return finding.Item{}, fmt.Errorf("stored event does not decode: %w", errs[0])
	}
	if len(items) != 1 {
		return finding.Item{}, fmt.Errorf("stored event holds %d findings, want 1", len(items))
	}
	return items[0], nil
}

// decodeNotice decodes the notify.Notice JSON a notice delivery carries.
// Unknown fields are ignored (a newer version may have written them);
// anything after the object is an error.
func decodeNotice(body []byte) (*notify.Notice, error) {
	if len(body) == 0 {
		return nil, errors.New("stored notice has no body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var n notify.Notice
	if err := dec.Decode(&n); err != nil {
		return nil, fmt.Errorf("stored notice does not decode: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("stored notice does not decode: data after the JSON object")
	}
	return &n, nil
}
