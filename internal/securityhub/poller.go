package securityhub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// Sink takes the findings of one GetFindings page into the pipeline. It
// returns nil only once they are committed (routed and stored): the Poller
// advances its checkpoint after that. The ingester, through SinkFunc, is
// the Sink of hubrelay serve. It must be safe for concurrent use.
type Sink interface {
	Ingest(ctx context.Context, source string, items []finding.Item) error
}

// SinkFunc adapts a function to Sink, e.g.
//
//	securityhub.SinkFunc(func(ctx context.Context, src string, items []finding.Item) error {
//		_, err := ingester.Items(ctx, src, items)
//		return err
//	})
type SinkFunc func(ctx context.Context, source string, items []finding.Item) error

// Ingest calls f.
func (f SinkFunc) Ingest(ctx context.Context, source string, items []finding.Item) error {
	return f(ctx, source, items)
}

// Checkpoints keeps the Poller's resume points; *store.Store implements it.
// Its methods must be safe for concurrent use.
type Checkpoints interface {
	Checkpoint(ctx context.Context, name string) (time.Time, bool, error)
	SetCheckpoint(ctx context.Context, name string, t time.Time) error
}

// Poller defaults.
const (
	DefaultPollInterval = 5 * time.Minute
	// DefaultOverlap is how far before its checkpoint each query starts
	// again: a finding can become visible to GetFindings a little after
	// its UpdatedAt. What is read twice is absorbed by the store.
	DefaultOverlap = 5 * time.Minute
	// DefaultPollSource names the poller's findings in the store and the
	// metrics.
	DefaultPollSource = "poll"
	// PageSize is the MaxResults of every GetFindings call, the API's
	// maximum.
	PageSize = 100
)

// futureSlack is how far past the start of a run a query's UpdatedAt
// range ends, for producers whose clocks run ahead.
const futureSlack = 24 * time.Hour

// PollerOptions configure a Poller. Filters is required (use {} to read
// every finding).
type PollerOptions struct {
	// Filters are pushed down to the API, as config sources.poll.filters
	// holds them. Without V2: AwsSecurityFindingFilters JSON, at most
	// MaxPollAttributes attributes, longer lists split into several
	// queries (see splitFilters), UpdatedAt the poller's own. With V2:
	// OcsfFindingFilters JSON ({"CompositeFilters": [...],
	// "CompositeOperator": "AND"}), one query, lists longer than
	// MaxFiltersPerType moved into nested composite filters (see
	// v2Filters), and room left for the poller's filter on
	// V2CheckpointField (see v2Window).
	Filters json.RawMessage
	// V2 reads with GetFindingsV2 the OCSF findings of Security Hub
	// (rather than GetFindings and the ASFF findings of Security Hub
	// CSPM), sorted by V2CheckpointField ascending, which is also what
	// the checkpoint keeps. Config: sources.poll.api: v2.
	V2 bool
	// Interval is the time between the start of two runs; default
	// DefaultPollInterval.
	Interval time.Duration
	// Overlap is how far before its checkpoint a query reads again;
	// default DefaultOverlap. Negative means 0.
	Overlap time.Duration
	// Name prefixes the checkpoint names; default "poll". Two pollers of
	// one store need different names only when they read the same filters
	// in the same region and must not share their progress.
	Name string
	// Source is the source name handed to the Sink; default "poll".
	Source string
	// Log receives one line per run and per problem; nil means the
	// client's logger.
	Log *slog.Logger
	// Now is the clock; default the client's (Client.Clock).
	Now func() time.Time
}

// PollResult counts what one run read.
type PollResult struct {
	Queries    int // GetFindings(V2) queries the filters became
	Pages      int // GetFindings(V2) calls that returned a page
	Findings   int // findings handed to the sink
	Duplicates int // findings another query of this run had already handed over
	Invalid    int // findings that could not be decoded, skipped
}

// Poller reads findings with GetFindings (or GetFindingsV2) and hands
// them to a Sink: every page (MaxResults 100, sorted by UpdatedAt, or
// V2CheckpointField, ascending) of every query its filters become. Each
// query keeps a checkpoint, the latest update time it has committed, and
// the next run reads only what was updated since (less Overlap), also
// after a restart. The region is the client's: with cross-Region
// aggregation, the aggregation region's findings include the linked
// regions'. Safe for concurrent use; runs happen one at a time.
type Poller struct {
	c        *Client
	sink     Sink
	cp       Checkpoints
	queries  []query
	names    []string
	interval time.Duration
	overlap  time.Duration
	source   string
	log      *slog.Logger
	now      func() time.Time
	mu       sync.Mutex
}

// NewPoller checks opt and returns a Poller reading through c into sink,
// keeping its checkpoints in cp. The command that wires hubrelay creates
// one per configured poll source.
func NewPoller(c *Client, sink Sink, cp Checkpoints, opt PollerOptions) (*Poller, error) {
	if c == nil || sink == nil || cp == nil {
		return nil, errors.New("securityhub: poller: client, sink and checkpoints are required")
	}
	if opt.Filters == nil {
		return nil, errors.New("securityhub: poller: no filters; use {} to read every finding")
	}
	var queries []query
	if opt.V2 {
		f, err := v2Filters(opt.Filters)
		if err != nil {
			return nil, fmt.Errorf("securityhub: poller: %w", err)
		}
		queries = []query{{v2: f}}
	} else {
		var err error
		if queries, err = splitFilters(opt.Filters); err != nil {
			return nil, fmt.Errorf("securityhub: poller: %w", err)
		}
	}
	p := &Poller{c: c, sink: sink, cp: cp, queries: queries, interval: opt.Interval, overlap: max(opt.Overlap, 0),
		source: opt.Source, log: opt.Log, now: opt.Now}
	if p.interval <= 0 {
		p.interval = DefaultPollInterval
	}
	if opt.Overlap == 0 {
		p.overlap = DefaultOverlap
	}
	if p.source == "" {
		p.source = DefaultPollSource
	}
	if p.log == nil {
		p.log = c.log
	}
	if p.now == nil {
		p.now = c.clock.Now
	}
	name := opt.Name
	if name == "" {
		name = "poll"
	}
	for _, q := range queries {
		var body []byte
		var err error
		prefix := name
		if q.v2 != nil {
			// A V2 checkpoint is never shared with a V1 one: "v2" is in
			// the name and in what is hashed.
			prefix = name + "/v2"
			body, err = json.Marshal(q.v2)
			body = append([]byte("GetFindingsV2\n"), body...)
		} else {
			body, err = json.Marshal(q.attrs)
		}
		if err != nil {
			return nil, fmt.Errorf("securityhub: poller: %w", err)
		}
		sum := sha256.Sum256(append([]byte(c.region+"\n"), body...))
		p.names = append(p.names, prefix+"/"+c.region+"/"+hex.EncodeToString(sum[:8]))
	}
	return p, nil
}

// Run polls now and then every Interval until ctx is done, and returns nil
// then. A failed run is logged and the next one resumes from the
// checkpoints. Called once, by hubrelay serve.
func (p *Poller) Run(ctx context.Context) error {
	for {
		start := time.Now()
		res, err := p.Poll(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			p.log.Error("securityhub: poll", slog.String("error", err.Error()), slog.Int("findings", res.Findings))
		} else {
			p.log.Info("securityhub: poll", slog.Int("queries", res.Queries), slog.Int("pages", res.Pages),
				slog.Int("findings", res.Findings), slog.Int("duplicates", res.Duplicates), slog.Int("invalid", res.Invalid))
		}
		t := time.NewTimer(max(p.interval-time.Since(start), 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Poll runs every query once, to its last page, and returns what it read.
// It stops at the first error (a failed call after the SDK's retries, a
// sink or checkpoint failure); what was committed before stays committed
// and the next run resumes after it.
func (p *Poller) Poll(ctx context.Context) (PollResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	res := PollResult{Queries: len(p.queries)}
	start := p.now().UTC()
	seen := map[string]bool{}
	for i := range p.queries {
		if err := p.runQuery(ctx, i, start, seen, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// runQuery reads every page of query i and commits them one by one.
func (p *Poller) runQuery(ctx context.Context, i int, start time.Time, seen map[string]bool, res *PollResult) error {
	name := p.names[i]
	since, ok, err := p.cp.Checkpoint(ctx, name)
	if err != nil {
		return fmt.Errorf("securityhub: poll: %w", err)
	}
	var from *time.Time
	if ok {
		t := since.Add(-p.overlap).UTC()
		from = &t
	}
	next, op, err := p.pages(i, from, start.Add(futureSlack))
	if err != nil {
		return fmt.Errorf("securityhub: poll: %w", err)
	}
	for page := 1; ; page++ {
		body, more, err := next(ctx)
		if err != nil {
			return fmt.Errorf("securityhub: poll: query %d of %d, page %d: %s: %w", i+1, len(p.queries), page, op, err)
		}
		res.Pages++
		items, problems := finding.Decode(op, body)
		for _, pr := range problems {
			res.Invalid++
			p.log.Warn("securityhub: poll: finding skipped", slog.String("error", pr.Error()))
		}
		var fresh []finding.Item
		var latest time.Time
		for _, it := range items {
			if t, ok := p.updated(i, it.Finding); ok && t.After(latest) {
				latest = t
			}
			key := it.Finding.ProductARN + "|" + it.Finding.ID
			if seen[key] {
				res.Duplicates++
				continue
			}
			seen[key] = true
			fresh = append(fresh, it)
		}
		if len(fresh) > 0 {
			if err := p.sink.Ingest(ctx, p.source, fresh); err != nil {
				return fmt.Errorf("securityhub: poll: query %d of %d, page %d: commit: %w", i+1, len(p.queries), page, err)
			}
			res.Findings += len(fresh)
		}
		// A producer's clock may run ahead: never resume from the future.
		if latest.After(start) {
			latest = start
		}
		if !latest.IsZero() && (!ok || latest.After(since)) {
			if err := p.cp.SetCheckpoint(ctx, name, latest); err != nil {
				return fmt.Errorf("securityhub: poll: %w", err)
			}
			since, ok = latest, true
		}
		if !more {
			return nil
		}
	}
}

// pages returns the function that reads the next page of query i, updated
// from (nil: any time) until end, with the operation's name. It returns
// the page's response body as the service sent it, and whether another
// page follows.
func (p *Poller) pages(i int, from *time.Time, end time.Time) (func(context.Context) ([]byte, bool, error), string, error) {
	q := p.queries[i]
	if q.v2 != nil {
		filters := q.v2
		if from != nil {
			var err error
			if filters, err = v2Window(q.v2, from.Format(time.RFC3339Nano), end.UTC().Format(time.RFC3339Nano)); err != nil {
				return nil, "", err
			}
		}
		in := &securityhub.GetFindingsV2Input{
			Filters:      filters,
			MaxResults:   aws.Int32(PageSize),
			SortCriteria: []types.SortCriterion{{Field: aws.String(string(V2CheckpointField)), SortOrder: types.SortOrderAscending}},
		}
		return func(ctx context.Context) ([]byte, bool, error) {
			var raw rawBody
			out, err := p.c.api.GetFindingsV2(ctx, in, raw.option)
			if err != nil {
				return nil, false, err
			}
			in.NextToken = out.NextToken
			return raw.body, aws.ToString(out.NextToken) != "", nil
		}, "GetFindingsV2", nil
	}
	filters := q.filters
	if from != nil {
		filters.UpdatedAt = []types.DateFilter{{
			Start: aws.String(from.Format(time.RFC3339Nano)),
			End:   aws.String(end.UTC().Format(time.RFC3339Nano)),
		}}
	}
	in := &securityhub.GetFindingsInput{
		Filters:      &filters,
		MaxResults:   aws.Int32(PageSize),
		SortCriteria: []types.SortCriterion{{Field: aws.String("UpdatedAt"), SortOrder: types.SortOrderAscending}},
	}
	return func(ctx context.Context) ([]byte, bool, error) {
		var raw rawBody
		out, err := p.c.api.GetFindings(ctx, in, raw.option)
		if err != nil {
			return nil, false, err
		}
		in.NextToken = out.NextToken
		return raw.body, aws.ToString(out.NextToken) != "", nil
	}, "GetFindings", nil
}

// updated returns the time query i keeps its checkpoint on for f: UpdatedAt
// for GetFindings; for GetFindingsV2 finding_info.modified_time (which
// Decode made UpdatedAt), and nothing for a finding without one, whose
// UpdatedAt comes from another field the query neither sorts nor filters
// by.
func (p *Poller) updated(i int, f *finding.Finding) (time.Time, bool) {
	if p.queries[i].v2 == nil {
		return f.UpdatedAt, true
	}
	var o struct {
		FindingInfo struct {
			ModifiedTime   json.RawMessage `json:"modified_time"`
			ModifiedTimeDT string          `json:"modified_time_dt"`
		} `json:"finding_info"`
	}
	if json.Unmarshal(f.Raw, &o) != nil || (o.FindingInfo.ModifiedTimeDT == "" && len(o.FindingInfo.ModifiedTime) == 0) {
		return time.Time{}, false
	}
	return f.UpdatedAt, true
}
