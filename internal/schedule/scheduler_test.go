package schedule_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hubrelay/hubrelay/internal/schedule"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// TestReplicasRunEachSlotOnce runs two schedulers, each with its own
// store connection, on one database through twelve hours of slots: every
// slot runs exactly once, on one of them.
func TestReplicasRunEachSlotOnce(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	begin := time.Date(2026, 11, 23, 8, 58, 0, 0, tokyo) // a Monday
	const hours = 12
	forEachDSN(t, func(t *testing.T, dsn string) {
		synctest.Test(t, func(t *testing.T) {
			now := clock(begin)
			j := newJournal()
			work := func(ctx context.Context, _ time.Time) error { time.Sleep(time.Minute); return nil }
			var rs []*running
			var stores []*store.Store
			for _, owner := range []string{"replica-a", "replica-b"} {
				st := openStore(t, dsn)
				stores = append(stores, st)
				jobs := []schedule.Job{
					j.job("every-5m", "*/5 * * * *", tokyo, owner, now, work),
					j.job("members", "0 11 * * MON-FRI", tokyo, owner, now, work),
				}
				rs = append(rs, start(newScheduler(t, st, jobs, schedule.Options{Owner: owner, Now: now, Lease: 4 * time.Minute})))
			}
			time.Sleep(hours * time.Hour)
			for _, r := range rs {
				r.stop(t)
			}
			end := now()
			for _, tc := range []struct {
				job, spec string
				first     time.Time // 08:55 is three minutes late at the start: it is caught up
			}{
				{"every-5m", "*/5 * * * *", begin.Add(-3 * time.Minute)},
				{"members", "0 11 * * MON-FRI", begin},
			} {
				want := slotsBetween(t, tc.spec, tokyo, tc.first, end)
				got := j.of(tc.job)
				owners := map[string]int{}
				for i, r := range got {
					owners[r.owner]++
					if i >= len(want) || !r.slot.Equal(want[i]) {
						t.Fatalf("%s: run %d is for slot %v, want %v", tc.job, i, r.slot, want[min(i, len(want)-1)])
					}
					if r.slot.Location() != tokyo {
						t.Errorf("%s: slot %v not in the job's zone", tc.job, r.slot)
					}
				}
				if len(got) != len(want) {
					t.Fatalf("%s: %d runs for %d slots", tc.job, len(got), len(want))
				}
				hist := history(t, stores[0], tc.job)
				if len(hist) != len(want) {
					t.Fatalf("%s: history holds %d runs, want %d", tc.job, len(hist), len(want))
				}
				for i, h := range hist {
					if h.Status != store.RunOK || !h.Slot.Equal(want[i]) || h.Attempts != 1 {
						t.Fatalf("%s: history %d = %+v", tc.job, i, h)
					}
				}
				t.Logf("%s: %d slots, runs by owner %v", tc.job, len(want), owners)
			}
		})
	})
}

// TestCatchUp starts a scheduler after downtime: only the latest missed
// slot runs, once, and only within CatchUp.
func TestCatchUp(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	dsn := storetest.DSN(t, store.DialectSQLite)
	t.Run("latest missed slot once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			st := openStore(t, dsn)
			ctx := context.Background()
			// The service last ran the 09:00 slot, then went down.
			last := time.Date(2026, 11, 23, 9, 0, 0, 0, tokyo)
			if ok, err := st.ClaimRun(ctx, "every-5m", last, "old", time.Minute, last); !ok || err != nil {
				t.Fatal(ok, err)
			}
			if err := st.FinishRun(ctx, "every-5m", last, "old", nil, last.Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			back := time.Date(2026, 11, 23, 10, 32, 0, 0, tokyo)
			now := clock(back)
			j := newJournal()
			r := start(newScheduler(t, st, []schedule.Job{j.job("every-5m", "*/5 * * * *", tokyo, "a", now, nil)},
				schedule.Options{Owner: "a", Now: now}))
			time.Sleep(10 * time.Minute)
			r.stop(t)
			var got []string
			for _, x := range j.of("every-5m") {
				got = append(got, x.slot.Format("15:04")+"@"+x.start.In(tokyo).Format("15:04"))
			}
			if want := "10:30@10:32 10:35@10:35 10:40@10:40"; strings.Join(got, " ") != want {
				t.Fatalf("runs (slot@start) %v, want %s: the 18 missed slots before 10:30 must not run", got, want)
			}
		})
	})
	t.Run("older than catch-up", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			st := openStore(t, dsn)
			now := clock(time.Date(2026, 11, 23, 10, 32, 0, 0, tokyo))
			j := newJournal()
			logs := &logBuffer{}
			r := start(newScheduler(t, st, []schedule.Job{j.job("daily", "0 10 * * *", tokyo, "a", now, nil)},
				schedule.Options{Owner: "a", Now: now, CatchUp: 20 * time.Minute, Log: logs.logger()}))
			time.Sleep(24 * time.Hour)
			r.stop(t)
			runs := j.of("daily")
			if len(runs) != 1 || !runs[0].slot.Equal(time.Date(2026, 11, 24, 10, 0, 0, 0, tokyo)) {
				t.Fatalf("runs %+v, want only the next day's 10:00 (today's is 32 minutes late, catch-up 20m)", runs)
			}
			if !strings.Contains(logs.String(), "slot not run: it is more than catch_up late") {
				t.Errorf("the skipped slot is not logged:\n%s", logs)
			}
		})
	})
}

// TestFailedRunIsRecordedNotRetried: a failing run is recorded with its
// error, secrets redacted, and the next slot runs as usual.
func TestFailedRunIsRecordedNotRetried(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	const secret = "xoxb-secret-4f1c9a7e"
	dsn := storetest.DSN(t, store.DialectSQLite)
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t, dsn)
		now := clock(time.Date(2026, 11, 23, 9, 59, 0, 0, tokyo))
		j := newJournal()
		logs := &logBuffer{}
		calls := 0
		work := func(ctx context.Context, slot time.Time) error {
			calls++
			switch calls {
			case 1:
				return fmt.Errorf("post https://slack.com/api/chat.postMessage?token=%s: 500 Internal Server Error", secret)
			case 2:
				panic("members: nil account " + secret)
			}
			return nil
		}
		redact := func(s string) string { return strings.ReplaceAll(s, secret, "[REDACTED]") }
		r := start(newScheduler(t, st, []schedule.Job{j.job("members", "*/10 * * * *", tokyo, "a", now, work)},
			schedule.Options{Owner: "a", Now: now, Redact: redact, Log: logs.logger(), CatchUp: 5 * time.Minute}))
		time.Sleep(25 * time.Minute)
		r.stop(t)
		if calls != 3 {
			t.Fatalf("%d calls for three slots: a failed slot must not be retried", calls)
		}
		hist := history(t, st, "members")
		want := []struct {
			status store.RunStatus
			err    string
		}{
			{store.RunFailed, "token=[REDACTED]: 500 Internal Server Error"},
			{store.RunFailed, "job members panicked: members: nil account [REDACTED]"},
			{store.RunOK, ""},
		}
		if len(hist) != len(want) {
			t.Fatalf("history %+v", hist)
		}
		for i, w := range want {
			if hist[i].Status != w.status || !strings.Contains(hist[i].Error, w.err) || (w.err == "" && hist[i].Error != "") {
				t.Errorf("run %d = %+v, want %s with %q", i, hist[i], w.status, w.err)
			}
			if strings.Contains(hist[i].Error, secret) {
				t.Errorf("run %d keeps the secret: %q", i, hist[i].Error)
			}
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the logs hold the secret:\n%s", logs)
		}
		if !strings.Contains(logs.String(), "scheduled run failed; the next slot runs as usual") {
			t.Errorf("the failure is not logged:\n%s", logs)
		}
	})
}

// TestLongRunsDoNotOverlap: a job that runs longer than its interval,
// on two replicas: its runs never overlap, no slot runs twice, and after
// each run the latest slot that came due runs next.
func TestLongRunsDoNotOverlap(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	dsn := storetest.DSN(t, store.DialectSQLite)
	synctest.Test(t, func(t *testing.T) {
		now := clock(time.Date(2026, 11, 23, 9, 59, 30, 0, tokyo))
		j := newJournal()
		work := func(ctx context.Context, _ time.Time) error {
			select {
			case <-time.After(12 * time.Minute):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		var rs []*running
		logs := &logBuffer{}
		for _, owner := range []string{"a", "b"} {
			st := openStore(t, dsn)
			rs = append(rs, start(newScheduler(t, st, []schedule.Job{j.job("report:system-a", "*/5 * * * *", tokyo, owner, now, work)},
				schedule.Options{Owner: owner, Now: now, CatchUp: 4*time.Minute + 15*time.Second, Log: logs.logger().With("replica", owner)})))
		}
		defer func() {
			if t.Failed() {
				t.Logf("logs:\n%s", logs)
			}
		}()
		time.Sleep(time.Hour + 25*time.Second) // stop at 10:59:55, during the 10:45 run
		for _, r := range rs {
			r.stop(t)
		}
		if n := j.mostAtOnce("report:system-a"); n != 1 {
			t.Fatalf("%d runs at once", n)
		}
		runs := j.of("report:system-a")
		var got []string
		for i, r := range runs {
			got = append(got, r.slot.Format("15:04")+"@"+r.start.In(tokyo).Format("15:04"))
			if i > 0 && (!r.slot.After(runs[i-1].slot) || r.start.Before(runs[i-1].end)) {
				t.Fatalf("run %d (%s) overlaps or repeats run %d", i, got[i], i-1)
			}
		}
		want := "10:00@10:00 10:10@10:12 10:20@10:24 10:35@10:36 10:45@10:48"
		if strings.Join(got, " ") != want {
			t.Fatalf("runs (slot@start) %s, want %s", strings.Join(got, " "), want)
		}
	})
}

// TestCrashedReplicaIsTakenOver: replica a claims a slot and then loses
// its store (as a crashed or cut-off process would); its lease runs out,
// a cancels its run, and replica b runs the slot.
func TestCrashedReplicaIsTakenOver(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	forEachDSN(t, func(t *testing.T, dsn string) {
		synctest.Test(t, func(t *testing.T) {
			now := clock(time.Date(2026, 11, 23, 9, 59, 0, 0, tokyo))
			slot := time.Date(2026, 11, 23, 10, 0, 0, 0, tokyo)
			j := newJournal()
			started, aEnded := make(chan struct{}), make(chan error, 1)
			stA, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			logsA := &logBuffer{}
			a := start(newScheduler(t, stA, []schedule.Job{j.job("members", "0 * * * *", tokyo, "a", now,
				func(ctx context.Context, _ time.Time) error {
					close(started)
					<-ctx.Done()
					aEnded <- context.Cause(ctx)
					return ctx.Err()
				})}, schedule.Options{Owner: "a", Now: now, Log: logsA.logger(), CatchUp: 30 * time.Minute}))
			<-started
			stB := openStore(t, dsn)
			b := start(newScheduler(t, stB, []schedule.Job{j.job("members", "0 * * * *", tokyo, "b", now, nil)},
				schedule.Options{Owner: "b", Now: now, CatchUp: 30 * time.Minute}))
			if err := stA.Close(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Minute)
			select {
			case cause := <-aEnded:
				if cause == nil || !strings.Contains(cause.Error(), "could not be renewed") {
					t.Errorf("a's run ended with cause %v", cause)
				}
			default:
				t.Fatal("a's run was not cancelled when its lease ran out")
			}
			a.stop(t)
			b.stop(t)
			runs := j.of("members")
			if len(runs) != 2 || runs[0].owner != "a" || runs[1].owner != "b" || !runs[1].slot.Equal(slot) {
				t.Fatalf("runs %+v, want a's interrupted run then b's", runs)
			}
			if late := runs[1].start.Sub(slot); late > 2*schedule.DefaultLease {
				t.Errorf("b took over %v after the slot; the lease is %v", late, schedule.DefaultLease)
			}
			hist := history(t, stB, "members")
			if len(hist) != 1 || hist[0].Owner != "b" || hist[0].Status != store.RunOK || hist[0].Attempts != 2 {
				t.Fatalf("history %+v", hist)
			}
			if !strings.Contains(logsA.String(), "no longer holds it") {
				t.Errorf("a did not log that it lost the run:\n%s", logsA)
			}
		})
	})
}

// TestStopReleasesTheRun: a scheduler stopped mid-run releases the slot,
// and a replica started within catch-up runs it at once.
func TestStopReleasesTheRun(t *testing.T) {
	tokyo := zone(t, "Asia/Tokyo")
	dsn := storetest.DSN(t, store.DialectSQLite)
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t, dsn)
		now := clock(time.Date(2026, 11, 23, 10, 59, 0, 0, tokyo))
		slot := time.Date(2026, 11, 23, 11, 0, 0, 0, tokyo)
		j := newJournal()
		started := make(chan struct{})
		a := start(newScheduler(t, st, []schedule.Job{j.job("members", "0 11 * * *", tokyo, "a", now,
			func(ctx context.Context, _ time.Time) error {
				close(started)
				<-ctx.Done()
				return fmt.Errorf("list members: %w", ctx.Err())
			})}, schedule.Options{Owner: "a", Now: now}))
		<-started
		time.Sleep(10 * time.Second)
		a.stop(t)
		hist := history(t, st, "members")
		if len(hist) != 1 || hist[0].Status != store.RunRunning || hist[0].LeaseUntil.After(now()) ||
			!strings.Contains(hist[0].Error, "interrupted: the scheduler of a stopped") {
			t.Fatalf("after the stop: %+v", hist)
		}
		restarted := now()
		b := start(newScheduler(t, st, []schedule.Job{j.job("members", "0 11 * * *", tokyo, "b", now, nil)},
			schedule.Options{Owner: "b", Now: now}))
		time.Sleep(time.Minute)
		b.stop(t)
		runs := j.of("members")
		if len(runs) != 2 || runs[1].owner != "b" || !runs[1].start.Equal(restarted) {
			t.Fatalf("runs %+v, want b to run the released slot as it starts", runs)
		}
		hist = history(t, st, "members")
		if len(hist) != 1 || hist[0].Status != store.RunOK || hist[0].Owner != "b" || hist[0].Attempts != 2 || hist[0].Error != "" {
			t.Fatalf("history %+v", hist)
		}
		if !runs[1].slot.Equal(slot) {
			t.Fatalf("b ran slot %v", runs[1].slot)
		}
	})
}

// TestDaylightSavingTime runs a 02:30 New York job across the spring
// change: one run on the short day, when the clocks jump.
func TestDaylightSavingTime(t *testing.T) {
	ny := zone(t, "America/New_York")
	dsn := storetest.DSN(t, store.DialectSQLite)
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t, dsn)
		now := clock(time.Date(2026, 3, 7, 0, 0, 0, 0, ny))
		j := newJournal()
		r := start(newScheduler(t, st, []schedule.Job{j.job("nightly", "30 2 * * *", ny, "a", now, nil)},
			schedule.Options{Owner: "a", Now: now}))
		time.Sleep(3 * 24 * time.Hour)
		r.stop(t)
		var got []string
		for _, x := range j.of("nightly") {
			got = append(got, x.start.In(ny).Format(time.RFC3339))
		}
		want := "2026-03-07T02:30:00-05:00 2026-03-08T03:00:00-04:00 2026-03-09T02:30:00-04:00"
		if strings.Join(got, " ") != want {
			t.Fatalf("runs started at %v, want %s", got, want)
		}
	})
}

func TestNewRejects(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	ok := func(ctx context.Context, slot time.Time) error { return nil }
	tests := []struct {
		name string
		st   schedule.Store
		jobs []schedule.Job
		opt  schedule.Options
		want string
	}{
		{"no store", nil, nil, schedule.Options{}, "schedule: no store"},
		{"unnamed job", st, []schedule.Job{{Spec: "@daily", Run: ok}}, schedule.Options{}, "jobs[0]: the job name is empty"},
		{"twice", st, []schedule.Job{{Name: "members", Spec: "@daily", Run: ok}, {Name: "members", Spec: "@hourly", Run: ok}},
			schedule.Options{}, `jobs[1]: job "members" is defined twice`},
		{"bad spec", st, []schedule.Job{{Name: "report:a", Spec: "0 25 * * *", Run: ok}}, schedule.Options{},
			`job "report:a": schedule: "0 25 * * *": hour (0-23) field "25"`},
		{"no run", st, []schedule.Job{{Name: "members", Spec: "@daily"}}, schedule.Options{}, `job "members" has no Run function`},
		{"negative lease", st, nil, schedule.Options{Lease: -time.Second}, "lease -1s must not be negative"},
		{"negative catch-up", st, nil, schedule.Options{CatchUp: -time.Second}, "catch-up -1s must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := schedule.New(tt.st, tt.jobs, tt.opt)
			if err == nil || s != nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, %v; want an error containing %q", s, err, tt.want)
			}
		})
	}
	if s, err := schedule.New(st, nil, schedule.Options{}); err != nil || !strings.Contains(s.Owner(), "-") {
		t.Fatalf("New with defaults = %v, %v", s, err)
	}
}
