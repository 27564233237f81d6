package securityhub_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssdk "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/store"
)

// load is what TestLimiterKeepsTheServerFromThrottling runs at once, each
// line in a goroutine of its own: pages of GetFindings one after another
// (as the poller reads), pages of GetFindingsV2, four updaters marking
// findings one call each (each finding has a ticket of its own), and
// ListMembers.
const (
	loadGetFindings = 45 // pages of 100 findings, read again and again
	loadGetV2       = 15 // calls
	loadUpdaters    = 4  // goroutines
	loadUpdates     = 50 // calls each
	loadListMembers = 20 // calls
)

// runLoad runs the load against a throttling server through a client
// with the given limits, both on one virtual clock, and returns the clock.
func runLoad(t *testing.T, limits map[string]securityhub.Limit) (*fixture, *hubtest.Clock) {
	t.Helper()
	clk := hubtest.NewClock(t0)
	f := newFixture(t, hubtest.Options{Throttle: true, Now: clk.Now})
	creds := f.hub.AWSConfig().Credentials
	t.Setenv("AWS_CA_BUNDLE", "") // see fixture.connect
	c, err := securityhub.New(context.Background(), securityhub.Options{
		Region: hubtest.DefaultRegion, Endpoint: f.hub.URL(), Credentials: creds, Limits: limits, Clock: clk,
		HTTPClient: f.hub.AWSConfig().HTTPClient})
	if err != nil {
		t.Fatal(err)
	}
	items := f.seed(t, loadUpdaters*loadUpdates)
	for i := range items {
		items[i].Notes = []store.Note{{Destination: "backlog-a", Receipt: store.Receipt{ID: fmt.Sprintf("BLG-%d", i)}}}
	}
	if err := f.hub.AddOCSF(ocsfSample(t, ocsfSamples[1])); err != nil {
		t.Fatal(err)
	}
	u, err := securityhub.NewUpdater(c, securityhub.UpdaterOptions{MarkNotified: true, Note: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	run := func(name string, fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil {
				errs <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	run("GetFindings", func() error {
		calls := 0
		for {
			p := awssdk.NewGetFindingsPaginator(c.API(), &awssdk.GetFindingsInput{MaxResults: aws.Int32(100)})
			for p.HasMorePages() {
				if _, err := p.NextPage(ctx); err != nil {
					return err
				}
				if calls++; calls == loadGetFindings {
					return nil
				}
			}
		}
	})
	run("GetFindingsV2", func() error {
		for range loadGetV2 {
			if _, err := c.API().GetFindingsV2(ctx, &awssdk.GetFindingsV2Input{}); err != nil {
				return err
			}
		}
		return nil
	})
	for g := range loadUpdaters {
		run(fmt.Sprintf("updater %d", g), func() error {
			failed, err := u.Mark(ctx, items[g*loadUpdates:(g+1)*loadUpdates])
			if err == nil && len(failed) > 0 {
				err = fmt.Errorf("%d findings not marked", len(failed))
			}
			return err
		})
	}
	run("ListMembers", func() error {
		for range loadListMembers {
			if _, err := c.ListMembers(ctx, false); err != nil {
				return err
			}
		}
		return nil
	})
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	if err := errors.Join(all...); err != nil {
		t.Fatal(err)
	}
	return f, clk
}

var loadOps = map[string]int{
	"GetFindings":         loadGetFindings,
	"GetFindingsV2":       loadGetV2,
	"BatchUpdateFindings": loadUpdaters * loadUpdates,
	"ListMembers":         loadListMembers,
}

// TestLimiterKeepsTheServerFromThrottling: goroutines sharing one client
// with the default (documented) limits never get a throttling answer from
// a server that enforces the same limits, on a clock both share; the
// requests take the virtual time the limits say at least.
func TestLimiterKeepsTheServerFromThrottling(t *testing.T) {
	start := time.Now()
	f, clk := runLoad(t, nil)
	for op, n := range loadOps {
		if got := f.hub.Throttled(op); got != 0 {
			t.Errorf("%s: %d requests throttled, want 0", op, got)
		}
		if got := f.hub.Calls(op); got != n {
			t.Errorf("%s: %d requests, want %d", op, got, n)
		}
	}
	// GetFindings and GetFindingsV2 share the client's 3/s burst 6: 60
	// calls take at least (60-6)/3 s; 200 updates at 10/s burst 30,
	// (200-30)/10 s.
	least := time.Duration(loadGetFindings+loadGetV2-6) * time.Second / 3
	if clk.Elapsed() < least {
		t.Errorf("virtual time %v, want at least %v: the limits were not kept", clk.Elapsed(), least)
	}
	t.Logf("%d requests, %v of virtual time in %v", loadGetFindings+loadGetV2+loadUpdaters*loadUpdates+loadListMembers, clk.Elapsed(), time.Since(start))
}

// TestFasterClientIsThrottledAndRetries: the same load through a client
// allowed twice the documented rates is throttled by the server; the
// SDK's retryer, backing off on the shared clock, gets every call through.
// This is what the previous test would see if the client's limits did not
// hold.
func TestFasterClientIsThrottledAndRetries(t *testing.T) {
	f, _ := runLoad(t, map[string]securityhub.Limit{
		securityhub.FamilyGetFindings:    {PerSecond: 6, Burst: 12},
		securityhub.FamilyUpdateFindings: {PerSecond: 20, Burst: 60},
		"ListMembers":                    {PerSecond: 20, Burst: 60},
	})
	throttled := 0
	for op, n := range loadOps {
		th := f.hub.Throttled(op)
		throttled += th
		if got := f.hub.Calls(op); got != n+th {
			t.Errorf("%s: %d requests, want %d calls + %d throttled retries", op, got, n, th)
		}
	}
	if f.hub.Throttled("GetFindings") == 0 || f.hub.Throttled("BatchUpdateFindings") == 0 {
		t.Errorf("throttled: GetFindings %d, BatchUpdateFindings %d; want both > 0", f.hub.Throttled("GetFindings"), f.hub.Throttled("BatchUpdateFindings"))
	}
	t.Logf("%d requests throttled and retried", throttled)
}
