package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

func claimFeedback(t *testing.T, s *store.Store, now time.Time) []store.Feedback {
	t.Helper()
	fb, err := s.ClaimFeedback(context.Background(), "fb", now, time.Minute, 100)
	if err != nil {
		t.Fatalf("ClaimFeedback: %v", err)
	}
	return fb
}

func notify(o store.Observation) store.Observation {
	o.MarkNotified = true
	return o
}

func TestFeedbackAfterAllDelivered(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ingest(t, s, notify(observe(failing("F1", t0), to("tickets", "backlog"), to("chat", "slack"))))
		cs := claim(t, s, "w", t0, 10)
		complete(t, s, cs[0], "w", store.Receipt{ID: "SYS-1", URL: "https://example.backlog.jp/view/SYS-1"}, t0)
		if fb := claimFeedback(t, s, t0); len(fb) != 0 {
			t.Fatalf("feedback with a delivery in flight: %+v", fb)
		}
		complete(t, s, cs[1], "w", store.Receipt{ID: "1700000000.0001", Channel: "C1"}, t0)
		fb := claimFeedback(t, s, t0)
		if len(fb) != 1 {
			t.Fatalf("feedback = %+v, want one", fb)
		}
		f := fb[0]
		if f.FindingID != "F1" || f.ProductARN != productARN || f.Episode != 1 || f.Attempts != 1 || len(f.Notes) != 2 ||
			f.Notes[0].ID != "SYS-1" || f.Notes[1].Channel != "C1" {
			t.Fatalf("feedback = %+v", f)
		}
		// Leased: not claimed again until the lease ends.
		if again := claimFeedback(t, s, t0.Add(30*time.Second)); len(again) != 0 {
			t.Fatalf("leased feedback claimed again: %+v", again)
		}
		if err := s.RetryFeedback(ctx, []int64{f.ID}, "fb", "ThrottlingException", t0.Add(time.Minute), t0); err != nil {
			t.Fatal(err)
		}
		again := claimFeedback(t, s, t0.Add(time.Minute))
		if len(again) != 1 || again[0].Attempts != 2 {
			t.Fatalf("retried feedback = %+v", again)
		}
		err := s.CompleteFeedback(ctx, []int64{f.ID, 424242}, "fb", t0.Add(time.Minute))
		wantErr(t, err, store.ErrLeaseLost)
		if !strings.Contains(err.Error(), "424242") {
			t.Errorf("error %v does not name the lost row", err)
		}
		if after := claimFeedback(t, s, t0.Add(time.Hour)); len(after) != 0 {
			t.Fatalf("done feedback claimed: %+v", after)
		}
		// A new delivery completing in the same episode adds no second row.
		ingest(t, s, notify(observe(failing("F1", t0), to("tickets", "backlog"), to("chat", "slack"), to("late", "mail"))))
		deliverAll(t, s, t0.Add(time.Hour), noReceipt)
		if fb := claimFeedback(t, s, t0.Add(2*time.Hour)); len(fb) != 0 {
			t.Fatalf("second feedback for one episode: %+v", fb)
		}
	})
}

func TestFeedbackNever(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ingest(t, s,
			notify(observe(failing("DEAD", t0), to("a", "backlog"), to("b", "slack"))), // one delivery dies
			observe(failing("NOFB", t0), to("a", "backlog")),                           // feedback not wanted
			notify(observe(failing("GONE", t0), to("a", "backlog"))),                   // resolved before delivery completes
		)
		for _, c := range claim(t, s, "w", t0, 10) {
			switch {
			case c.FindingID == "DEAD" && c.Destination == "slack":
				if err := s.Kill(ctx, c.ID, "w", "invalid_auth", t0); err != nil {
					t.Fatal(err)
				}
			case c.FindingID == "GONE":
				ingest(t, s, notify(observe(passed("GONE", t0.Add(time.Second)))))
				complete(t, s, c, "w", store.Receipt{ID: "x"}, t0.Add(2*time.Second))
			default:
				complete(t, s, c, "w", store.Receipt{ID: "x"}, t0)
			}
		}
		if fb := claimFeedback(t, s, t0.Add(time.Hour)); len(fb) != 0 {
			t.Fatalf("feedback = %+v, want none", fb)
		}
	})
}

func TestFeedbackDigest(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ingest(t, s,
			notify(observe(failing("F1", t0), grouped("acct", 10))),
			notify(observe(failing("F2", t0), grouped("acct", 10), to("tickets", "backlog"))),
		)
		flushAt(t, s, time.Minute, 1)
		cs := claim(t, s, "w", t0.Add(time.Minute), 10)
		if len(cs) != 2 {
			t.Fatalf("claimed %v", ids(cs))
		}
		var digest, ticket store.Claimed
		for _, c := range cs {
			if c.Kind == store.KindDigest {
				digest = c
			} else {
				ticket = c
			}
		}
		complete(t, s, digest, "w", store.Receipt{ID: "1700000000.0002", Channel: "C9"}, t0.Add(time.Minute))
		fb := claimFeedback(t, s, t0.Add(time.Minute))
		if len(fb) != 1 || fb[0].FindingID != "F1" || len(fb[0].Notes) != 1 || fb[0].Notes[0].Channel != "C9" {
			t.Fatalf("feedback after digest = %+v", fb)
		}
		complete(t, s, ticket, "w", store.Receipt{ID: "SYS-2"}, t0.Add(time.Minute))
		fb = claimFeedback(t, s, t0.Add(time.Minute))
		if len(fb) != 1 || fb[0].FindingID != "F2" || len(fb[0].Notes) != 2 {
			t.Fatalf("feedback after ticket = %+v", fb)
		}
	})
}

func TestFeedbackBatchLimit(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		var obs []store.Observation
		for i := 0; i < 130; i++ {
			obs = append(obs, notify(observe(failing(strings.Repeat("x", i+1), t0), to("r", "d"))))
		}
		ingest(t, s, obs...)
		deliverAll(t, s, t0, noReceipt)
		fb, err := s.ClaimFeedback(context.Background(), "fb", t0, time.Minute, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(fb) != store.MaxFeedbackBatch {
			t.Errorf("claimed %d feedback rows, want %d", len(fb), store.MaxFeedbackBatch)
		}
	})
}
