package securityhub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/store"
)

// MaxBatch is the most findings one BatchUpdateFindings or
// BatchUpdateFindingsV2 call takes.
const MaxBatch = 100

// UpdaterOptions say what the Updater writes on a finding. At least one
// must be true.
type UpdaterOptions struct {
	// MarkNotified sets Workflow.Status NOTIFIED (ASFF) or status_id 2,
	// "In Progress" (OCSF). Config: securityhub.mark_notified.
	MarkNotified bool
	// Note writes a note (OCSF: the comment) listing the receipts of the
	// episode's deliveries: ticket keys and links. Config:
	// securityhub.note.
	Note bool
	// TicketFields writes each ticket key into UserDefinedFields as
	// "hubrelay_<destination>" (ASFF only; OCSF findings have no such
	// field). Config: securityhub.ticket_fields.
	TicketFields bool
	// Log receives one line per call and per finding Security Hub did not
	// update; nil discards them.
	Log *slog.Logger
}

// Updater writes the outcome of deliveries back to Security Hub. It
// implements the queue's Marker. Safe for concurrent use.
type Updater struct {
	c   *Client
	opt UpdaterOptions
	log *slog.Logger
}

// NewUpdater returns an Updater calling Security Hub through c. The
// command that wires hubrelay creates it once and hands it to the queue.
func NewUpdater(c *Client, opt UpdaterOptions) (*Updater, error) {
	if c == nil {
		return nil, errors.New("securityhub: updater: no client")
	}
	if !opt.MarkNotified && !opt.Note && !opt.TicketFields {
		return nil, errors.New("securityhub: updater: nothing to write: mark_notified, note and ticket_fields are all off")
	}
	log := opt.Log
	if log == nil {
		log = c.log
	}
	return &Updater{c: c, opt: opt, log: log}, nil
}

// UnprocessedError is why Security Hub did not update one finding: the
// ErrorCode and ErrorMessage of its UnprocessedFindings entry.
type UnprocessedError struct {
	FindingID  string
	ProductARN string // empty for an OCSF finding
	Code       string // e.g. FindingNotFound, ConcurrentUpdateError
	Message    string
}

// Error returns "securityhub: finding ID not updated: CODE: MESSAGE".
func (e *UnprocessedError) Error() string {
	msg := "securityhub: finding " + e.FindingID + " not updated: " + e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Mark writes what the options ask for on the findings of items: for each
// group of findings that get the same note and fields (all of them when
// notes are off or shared), one BatchUpdateFindings call per MaxBatch
// findings, BatchUpdateFindingsV2 for OCSF findings. Security Hub takes one
// note per call, so findings with tickets of their own take a call each.
//
// Findings Security Hub reports in UnprocessedFindings, and those of a call
// that failed after the SDK's retries while other calls succeeded, are
// returned in failed by Feedback.ID; the others were updated. err is set
// only when no call succeeded: then nothing was updated for sure and every
// item should be tried again. The queue's feedback job calls Mark with at
// most 100 items; more are split.
func (u *Updater) Mark(ctx context.Context, items []store.Feedback) (failed map[int64]error, err error) {
	failed = map[int64]error{}
	groups := u.group(items, failed)
	calls, ok := 0, 0
	var firstErr error
	for _, g := range groups {
		for start := 0; start < len(g.targets); start += MaxBatch {
			chunk := g.targets[start:min(start+MaxBatch, len(g.targets))]
			var err error
			if g.format == finding.FormatOCSF {
				err = u.updateV2(ctx, g, chunk, failed)
			} else {
				err = u.update(ctx, g, chunk, failed)
			}
			calls++
			if err == nil {
				ok++
				continue
			}
			if firstErr == nil {
				firstErr = err
			}
			for _, t := range chunk {
				for _, it := range t.items {
					failed[it.ID] = err
				}
			}
		}
	}
	if calls > 0 && ok == 0 {
		return nil, firstErr
	}
	return failed, nil
}

// group is the findings that get one update.
type group struct {
	format  finding.Format
	note    string
	fields  map[string]string
	targets []*target
	index   map[string]*target
}

// target is one finding of a group, with the feedback rows that name it
// (two episodes of one finding may be due together).
type target struct {
	id, productARN string
	items          []store.Feedback
}

// group sorts items into groups by format and update, in input order.
// Items without the identifiers Security Hub needs go to failed.
func (u *Updater) group(items []store.Feedback, failed map[int64]error) []*group {
	var out []*group
	byKey := map[string]*group{}
	for _, it := range items {
		format := it.Format
		if format != finding.FormatOCSF {
			format = finding.FormatASFF
		}
		switch {
		case it.FindingID == "":
			failed[it.ID] = fmt.Errorf("securityhub: feedback %d: the finding has no ID", it.ID)
			continue
		case format == finding.FormatASFF && it.ProductARN == "":
			failed[it.ID] = fmt.Errorf("securityhub: feedback %d: finding %s has no product ARN", it.ID, it.FindingID)
			continue
		}
		var note string
		var fields map[string]string
		if u.opt.Note {
			note = noteText(it.Notes)
		}
		if u.opt.TicketFields && format == finding.FormatASFF {
			fields = ticketFields(it.Notes)
		}
		key := groupKey(format, note, fields)
		g := byKey[key]
		if g == nil {
			g = &group{format: format, note: note, fields: fields, index: map[string]*target{}}
			byKey[key] = g
			out = append(out, g)
		}
		tkey := it.ProductARN + "|" + it.FindingID
		if format == finding.FormatOCSF {
			tkey = it.FindingID
		}
		t := g.index[tkey]
		if t == nil {
			t = &target{id: it.FindingID, productARN: it.ProductARN}
			g.index[tkey] = t
			g.targets = append(g.targets, t)
		}
		t.items = append(t.items, it)
	}
	return out
}

func groupKey(format finding.Format, note string, fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(string(format))
	b.WriteByte(0)
	b.WriteString(note)
	for _, k := range keys {
		b.WriteByte(0)
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(fields[k])
	}
	return b.String()
}

// unprocessed records one UnprocessedFindings entry for every item of the
// target it names; it reports whether it knew the target.
func unprocessed(t *target, e *UnprocessedError, failed map[int64]error) bool {
	if t == nil {
		return false
	}
	for _, it := range t.items {
		failed[it.ID] = e
	}
	return true
}

// markUnknown fails every item of chunk not already failed, for an
// UnprocessedFindings entry that names no finding of the request.
func markUnknown(chunk []*target, e *UnprocessedError, failed map[int64]error) {
	err := fmt.Errorf("securityhub: an unprocessed finding the request did not name (%w): the outcome of this finding is unknown", e)
	for _, t := range chunk {
		for _, it := range t.items {
			if _, done := failed[it.ID]; !done {
				failed[it.ID] = err
			}
		}
	}
}
