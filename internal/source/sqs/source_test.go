package sqssource_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/hubrelay/hubrelay/internal/ingest"
	sqssource "github.com/hubrelay/hubrelay/internal/source/sqs"
	"github.com/hubrelay/hubrelay/internal/source/sqs/sqstest"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

func TestNew(t *testing.T) {
	srv := sqstest.NewServer(t)
	tests := []struct {
		name    string
		client  sqssource.Client
		cfg     sqssource.Config
		wantErr string
	}{
		{name: "ok", client: srv.Client(), cfg: sqssource.Config{QueueURL: srv.URL + "/123456789012/q"}},
		{name: "no client", cfg: sqssource.Config{QueueURL: "u"}, wantErr: "sqs: no client"},
		{name: "no queue", client: srv.Client(), wantErr: "sqs: no queue URL"},
		{name: "fractional visibility", client: srv.Client(), cfg: sqssource.Config{QueueURL: "u", VisibilityTimeout: 1500 * time.Millisecond}, wantErr: "sqs: visibility timeout 1.5s is not whole seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sqssource.New(tt.client, tt.cfg, nil)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestDeletedOnlyAfterCommit holds the Handler and checks that the message
// is still in flight, not deleted, until the findings are committed, and
// deleted once they are.
func TestDeletedOnlyAfterCommit(t *testing.T) {
	ctx := testContext(t)
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("findings", sqstest.Attributes{})
	st := storetest.Open(t, store.DialectSQLite)
	in := newIngester(t, st)
	entered, release := make(chan struct{}), make(chan struct{})
	var deletedBeforeCommit atomic.Bool
	var id string
	s := start(t, srv, url, sqssource.Config{}, func(ctx context.Context, body []byte) (any, error) {
		close(entered)
		<-release
		res, err := in.Body(ctx, "sqs", body)
		if m, _ := srv.Message(url, id); m.Deleted {
			deletedBeforeCommit.Store(true)
		}
		return res, err
	})
	id = srv.Send(url, event(t, 1))
	<-entered
	if m, _ := srv.Message(url, id); m.Deleted || !m.InFlight {
		t.Errorf("while the handler runs: %+v, want in flight and not deleted", m)
	}
	close(release)
	await(ctx, t, srv, "the delete", func() bool { return srv.Stats(url).Deleted == 1 })
	if deletedBeforeCommit.Load() {
		t.Error("the message was deleted before the handler returned")
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if c, _ := st.Counts(ctx); c[store.StatusPending] != 1 {
		t.Errorf("store counts %v, want one pending delivery", c)
	}
	if m, _ := srv.Message(url, id); m.Receives != 1 {
		t.Errorf("received %d times, want once", m.Receives)
	}
	if p := srv.Problems(); len(p) > 0 {
		t.Errorf("protocol problems: %q", p)
	}
}

// TestUnavailableComesBack fails the first commit as the store does when
// it is down: the message is not deleted, comes back after its visibility
// timeout and is deleted after the second, successful commit.
func TestUnavailableComesBack(t *testing.T) {
	ctx := testContext(t)
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("findings", sqstest.Attributes{VisibilityTimeout: time.Second})
	in := newIngester(t, storetest.Open(t, store.DialectSQLite))
	var calls atomic.Int32
	rec := &recorder{next: func(ctx context.Context, body []byte) (any, error) {
		if calls.Add(1) == 1 {
			return ingest.Result{}, &ingest.UnavailableError{Err: errors.New("dial tcp 127.0.0.1:5432: connection refused")}
		}
		return in.Body(ctx, "sqs", body)
	}}
	s := start(t, srv, url, sqssource.Config{}, rec.handle)
	id := srv.Send(url, event(t, 2))
	await(ctx, t, srv, "the delete", func() bool { return srv.Stats(url).Deleted == 1 })
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	m, _ := srv.Message(url, id)
	n, sum, _ := rec.result()
	if m.Receives != 2 || n != 2 || sum.Deliveries != 1 {
		t.Errorf("received %d times, handled %d times, %d deliveries; want 2, 2, 1", m.Receives, n, sum.Deliveries)
	}
	if st := srv.Stats(url); st.StaleDeletes != 0 {
		t.Errorf("stats %+v: the failed attempt was acknowledged", st)
	}
	if !strings.Contains(s.log.String(), `"msg":"sqs message not committed; it will be received again after the visibility timeout","queue":"findings","message_id":"`+id+`","receive_count":"1"`) {
		t.Errorf("log lacks the line for the failed attempt:\n%s", s.log)
	}
}

// TestSlowHandlerExtended keeps a Handler busy for two visibility
// extensions, longer than the queue's visibility timeout: with a second
// receive loop polling, the message would be received again had its
// visibility not been extended.
func TestSlowHandlerExtended(t *testing.T) {
	ctx := testContext(t)
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("findings", sqstest.Attributes{VisibilityTimeout: 2 * time.Second})
	in := newIngester(t, storetest.Open(t, store.DialectSQLite))
	var id string
	rec := &recorder{next: func(ctx context.Context, body []byte) (any, error) {
		if err := srv.Await(ctx, func() bool { m, _ := srv.Message(url, id); return m.Extensions >= 2 }); err != nil {
			return nil, err
		}
		return in.Body(ctx, "sqs", body)
	}}
	s := start(t, srv, url, sqssource.Config{Concurrency: 2}, rec.handle)
	id = srv.Send(url, event(t, 3))
	await(ctx, t, srv, "the delete", func() bool { return srv.Stats(url).Deleted == 1 })
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	m, _ := srv.Message(url, id)
	if n, _, _ := rec.result(); m.Receives != 1 || n != 1 {
		t.Errorf("received %d times, handled %d times; want once", m.Receives, n)
	}
	if srv.Calls("ChangeMessageVisibilityBatch") < 2 {
		t.Errorf("%d ChangeMessageVisibilityBatch calls, want 2 or more", srv.Calls("ChangeMessageVisibilityBatch"))
	}
}

// TestGracefulStop cancels Run while a Handler works: Run does not receive
// again, lets the Handler finish, deletes the message, and only then
// returns.
func TestGracefulStop(t *testing.T) {
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("findings", sqstest.Attributes{})
	in := newIngester(t, storetest.Open(t, store.DialectSQLite))
	entered, release := make(chan struct{}), make(chan struct{})
	s := start(t, srv, url, sqssource.Config{Concurrency: 1}, func(ctx context.Context, body []byte) (any, error) {
		close(entered)
		<-release
		return in.Body(ctx, "sqs", body)
	})
	id := srv.Send(url, event(t, 4))
	<-entered
	s.cancel()
	srv.Send(url, event(t, 5)) // not received: Run is stopping
	close(release)
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	// Run has returned: the message it was handling is deleted by now.
	if m, _ := srv.Message(url, id); !m.Deleted {
		t.Errorf("after Run returned: %+v, want deleted", m)
	}
	if st := srv.Stats(url); st.Visible != 1 || st.Deleted != 1 {
		t.Errorf("stats %+v, want the second message left visible", st)
	}
}

// TestStopTimeout checks that a Handler still running StopTimeout after
// the stop has its context canceled and its message left to come back.
func TestStopTimeout(t *testing.T) {
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("findings", sqstest.Attributes{})
	entered := make(chan struct{})
	s := start(t, srv, url, sqssource.Config{StopTimeout: 10 * time.Millisecond}, func(ctx context.Context, body []byte) (any, error) {
		close(entered)
		<-ctx.Done()
		return nil, &ingest.UnavailableError{Err: ctx.Err()}
	})
	id := srv.Send(url, event(t, 6))
	<-entered
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	if m, _ := srv.Message(url, id); m.Deleted {
		t.Errorf("the message of a canceled handler was deleted")
	}
	if !strings.Contains(s.log.String(), "handlers still running at the stop timeout") {
		t.Errorf("no log line for the stop timeout:\n%s", s.log)
	}
}

// TestSNSEnvelope checks that the Handler gets the event inside an SNS
// notification, not the notification.
func TestSNSEnvelope(t *testing.T) {
	ctx := testContext(t)
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("findings", sqstest.Attributes{})
	in := newIngester(t, storetest.Open(t, store.DialectSQLite))
	rec := &recorder{next: ingestHandler(in)}
	s := start(t, srv, url, sqssource.Config{}, rec.handle)
	ev := event(t, 7)
	out, err := srv.Client().SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(snsEnvelope(t, ev))})
	if err != nil {
		t.Fatal(err)
	}
	await(ctx, t, srv, "the delete", func() bool { return srv.Stats(url).Deleted == 1 })
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	n, sum, bodies := rec.result()
	if n != 1 || bodies[0] != ev || sum.Deliveries != 1 {
		t.Errorf("handled %d bodies (%d deliveries); want the event of message %s", n, sum.Deliveries, aws.ToString(out.MessageId))
	}
}

// TestRejected sends a message that is no finding to a queue without and
// with a dead-letter queue.
func TestRejected(t *testing.T) {
	const bad = `{"hello": "world"}`
	t.Run("no dead-letter queue: logged and deleted", func(t *testing.T) {
		ctx := testContext(t)
		srv := sqstest.NewServer(t)
		url := srv.CreateQueue("findings", sqstest.Attributes{})
		in := newIngester(t, storetest.Open(t, store.DialectSQLite))
		s := start(t, srv, url, sqssource.Config{}, ingestHandler(in))
		id := srv.Send(url, bad)
		await(ctx, t, srv, "the delete", func() bool { return srv.Stats(url).Deleted == 1 })
		if err := s.stop(t); err != nil {
			t.Fatal(err)
		}
		if m, _ := srv.Message(url, id); m.Receives != 1 {
			t.Errorf("received %d times, want once", m.Receives)
		}
		logs := s.log.String()
		for _, want := range []string{
			`the queue has no redrive policy`,
			`"msg":"sqs message rejected; deleted (the queue has no dead-letter queue)","queue":"findings","message_id":"` + id + `","receive_count":"1","error":"request body:1:1: not a Security Hub finding`,
		} {
			if !strings.Contains(logs, want) {
				t.Errorf("log lacks %s:\n%s", want, logs)
			}
		}
	})
	t.Run("a dead-letter queue: left for the redrive policy", func(t *testing.T) {
		ctx := testContext(t)
		srv := sqstest.NewServer(t)
		dlq := srv.CreateQueue("findings-dlq", sqstest.Attributes{})
		url := srv.CreateQueue("findings", sqstest.Attributes{VisibilityTimeout: time.Second,
			Redrive: &sqstest.Redrive{DeadLetterQueueURL: dlq, MaxReceiveCount: 2}})
		in := newIngester(t, storetest.Open(t, store.DialectSQLite))
		s := start(t, srv, url, sqssource.Config{}, ingestHandler(in))
		id := srv.Send(url, "not json at all")
		await(ctx, t, srv, "the move to the dead-letter queue", func() bool { return srv.Stats(url).Moved == 1 })
		if err := s.stop(t); err != nil {
			t.Fatal(err)
		}
		if st := srv.Stats(url); st.Deleted != 0 {
			t.Errorf("stats %+v: a rejected message was deleted", st)
		}
		if m, ok := srv.Message(dlq, id); !ok || m.Body != "not json at all" {
			t.Errorf("dead-letter queue: %+v", m)
		}
		if logs := s.log.String(); !strings.Contains(logs, `"dead_letter_queue":"arn:aws:sqs:us-east-1:123456789012:findings-dlq","max_receive_count":2`) ||
			!strings.Contains(logs, `left for the queue's dead-letter queue`) || !strings.Contains(logs, `"receive_count":"2","error":"request body:1:2: JSON syntax error`) {
			t.Errorf("log:\n%s", logs)
		}
	})
}

// TestThousandMessagesOnce ingests 1,000 messages with four receive loops
// into a real store: every message is handled once, deleted once, and
// every finding becomes one delivery.
func TestThousandMessagesOnce(t *testing.T) {
	const n = 1000
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			ctx := testContext(t)
			srv := sqstest.NewServer(t)
			url := srv.CreateQueue("findings", sqstest.Attributes{})
			st := storetest.Open(t, dialect)
			rec := &recorder{next: ingestHandler(newIngester(t, st))}
			for i := range n {
				srv.Send(url, event(t, 1000+i))
			}
			s := start(t, srv, url, sqssource.Config{Concurrency: 4}, rec.handle)
			await(ctx, t, srv, "every delete", func() bool { return srv.Stats(url).Deleted == n })
			if err := s.stop(t); err != nil {
				t.Fatal(err)
			}
			calls, sum, _ := rec.result()
			if calls != n || sum != (ingest.Result{Findings: n, Deliveries: n}) {
				t.Errorf("handled %d times, %+v; want %d findings and deliveries, once each", calls, sum, n)
			}
			for _, m := range srv.Messages(url) {
				if m.Receives != 1 || !m.Deleted {
					t.Fatalf("message %s: %+v", m.ID, m)
				}
			}
			if c, err := st.Counts(ctx); err != nil || c[store.StatusPending] != n {
				t.Errorf("store counts %v (%v), want %d pending", c, err, n)
			}
			if st := srv.Stats(url); st.StaleDeletes != 0 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

// TestFailedCalls makes SQS calls fail: a failed receive is retried, a
// failed delete lets the message come back, and the store still holds
// the finding once.
func TestFailedCalls(t *testing.T) {
	ctx := testContext(t)
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("findings", sqstest.Attributes{VisibilityTimeout: time.Second})
	st := storetest.Open(t, store.DialectSQLite)
	rec := &recorder{next: ingestHandler(newIngester(t, st))}
	srv.Fail("ReceiveMessage", 1, sqstest.AccessDenied())
	srv.Fail("DeleteMessageBatch", 1, sqstest.InternalError())
	s := start(t, srv, url, sqssource.Config{Concurrency: 1}, rec.handle)
	id := srv.Send(url, event(t, 8))
	await(ctx, t, srv, "the delete", func() bool { return srv.Stats(url).Deleted == 1 })
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	m, _ := srv.Message(url, id)
	calls, sum, _ := rec.result()
	if m.Receives != 2 || calls != 2 || sum.Deliveries != 1 || sum.Duplicates != 1 {
		t.Errorf("received %d times, handled %d times, %+v; want 2, 2, one delivery and one duplicate", m.Receives, calls, sum)
	}
	if c, _ := st.Counts(ctx); c[store.StatusPending] != 1 {
		t.Errorf("store counts %v, want one delivery", c)
	}
	logs := s.log.String()
	for _, want := range []string{"sqs receive failed; trying again", "AccessDenied", "deleting committed messages failed", "InternalFailure"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

// TestStartErrors checks what Run returns when it cannot read the queue,
// and that the credentials do not appear in it.
func TestStartErrors(t *testing.T) {
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("findings", sqstest.Attributes{})
	secret := srv.Credentials().SecretAccessKey
	tests := []struct {
		name   string
		url    string
		fault  *sqstest.Fault
		client *sqs.Client
		want   []string
	}{
		{name: "access denied", url: url, fault: &sqstest.Fault{Status: 400, Code: "AccessDenied", Message: "not authorized"},
			want: []string{"sqs: queue findings: get queue attributes (the role needs sqs:GetQueueAttributes", "AccessDenied"}},
		{name: "no such queue", url: srv.URL + "/123456789012/nope", want: []string{"queue nope", "NonExistentQueue"}},
		{name: "wrong region", url: url, client: srv.Client(func(o *sqs.Options) { o.Region = "ap-northeast-1" }), want: []string{"SignatureDoesNotMatch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				srv.Fail("GetQueueAttributes", 1, *tt.fault)
			}
			c := tt.client
			if c == nil {
				c = srv.Client()
			}
			src, err := sqssource.New(c, sqssource.Config{QueueURL: tt.url}, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = src.Run(testContext(t), func(context.Context, []byte) (any, error) { return nil, nil })
			if err == nil {
				t.Fatal("Run succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error shows the secret access key: %q", err)
			}
		})
	}
}

// TestHandlerPanics checks that a panicking Handler leaves its message to
// come back and does not stop the source.
func TestHandlerPanics(t *testing.T) {
	ctx := testContext(t)
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("findings", sqstest.Attributes{VisibilityTimeout: time.Second})
	var calls atomic.Int32
	s := start(t, srv, url, sqssource.Config{}, func(context.Context, []byte) (any, error) {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		return nil, nil
	})
	id := srv.Send(url, event(t, 9))
	await(ctx, t, srv, "the delete", func() bool { return srv.Stats(url).Deleted == 1 })
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	if m, _ := srv.Message(url, id); m.Receives != 2 {
		t.Errorf("received %d times, want 2", m.Receives)
	}
	if !strings.Contains(s.log.String(), "sqs: handler panicked: boom") {
		t.Errorf("log:\n%s", s.log)
	}
}
