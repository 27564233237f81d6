package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestClaimPlan checks, on SQLite, that Claim and ClaimFeedback read their
// due rows in order through the claim indexes of migration 8: a claim that
// scanned the table, or sorted every due row in a temporary B-tree, would
// get slower with every delivery kept in the store.
func TestClaimPlan(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const at = int64(1_800_000_000_000)
	for _, tc := range []struct {
		name, stmt, table, index string
		args                     []any
	}{
		{"Claim", s.claimStmt(1), "deliveries", "deliveries_claim", []any{at, at, at, "w", at + 60_000, at}},
		{"Claim/limit=100", s.claimStmt(100), "deliveries", "deliveries_claim", []any{at, at, at, "w", at + 60_000, at}},
		{"ClaimFeedback", s.claimFeedbackStmt(), "feedback", "feedback_claim", []any{at, at, MaxFeedbackBatch, "w", at + 60_000, at}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := explainQueryPlan(t, s, tc.stmt, tc.args...)
			if !strings.Contains(plan, "SEARCH "+tc.table+" USING INDEX "+tc.index+" (next_at<?)") {
				t.Errorf("the plan does not search %s by next_at:\n%s", tc.index, plan)
			}
			for _, bad := range []string{"SCAN " + tc.table, "TEMP B-TREE"} {
				if strings.Contains(plan, bad) {
					t.Errorf("the plan has %q:\n%s", bad, plan)
				}
			}
		})
	}
}

// explainQueryPlan returns SQLite's EXPLAIN QUERY PLAN for query, one step
// a line.
func explainQueryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+s.sql(query), args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			t.Fatalf("explain: %v", err)
		}
		b.WriteString(detail)
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("explain: %v", err)
	}
	return b.String()
}
