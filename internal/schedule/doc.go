// Package schedule runs jobs on cron schedules (member monitoring,
// per-project reports), each slot once across every replica that shares
// the store.
//
// A slot is one scheduled time of a job: "0 11 * * MON-FRI" in Asia/Tokyo
// has a slot at 11:00 JST every weekday. Every replica computes the same
// slots from the config and claims each one in the store (Store.ClaimRun);
// the replica that wins runs it, the others do not. The rules:
//
//   - On time: a replica wakes at each slot and claims it; the job gets the
//     slot's time, so its output (idempotency keys, report dates) is the
//     same whichever replica runs it.
//   - Downtime: when no replica was running at a slot, only the latest
//     missed slot runs, once, and only if it is at most Options.CatchUp
//     (default 1h) late. Older slots are skipped: never a burst of old runs.
//   - Failure: a job that returns an error is recorded as failed, with the
//     error. It is not retried; the next slot runs as usual.
//   - Long runs: one job's runs never overlap, on one replica or across
//     several. Slots that come due while the job still runs are not started
//     beside it; when it ends, the latest of them runs at once if it is
//     within CatchUp.
//   - Crashes: a running job's lease (Options.Lease, default 1m) is renewed
//     while it runs. When its replica dies the lease runs out, and another
//     replica takes the slot over (if still within CatchUp) and runs it
//     again: jobs must be idempotent per slot. A replica that loses its
//     lease cancels its run's context and drops its result.
//   - Stopping: Run cancels the runs in progress and waits for them. A run
//     that ends with an error because of the stop is released, not marked
//     failed, so another replica (or this one, restarted within CatchUp)
//     runs the slot again.
//
// Time zones: a spec is read in its job's Location. Where the clocks go
// forward (America/New_York, second Sunday of March, 02:00 → 03:00), a job
// at set hours ("30 2 * * *") whose time that day does not exist runs once,
// at the moment the clocks jump (03:00 EDT); several such times collapse
// into that one run. Where the clocks go back (first Sunday of November,
// 01:00–02:00 happens twice), a job at set hours runs at the first
// occurrence only. Jobs whose hour field is "*" ("*/15 * * * *", @hourly)
// follow the clock instead: slots the gap skips do not happen, and the
// repeated hour runs twice, since its slots are an hour apart. Asia/Tokyo
// has no daylight saving time, so none of this applies there.
package schedule
