package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// MaxFeedbackBatch is the most feedback rows ClaimFeedback returns: one
// BatchUpdateFindings call takes at most 100 findings.
const MaxFeedbackBatch = 100

// ClaimFeedback leases up to limit (at most MaxFeedbackBatch) due feedback
// rows to owner until now+lease, with the receipts of each episode's
// delivered deliveries as Notes. Due: pending with next_at <= now, or
// leased with an expired lease. Each claim increments Attempts. Safe for
// concurrent use by replicas (FOR UPDATE SKIP LOCKED on PostgreSQL).
func (s *Store) ClaimFeedback(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Feedback, error) {
	if err := checkLease(owner, lease, limit); err != nil {
		return nil, fmt.Errorf("store: claim feedback: %w", err)
	}
	limit = min(limit, MaxFeedbackBatch)
	at := now.UnixMilli()
	var out []Feedback
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := s.query(ctx, tx, s.claimFeedbackStmt(), at, at, limit, owner, now.Add(lease).UnixMilli(), at)
		if err != nil {
			return err
		}
		for rows.Next() {
			var f Feedback
			if err := rows.Scan(&f.ID, &f.FindingKey, &f.FindingID, &f.ProductARN, &f.Episode, &f.Attempts); err != nil {
				rows.Close()
				return err
			}
			out = append(out, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		for i := range out {
			notes, err := s.notes(ctx, tx, out[i].FindingKey, out[i].Episode)
			if err != nil {
				return fmt.Errorf("feedback %d: %w", out[i].ID, err)
			}
			out[i].Notes = notes
			format, err := s.feedbackFormat(ctx, tx, out[i].FindingKey, out[i].ProductARN)
			if err != nil {
				return fmt.Errorf("feedback %d: %w", out[i].ID, err)
			}
			out[i].Format = format
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim feedback: %w", err)
	}
	return out, nil
}

// claimFeedbackStmt returns ClaimFeedback's statement. Its arguments: now,
// now (unix ms), limit, owner, lease end, now. As in Claim (claimStmt), the
// due rows are read in order from feedback_claim, the read stops after
// limit rows, and an expired lease implies next_at < now.
func (s *Store) claimFeedbackStmt() string {
	return `WITH c AS (
			SELECT id FROM feedback` + s.indexedBy("feedback_claim") + `
			WHERE status IN ('pending', 'sending') AND next_at <= ?
			  AND (status = 'pending' OR (status = 'sending' AND lease_until < ?))
			ORDER BY next_at, id LIMIT ? {{skiplocked}})
		UPDATE feedback SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1,
			updated_at = ?
		WHERE id IN (SELECT id FROM c)
		RETURNING id, finding_key, finding_id, product_arn, episode, attempts`
}

// notes returns the distinct non-empty receipts of an episode's delivered
// deliveries with their destinations, oldest first.
func (s *Store) notes(ctx context.Context, q querier, findingKey string, episode int) ([]Note, error) {
	rows, err := s.query(ctx, q, `SELECT destination, receipt_id, receipt_url, receipt_channel, receipt_thread FROM deliveries
		WHERE finding_key = ? AND episode = ? AND status = 'delivered' ORDER BY delivered_at, id`, findingKey, episode)
	if err != nil {
		return nil, fmt.Errorf("notes: %w", err)
	}
	defer rows.Close()
	var out []Note
	seen := map[Note]bool{}
	for rows.Next() {
		var n Note
		if err := rows.Scan(&n.Destination, &n.ID, &n.URL, &n.Channel, &n.Thread); err != nil {
			return nil, fmt.Errorf("notes: %w", err)
		}
		if n.Receipt.IsZero() || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notes: %w", err)
	}
	return out, nil
}

// feedbackFormat returns the format of the finding's last stored event, or,
// when no event is stored, the format its product ARN implies (OCSF
// findings name their product with a "productv2/" ARN).
func (s *Store) feedbackFormat(ctx context.Context, q querier, findingKey, productARN string) (finding.Format, error) {
	var body []byte
	err := s.queryRow(ctx, q, `SELECT e.body FROM findings f JOIN events e ON e.id = f.event_id WHERE f.key = ?`,
		findingKey).Scan(&body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return "", fmt.Errorf("format: %w", err)
	default:
		if items, _ := finding.Decode("event", body); len(items) > 0 && items[0].Finding.Format != "" {
			return items[0].Finding.Format, nil
		}
	}
	if strings.Contains(productARN, ":productv2/") {
		return finding.FormatOCSF, nil
	}
	return finding.FormatASFF, nil
}

// CompleteFeedback marks feedback rows leased by owner done. Rows no longer
// leased by owner are left alone and reported in an error wrapping
// ErrLeaseLost; the others are still completed. Safe for concurrent use.
func (s *Store) CompleteFeedback(ctx context.Context, ids []int64, owner string, now time.Time) error {
	at := now.UnixMilli()
	return s.settleFeedback(ctx, "complete feedback", ids, owner,
		`status = 'done', done_at = ?, updated_at = ?`, []any{at, at})
}

// RetryFeedback puts feedback rows leased by owner back to pending at next
// with lastErr (cut to 2 KB). Rows no longer leased by owner are reported in
// an error wrapping ErrLeaseLost. Safe for concurrent use.
func (s *Store) RetryFeedback(ctx context.Context, ids []int64, owner, lastErr string, next, now time.Time) error {
	return s.settleFeedback(ctx, "retry feedback", ids, owner,
		`status = 'pending', next_at = ?, last_error = ?, updated_at = ?`, []any{next.UnixMilli(), clip(lastErr), now.UnixMilli()})
}

func (s *Store) settleFeedback(ctx context.Context, op string, ids []int64, owner, set string, args []any) error {
	if len(ids) == 0 {
		return nil
	}
	var lost []string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		lost = nil
		for _, id := range ids {
			var got int64
			err := s.queryRow(ctx, tx, `UPDATE feedback SET `+set+`, lease_owner = NULL, lease_until = NULL
				WHERE id = ? AND status = 'sending' AND lease_owner = ? RETURNING id`,
				append(append([]any{}, args...), id, owner)...).Scan(&got)
			if errors.Is(err, sql.ErrNoRows) {
				lost = append(lost, fmt.Sprint(id))
				continue
			}
			if err != nil {
				return fmt.Errorf("feedback %d: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if len(lost) > 0 {
		return fmt.Errorf("store: %s: feedback %s, owner %q: %w", op, strings.Join(lost, ", "), owner, ErrLeaseLost)
	}
	return nil
}
