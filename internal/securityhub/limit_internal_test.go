package securityhub

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

func TestBucketReserve(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	b := &bucket{rate: 10, burst: 3, tokens: 3}
	steps := []struct {
		name string
		now  time.Duration // since at
		wait time.Duration
	}{
		{"burst 1", 0, 0},
		{"burst 2", 0, 0},
		{"burst 3", 0, 0},
		{"empty: wait a tenth of a second", 0, 100 * time.Millisecond},
		{"in debt: wait two tenths", 0, 200 * time.Millisecond},
		{"half a second later the debt is paid and the bucket is full", 500 * time.Millisecond, 0},
		{"the second token", 500 * time.Millisecond, 0},
		{"the third token", 500 * time.Millisecond, 0},
		{"empty again", 500 * time.Millisecond, 100 * time.Millisecond},
		{"a clock going back refills nothing", 400 * time.Millisecond, 200 * time.Millisecond},
		{"an hour later: never more than the burst", time.Hour, 0},
	}
	for _, st := range steps {
		if got := b.reserve(at.Add(st.now)); got != st.wait {
			t.Errorf("%s: wait %v, want %v", st.name, got, st.wait)
		}
	}
	if b.tokens != 2 {
		t.Errorf("tokens = %v after an idle hour and one call, want burst-1 = 2", b.tokens)
	}
	b.tokens = -1
	b.cancel()
	if b.tokens != 0 {
		t.Errorf("cancel gave back %v, want one token", b.tokens+1)
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
	l, err := newLimiter(nil)
	if err != nil {
		t.Fatal(err)
	}
	for fam, want := range map[string]Limit{FamilyGetFindings: {3, 6}, FamilyUpdateFindings: {10, 30}, "ListMembers": DefaultOtherLimit} {
		b := l.bucketFor(fam)
		if b == nil || b.rate != want.PerSecond || b.burst != float64(want.Burst) {
			t.Errorf("bucket of %s = %+v, want %+v", fam, b, want)
		}
	}
	off, _ := newLimiter(map[string]Limit{"ListMembers": {}})
	if off.bucketFor("ListMembers") != nil {
		t.Error("a zero Limit still limits")
	}
}

// TestRateLimitIsInTheStack: with a rate of one call per 1,000 seconds, a
// second GetFindings(V2) waits in the client's limiter, never reaching
// the server, until its context ends; other operations pass meanwhile.
func TestRateLimitIsInTheStack(t *testing.T) {
	hub := hubtest.NewTest(t, hubtest.Options{})
	c, err := New(context.Background(), Options{Region: hubtest.DefaultRegion, Endpoint: hub.URL(), Credentials: hub.AWSConfig().Credentials,
		Limits: map[string]Limit{FamilyGetFindings: {PerSecond: 0.001, Burst: 1}}})
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
	b := c.limits.bucketFor(FamilyGetFindings)
	for waiting := false; !waiting; {
		select {
		case err := <-errc:
			t.Fatalf("the second call returned before waiting: %v", err)
		default:
		}
		runtime.Gosched()
		b.mu.Lock()
		waiting = b.tokens < 0 // the call took its token and waits
		b.mu.Unlock()
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
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < -0.01 {
		t.Errorf("tokens = %v: the cancelled call did not give its token back", b.tokens)
	}
}
