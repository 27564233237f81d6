package sqssource

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// inProgress is the set of messages of one batch still held: being
// handled, or handled and waiting to be deleted. Its methods are safe for
// concurrent use.
type inProgress struct {
	mu   sync.Mutex
	held []bool
}

func newInProgress(n int) *inProgress {
	p := &inProgress{held: make([]bool, n)}
	for i := range p.held {
		p.held[i] = true
	}
	return p
}

// release stops extending message i: it is left to come back.
func (p *inProgress) release(i int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held[i] = false
}

// indexes returns the messages still held.
func (p *inProgress) indexes() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []int
	for i, h := range p.held {
		if h {
			out = append(out, i)
		}
	}
	return out
}

// batch handles the messages of one receive in parallel with handler
// context hctx, keeps them invisible while that lasts, then deletes those
// to be acknowledged.
func (r *run) batch(hctx context.Context, msgs []types.Message) {
	held := newInProgress(len(msgs))
	stop := make(chan struct{})
	extended := make(chan struct{})
	go func() {
		defer close(extended)
		r.extend(msgs, held, stop)
	}()
	outcomes := make([]Outcome, len(msgs))
	var wg sync.WaitGroup
	for i, m := range msgs {
		wg.Go(func() {
			outcomes[i] = r.handle(hctx, m)
			if outcomes[i] == Retry || (outcomes[i] == Rejected && r.keepRejected) {
				held.release(i)
			}
		})
	}
	wg.Wait()
	close(stop)
	<-extended
	var ack []int
	for i, o := range outcomes {
		if o == Committed || (o == Rejected && !r.keepRejected) {
			ack = append(ack, i)
		}
	}
	r.delete(msgs, ack)
}

// handle passes one message to the Handler and returns its outcome, with
// one log line for a message not committed.
func (r *run) handle(ctx context.Context, m types.Message) Outcome {
	err := r.call(ctx, m)
	o := Classify(err)
	if o == Committed {
		return o
	}
	attrs := []any{
		slog.String("message_id", aws.ToString(m.MessageId)),
		slog.String("receive_count", m.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)]),
		slog.String("error", err.Error()),
	}
	switch {
	case o == Retry:
		r.log.Warn("sqs message not committed; it will be received again after the visibility timeout", attrs...)
	case r.keepRejected:
		r.log.Warn("sqs message rejected; left for the queue's dead-letter queue", attrs...)
	default:
		r.log.Warn("sqs message rejected; deleted (the queue has no dead-letter queue)", attrs...)
	}
	return o
}

// call unwraps the body and runs the Handler, turning a panic into an
// error so that one bad message cannot stop the source.
func (r *run) call(ctx context.Context, m types.Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqs: handler panicked: %v", p)
		}
	}()
	body, err := Unwrap([]byte(aws.ToString(m.Body)))
	if err != nil {
		return err
	}
	_, err = r.h(ctx, body)
	return err
}

// extend keeps the held messages invisible: every half visibility
// timeout, until stop closes, it sets their visibility timeout to a full
// one from now.
func (r *run) extend(msgs []types.Message, held *inProgress, stop <-chan struct{}) {
	t := time.NewTicker(r.vis / 2)
	defer t.Stop()
	secs := int32(r.vis / time.Second)
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		idx := held.indexes()
		if len(idx) == 0 {
			continue
		}
		entries := make([]types.ChangeMessageVisibilityBatchRequestEntry, 0, len(idx))
		for _, i := range idx {
			entries = append(entries, types.ChangeMessageVisibilityBatchRequestEntry{
				Id: aws.String(strconv.Itoa(i)), ReceiptHandle: msgs[i].ReceiptHandle, VisibilityTimeout: secs,
			})
		}
		ctx, cancel := context.WithTimeout(r.calls, callTimeout)
		out, err := r.client.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(r.cfg.QueueURL), Entries: entries})
		cancel()
		if err != nil {
			r.log.Warn("sqs: extending the visibility of messages in progress failed; they may be received again (no finding is delivered twice)",
				slog.Int("messages", len(entries)), slog.String("error", err.Error()))
			continue
		}
		r.logFailed("extending the visibility failed", msgs, out.Failed)
	}
}

// delete acknowledges the messages at ack.
func (r *run) delete(msgs []types.Message, ack []int) {
	if len(ack) == 0 {
		return
	}
	entries := make([]types.DeleteMessageBatchRequestEntry, 0, len(ack))
	for _, i := range ack {
		entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: msgs[i].ReceiptHandle})
	}
	ctx, cancel := context.WithTimeout(r.calls, callTimeout)
	defer cancel()
	out, err := r.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(r.cfg.QueueURL), Entries: entries})
	if err != nil {
		r.log.Warn("sqs: deleting committed messages failed; they will be received again (no finding is delivered twice)",
			slog.Int("messages", len(entries)), slog.String("error", err.Error()))
		return
	}
	r.logFailed("deleting a committed message failed; it will be received again (no finding is delivered twice)", msgs, out.Failed)
}

// logFailed logs the failed entries of a batch call; entry IDs are indexes
// into msgs.
func (r *run) logFailed(what string, msgs []types.Message, failed []types.BatchResultErrorEntry) {
	for _, f := range failed {
		id := aws.ToString(f.Id)
		if i, err := strconv.Atoi(id); err == nil && i >= 0 && i < len(msgs) {
			id = aws.ToString(msgs[i].MessageId)
		}
		r.log.Warn("sqs: "+what, slog.String("message_id", id), slog.String("code", aws.ToString(f.Code)), slog.String("error", aws.ToString(f.Message)))
	}
}
