package sqssource

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/hubrelay/hubrelay/internal/source"
)

// Defaults and fixed settings of the source.
const (
	// DefaultConcurrency is the number of receive loops when
	// Config.Concurrency is not positive.
	DefaultConcurrency = 2
	// DefaultStopTimeout is how long Run lets the Handlers in progress
	// finish after its context ends, when Config.StopTimeout is not
	// positive.
	DefaultStopTimeout = 30 * time.Second
	// fallbackVisibility is asked for on every receive when the queue's
	// visibility timeout is 0, which would let a second receive take a
	// message being handled.
	fallbackVisibility = 30 * time.Second
	// maxMessages is the most messages one ReceiveMessage returns.
	maxMessages = 10
	// waitSeconds is the long-poll wait of every receive.
	waitSeconds = 20
	// minBackoff and maxBackoff bound the pause after a failed receive.
	minBackoff = time.Second
	maxBackoff = 30 * time.Second
	// callTimeout bounds the calls that acknowledge or extend messages.
	callTimeout = 30 * time.Second
)

// Client is the part of the SQS API the source calls; *sqs.Client is one.
// It must be safe for concurrent use.
type Client interface {
	GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, opts ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
	ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error)
}

var _ Client = (*sqs.Client)(nil)

// Config configures a Source.
type Config struct {
	// QueueURL is the queue to receive from; required.
	QueueURL string
	// Concurrency is the number of receive loops, each handling up to ten
	// messages at a time; default DefaultConcurrency.
	Concurrency int
	// VisibilityTimeout, when positive, is asked for on every receive; it
	// must be whole seconds. 0 means the queue's own.
	VisibilityTimeout time.Duration
	// StopTimeout is how long Handlers in progress may run on once Run's
	// context has ended; then their contexts are canceled and their
	// messages left to come back. Default DefaultStopTimeout.
	StopTimeout time.Duration
}

// Source receives findings from one SQS queue. Build it with New; it is
// immutable and Run may be called again after it returns.
type Source struct {
	client Client
	cfg    Config
	name   string // the queue's name, for logs
	log    *slog.Logger
}

// New returns the Source for cfg calling client. log receives the
// source's lines (nil discards). It fails when cfg has no QueueURL or a
// VisibilityTimeout that is not whole seconds.
func New(client Client, cfg Config, log *slog.Logger) (*Source, error) {
	switch {
	case client == nil:
		return nil, errors.New("sqs: no client")
	case cfg.QueueURL == "":
		return nil, errors.New("sqs: no queue URL")
	case cfg.VisibilityTimeout < 0 || cfg.VisibilityTimeout%time.Second != 0:
		return nil, fmt.Errorf("sqs: visibility timeout %s is not whole seconds", cfg.VisibilityTimeout)
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = DefaultStopTimeout
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	name := path.Base(cfg.QueueURL)
	return &Source{client: client, cfg: cfg, name: name, log: log.With(slog.String("queue", name))}, nil
}

// run is one Run: the settings read from the queue and the Handler.
type run struct {
	*Source
	h source.Handler
	// vis is the visibility timeout the messages get; askVis says whether
	// each receive asks for it (else it is the queue's).
	vis    time.Duration
	askVis bool
	// keepRejected leaves rejected messages to the queue's redrive policy.
	keepRejected bool
	// calls is the context of the calls that acknowledge or extend
	// messages: it outlives Run's context, so that the work done is
	// acknowledged while stopping.
	calls context.Context
}

// Run receives from the queue until ctx ends, handing each message's body
// (unwrapped from an SNS envelope, see Unwrap) to h, and acknowledges as
// the package documentation says. h is called from many goroutines at once
// with a context that outlives ctx by at most Config.StopTimeout; its
// returned value is ignored.
//
// Run first reads the queue's visibility timeout and redrive policy
// (GetQueueAttributes) and returns that call's error, wrapped, when it
// fails: the queue does not exist, or the role lacks
// sqs:GetQueueAttributes. Afterwards a failed receive is logged and
// retried with back-off, never returned. When ctx ends, Run stops
// receiving, lets the messages in progress finish, acknowledges them, and
// returns nil.
func (s *Source) Run(ctx context.Context, h source.Handler) error {
	if h == nil {
		return errors.New("sqs: Run: nil Handler")
	}
	r := &run{Source: s, h: h, calls: context.WithoutCancel(ctx)}
	if err := r.configure(ctx); err != nil {
		return err
	}
	hctx, cancelHandlers := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHandlers()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-finished:
			return
		case <-ctx.Done():
		}
		t := time.NewTimer(s.cfg.StopTimeout)
		defer t.Stop()
		select {
		case <-finished:
		case <-t.C:
			s.log.Warn("sqs source: handlers still running at the stop timeout; their messages will be received again",
				slog.Duration("stop_timeout", s.cfg.StopTimeout))
			cancelHandlers()
		}
	}()
	var wg sync.WaitGroup
	for range s.cfg.Concurrency {
		wg.Go(func() { r.poll(ctx, hctx) })
	}
	wg.Wait()
	s.log.Info("sqs source stopped")
	return nil
}

// configure reads the queue's attributes into r.
func (r *run) configure(ctx context.Context) error {
	out, err := r.client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(r.cfg.QueueURL),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameVisibilityTimeout, types.QueueAttributeNameRedrivePolicy},
	})
	if err != nil {
		return fmt.Errorf("sqs: queue %s: get queue attributes (the role needs sqs:GetQueueAttributes, sqs:ReceiveMessage, sqs:DeleteMessage and sqs:ChangeMessageVisibility): %w", r.name, err)
	}
	r.vis, r.askVis = r.cfg.VisibilityTimeout, r.cfg.VisibilityTimeout > 0
	if !r.askVis {
		secs, err := strconv.Atoi(out.Attributes[string(types.QueueAttributeNameVisibilityTimeout)])
		if err != nil || secs < 0 {
			return fmt.Errorf("sqs: queue %s: VisibilityTimeout %q is not a number of seconds", r.name, out.Attributes[string(types.QueueAttributeNameVisibilityTimeout)])
		}
		r.vis = time.Duration(secs) * time.Second
		if r.vis == 0 {
			r.log.Warn("sqs source: the queue's visibility timeout is 0; asking for 30s on every receive")
			r.vis, r.askVis = fallbackVisibility, true
		}
	}
	policy, err := parseRedrivePolicy(out.Attributes[string(types.QueueAttributeNameRedrivePolicy)])
	if err != nil {
		r.log.Warn("sqs source: cannot read the queue's redrive policy; rejected messages will be deleted", slog.String("error", err.Error()))
	}
	attrs := []any{slog.Int("concurrency", r.cfg.Concurrency), slog.Duration("visibility_timeout", r.vis)}
	if policy != nil {
		r.keepRejected = true
		attrs = append(attrs, slog.String("dead_letter_queue", policy.deadLetterARN), slog.Int("max_receive_count", policy.maxReceiveCount))
	} else {
		r.log.Warn("sqs source: the queue has no redrive policy: messages that are not findings are logged and deleted; give it a dead-letter queue to keep them")
	}
	r.log.Info("sqs source started", attrs...)
	return nil
}

// poll is one receive loop: it receives until ctx ends, handling each
// batch with handler context hctx before it receives the next.
func (r *run) poll(ctx, hctx context.Context) {
	backoff := minBackoff
	in := &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(r.cfg.QueueURL),
		MaxNumberOfMessages:         maxMessages,
		WaitTimeSeconds:             waitSeconds,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount},
	}
	if r.askVis {
		in.VisibilityTimeout = int32(r.vis / time.Second)
	}
	for ctx.Err() == nil {
		out, err := r.client.ReceiveMessage(ctx, in)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			wait := backoff/2 + rand.N(backoff/2+1)
			r.log.Warn("sqs receive failed; trying again", slog.String("error", err.Error()), slog.Duration("retry_in", wait))
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff = minBackoff
		if len(out.Messages) > 0 {
			r.batch(hctx, out.Messages)
		}
	}
}
