package notify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/render"
)

// The event builders below serve the destinations that send what
// EventBridge would have sent (package sns in its raw format, package
// webhook as an API destination body).

// FindingEvent returns the EventBridge event of a single-finding message as
// an EventBridge rule delivers it to a target (an SNS topic, or the body of
// an API destination request): m.Event as received, or,
// when the finding did not arrive in an event, the envelope Security Hub
// would have sent (finding.Wrap). The JSON is compacted, as EventBridge
// sends it, and any invalid UTF-8 is replaced. Called by notifiers while
// building a delivery; pure, so safe for concurrent use.
func FindingEvent(m *Message) ([]byte, error) {
	if m.Finding == nil {
		return nil, errors.New("event: the message holds no single finding")
	}
	event := m.Event
	if len(bytes.TrimSpace(event)) == 0 {
		if len(m.Finding.Raw) == 0 {
			return nil, errors.New("event: the finding has neither its event nor its raw JSON")
		}
		wrapped, err := finding.Wrap(m.Finding.Raw)
		if err != nil {
			return nil, fmt.Errorf("event: %w", err)
		}
		event = wrapped
	}
	return compactJSON(event)
}

// eventHead is the envelope of an EventBridge event, without its detail.
type eventHead struct {
	Version    string   `json:"version"`
	ID         string   `json:"id"`
	DetailType string   `json:"detail-type"`
	Source     string   `json:"source"`
	Account    string   `json:"account"`
	Time       string   `json:"time"`
	Region     string   `json:"region"`
	Resources  []string `json:"resources"`
}

// digestEventJSON is the event DigestEvent writes.
type digestEventJSON struct {
	eventHead
	Detail digestDetail `json:"detail"`
}

type digestDetail struct {
	Findings []json.RawMessage `json:"findings"`
	Digest   DigestSummary     `json:"hubrelayDigest"`
}

// DigestSummary describes a digest inside its event (detail.hubrelayDigest),
// for consumers that want the counts without reading every finding.
// DigestEvent writes it; consumers (and tests) decode it. A plain value.
type DigestSummary struct {
	GroupKey string `json:"groupKey"`
	// Total is how many findings the group held; Included how many the
	// event carries (fewer when the digest was truncated or did not fit).
	Total    int `json:"total"`
	Included int `json:"included"`
	// Counts are the included findings per severity label (UNKNOWN for
	// findings without one).
	Counts     map[string]int `json:"counts"`
	ConsoleURL string         `json:"consoleUrl,omitempty"`
}

// DigestEvent returns one EventBridge-shaped event carrying the findings of
// a digest message in detail.findings (in the digest's order, each as
// received), the way a Security Hub event carries findings, so consumers
// that read detail.findings keep working. Its envelope is that of the first
// finding (finding.Wrap) with the resources of all, the latest time, an id
// derived from m.Key, and detail.hubrelayDigest summarizing the group.
// Findings that would take the event over limit bytes are left out from
// the end; at least one is kept. Called by notifiers while building a
// delivery; pure, so safe for concurrent use.
func DigestEvent(m *Message, opts render.Options, limit int) ([]byte, error) {
	d := m.Digest
	if d == nil || len(d.Findings) == 0 {
		return nil, errors.New("event: the message holds no digest")
	}
	heads := make([]eventHead, len(d.Findings))
	raws := make([]json.RawMessage, len(d.Findings))
	for i, f := range d.Findings {
		if len(f.Raw) == 0 {
			return nil, fmt.Errorf("event: digest finding %d has no raw JSON", i)
		}
		wrapped, err := finding.Wrap(f.Raw)
		if err != nil {
			return nil, fmt.Errorf("event: digest finding %d: %w", i, err)
		}
		if err := json.Unmarshal(wrapped, &heads[i]); err != nil {
			return nil, fmt.Errorf("event: digest finding %d: %w", i, err)
		}
		raw, err := compactJSON(f.Raw)
		if err != nil {
			return nil, fmt.Errorf("event: digest finding %d: %w", i, err)
		}
		raws[i] = raw
	}
	view := render.NewDigestView(d.Findings, opts)
	build := func(n int) ([]byte, error) {
		ev := digestEventJSON{eventHead: heads[0]}
		ev.ID = uuidFromKey(m.Key)
		ev.Resources = nil
		for _, h := range heads[:n] {
			ev.Resources = append(ev.Resources, h.Resources...)
			if h.Time > ev.Time {
				ev.Time = h.Time
			}
		}
		ev.Detail.Findings = raws[:n]
		ev.Detail.Digest = DigestSummary{
			GroupKey: d.GroupKey, Total: max(d.Total, len(d.Findings)), Included: n,
			Counts: severityCounts(d.Findings[:n]), ConsoleURL: view.ConsoleURL,
		}
		return marshalEvent(ev)
	}
	n := fittingCount(heads, raws, limit)
	for ; ; n-- {
		out, err := build(n)
		if err != nil || len(out) <= limit || n == 1 {
			return out, err
		}
	}
}

// fittingCount estimates how many findings fit limit bytes, erring high
// (DigestEvent then checks by building).
func fittingCount(heads []eventHead, raws []json.RawMessage, limit int) int {
	const overhead = 1024 // envelope, summary and separators
	size := overhead
	for i := range raws {
		size += len(raws[i]) + 1
		for _, r := range heads[i].Resources {
			size += len(r) + 3
		}
		if size > limit {
			return max(i, 1)
		}
	}
	return len(raws)
}

// severityCounts counts findings per severity label.
func severityCounts(fs []*finding.Finding) map[string]int {
	counts := map[string]int{}
	for _, f := range fs {
		label := render.SingleLine(f.Severity.Label)
		if label == "" {
			label = "UNKNOWN"
		}
		counts[label]++
	}
	return counts
}

// hash32 is the first 32 hex digits of the SHA-256 of s.
func hash32(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// uuidFromKey formats 32 hex digits derived from key as a UUID, for event
// ids that stay the same on every retry of a delivery.
func uuidFromKey(key string) string {
	h := hash32("event\x00" + key)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// compactJSON compacts data, replacing invalid UTF-8 first; it fails when
// data is not one JSON value.
func compactJSON(data []byte) ([]byte, error) {
	data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	var buf bytes.Buffer
	buf.Grow(len(data))
	if err := json.Compact(&buf, data); err != nil {
		return nil, fmt.Errorf("event: not valid JSON: %w", err)
	}
	return buf.Bytes(), nil
}

// marshalEvent encodes v as compact JSON without escaping "<", ">" and "&",
// so text reads as written.
func marshalEvent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
