package notify

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestRetryAndPermanentOfNil(t *testing.T) {
	if err := Retry(nil, time.Second); err != nil {
		t.Errorf("Retry(nil) = %v, want nil", err)
	}
	if err := Permanent(nil); err != nil {
		t.Errorf("Permanent(nil) = %v, want nil", err)
	}
}

func TestShouldRetry(t *testing.T) {
	base := errors.New("boom")
	tests := []struct {
		name      string
		err       error
		wantRetry bool
		wantAfter time.Duration
	}{
		{"nil", nil, false, 0},
		{"plain error is permanent", base, false, 0},
		{"retry", Retry(base, 3*time.Second), true, 3 * time.Second},
		{"retry without wait", Retry(base, 0), true, 0},
		{"negative wait counts as zero", Retry(base, -time.Second), true, 0},
		{"wrapped retry", fmt.Errorf("slack: post: %w", Retry(base, time.Second)), true, time.Second},
		{"permanent", Permanent(base), false, 0},
		{"permanent overrides inner retry", Permanent(fmt.Errorf("jira: %w", Retry(base, time.Second))), false, 0},
		{"retry overrides inner permanent", Retry(Permanent(base), 2*time.Second), true, 2 * time.Second},
		{"joined errors: first *Error wins", errors.Join(base, Retry(base, time.Minute)), true, time.Minute},
		{"context cancel alone is permanent", context.Canceled, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			retry, after := ShouldRetry(tt.err)
			if retry != tt.wantRetry || after != tt.wantAfter {
				t.Errorf("ShouldRetry(%v) = %v, %v; want %v, %v", tt.err, retry, after, tt.wantRetry, tt.wantAfter)
			}
		})
	}
}

func TestErrorMessageAndUnwrap(t *testing.T) {
	base := errors.New("HTTP 503")
	err := Retry(base, time.Second)
	if err.Error() != "HTTP 503" {
		t.Errorf("Error() = %q, want the underlying message", err.Error())
	}
	if !errors.Is(err, base) {
		t.Error("errors.Is does not reach the underlying error")
	}
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Retryable: true}, "retryable delivery failure"},
		{&Error{}, "permanent delivery failure"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() of %+v = %q, want %q", tt.err, got, tt.want)
		}
	}
}
