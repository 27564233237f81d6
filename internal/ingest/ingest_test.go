package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/route"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

const testConfig = `
destinations:
  tickets: {stdout: {}}
  chat: {stdout: {}}
routes:
  - name: failing
    pattern: {source: [aws.securityhub], detail: {findings: {Compliance: {Status: [FAILED]}}}}
    to: [tickets]
  - name: digest
    pattern: {source: [aws.securityhub]}
    to: [chat]
    group: {by: [AwsAccountId], wait: 1m}
suppress:
  - name: account-b
    pattern: {detail: {findings: {AwsAccountId: ["222222222222"]}}}
`

func newIngester(t testing.TB, st Store) *Ingester {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	r, err := route.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	in, err := New(cfg, r, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	return in
}

func sample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/samples/18-eb-imported-securityhub-fsbp-ec2.7-failed.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// event returns the sample with another finding Id and account.
func event(t *testing.T, n int, account string) []byte {
	s := sample(t)
	s = strings.Replace(s, "0003b335-cf3f-4f93-a025-6b1a7baced06", fmt.Sprintf("0003b335-%04d", n), 1)
	s = strings.ReplaceAll(s, `"AwsAccountId": "111111111111"`, `"AwsAccountId": "`+account+`"`)
	return []byte(s)
}

func TestBodyCommitsAndCounts(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			in := newIngester(t, storetest.Open(t, d))
			ctx := context.Background()
			res, err := in.Body(ctx, "http", event(t, 1, "111111111111"))
			if err != nil {
				t.Fatal(err)
			}
			if want := (Result{Findings: 1, Deliveries: 2}); res != want {
				t.Errorf("first: %+v, want %+v", res, want)
			}
			res, err = in.Body(ctx, "http", event(t, 1, "111111111111"))
			if err != nil {
				t.Fatal(err)
			}
			if want := (Result{Findings: 1, Duplicates: 2}); res != want {
				t.Errorf("again: %+v, want %+v", res, want)
			}
			res, err = in.Body(ctx, "http", event(t, 2, "222222222222"))
			if err != nil {
				t.Fatal(err)
			}
			if want := (Result{Findings: 1, Suppressed: 1}); res != want {
				t.Errorf("suppressed: %+v, want %+v", res, want)
			}
		})
	}
}

func TestBodyBadInputKeepsTheGoodFindings(t *testing.T) {
	in := newIngester(t, storetest.Open(t, store.DialectSQLite))
	good := strings.Join(strings.Fields(string(event(t, 3, "111111111111"))), " ")
	body := []byte(good + "\n{\"detail-type\": \n")
	res, err := in.Body(context.Background(), "http", body)
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T), want *InputError", err, err)
	}
	if !ie.InputError() || ie.Accepted != 1 || res.Findings != 1 {
		t.Errorf("accepted %d, result %+v", ie.Accepted, res)
	}
	if !strings.Contains(err.Error(), "request body:3:1") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error %q does not name the line", err)
	}
	if !errors.Is(err, finding.ErrSyntax) {
		t.Errorf("error %v is not finding.ErrSyntax", err)
	}
	_, err = in.Body(context.Background(), "http", []byte(`{"hello": "world"}`))
	if !errors.As(err, &ie) || !errors.Is(err, finding.ErrNotFinding) {
		t.Errorf("not a finding: %v", err)
	}
	_, err = in.Body(context.Background(), "http", nil)
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "empty input") {
		t.Errorf("empty: %v", err)
	}
}

// gateStore holds the first Ingest until release is closed, counting the
// batch sizes it commits, and fails batches holding a poisoned finding.
type gateStore struct {
	next    Store
	release chan struct{}
	entered chan struct{}
	once    sync.Once
	mu      sync.Mutex
	sizes   []int
	poison  string
	down    bool
}

func (g *gateStore) Ingest(ctx context.Context, obs []store.Observation) ([]store.IngestResult, error) {
	g.once.Do(func() {
		close(g.entered)
		<-g.release
	})
	g.mu.Lock()
	g.sizes = append(g.sizes, len(obs))
	down := g.down
	g.mu.Unlock()
	if down {
		return nil, errors.New("connection refused")
	}
	for _, o := range obs {
		if g.poison != "" && strings.Contains(o.Finding.ID, g.poison) {
			return nil, errors.New("constraint failed")
		}
	}
	return g.next.Ingest(ctx, obs)
}

func TestConcurrentCallsShareATransaction(t *testing.T) {
	g := &gateStore{next: storetest.Open(t, store.DialectSQLite), release: make(chan struct{}), entered: make(chan struct{})}
	in := newIngester(t, g)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := in.Body(context.Background(), "http", event(t, 0, "111111111111"))
		errs <- err
	}()
	<-g.entered // the first transaction is open; the rest gather behind it
	for i := 1; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := in.Body(context.Background(), "http", event(t, i, "111111111111"))
			errs <- err
		}()
	}
	for len(in.reqs) < 49 {
		time.Sleep(time.Millisecond)
	}
	close(g.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(g.sizes) != 2 || g.sizes[0] != 1 || g.sizes[1] != 49 {
		t.Fatalf("batch sizes %v, want [1 49]", g.sizes)
	}
}

func TestOneBadObservationDoesNotFailTheOthers(t *testing.T) {
	g := &gateStore{next: storetest.Open(t, store.DialectSQLite), release: make(chan struct{}), entered: make(chan struct{}), poison: "0003b335-0007"}
	in := newIngester(t, g)
	var wg sync.WaitGroup
	results := make([]error, 12)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, results[0] = in.Body(context.Background(), "http", event(t, 100, "111111111111"))
	}()
	<-g.entered
	for i := 1; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = in.Body(context.Background(), "http", event(t, i, "111111111111"))
		}()
	}
	for len(in.reqs) < 11 {
		time.Sleep(time.Millisecond)
	}
	close(g.release)
	wg.Wait()
	for i, err := range results {
		var ue *UnavailableError
		if i == 7 {
			if !errors.As(err, &ue) || !ue.Unavailable() {
				t.Errorf("poisoned call: %v, want *UnavailableError", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
}

func TestStoreDownIsUnavailable(t *testing.T) {
	g := &gateStore{next: storetest.Open(t, store.DialectSQLite), release: make(chan struct{}), entered: make(chan struct{}), down: true}
	close(g.release)
	in := newIngester(t, g)
	_, err := in.Body(context.Background(), "http", event(t, 1, "111111111111"))
	var ue *UnavailableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("%v, want *UnavailableError", err)
	}
}

func TestClosed(t *testing.T) {
	in := newIngester(t, storetest.Open(t, store.DialectSQLite))
	in.Close()
	if _, err := in.Body(context.Background(), "http", event(t, 1, "111111111111")); !errors.Is(err, ErrClosed) {
		t.Fatalf("%v, want ErrClosed", err)
	}
}

func TestDestinationOfSeveralRoutesIsToldOnce(t *testing.T) {
	const cfgText = `
destinations:
  chat: {stdout: {}}
routes:
  - name: first
    pattern: {source: [aws.securityhub]}
    to: [chat]
  - name: second
    pattern: {source: [aws.securityhub]}
    to: [chat]
`
	cfg, err := config.Parse("test.yaml", []byte(cfgText))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := route.New(cfg)
	st := storetest.Open(t, store.DialectSQLite)
	in, _ := New(cfg, r, st, Options{})
	defer in.Close()
	res, err := in.Body(context.Background(), "http", event(t, 1, "111111111111"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Deliveries != 1 {
		t.Fatalf("%d deliveries, want 1", res.Deliveries)
	}
	ds, _ := st.Deliveries(context.Background(), store.Filter{})
	if len(ds) != 1 || ds[0].Route != "first" {
		t.Fatalf("deliveries %+v, want one by route first", ds)
	}
}
