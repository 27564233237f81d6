package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/route"
	"github.com/hubrelay/hubrelay/internal/store"
)

// Store is what the ingester needs of the store: one transaction per
// batch of observations.
type Store interface {
	Ingest(ctx context.Context, obs []store.Observation) ([]store.IngestResult, error)
}

// Recorder receives the ingester's counts; *metrics.Metrics is one.
type Recorder interface {
	Received(source string, n int)
	Matched(route string)
	Suppressed(suppression string)
	Duplicate(n int)
	IngestBatch(size int, d time.Duration)
}

// Options tune an Ingester. The zero value is usable.
type Options struct {
	// Log receives one line per failed commit. Default: discard.
	Log *slog.Logger
	// Metrics receives counts. Default: none.
	Metrics Recorder
	// Now is the clock, for routing (suppression expiry, date patterns)
	// and the times stored. Default time.Now.
	Now func() time.Time
	// Committed is called after every successful commit that created
	// deliveries, e.g. to wake the queue. It must not block.
	Committed func()
	// MaxBatch is the most observations one transaction takes. Default 512.
	MaxBatch int
	// CloudTrail, when set, takes every input of Body that is one
	// EventBridge event of detail-type "AWS API Call via CloudTrail"
	// (such events carry no findings; member monitoring reads them).
	// Body returns once it has returned: nil means the event is handled
	// and committed, so the source may acknowledge it. An error whose
	// InputError method reports true is the input's fault (*InputError);
	// any other is temporary (*UnavailableError). Called concurrently.
	// Default nil: such events are refused as carrying no findings.
	CloudTrail func(ctx context.Context, event []byte) error
}

// Result counts what one input became. It is the JSON body of the HTTP
// source's 202 answer.
type Result struct {
	// Findings is how many findings were read and committed.
	Findings int `json:"findings"`
	// Deliveries is how many new deliveries were queued.
	Deliveries int `json:"deliveries"`
	// Duplicates is how many deliveries already existed (the same finding
	// in the same episode, told before): not queued again.
	Duplicates int `json:"duplicates"`
	// Suppressed is how many findings a suppression held back.
	Suppressed int `json:"suppressed"`
	// Unmatched is how many findings no route matched.
	Unmatched int `json:"unmatched"`
	// Stale is how many findings were older than what the store already
	// had for them, and were ignored.
	Stale int `json:"stale"`
	// Events is how many CloudTrail events were handed to
	// Options.CloudTrail and committed.
	Events int `json:"events,omitempty"`
}

// Add adds o's counts to r, for callers that ingest in several calls.
func (r *Result) Add(o Result) {
	r.Findings += o.Findings
	r.Deliveries += o.Deliveries
	r.Duplicates += o.Duplicates
	r.Suppressed += o.Suppressed
	r.Unmatched += o.Unmatched
	r.Stale += o.Stale
	r.Events += o.Events
}

// Ingester decodes, routes and commits. Safe for concurrent use; Close
// it when done.
type Ingester struct {
	router       *route.Router
	st           Store
	routes       map[string]*config.Route
	sendResolved map[string]bool
	markNotified bool
	log          *slog.Logger
	rec          Recorder
	now          func() time.Time
	committed    func()
	maxBatch     int
	cloudTrail   func(context.Context, []byte) error

	reqs      chan *request
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

type request struct {
	ctx  context.Context
	obs  []store.Observation
	done chan reply
}

type reply struct {
	results []store.IngestResult
	err     error
}

// New returns an Ingester that routes with router (built from cfg) and
// commits to st. It starts the goroutine that commits; Close stops it.
func New(cfg *config.Config, router *route.Router, st Store, opt Options) (*Ingester, error) {
	if cfg == nil || router == nil || st == nil {
		return nil, errors.New("ingest: config, router and store are required")
	}
	in := &Ingester{
		router:       router,
		st:           st,
		routes:       make(map[string]*config.Route, len(cfg.Routes)),
		sendResolved: map[string]bool{},
		markNotified: cfg.SecurityHub.MarkNotified,
		log:          opt.Log,
		rec:          opt.Metrics,
		now:          opt.Now,
		committed:    opt.Committed,
		maxBatch:     opt.MaxBatch,
		cloudTrail:   opt.CloudTrail,
		reqs:         make(chan *request, 1024),
		stop:         make(chan struct{}),
		done:         make(chan struct{}),
	}
	for _, r := range cfg.Routes {
		in.routes[r.Name] = r
		if r.SendResolved {
			in.sendResolved[r.Name] = true
		}
	}
	if in.log == nil {
		in.log = slog.New(slog.DiscardHandler)
	}
	if in.rec == nil {
		in.rec = nopRecorder{}
	}
	if in.now == nil {
		in.now = time.Now
	}
	if in.committed == nil {
		in.committed = func() {}
	}
	if in.maxBatch <= 0 {
		in.maxBatch = 512
	}
	go in.commitLoop()
	return in, nil
}

// Close stops accepting input and waits for the commit in progress. Calls
// made after Close return ErrClosed.
func (in *Ingester) Close() error {
	in.closeOnce.Do(func() { close(in.stop) })
	<-in.done
	return nil
}

// Body ingests one input of source (for example "http"): an EventBridge
// event or any other shape finding.Decode reads. It returns after the
// findings are committed. When part of the input could not be read, the
// rest is committed and an *InputError describes the problems; when the
// store fails, nothing is committed and the error is an
// *UnavailableError. A CloudTrail event goes to Options.CloudTrail
// instead, when set. Safe for concurrent use.
func (in *Ingester) Body(ctx context.Context, source string, body []byte) (Result, error) {
	if in.cloudTrail != nil && isCloudTrail(body) {
		return in.handleCloudTrail(ctx, body)
	}
	items, problems := finding.Decode("request body", body)
	res, err := in.Items(ctx, source, items)
	if err != nil {
		return res, err
	}
	if len(problems) > 0 || len(items) == 0 {
		return res, &InputError{Problems: problems, Accepted: res.Findings}
	}
	return res, nil
}

// Items routes and commits findings already decoded, for example by the
// file source. source names the kind of input ("file", "http", …) in the
// store and metrics.
func (in *Ingester) Items(ctx context.Context, source string, items []finding.Item) (Result, error) {
	var res Result
	if len(items) == 0 {
		return res, nil
	}
	now := in.now()
	obs := make([]store.Observation, 0, len(items))
	for _, it := range items {
		o, err := in.observe(it, source, now)
		if err != nil {
			return res, &InputError{Problems: []error{err}}
		}
		obs = append(obs, o)
	}
	in.rec.Received(source, len(obs))
	// A large input is committed in transactions of at most MaxBatch
	// findings, so that one transaction stays short; when one fails,
	// the ones before it stay committed and Result counts them.
	for start := 0; start < len(obs); start += in.maxBatch {
		part := obs[start:min(start+in.maxBatch, len(obs))]
		results, err := in.submit(ctx, part)
		if err != nil {
			in.rec.Duplicate(res.Duplicates)
			return res, err
		}
		for i, r := range results {
			res.Add(summarize(part[i], r))
		}
	}
	in.rec.Duplicate(res.Duplicates)
	return res, nil
}

// observe routes one item into the observation the store commits.
func (in *Ingester) observe(it finding.Item, source string, now time.Time) (store.Observation, error) {
	d, err := in.router.Route(it, now)
	if err != nil {
		return store.Observation{}, fmt.Errorf("%s: %w", position(it), err)
	}
	o := store.Observation{
		Finding:      it.Finding,
		Event:        it.Event,
		Source:       source,
		ReceivedAt:   now,
		SuppressedBy: d.SuppressedBy,
		SendResolved: in.sendResolved,
		MarkNotified: in.markNotified,
	}
	for _, name := range d.Routes {
		in.rec.Matched(name)
	}
	if d.SuppressedBy != "" {
		in.rec.Suppressed(d.SuppressedBy)
	}
	told := make(map[string]bool, len(d.Deliveries))
	for _, del := range d.Deliveries {
		// A destination named by several matching routes is told once,
		// by the first of them in config order (whose group, reminders
		// and send_resolved then apply).
		if told[del.Destination] {
			continue
		}
		told[del.Destination] = true
		p := store.Planned{Route: del.Route, Destination: del.Destination, GroupKey: del.GroupKey}
		if r := in.routes[del.Route]; r != nil && r.Group != nil {
			p.Group = &store.GroupTiming{Wait: r.Group.Wait, Interval: r.Group.Interval, Max: r.Group.Max}
		}
		o.Deliveries = append(o.Deliveries, p)
	}
	return o, nil
}

func position(it finding.Item) string {
	if it.Line > 0 {
		return fmt.Sprintf("%s:%d", it.Source, it.Line)
	}
	return it.Source
}

func summarize(o store.Observation, r store.IngestResult) Result {
	res := Result{Findings: 1, Deliveries: r.Created, Duplicates: r.Duplicates}
	switch {
	case r.Transition == store.TransitionStale:
		res.Stale = 1
	case o.SuppressedBy != "":
		res.Suppressed = 1
	case len(o.Deliveries) == 0:
		res.Unmatched = 1
	}
	return res
}

// submit hands obs to the commit loop and waits for its transaction.
func (in *Ingester) submit(ctx context.Context, obs []store.Observation) ([]store.IngestResult, error) {
	req := &request{ctx: ctx, obs: obs, done: make(chan reply, 1)}
	select {
	case <-in.stop:
		return nil, ErrClosed
	default:
	}
	select {
	case in.reqs <- req:
	case <-in.stop:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, &UnavailableError{Err: ctx.Err()}
	}
	select {
	case r := <-req.done:
		return r.results, r.err
	case <-ctx.Done():
		// The commit may still happen; the sender retries and the
		// idempotency keys absorb the second copy.
		return nil, &UnavailableError{Err: ctx.Err()}
	}
}

// commitLoop takes the waiting requests, commits them in one
// transaction, and answers each.
func (in *Ingester) commitLoop() {
	defer close(in.done)
	concurrent := false
	for {
		var first *request
		select {
		case first = <-in.reqs:
		case <-in.stop:
			in.drain()
			return
		}
		batch := []*request{first}
		n := len(first.obs)
	gather:
		for n < in.maxBatch {
			select {
			case r := <-in.reqs:
				batch = append(batch, r)
				n += len(r.obs)
			default:
				break gather
			}
		}
		if concurrent && n < in.maxBatch {
			// Callers came together last time: give the others a moment
			// to arrive, so that one commit serves them all. A lone
			// caller never waits.
			t := time.NewTimer(gatherWindow)
		wait:
			for n < in.maxBatch {
				select {
				case r := <-in.reqs:
					batch = append(batch, r)
					n += len(r.obs)
				case <-t.C:
					break wait
				}
			}
			t.Stop()
		}
		concurrent = len(batch) > 1
		in.commit(batch, n)
	}
}

// gatherWindow is how long a commit waits for more callers when the last
// one served several: about the cost of one small commit.
const gatherWindow = time.Millisecond

// drain answers requests that raced with Close.
func (in *Ingester) drain() {
	for {
		select {
		case r := <-in.reqs:
			r.done <- reply{err: ErrClosed}
		default:
			return
		}
	}
}

func (in *Ingester) commit(batch []*request, n int) {
	live := batch[:0]
	for _, r := range batch {
		if r.ctx.Err() != nil {
			r.done <- reply{err: &UnavailableError{Err: r.ctx.Err()}}
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	obs := make([]store.Observation, 0, n)
	for _, r := range live {
		obs = append(obs, r.obs...)
	}
	start := time.Now()
	// The transaction is not tied to one caller's context: a caller that
	// gives up must not roll back the others' findings.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	results, err := in.st.Ingest(ctx, obs)
	cancel()
	if err == nil && len(results) != len(obs) {
		err = fmt.Errorf("store returned %d results for %d observations", len(results), len(obs))
	}
	if err != nil && len(live) > 1 {
		// One caller's input must not hold the others hostage: commit
		// each on its own, so only the one the store refuses fails.
		for _, r := range live {
			in.commit([]*request{r}, len(r.obs))
		}
		return
	}
	if err != nil {
		in.log.Error("commit failed", slog.Int("findings", len(obs)), slog.String("error", err.Error()))
		for _, r := range live {
			r.done <- reply{err: &UnavailableError{Err: err}}
		}
		return
	}
	in.rec.IngestBatch(len(obs), time.Since(start))
	created := 0
	off := 0
	for _, r := range live {
		part := results[off : off+len(r.obs)]
		off += len(r.obs)
		for _, res := range part {
			created += res.Created
		}
		r.done <- reply{results: part}
	}
	if created > 0 {
		in.committed()
	}
}

type nopRecorder struct{}

func (nopRecorder) Received(string, int)           {}
func (nopRecorder) Matched(string)                 {}
func (nopRecorder) Suppressed(string)              {}
func (nopRecorder) Duplicate(int)                  {}
func (nopRecorder) IngestBatch(int, time.Duration) {}
