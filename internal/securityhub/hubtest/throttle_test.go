package hubtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
)

func TestThrottlingIsRetriedByTheSDK(t *testing.T) {
	tests := []struct {
		name          string
		op            string
		call          func(*securityhub.Client) error
		calls         int // successful calls made
		wantThrottled int
	}{
		// GetFindings: burst 6, 3 per second. The 7th call is throttled;
		// the retry comes a (clock) second later with 3 new tokens,
		// which carry the 8th and 9th; the 10th is throttled again.
		{"GetFindings 3/s burst 6", "GetFindings", func(c *securityhub.Client) error {
			_, err := c.GetFindings(context.Background(), &securityhub.GetFindingsInput{})
			return err
		}, 10, 2},
		// Every other operation: burst 30, 10 per second.
		{"ListMembers 10/s burst 30", "ListMembers", func(c *securityhub.Client) error {
			_, err := c.ListMembers(context.Background(), &securityhub.ListMembersInput{})
			return err
		}, 45, 2},
		{"GetFindingsV2 10/s burst 30", "GetFindingsV2", func(c *securityhub.Client) error {
			_, err := c.GetFindingsV2(context.Background(), &securityhub.GetFindingsV2Input{})
			return err
		}, 31, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := NewClock(testNow)
			s := NewTest(t, Options{Throttle: true, Now: clk.Now})
			c := retryingClient(s, clk, 5)
			for i := range tt.calls {
				if err := tt.call(c); err != nil {
					t.Fatalf("call %d: %v", i+1, err)
				}
			}
			if got := s.Throttled(tt.op); got != tt.wantThrottled {
				t.Errorf("Throttled(%s) = %d, want %d", tt.op, got, tt.wantThrottled)
			}
			if got, want := s.Calls(tt.op), tt.calls+tt.wantThrottled; got != want {
				t.Errorf("Calls(%s) = %d, want %d (every throttled call retried once)", tt.op, got, want)
			}
		})
	}
}

func TestThrottlingErrors(t *testing.T) {
	clk := NewClock(testNow)
	s := NewTest(t, Options{Throttle: true, Now: clk.Now})
	c := retryingClient(s, clk, 1) // no retries: see the error itself
	ctx := context.Background()

	var err error
	for range 7 {
		_, err = c.GetFindings(ctx, &securityhub.GetFindingsInput{})
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != codeTooManyRequests {
		t.Fatalf("7th GetFindings: got %v, want %s", err, codeTooManyRequests)
	}
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) != aws.TrueTernary {
		t.Errorf("the SDK does not see %v as throttling", err)
	}

	for range 31 {
		_, err = c.GetFindingsV2(ctx, &securityhub.GetFindingsV2Input{})
	}
	var te *types.ThrottlingException
	if !errors.As(err, &te) {
		t.Fatalf("31st GetFindingsV2: got %v, want *types.ThrottlingException", err)
	}

	// Buckets are per operation, and time refills them.
	if _, err := c.ListMembers(ctx, &securityhub.ListMembersInput{}); err != nil {
		t.Errorf("ListMembers after GetFindings was throttled: %v", err)
	}
	clk.Advance(time.Second)
	if _, err := c.GetFindings(ctx, &securityhub.GetFindingsInput{}); err != nil {
		t.Errorf("GetFindings a second later: %v", err)
	}
}

func TestNoThrottlingByDefault(t *testing.T) {
	s := NewTest(t, Options{Now: NewClock(testNow).Now})
	c := retryingClient(s, NewClock(testNow), 1)
	for i := range 50 {
		if _, err := c.GetFindings(context.Background(), &securityhub.GetFindingsInput{}); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	if s.Throttled("GetFindings") != 0 {
		t.Error("throttled without Options.Throttle")
	}
}

func TestBucket(t *testing.T) {
	start := testNow
	tests := []struct {
		name  string
		limit rateLimit
		at    []time.Duration // request times since start
		want  []bool
	}{
		{"burst then empty", rateLimit{rate: 3, burst: 6}, []time.Duration{0, 0, 0, 0, 0, 0, 0}, []bool{true, true, true, true, true, true, false}},
		{"refill at the rate", rateLimit{rate: 3, burst: 6}, []time.Duration{0, 0, 0, 0, 0, 0, 300 * time.Millisecond, 340 * time.Millisecond}, []bool{true, true, true, true, true, true, false, true}},
		{"refill capped at burst", rateLimit{rate: 1, burst: 2}, []time.Duration{0, 0, time.Hour, time.Hour, time.Hour}, []bool{true, true, true, true, false}},
		{"clock going back refills nothing", rateLimit{rate: 1, burst: 1}, []time.Duration{time.Hour, 0, 2 * time.Hour}, []bool{true, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &bucket{limit: tt.limit, tokens: tt.limit.burst, last: start}
			for i, at := range tt.at {
				if got := b.take(start.Add(at)); got != tt.want[i] {
					t.Errorf("request %d at +%s: %v, want %v", i, at, got, tt.want[i])
				}
			}
		})
	}
}
