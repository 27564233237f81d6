package securityhub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// Findings reads every finding the filters select with GetFindings and
// hands them to fn one page at a time, at most PageSize findings a page.
// It implements the report package's Source: per-project reports read
// their findings through it.
//
// filters are AwsSecurityFindingFilters JSON, pushed down to the API as
// they are; {} (or empty) reads every finding. An attribute with more
// than MaxFilterValues filters, such as a project's AwsAccountId list, is
// split into several queries of at most MaxFilterValues filters each (see
// splitFilters, which also sets the limits: at most MaxPollAttributes
// attributes, no UpdatedAt, at most MaxPollQueries queries). The queries
// are read side by side, up to 3 at once: the pages of one query come in
// the order the API returns them, pages of different queries interleave.
// Account lists split this way select disjoint sets; a finding that two
// of the split queries select (possible with PREFIX or CONTAINS lists) is
// handed over twice, and the caller deduplicates.
//
// Each page is decoded with finding.DecodeFindings from the body the API
// sent, so Finding.Raw is the ASFF exactly as returned; the SDK's own
// decoding of the findings is skipped, which halves the work of a large
// read. A finding that cannot be decoded is logged and skipped. While fn
// works on one page the next ones are already being fetched and decoded
// (up to GOMAXPROCS pages at once, at most 4).
//
// fn is called from the calling goroutine, never concurrently; it may keep
// the findings it is handed. When fn returns an error, Findings stops and
// returns it. A failed call (after the SDK's retries), a cancelled ctx or
// an undecodable page body also end the read, with an error naming the
// query and page. The client's rate limit on GetFindings applies (3 calls
// a second by default, so 1,000 pages take about 5.5 minutes).
func (c *Client) Findings(ctx context.Context, filters []byte, fn func(page []*finding.Finding) error) error {
	queries, err := splitFilters(filters)
	if err != nil {
		return fmt.Errorf("securityhub: findings: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	// Readers fetch pages; decoders decode them side by side; this
	// goroutine hands them to fn in the order they were fetched.
	decoders := max(1, min(runtime.GOMAXPROCS(0), maxDecoders))
	work := make(chan *fetchedPage, decoders)
	order := make(chan *fetchedPage, decoders)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(order)
		defer close(work)
		c.fetchPages(ctx, queries, work, order)
	})
	for range decoders {
		wg.Go(func() {
			for p := range work {
				p.items, p.problems = finding.DecodeFindings("GetFindings", p.body)
				p.body = nil
				close(p.ready)
			}
		})
	}
	// Whatever ends the loop, every goroutine is stopped and waited for
	// before returning.
	defer func() {
		cancel()
		for range order {
		}
		wg.Wait()
	}()
	for p := range order {
		if p.err != nil {
			return p.err
		}
		<-p.ready
		for _, pr := range p.problems {
			c.log.Warn("securityhub: findings: finding skipped", slog.Int("query", p.query), slog.Int("page", p.page),
				slog.String("error", pr.Error()))
		}
		if len(p.items) == 0 {
			continue
		}
		if err := fn(p.items); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// maxDecoders bounds the goroutines decoding pages at once.
const maxDecoders = 4

// fetchedPage is one GetFindings response body and, once ready is
// closed, its decoded findings; or the error that ended the read.
type fetchedPage struct {
	body     []byte
	query    int // 1-based
	page     int // 1-based
	err      error
	ready    chan struct{}
	items    []*finding.Finding
	problems []error
}

// fetchPages calls GetFindings for every page of every query, reading up
// to maxQueryReaders queries side by side. Each page goes to work (to be
// decoded) and then to order (to be handed over in this order); a reader
// stops at the first error, which it sends to order, or when ctx is done.
func (c *Client) fetchPages(ctx context.Context, queries []query, work, order chan<- *fetchedPage) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(len(queries), maxQueryReaders) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(queries) || !c.fetchQuery(ctx, queries, i, work, order) {
					return
				}
			}
		})
	}
	wg.Wait()
}

// maxQueryReaders bounds the queries read at once. GetFindings answers in
// hundreds of milliseconds while its limit allows 3 calls a second, so a
// project split into several queries is read faster side by side, and
// the client's rate limit still holds all of them to it.
const maxQueryReaders = 3

// fetchQuery reads every page of queries[i]; it returns false when the
// read must stop (an error was sent, or ctx is done).
func (c *Client) fetchQuery(ctx context.Context, queries []query, i int, work, order chan<- *fetchedPage) bool {
	send := func(ch chan<- *fetchedPage, p *fetchedPage) bool {
		select {
		case ch <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	filters := queries[i].filters
	in := &securityhub.GetFindingsInput{Filters: &filters, MaxResults: aws.Int32(PageSize)}
	for page := 1; ; page++ {
		if ctx.Err() != nil {
			return false
		}
		var got bodyOnly
		res, err := c.api.GetFindings(ctx, in, got.option)
		if err == nil && got.body == nil {
			err = errors.New("no response body")
		}
		if err != nil {
			send(order, &fetchedPage{err: fmt.Errorf("securityhub: findings: query %d of %d, page %d: GetFindings: %w", i+1, len(queries), page, err)})
			return false
		}
		p := &fetchedPage{body: got.body, query: i + 1, page: page, ready: make(chan struct{})}
		// Decoding starts before the page is queued for fn, so that fn
		// never waits on a page no decoder has.
		if !send(work, p) || !send(order, p) {
			return false
		}
		if aws.ToString(res.NextToken) == "" {
			return true
		}
		in.NextToken = res.NextToken
	}
}

// bodyOnly takes the body of a call's successful HTTP response for itself
// and hands the SDK's deserializer only its NextToken, so that the SDK
// does not decode the findings the caller decodes from the body anyway.
// Error responses pass untouched: the SDK still returns its typed errors
// and retries throttling. One bodyOnly serves one call.
type bodyOnly struct {
	body []byte
}

// option installs the capture in one call's stack:
// api.GetFindings(ctx, in, b.option).
func (b *bodyOnly) option(o *securityhub.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		mw := middleware.DeserializeMiddlewareFunc("HubrelayBodyOnly", b.handle)
		if _, ok := stack.Deserialize.Get("OperationDeserializer"); ok {
			// Inside the deserializer: the body is read here first.
			return stack.Deserialize.Insert(mw, "OperationDeserializer", middleware.After)
		}
		return stack.Deserialize.Add(mw, middleware.After)
	})
}

func (b *bodyOnly) handle(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || resp == nil || resp.Body == nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return out, md, err
	}
	// Read into one buffer of the announced size: a page is about 300 KB,
	// and growing a buffer to that size doubles the bytes allocated.
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= maxPageBody {
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, rerr := buf.ReadFrom(io.LimitReader(resp.Body, maxPageBody+1))
	resp.Body.Close()
	body := buf.Bytes()
	if rerr != nil {
		return out, md, fmt.Errorf("read response body: %w", rerr)
	}
	if len(body) > maxPageBody {
		return out, md, fmt.Errorf("response body over %d MiB", maxPageBody>>20)
	}
	token, found, err := nextToken(body)
	if err != nil {
		return out, md, fmt.Errorf("response body: %w", err)
	}
	rest := []byte("{}")
	if found {
		if rest, err = json.Marshal(struct{ NextToken string }{token}); err != nil {
			return out, md, fmt.Errorf("response body: %w", err)
		}
	}
	b.body = body
	resp.Body = io.NopCloser(bytes.NewReader(rest))
	resp.ContentLength = int64(len(rest))
	return out, md, nil
}

// nextToken returns the top-level "NextToken" string member of a JSON
// object and whether it is there (a null NextToken is absent). It walks
// the body without decoding it: finding.DecodeFindings checks the findings later,
// so here only the structure matters, and a full json.Unmarshal of a
// 100-finding page just to read the token would cost as much as a fifth
// of decoding the findings. For valid JSON the result is what
// encoding/json reads into a map (member names matched exactly, the last
// of duplicates wins); malformed top-level structure is an error, while
// damage inside a nested value is left to finding.DecodeFindings to report.
func nextToken(body []byte) (token string, found bool, err error) {
	i := skipJSONSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return "", false, errors.New("not a JSON object")
	}
	i = skipJSONSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return "", false, nil
	}
	for {
		if i >= len(body) || body[i] != '"' {
			return "", false, fmt.Errorf("offset %d: want a member name", i)
		}
		end, err := jsonStringEnd(body, i)
		if err != nil {
			return "", false, err
		}
		key := body[i:end]
		i = skipJSONSpace(body, end)
		if i >= len(body) || body[i] != ':' {
			return "", false, fmt.Errorf("offset %d: want ':'", i)
		}
		i = skipJSONSpace(body, i+1)
		vend, err := jsonValueEnd(body, i)
		if err != nil {
			return "", false, err
		}
		name := string(key[1 : len(key)-1])
		if bytes.IndexByte(key, '\\') >= 0 {
			if err := json.Unmarshal(key, &name); err != nil {
				return "", false, fmt.Errorf("offset %d: member name: %w", end, err)
			}
		}
		if name == "NextToken" {
			var v *string
			if err := json.Unmarshal(body[i:vend], &v); err != nil {
				return "", false, fmt.Errorf("NextToken: %w", err)
			}
			if v != nil {
				token, found = *v, true
			} else {
				token, found = "", false
			}
		}
		i = skipJSONSpace(body, vend)
		if i >= len(body) {
			return "", false, errors.New("unexpected end of the object")
		}
		switch body[i] {
		case ',':
			i = skipJSONSpace(body, i+1)
		case '}':
			if j := skipJSONSpace(body, i+1); j != len(body) {
				return "", false, fmt.Errorf("offset %d: data after the object", j)
			}
			return token, found, nil
		default:
			return "", false, fmt.Errorf("offset %d: want ',' or '}'", i)
		}
	}
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonStringEnd returns the offset just past the JSON string starting at
// b[i] == '"'.
func jsonStringEnd(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("offset %d: unterminated string", i)
}

// jsonValueEnd returns the offset just past the JSON value starting at b[i]:
// a string, or an object or array whose brackets balance (strings inside
// skipped), or a literal or number running to the next delimiter. Values
// are not validated beyond that.
func jsonValueEnd(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("unexpected end: want a value")
	}
	switch b[i] {
	case '"':
		return jsonStringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := jsonStringEnd(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, fmt.Errorf("offset %d: unterminated value", i)
	case ',', '}', ']', ':':
		return 0, fmt.Errorf("offset %d: want a value", i)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	return j, nil
}
