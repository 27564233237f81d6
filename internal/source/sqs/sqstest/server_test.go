package sqstest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/hubrelay/hubrelay/internal/source/sqs/sqstest"
)

// testTimeout bounds every wait of a test; reaching it is a failure.
const testTimeout = 60 * time.Second

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// noProblems fails the test when the server refused a request of the SDK
// for breaking the protocol.
func noProblems(t *testing.T, srv *sqstest.Server) {
	t.Helper()
	if p := srv.Problems(); len(p) > 0 {
		t.Errorf("the server refused requests:\n%s", strings.Join(p, "\n"))
	}
}

func receive(ctx context.Context, t *testing.T, c *sqs.Client, url string, wait, vis int32) []types.Message {
	t.Helper()
	in := &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(url),
		MaxNumberOfMessages:         10,
		WaitTimeSeconds:             wait,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount},
	}
	if vis >= 0 {
		in.VisibilityTimeout = vis
	}
	out, err := c.ReceiveMessage(ctx, in)
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	return out.Messages
}

func TestSendReceiveDelete(t *testing.T) {
	ctx := testContext(t)
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("findings", sqstest.Attributes{})
	c := srv.Client()
	bodies := []string{`{"detail-type":"x"}`, "日本語 ✓", "tab\tand\nnewline"}
	var ids []string
	for _, b := range bodies {
		out, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(b)})
		if err != nil {
			t.Fatalf("SendMessage: %v", err) // the SDK checks MD5OfMessageBody
		}
		ids = append(ids, aws.ToString(out.MessageId))
	}
	msgs := receive(ctx, t, c, url, 0, -1)
	if len(msgs) != len(bodies) {
		t.Fatalf("received %d messages, want %d", len(msgs), len(bodies))
	}
	var entries []types.DeleteMessageBatchRequestEntry
	for i, m := range msgs {
		if aws.ToString(m.Body) != bodies[i] || aws.ToString(m.MessageId) != ids[i] {
			t.Errorf("message %d: %q %q, want %q %q", i, aws.ToString(m.MessageId), aws.ToString(m.Body), ids[i], bodies[i])
		}
		if m.Attributes["ApproximateReceiveCount"] != "1" {
			t.Errorf("message %d: attributes %v, want ApproximateReceiveCount 1", i, m.Attributes)
		}
		entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String("e" + ids[i][:8]), ReceiptHandle: m.ReceiptHandle})
	}
	if st := srv.Stats(url); st.InFlight != 3 || st.Visible != 0 {
		t.Errorf("after receiving: %+v, want 3 in flight", st)
	}
	out, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
	if err != nil {
		t.Fatalf("DeleteMessageBatch: %v", err)
	}
	if len(out.Successful) != 3 || len(out.Failed) != 0 {
		t.Errorf("DeleteMessageBatch: %d successful, failed %+v", len(out.Successful), out.Failed)
	}
	if st := srv.Stats(url); st != (sqstest.Stats{Deleted: 3}) {
		t.Errorf("after deleting: %+v, want 3 deleted", st)
	}
	noProblems(t, srv)
}

// TestVisibility checks that an unacknowledged message comes back with a
// new receipt handle once its visibility timeout is over, that the old
// handle then deletes nothing, and that visibility changes follow SQS's
// rules.
func TestVisibility(t *testing.T) {
	ctx := testContext(t)
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("q", sqstest.Attributes{VisibilityTimeout: time.Second})
	c := srv.Client()
	id := srv.Send(url, "body")
	first := receive(ctx, t, c, url, 0, -1)
	if len(first) != 1 {
		t.Fatalf("received %d, want 1", len(first))
	}
	if again := receive(ctx, t, c, url, 0, -1); len(again) != 0 {
		t.Fatalf("an in-flight message was received again")
	}
	// The long poll returns once the message is visible again.
	var second []types.Message
	for len(second) == 0 {
		second = receive(ctx, t, c, url, 20, 60)
	}
	if h1, h2 := aws.ToString(first[0].ReceiptHandle), aws.ToString(second[0].ReceiptHandle); h1 == h2 {
		t.Errorf("the same receipt handle twice")
	}
	if second[0].Attributes["ApproximateReceiveCount"] != "2" {
		t.Errorf("ApproximateReceiveCount %q, want 2", second[0].Attributes["ApproximateReceiveCount"])
	}
	// Changing the visibility with the outdated handle fails.
	_, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: first[0].ReceiptHandle, VisibilityTimeout: 30})
	var notInflight *types.MessageNotInflight
	if !errors.As(err, &notInflight) {
		t.Errorf("ChangeMessageVisibility with an outdated handle: %v, want MessageNotInflight", err)
	}
	if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: second[0].ReceiptHandle, VisibilityTimeout: 120}); err != nil {
		t.Errorf("ChangeMessageVisibility: %v", err)
	}
	cb, err := c.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url), Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
		{Id: aws.String("current"), ReceiptHandle: second[0].ReceiptHandle, VisibilityTimeout: 60},
		{Id: aws.String("old"), ReceiptHandle: first[0].ReceiptHandle, VisibilityTimeout: 60},
		{Id: aws.String("beyond-12h"), ReceiptHandle: second[0].ReceiptHandle, VisibilityTimeout: 43200},
	}})
	if err != nil {
		t.Fatalf("ChangeMessageVisibilityBatch: %v", err)
	}
	if len(cb.Successful) != 1 || aws.ToString(cb.Successful[0].Id) != "current" || len(cb.Failed) != 2 ||
		aws.ToString(cb.Failed[0].Code) != "MessageNotInflight" || aws.ToString(cb.Failed[1].Code) != "InvalidParameterValue" {
		t.Errorf("ChangeMessageVisibilityBatch: successful %+v failed %+v", cb.Successful, cb.Failed)
	}
	// The outdated handle deletes nothing; the current one deletes.
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: first[0].ReceiptHandle}); err != nil {
		t.Fatalf("DeleteMessage with the outdated handle: %v", err)
	}
	if m, _ := srv.Message(url, id); m.Deleted || m.Extensions != 2 || m.Receives != 2 || !m.InFlight {
		t.Errorf("after the outdated delete: %+v", m)
	}
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: second[0].ReceiptHandle}); err != nil {
		t.Fatalf("DeleteMessage: %v", err)
	}
	if st := srv.Stats(url); st != (sqstest.Stats{Deleted: 1, StaleDeletes: 1}) {
		t.Errorf("stats %+v", st)
	}
	noProblems(t, srv)
}

// TestLongPollWakesOnSend checks that a long poll returns the message sent
// while it waits.
func TestLongPollWakesOnSend(t *testing.T) {
	ctx := testContext(t)
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("q", sqstest.Attributes{})
	c := srv.Client()
	got := make(chan []types.Message, 1)
	go func() {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 20})
		if err != nil {
			t.Errorf("ReceiveMessage: %v", err)
		}
		got <- out.Messages
	}()
	if err := srv.Await(ctx, func() bool { return srv.Calls("ReceiveMessage") == 1 }); err != nil {
		t.Fatal(err)
	}
	srv.Send(url, "late")
	if msgs := <-got; len(msgs) != 1 || aws.ToString(msgs[0].Body) != "late" {
		t.Errorf("long poll returned %d messages", len(msgs))
	}
	// A long poll whose caller gives up ends with the caller's error.
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := c.ReceiveMessage(cctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20})
		done <- err
	}()
	if err := srv.Await(ctx, func() bool { return srv.Calls("ReceiveMessage") == 2 }); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("canceled long poll: %v", err)
	}
	noProblems(t, srv)
}

func TestRedrive(t *testing.T) {
	ctx := testContext(t)
	srv := sqstest.NewServer(t)
	dlq := srv.CreateQueue("findings-dlq", sqstest.Attributes{})
	url := srv.CreateQueue("findings", sqstest.Attributes{Redrive: &sqstest.Redrive{DeadLetterQueueURL: dlq, MaxReceiveCount: 2}})
	c := srv.Client()
	id := srv.Send(url, "not a finding")
	for i := 0; i < 2; i++ {
		msgs := receive(ctx, t, c, url, 0, -1)
		if len(msgs) != 1 {
			t.Fatalf("receive %d: %d messages", i+1, len(msgs))
		}
		// Visible again at once, as a consumer giving up on it does.
		if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 0}); err != nil {
			t.Fatalf("ChangeMessageVisibility 0: %v", err)
		}
	}
	if msgs := receive(ctx, t, c, url, 0, -1); len(msgs) != 0 {
		t.Fatalf("received a third time; want it moved")
	}
	moved := receive(ctx, t, c, dlq, 0, -1)
	if len(moved) != 1 || aws.ToString(moved[0].MessageId) != id {
		t.Fatalf("dead-letter queue holds %d messages", len(moved))
	}
	if st := srv.Stats(url); st.Moved != 1 || st.Visible+st.InFlight != 0 {
		t.Errorf("source queue stats %+v", st)
	}
	attrs, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameVisibilityTimeout, types.QueueAttributeNameRedrivePolicy}})
	if err != nil {
		t.Fatalf("GetQueueAttributes: %v", err)
	}
	want := `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:findings-dlq","maxReceiveCount":2}`
	if attrs.Attributes["VisibilityTimeout"] != "30" || attrs.Attributes["RedrivePolicy"] != want {
		t.Errorf("attributes %v", attrs.Attributes)
	}
	noProblems(t, srv)
}

// TestErrors checks the error answers against the SDK's error types.
func TestErrors(t *testing.T) {
	ctx := testContext(t)
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("q", sqstest.Attributes{})
	c := srv.Client()
	tests := []struct {
		name string
		call func() error
		code string // smithy.APIError.ErrorCode()
		as   any    // a pointer to the SDK's error type, when it has one
	}{
		{
			name: "unknown queue",
			call: func() error {
				_, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(srv.URL + "/123456789012/nope")})
				return err
			},
			code: "AWS.SimpleQueueService.NonExistentQueue", as: new(*types.QueueDoesNotExist),
		},
		{
			name: "empty batch",
			call: func() error {
				_, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.DeleteMessageBatchRequestEntry{}})
				return err
			},
			code: "AWS.SimpleQueueService.EmptyBatchRequest", as: new(*types.EmptyBatchRequest),
		},
		{
			name: "repeated batch ids",
			call: func() error {
				e := types.DeleteMessageBatchRequestEntry{Id: aws.String("a"), ReceiptHandle: aws.String("x")}
				_, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.DeleteMessageBatchRequestEntry{e, e}})
				return err
			},
			code: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", as: new(*types.BatchEntryIdsNotDistinct),
		},
		{
			name: "invalid receipt handle",
			call: func() error {
				_, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String("not-a-handle!")})
				return err
			},
			code: "ReceiptHandleIsInvalid", as: new(*types.ReceiptHandleIsInvalid),
		},
		{
			name: "too many messages asked for",
			call: func() error {
				_, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 11})
				return err
			},
			code: "InvalidParameterValue",
		},
		{
			name: "injected fault",
			call: func() error {
				srv.Fail("GetQueueAttributes", 1, sqstest.AccessDenied())
				_, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url)})
				return err
			},
			code: "AccessDenied",
		},
		{
			name: "wrong secret key",
			call: func() error {
				bad := srv.Client(func(o *sqs.Options) {
					o.Credentials = aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
						cr := srv.Credentials()
						cr.SecretAccessKey = "wrong"
						return cr, nil
					}))
				})
				_, err := bad.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url)})
				return err
			},
			code: "SignatureDoesNotMatch",
		},
		{
			name: "signed for another region",
			call: func() error {
				_, err := srv.Client(func(o *sqs.Options) { o.Region = "eu-west-1" }).GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url)})
				return err
			},
			code: "SignatureDoesNotMatch",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorCode() != tt.code {
				t.Fatalf("error %v, want code %s", err, tt.code)
			}
			if tt.as != nil && !errors.As(err, tt.as) {
				t.Errorf("error %T is not %T", err, tt.as)
			}
		})
	}
	if p := srv.Problems(); len(p) != 3 {
		t.Errorf("problems %q, want the out-of-range parameter and the two bad signatures", p)
	}
}
