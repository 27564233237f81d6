package sns

import (
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
)

// GroupID returns the MessageGroupId of m for a FIFO topic: the finding's
// account (GroupByAccount) or the finding's ID (GroupByFinding). A digest
// is grouped by the account its findings share (else by its group) or by
// its group. A finding without an account is grouped by its ID, a notice
// by its route and topic. The value
// is used as it is when SNS accepts it, else replaced by its SHA-256 (see
// fifoID). Pure; m must be valid.
func GroupID(m *notify.Message, by string) string {
	var value string
	switch {
	case m.Notice != nil:
		value = "notice:" + m.Route + ":" + m.Notice.Topic
	case m.Digest != nil && by == GroupByAccount:
		value = shared(m.Digest.Findings, func(f *finding.Finding) string { return f.AccountID })
		if value == "" {
			value = "digest:" + m.Route + ":" + m.Digest.GroupKey
		}
	case m.Digest != nil:
		value = "digest:" + m.Route + ":" + m.Digest.GroupKey
	case by == GroupByAccount && m.Finding.AccountID != "":
		value = m.Finding.AccountID
	default:
		value = m.Finding.ID
	}
	return fifoID(value)
}

// DeduplicationID returns the MessageDeduplicationId of m: the SHA-256 of
// m.Key in hex (64 characters), so a retry of the same delivery within
// SNS's five-minute deduplication interval is accepted but not delivered
// twice. Pure.
func DeduplicationID(m *notify.Message) string {
	return hash64("dedup\x00" + m.Key)
}

// fifoID returns s when it is a valid MessageGroupId: 1–128 characters of
// A–Z, a–z, 0–9 and ASCII punctuation; otherwise "sha256-" and the hex
// SHA-256 of s.
func fifoID(s string) string {
	ok := s != "" && len(s) <= MaxFIFOIDLength
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c > ' ' && c < 0x7f
	}
	if ok {
		return s
	}
	return "sha256-" + hash64(s)
}
