package sqssource_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hubrelay/hubrelay/internal/ingest"
	"github.com/hubrelay/hubrelay/internal/source"
	sqssource "github.com/hubrelay/hubrelay/internal/source/sqs"
)

func TestUnwrap(t *testing.T) {
	ev := event(t, 1)
	tests := []struct {
		name    string
		body    string
		want    string
		wantErr string
	}{
		{name: "an EventBridge event is kept as it is", body: ev, want: ev},
		{name: "an SNS notification is unwrapped", body: snsEnvelope(t, ev), want: ev},
		{name: "an SNS notification with leading space", body: "\n  " + snsEnvelope(t, `{"a":1}`), want: `{"a":1}`},
		{name: "not JSON is kept for the ingester to reject", body: `{"Type":"Notification",`, want: `{"Type":"Notification",`},
		{name: "a JSON array is kept", body: `[{"Type":"Notification","Message":"x"}]`, want: `[{"Type":"Notification","Message":"x"}]`},
		{name: "Notification below the top level is kept", body: `{"detail":{"Type":"Notification","Message":"x"}}`, want: `{"detail":{"Type":"Notification","Message":"x"}}`},
		{name: "another Type is kept", body: `{"Type":"SubscriptionConfirmation","Message":"Notification"}`, want: `{"Type":"SubscriptionConfirmation","Message":"Notification"}`},
		{name: "a Type in lower case is not SNS's", body: `{"type":"Notification","message":"x"}`, want: `{"type":"Notification","message":"x"}`},
		{name: "an empty body is kept", body: "", want: ""},
		{name: "no Message", body: `{"Type":"Notification","TopicArn":"arn:aws:sns:us-east-1:123456789012:t"}`, wantErr: `message body: SNS notification without "Message"`},
		{name: "Message is an object", body: `{"Type":"Notification","Message":{"detail":{}}}`, wantErr: `message body: SNS notification: "Message" is not a string`},
		{name: "Message is empty", body: `{"Type":"Notification","Message":""}`, wantErr: `message body: SNS notification: "Message" is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sqssource.Unwrap([]byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if sqssource.Classify(err) != sqssource.Rejected {
					t.Errorf("Classify(%v) = %v, want rejected", err, sqssource.Classify(err))
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("got %.80q, want %.80q", got, tt.want)
			}
		})
	}
}

// inputError is an input error of another package, as a Handler may
// return.
type inputError struct{}

func (inputError) Error() string    { return "request body:1:1: not JSON" }
func (inputError) InputError() bool { return true }

func TestClassify(t *testing.T) {
	var _ source.InputError = (*sqssource.BodyError)(nil)
	tests := []struct {
		err  error
		want sqssource.Outcome
	}{
		{nil, sqssource.Committed},
		{&ingest.InputError{Problems: []error{errors.New("request body:1:2: bad")}}, sqssource.Rejected},
		{fmt.Errorf("wrapped: %w", inputError{}), sqssource.Rejected},
		{&sqssource.BodyError{Err: errors.New("x")}, sqssource.Rejected},
		{&ingest.UnavailableError{Err: errors.New("connection refused")}, sqssource.Retry},
		{fmt.Errorf("stopping: %w", &ingest.UnavailableError{Err: context.Canceled}), sqssource.Retry},
		{ingest.ErrClosed, sqssource.Retry},
		{context.DeadlineExceeded, sqssource.Retry},
		{errors.New("a bug"), sqssource.Retry},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.err), func(t *testing.T) {
			if got := sqssource.Classify(tt.err); got != tt.want {
				t.Errorf("Classify = %v, want %v", got, tt.want)
			}
		})
	}
}
