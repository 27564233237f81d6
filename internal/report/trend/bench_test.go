package trend_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/report/trend"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// largeHistory returns the versions of n findings in 300 accounts over
// the 90 days before end, in time order: each opens on a random day (a
// tenth before the period), a fifth change severity, two thirds are
// resolved after 1 hour to 20 days, a tenth of those reopen, and one in
// twenty is suppressed.
func largeHistory(n int, end time.Time) []step {
	rng := rand.New(rand.NewPCG(6, 7))
	sevs := []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"}
	start := end.AddDate(0, 0, -90)
	var steps []step
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("arn:aws:securityhub:ap-northeast-1:%012d:finding/%08d", 100000000000+i%300, i)
		acct := fmt.Sprintf("%012d", 100000000000+i%300)
		at := start.Add(time.Duration(rng.Int64N(int64(95 * 24 * time.Hour)))).Add(-5 * 24 * time.Hour)
		sev := sevs[rng.IntN(len(sevs))]
		add := func(state string) {
			steps = append(steps, step{id: id, account: acct, at: at, severity: sev, state: state})
		}
		add("open")
		if rng.IntN(5) == 0 {
			at = at.Add(time.Duration(rng.Int64N(int64(48 * time.Hour))))
			sev = sevs[rng.IntN(len(sevs))]
			add("open")
		}
		switch r := rng.IntN(60); {
		case r < 3:
			at = at.Add(time.Duration(rng.Int64N(int64(10 * 24 * time.Hour))))
			add("suppressed")
		case r < 40:
			at = at.Add(time.Hour + time.Duration(rng.Int64N(int64(20*24*time.Hour))))
			add("passed")
			if r < 4 {
				at = at.Add(time.Duration(rng.Int64N(int64(5 * 24 * time.Hour))))
				add("open")
				at = at.Add(time.Hour + time.Duration(rng.Int64N(int64(5*24*time.Hour))))
				add("passed")
			}
		}
	}
	slices.SortStableFunc(steps, func(a, b step) int { return a.at.Compare(b.at) })
	return steps
}

var benchFindings = flag.Int("trend.findings", 100_000, "findings in BenchmarkCompute's history")

// BenchmarkCompute reads a history of 100,000 findings (about 170,000
// transitions) for a 90-day period: every account at once, one project of
// 20 accounts, and ten such projects in one pass. Setting up the history
// takes about a minute per database.
func BenchmarkCompute(b *testing.B) {
	end := time.Date(2026, 11, 2, 0, 0, 0, 0, tokyo)
	steps := largeHistory(*benchFindings, end)
	var projects []trend.Query
	for p := 0; p < 10; p++ {
		q := trend.Query{Project: fmt.Sprint("p", p), From: end.AddDate(0, 0, -90), To: end, Location: tokyo}
		for a := 0; a < 20; a++ {
			q.Accounts = append(q.Accounts, fmt.Sprintf("%012d", 100000000000+p*20+a))
		}
		projects = append(projects, q)
	}
	for _, d := range storetest.Dialects() {
		s := storetest.Open(b, d)
		ctx := context.Background()
		for i := 0; i < len(steps); i += 1000 {
			batch := steps[i:min(i+1000, len(steps))]
			obs := make([]store.Observation, len(batch))
			for j, st := range batch {
				obs[j] = st.observation()
			}
			if _, err := s.Ingest(ctx, obs); err != nil {
				b.Fatal(err)
			}
		}
		var rows int
		if err := s.ScanTransitions(ctx, store.TransitionFilter{}, func(store.TransitionRecord) error { rows++; return nil }); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: %d findings, %d transitions", d, *benchFindings, rows)
		run := func(name string, qs []trend.Query) {
			b.Run(d+"/"+name, func(b *testing.B) {
				b.ReportAllocs()
				var open int
				cpu := cpuTime()
				for i := 0; i < b.N; i++ {
					sums, err := trend.ComputeAll(ctx, s, qs)
					if err != nil {
						b.Fatal(err)
					}
					open = sums[0].Days[len(sums[0].Days)-1].Total()
				}
				if open == 0 {
					b.Fatal("nothing open at the end")
				}
				b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "transitions/s")
				// CPU time of this process (SQLite runs in it; PostgreSQL's
				// server does not): the cost when other work stretches wall time.
				b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
			})
		}
		all := trend.Query{From: end.AddDate(0, 0, -90), To: end, Location: tokyo}
		run("all-accounts", []trend.Query{all})
		run("one-project", projects[:1])
		run("ten-projects", projects)
	}
}
