package lambdasource

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/queue"
	sqssource "github.com/hubrelay/hubrelay/internal/source/sqs"
	"github.com/hubrelay/hubrelay/internal/store"
)

// Ingester commits findings; *ingest.Ingester is one. Body must be safe
// for concurrent use and return only after the commit.
type Ingester interface {
	Body(ctx context.Context, source string, body []byte) (ingest.Result, error)
}

// Queue delivers; *queue.Queue is one. The drain command calls Drain.
type Queue interface {
	Drain(ctx context.Context, counts queue.Counter) (map[store.Status]int, error)
}

// Options are what the handler works with.
type Options struct {
	// Ingester commits the findings of every input; required.
	Ingester Ingester
	// Queue and Counts serve the drain command; when either is nil the
	// command is refused.
	Queue  Queue
	Counts queue.Counter
	// Log receives one line per input not committed and per drain
	// (nil discards). It should redact the config's secrets.
	Log *slog.Logger
	// Parallel is how many records of a batch are committed at once;
	// default 16.
	Parallel int
}

// Source names the input in the store and the metrics.
const Source = "lambda"

// Handler is the function's handler. Build it with New; it is immutable
// and safe for concurrent use (Lambda calls it once at a time per
// instance).
type Handler struct {
	opt Options
}

// New returns the handler for opt.
func New(opt Options) (*Handler, error) {
	if opt.Ingester == nil {
		return nil, errors.New("lambda: no ingester")
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Parallel <= 0 {
		opt.Parallel = 16
	}
	return &Handler{opt: opt}, nil
}

// Invoke handles one invocation; lambda.Start(h.Invoke) registers it. in
// is the input exactly as Lambda received it. What it returns for each
// kind of input is in the package documentation: an ingest.Result for an
// event or SNS notification, an events.SQSEventResponse for an SQS batch,
// a DrainResult for the drain command. It returns only after every
// finding it reports as taken is committed.
func (h *Handler) Invoke(ctx context.Context, in json.RawMessage) (any, error) {
	k, err := classify(in)
	if err != nil {
		h.opt.Log.Warn("lambda input refused", slog.String("error", err.Error()))
		return nil, err
	}
	switch k {
	case kindSQS:
		return h.sqsBatch(ctx, in)
	case kindSNS:
		return h.snsBatch(ctx, in)
	case kindCommand:
		return h.command(ctx, in)
	}
	res, err := h.opt.Ingester.Body(ctx, Source, in)
	if err != nil {
		h.opt.Log.Warn("lambda event not committed", slog.String("outcome", sqssource.Classify(err).String()), slog.String("error", err.Error()))
		return res, fmt.Errorf("lambda: event: %w", err)
	}
	return res, nil
}

// ingestRecord unwraps and commits one record body.
func (h *Handler) ingestRecord(ctx context.Context, body string) (ingest.Result, error) {
	b, err := sqssource.Unwrap([]byte(body))
	if err != nil {
		return ingest.Result{}, err
	}
	return h.opt.Ingester.Body(ctx, Source, b)
}

// each runs fn for the indexes 0..n-1, at most Parallel at once.
func (h *Handler) each(n int, fn func(i int)) {
	sem := make(chan struct{}, h.opt.Parallel)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			fn(i)
		})
	}
	wg.Wait()
}

// sqsBatch commits each record of an SQS batch and names the records to
// receive again.
func (h *Handler) sqsBatch(ctx context.Context, in []byte) (events.SQSEventResponse, error) {
	var ev events.SQSEvent
	if err := json.Unmarshal(in, &ev); err != nil {
		return events.SQSEventResponse{}, &InputError{Msg: "SQS batch: " + err.Error()}
	}
	outcomes := make([]sqssource.Outcome, len(ev.Records))
	h.each(len(ev.Records), func(i int) {
		r := ev.Records[i]
		_, err := h.ingestRecord(ctx, r.Body)
		outcomes[i] = sqssource.Classify(err)
		if err == nil {
			return
		}
		attrs := []any{slog.String("message_id", r.MessageId), slog.String("receive_count", r.Attributes["ApproximateReceiveCount"]),
			slog.String("queue", r.EventSourceARN), slog.String("error", err.Error())}
		if outcomes[i] == sqssource.Rejected {
			h.opt.Log.Warn("sqs record rejected; deleted", attrs...)
		} else {
			h.opt.Log.Warn("sqs record not committed; reported as a batch item failure", attrs...)
		}
	})
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for i, o := range outcomes {
		if o == sqssource.Retry {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: ev.Records[i].MessageId})
		}
	}
	if n := len(resp.BatchItemFailures); n > 0 && n == len(ev.Records) {
		return resp, fmt.Errorf("lambda: none of the %d SQS records could be committed; the batch will be retried", n)
	}
	return resp, nil
}

// snsBatch commits the message of each record of an SNS notification.
func (h *Handler) snsBatch(ctx context.Context, in []byte) (ingest.Result, error) {
	var ev events.SNSEvent
	if err := json.Unmarshal(in, &ev); err != nil {
		return ingest.Result{}, &InputError{Msg: "SNS notification: " + err.Error()}
	}
	results := make([]ingest.Result, len(ev.Records))
	errs := make([]error, len(ev.Records))
	h.each(len(ev.Records), func(i int) {
		r := ev.Records[i].SNS
		results[i], errs[i] = h.opt.Ingester.Body(ctx, Source, []byte(r.Message))
		if errs[i] == nil {
			return
		}
		outcome := sqssource.Classify(errs[i])
		h.opt.Log.Warn("sns record not committed", slog.String("message_id", r.MessageID), slog.String("topic", r.TopicArn),
			slog.String("outcome", outcome.String()), slog.String("error", errs[i].Error()))
		if outcome == sqssource.Rejected {
			errs[i] = nil // retrying will not help; logged above
		}
	})
	var sum ingest.Result
	for _, r := range results {
		sum.Findings += r.Findings
		sum.Deliveries += r.Deliveries
		sum.Duplicates += r.Duplicates
		sum.Suppressed += r.Suppressed
		sum.Unmatched += r.Unmatched
		sum.Stale += r.Stale
	}
	if err := errors.Join(errs...); err != nil {
		return sum, fmt.Errorf("lambda: SNS notification: %w", err)
	}
	return sum, nil
}
