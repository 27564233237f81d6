package securityhub

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

func TestBucketTake(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	b := &bucket{rate: 10, burst: 3, tokens: 3}
	// tenth is the wait for one token at 10 a second, with the margin a
	// bucket that is not full keeps.
	tenth := time.Duration(math.Ceil((1 + tokenMargin) / 10 * 1e9))
	steps := []struct {
		name string
		now  time.Duration // since at
		done int           // requests in flight that end before the take
		wait time.Duration // 0: the take succeeds
		full bool          // the take waits for a request in flight instead
	}{
		{name: "burst 1"},
		{name: "burst 2"},
		{name: "burst 3"},
		{name: "three in flight and no token: wait for one to end", full: true},
		{name: "one ended, the bucket is full at one token: wait for it", done: 1, wait: 100 * time.Millisecond},
		{name: "a tenth later there is the token", now: 100 * time.Millisecond},
		{name: "nothing refills while the bucket is full of requests in flight", now: 100 * time.Millisecond, done: 3, wait: tenth},
		{name: "an hour later: three tokens", now: time.Hour},
		{name: "the second", now: time.Hour},
		{name: "the third, the bucket being full at one", now: time.Hour},
		{name: "a clock going back refills nothing", now: time.Hour - time.Second, done: 3, wait: tenth},
	}
	for _, st := range steps {
		for range st.done {
			b.done(at.Add(st.now))
		}
		wait, freed := b.take(at.Add(st.now))
		switch {
		case st.full && freed == nil:
			t.Errorf("%s: (%v, nil), want to wait for a request in flight", st.name, wait)
		case !st.full && freed != nil:
			t.Errorf("%s: waits for a request in flight, want wait %v", st.name, st.wait)
		case !st.full && wait != st.wait:
			t.Errorf("%s: wait %v, want %v", st.name, wait, st.wait)
		}
	}
	if b.tokens != 0 || b.inflight != 0 {
		t.Errorf("tokens %v, in flight %d at the end; want 0 and 0", b.tokens, b.inflight)
	}
}

// TestBucketRoomShrinksWithRequestsInFlight: the client's bucket is full
// at burst less the requests in flight, as the service's bucket, which
// has not yet taken their tokens, would be.
func TestBucketRoomShrinksWithRequestsInFlight(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	b := &bucket{rate: 1, burst: 2, tokens: 2}
	if w, f := b.take(at); w != 0 || f != nil {
		t.Fatalf("first take: %v %v", w, f)
	}
	// One in flight for an hour: the bucket refills to burst-1 = 1, not 2.
	wait, freed := b.take(at.Add(time.Hour))
	if wait != 0 || freed != nil {
		t.Fatalf("second take: %v %v", wait, freed)
	}
	if wait, freed := b.take(at.Add(time.Hour)); freed == nil {
		t.Fatalf("third take with two in flight and burst 2: wait %v, want to wait for one to end", wait)
	}
	b.done(at.Add(time.Hour))
	if wait, freed := b.take(at.Add(time.Hour)); freed != nil || wait != time.Second {
		t.Fatalf("after one ended: wait %v, %v; want a second for a token", wait, freed)
	}
}

func TestFamilies(t *testing.T) {
	tests := []struct{ op, family string }{
		{"GetFindings", FamilyGetFindings},
		{"GetFindingsV2", FamilyGetFindings},
		{"BatchUpdateFindings", FamilyUpdateFindings},
		{"BatchUpdateFindingsV2", FamilyUpdateFindings},
		{"ListMembers", "ListMembers"},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			if got := family(tt.op); got != tt.family {
				t.Errorf("family(%s) = %s, want %s", tt.op, got, tt.family)
			}
		})
	}
	l, err := newLimiter(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for fam, want := range map[string]Limit{FamilyGetFindings: {3, 6}, FamilyUpdateFindings: {10, 30}, "ListMembers": DefaultOtherLimit} {
		b := l.bucketFor(fam)
		if b == nil || b.rate != want.PerSecond || b.burst != float64(want.Burst) {
			t.Errorf("bucket of %s = %+v, want %+v", fam, b, want)
		}
	}
	off, _ := newLimiter(map[string]Limit{"ListMembers": {}}, nil)
	if off.bucketFor("ListMembers") != nil {
		t.Error("a zero Limit still limits")
	}
}

// waitingClock is the wall clock, except that Sleep reports each wait on
// slept and then waits for ctx to end.
type waitingClock struct {
	SystemClock
	slept chan time.Duration
}

func (c waitingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.slept <- d
	<-ctx.Done()
	return ctx.Err()
}

// TestRateLimitIsInTheStack: with a rate of one call per 1,000 seconds, a
// second GetFindings(V2) waits in the client's limiter, never reaching
// the server, until its context ends; other operations pass meanwhile.
func TestRateLimitIsInTheStack(t *testing.T) {
	hub := hubtest.NewTest(t, hubtest.Options{})
	clock := waitingClock{slept: make(chan time.Duration, 1)}
	c, err := New(context.Background(), Options{Region: hubtest.DefaultRegion, Endpoint: hub.URL(), Credentials: hub.AWSConfig().Credentials,
		Limits: map[string]Limit{FamilyGetFindings: {PerSecond: 0.001, Burst: 1}}, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.API().GetFindings(context.Background(), &awssdk.GetFindingsInput{}); err != nil {
		t.Fatalf("first call: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := c.API().GetFindingsV2(ctx, &awssdk.GetFindingsV2Input{})
		errc <- err
	}()
	select {
	case err := <-errc:
		t.Fatalf("the second call returned before waiting: %v", err)
	case d := <-clock.slept:
		if d < 999*time.Second || d > 1000*time.Second+time.Millisecond {
			t.Errorf("the second call waits %v, want about 1,000 s", d)
		}
	}
	if _, err := c.API().DescribeActionTargets(context.Background(), &awssdk.DescribeActionTargetsInput{}); err != nil {
		t.Fatalf("DescribeActionTargets while GetFindings waits: %v", err)
	}
	cancel()
	if err := <-errc; err == nil || !strings.Contains(err.Error(), "rate limit of GetFindings") {
		t.Fatalf("second call = %v, want it stopped in the rate limiter", err)
	}
	if n := hub.Calls("GetFindings") + hub.Calls("GetFindingsV2"); n != 1 {
		t.Errorf("the server saw %d GetFindings calls, want 1", n)
	}
	b := c.limits.bucketFor(FamilyGetFindings)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inflight != 0 || b.tokens < 0 {
		t.Errorf("in flight %d, tokens %v: the stopped call took something", b.inflight, b.tokens)
	}
}
