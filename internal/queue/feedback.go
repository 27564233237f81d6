package queue

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// feedbackBatch is the most findings one BatchUpdateFindings call takes.
const feedbackBatch = 100

// DefaultFeedbackWait is Config.FeedbackWait's default.
const DefaultFeedbackWait = 2 * time.Second

// feedback hands the findings whose deliveries all succeeded to the
// Marker, at most feedbackBatch at a time, until fewer than that are due
// or stop ends, and returns how many it handed over. A batch in progress
// is finished with ctx, which stop does not cancel: a claimed batch is
// marked, not abandoned half way.
func (q *Queue) feedback(ctx, stop context.Context) (handed int) {
	for stop.Err() == nil && ctx.Err() == nil {
		now := q.now()
		items, err := q.st.ClaimFeedback(ctx, q.cfg.Owner, now, q.cfg.Lease, feedbackBatch)
		if err != nil {
			q.log.Error("claim feedback", slog.String("error", err.Error()))
			return handed
		}
		if len(items) == 0 {
			return handed
		}
		handed += len(items)
		failed, err := q.cfg.Marker.Mark(ctx, items)
		rctx, cancel := q.recordCtx()
		if err != nil {
			ids := make([]int64, len(items))
			for i, it := range items {
				ids[i] = it.ID
			}
			q.retryFeedback(rctx, items, ids, err.Error())
			cancel()
			return handed
		}
		var done, again []int64
		for _, it := range items {
			if ferr, bad := failed[it.ID]; bad {
				again = append(again, it.ID)
				q.log.Warn("mark finding", slog.String("finding_id", it.FindingID), slog.String("error", ferr.Error()))
				continue
			}
			done = append(done, it.ID)
		}
		if len(done) > 0 {
			if err := q.st.CompleteFeedback(rctx, done, q.cfg.Owner, q.now()); err != nil {
				q.log.Error("record feedback", slog.String("error", err.Error()))
			}
		}
		if len(again) > 0 {
			q.retryFeedback(rctx, items, again, "some findings were not marked")
		}
		cancel()
		if len(items) < feedbackBatch {
			return handed
		}
	}
	return handed
}

func (q *Queue) retryFeedback(ctx context.Context, items []store.Feedback, ids []int64, why string) {
	attempts := 1
	for _, it := range items {
		if slices.Contains(ids, it.ID) && it.Attempts > attempts {
			attempts = it.Attempts
		}
	}
	next := q.now().Add(q.jitter(DefaultPolicy, attempts, 0))
	if err := q.st.RetryFeedback(ctx, ids, q.cfg.Owner, clip(why), next, q.now()); err != nil {
		q.log.Error("record feedback failure", slog.String("error", err.Error()))
	}
}
