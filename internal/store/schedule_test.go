package store_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

func claimRun(t *testing.T, s *store.Store, job string, slot time.Time, owner string, now time.Time) bool {
	t.Helper()
	ok, err := s.ClaimRun(context.Background(), job, slot, owner, time.Minute, now)
	if err != nil {
		t.Fatalf("ClaimRun(%s, %v, %s): %v", job, slot, owner, err)
	}
	return ok
}

func runs(t *testing.T, s *store.Store, job string) []store.Run {
	t.Helper()
	rs, err := s.Runs(context.Background(), job, 0)
	if err != nil {
		t.Fatalf("Runs: %v", err)
	}
	return rs
}

// TestClaimRun walks one job through the cases ClaimRun decides, in
// order: each step's claim and what the history then shows.
func TestClaimRun(t *testing.T) {
	s1, s2, s3 := t0, t0.Add(time.Hour), t0.Add(2*time.Hour)
	steps := []struct {
		name  string
		slot  time.Time
		owner string
		at    time.Time
		want  bool
	}{
		{"first claim wins", s1, "a", s1, true},
		{"another owner is refused", s1, "b", s1.Add(time.Second), false},
		{"the owner renews its lease", s1, "a", s1.Add(50 * time.Second), true},
		{"renewed: still refused after the first lease", s1, "b", s1.Add(61 * time.Second), false},
		{"the next slot waits while the job runs", s2, "b", s1.Add(90 * time.Second), false},
		{"an expired lease is taken over", s1, "b", s1.Add(3 * time.Minute), true},
		{"the old owner cannot renew it", s1, "a", s1.Add(3*time.Minute + time.Second), false},
	}
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, st := range steps {
			if got := claimRun(t, s, "members", st.slot, st.owner, st.at); got != st.want {
				t.Fatalf("%s: ClaimRun = %v, want %v", st.name, got, st.want)
			}
		}
		rs := runs(t, s, "members")
		if len(rs) != 1 || rs[0].Owner != "b" || rs[0].Attempts != 2 || rs[0].Status != store.RunRunning ||
			!rs[0].Slot.Equal(s1) || !rs[0].StartedAt.Equal(s1.Add(3*time.Minute)) || !rs[0].LeaseUntil.Equal(s1.Add(4*time.Minute)) {
			t.Fatalf("after the take-over: %+v", rs)
		}
		err := s.FinishRun(ctx, "members", s1, "a", nil, s1.Add(4*time.Minute))
		wantErr(t, err, store.ErrLeaseLost)
		if err := s.FinishRun(ctx, "members", s1, "b", errors.New("ListMembers: AccessDeniedException"), s1.Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if claimRun(t, s, "members", s1, "c", s1.Add(time.Hour)) {
			t.Fatal("a failed slot was claimed again")
		}
		if !claimRun(t, s, "members", s2, "c", s2) {
			t.Fatal("the next slot was refused after a failure")
		}
		// c dies while running s2; at s3 its lease has long expired, so
		// s2 is marked expired and s3 runs.
		if !claimRun(t, s, "members", s3, "a", s3) {
			t.Fatal("s3 refused though s2's lease expired")
		}
		if claimRun(t, s, "members", s2, "b", s3.Add(time.Minute)) {
			t.Fatal("an expired slot was taken over after a later slot started")
		}
		if err := s.FinishRun(ctx, "members", s3, "a", nil, s3.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if claimRun(t, s, "members", s2.Add(30*time.Minute), "b", s3.Add(2*time.Minute)) {
			t.Fatal("a slot older than a claimed one ran")
		}
		rs = runs(t, s, "members")
		if len(rs) != 3 {
			t.Fatalf("%d runs, want 3: %+v", len(rs), rs)
		}
		want := []struct {
			slot   time.Time
			status store.RunStatus
			owner  string
			errSub string
		}{
			{s3, store.RunOK, "a", ""},
			{s2, store.RunExpired, "c", "the lease of c expired before the run finished"},
			{s1, store.RunFailed, "b", "AccessDeniedException"},
		}
		for i, w := range want {
			r := rs[i]
			if !r.Slot.Equal(w.slot) || r.Status != w.status || r.Owner != w.owner || !strings.Contains(r.Error, w.errSub) ||
				(w.errSub == "" && r.Error != "") || r.FinishedAt.IsZero() {
				t.Errorf("run %d = %+v, want slot %v %s by %s with error %q", i, r, w.slot, w.status, w.owner, w.errSub)
			}
		}
		// Other jobs are independent.
		if !claimRun(t, s, "report:system-a", s1, "b", s3) {
			t.Fatal("another job's slot was refused")
		}
		if got := len(runs(t, s, "")); got != 4 {
			t.Fatalf("Runs of every job: %d, want 4", got)
		}
	})
}

func TestReleaseRun(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if !claimRun(t, s, "members", t0, "a", t0) {
			t.Fatal("claim refused")
		}
		if err := s.ReleaseRun(ctx, "members", t0, "b", "stopping", t0); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("another owner released the run: %v", err)
		}
		if err := s.ReleaseRun(ctx, "members", t0, "a", "interrupted: the scheduler of a stopped", t0.Add(10*time.Second)); err != nil {
			t.Fatal(err)
		}
		r := runs(t, s, "members")[0]
		if r.Status != store.RunRunning || r.LeaseUntil.After(t0.Add(10*time.Second)) || !strings.Contains(r.Error, "interrupted") {
			t.Fatalf("released run = %+v", r)
		}
		if !claimRun(t, s, "members", t0, "b", t0.Add(10*time.Second)) {
			t.Fatal("a released run was not taken over at once")
		}
		if r := runs(t, s, "members")[0]; r.Owner != "b" || r.Attempts != 2 || r.Error != "" {
			t.Fatalf("taken-over run = %+v", r)
		}
		err := s.FinishRun(ctx, "members", t0.Add(time.Hour), "b", nil, t0)
		wantErr(t, err, store.ErrNotFound)
	})
}

func TestRunsLimitAndOrder(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i := range 5 {
			at := t0.Add(time.Duration(i) * time.Hour)
			for _, job := range []string{"members", "report:b"} {
				if !claimRun(t, s, job, at, "a", at) {
					t.Fatalf("%s slot %d refused", job, i)
				}
				if err := s.FinishRun(ctx, job, at, "a", nil, at.Add(time.Second)); err != nil {
					t.Fatal(err)
				}
			}
		}
		rs, err := s.Runs(ctx, "members", 3)
		if err != nil || len(rs) != 3 || !rs[0].Slot.Equal(t0.Add(4*time.Hour)) || !rs[2].Slot.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("Runs(members, 3) = %+v, %v", rs, err)
		}
		for _, r := range rs {
			if r.Job != "members" || r.Status != store.RunOK || r.Slot.Location() != time.UTC {
				t.Errorf("run %+v", r)
			}
		}
		if rs, err := s.Runs(ctx, "", 0); err != nil || len(rs) != 10 || rs[0].Job != "members" || rs[1].Job != "report:b" {
			t.Fatalf("Runs of every job = %+v, %v", rs, err)
		}
	})
}

func TestClaimRunBadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tests := []struct {
			name, job, owner string
			slot             time.Time
			lease            time.Duration
			want             string
		}{
			{"no job", "", "a", t0, time.Minute, "job is empty"},
			{"long job", strings.Repeat("j", store.MaxJobName+1), "a", t0, time.Minute, "at most 200"},
			{"control character", "members\n", "a", t0, time.Minute, "control character"},
			{"zero slot", "members", "a", time.Time{}, time.Minute, "job members: the slot is the zero time"},
			{"no owner", "members", "", t0, time.Minute, "job members: owner is empty"},
			{"no lease", "members", "a", t0, 0, "lease 0s must be positive"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ok, err := s.ClaimRun(ctx, tt.job, tt.slot, tt.owner, tt.lease, t0)
				if ok || err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "store: claim run") {
					t.Fatalf("ClaimRun = %v, %v; want an error containing %q", ok, err, tt.want)
				}
			})
		}
	})
}

// TestClaimRunReplicas has replicas, each with its own connection pool,
// race for the same slots: each slot goes to exactly one of them.
func TestClaimRunReplicas(t *testing.T) {
	forEachDSN(t, func(t *testing.T, _, dsn string) {
		const replicas, slots = 4, 15
		stores := make([]*store.Store, replicas)
		for i := range stores {
			stores[i] = open(t, dsn)
		}
		for n := range slots {
			at := t0.Add(time.Duration(n) * time.Minute)
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				winners []int
			)
			for r, s := range stores {
				wg.Go(func() {
					ok, err := s.ClaimRun(context.Background(), "members", at, string(rune('a'+r)), time.Minute, at)
					if err != nil {
						t.Errorf("replica %d: %v", r, err)
					}
					if ok {
						mu.Lock()
						winners = append(winners, r)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(winners) != 1 {
				t.Fatalf("slot %d: winners %v, want exactly one", n, winners)
			}
			if err := stores[winners[0]].FinishRun(context.Background(), "members", at, string(rune('a'+winners[0])), nil, at); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// BenchmarkClaimRun measures a scheduler's store round trip for one slot:
// claim, renew once, finish.
func BenchmarkClaimRun(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			s := storetest.Open(b, d)
			ctx := context.Background()
			at := t0
			for b.Loop() {
				at = at.Add(time.Minute)
				for range 2 {
					if ok, err := s.ClaimRun(ctx, "members", at, "a", time.Minute, at); !ok || err != nil {
						b.Fatal(ok, err)
					}
				}
				if err := s.FinishRun(ctx, "members", at, "a", nil, at); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEnqueueNotices measures committing one job's notices to five
// destinations.
func BenchmarkEnqueueNotices(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			s := storetest.Open(b, d)
			ctx := context.Background()
			body := []byte(`{"topic":"members","title":"2026/11/23","sections":[{"header":"Security Hub メンバーステータスの変更","groups":[{"label":"Resigned","items":["123456789012"]}]}]}`)
			at := t0
			for b.Loop() {
				at = at.Add(time.Minute)
				ns := make([]store.NoticeDelivery, 5)
				for i := range ns {
					dest := "dest-" + strconv.Itoa(i)
					ns[i] = store.NoticeDelivery{Key: store.NoticeKey("members", at, dest), Job: "members", Destination: dest, Topic: "members", Body: body}
				}
				if n, err := s.EnqueueNotices(ctx, ns, at); n != 5 || err != nil {
					b.Fatal(n, err)
				}
			}
		})
	}
}
