package service_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// benchClients is how many clients post at once in BenchmarkIngestHTTP.
const benchClients = 32

// latencyRate is how many findings a second BenchmarkEndToEndLatency
// posts.
const latencyRate = 200

// client returns an HTTP client that keeps a connection per concurrent
// request, as a busy EventBridge API destination does.
func client(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     time.Minute,
	}}
}

// BenchmarkIngestHTTP measures ingest-to-commit throughput: benchClients
// clients POST distinct findings through Service.Handler on a loopback
// listener; each matches two routes to two destinations. Serve is not
// running, so no delivery is made: each answer (202) means the finding
// and its two deliveries are committed. Besides findings/s it reports the
// process's CPU time per finding, which other load on the machine does
// not change.
func BenchmarkIngestHTTP(b *testing.B) {
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			f := newFixture(b, storetest.DSN(b, dialect), "", failedControls.To("file-a"), accountFindings.To("file-b"))
			svc := f.open(b, nil)
			srv := httptest.NewServer(svc.Handler())
			defer srv.Close()
			c := client(benchClients)
			defer c.CloseIdleConnections()
			ev := loadEvents(b)
			ctx := context.Background()
			// Warm up the connections, prepared statements and caches on
			// findings outside the measured range.
			for i := range benchClients {
				if code, body, err := f.post(ctx, c, srv.URL, ev.body(-1-i)); err != nil || code != http.StatusAccepted {
					b.Fatalf("warm-up POST: %d %s %v", code, body, err)
				}
			}

			var next atomic.Int64
			var failures atomic.Int64
			var first sync.Once
			var firstErr string
			var wg sync.WaitGroup
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, cpuOK := cpuTime()
			for range benchClients {
				wg.Go(func() {
					for {
						n := int(next.Add(1)) - 1
						if n >= b.N {
							return
						}
						code, body, err := f.post(ctx, c, srv.URL, ev.body(n))
						if err != nil || code != http.StatusAccepted {
							failures.Add(1)
							first.Do(func() { firstErr = string(body) + errText(err) })
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			cpu1, _ := cpuTime()
			if n := failures.Load(); n > 0 {
				b.Fatalf("%d of %d POSTs not accepted; first: %s", n, b.N, firstErr)
			}
			want := 2 * (b.N + benchClients)
			if got := nonzero(counts(b, svc.Store())); got[store.StatusPending] != want || len(got) != 1 {
				b.Fatalf("store holds %v; want %d pending", got, want)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "findings/s")
			if cpuOK {
				// CPU time of the whole process (clients, HTTP server,
				// ingester, store driver) per finding: unlike findings/s
				// it does not depend on what else the machine runs.
				b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "cpu-us/finding")
			}
			// How well commits were grouped, from the service's own
			// metrics (warm-up included).
			m := scrape(b, srv.URL+"/metrics")
			if n := m["hubrelay_ingest_batch_size_count"]; n > 0 {
				b.ReportMetric(m["hubrelay_ingest_batch_size_sum"]/n, "findings/commit")
				b.ReportMetric(1000*m["hubrelay_ingest_commit_seconds_sum"]/n, "ms/commit")
			}
		})
	}
}

// BenchmarkEndToEndLatency measures, per finding, the time from the start
// of its POST to a webhook destination receiving it, with Serve running
// on a loopback listener and the default delivery config. Findings are
// posted at a steady latencyRate a second, each on its own goroutine, so
// a slow answer does not slow the rate. It reports the 50th, 99th
// percentile and the maximum, the 50th and 99th percentiles of the 202
// answer, the 99th percentile of the time from the 202 answer to arrival
// (the queue's share; it may be negative when a delivery arrives before
// the client has read its answer), and the process's CPU time per
// finding.
// ns/op is set by the rate, not by the service.
func BenchmarkEndToEndLatency(b *testing.B) {
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			rcv := newReceiver(b)
			f := newFixture(b, storetest.DSN(b, dialect), rcv.URL(), failedControls.To("hook"))
			rcv.expect(f)
			svc := f.open(b, nil)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			served := make(chan error, 1)
			go func() { served <- svc.Serve(ctx, ln) }()
			base := "http://" + ln.Addr().String()
			c := client(64)
			defer c.CloseIdleConnections()
			ev := loadEvents(b)
			wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer wcancel()
			// Warm up: one finding end to end.
			if code, body, err := f.post(wctx, c, base, ev.body(-1)); err != nil || code != http.StatusAccepted {
				b.Fatalf("warm-up POST: %d %s %v", code, body, err)
			}
			rcv.wait(wctx, b, 1)

			starts := make([]time.Time, b.N)
			acks := make([]time.Duration, b.N)
			var failures atomic.Int64
			var wg sync.WaitGroup
			tick := time.NewTicker(time.Second / latencyRate)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, cpuOK := cpuTime()
			for i := range b.N {
				<-tick.C
				wg.Go(func() {
					starts[i] = time.Now()
					code, _, err := f.post(wctx, c, base, ev.body(i))
					acks[i] = time.Since(starts[i])
					if err != nil || code != http.StatusAccepted {
						failures.Add(1)
					}
				})
			}
			tick.Stop()
			wg.Wait()
			rcv.wait(wctx, b, b.N+1)
			b.StopTimer()
			cpu1, _ := cpuTime()
			cancel()
			if err := <-served; err != nil {
				b.Fatalf("Serve: %v", err)
			}
			if n := failures.Load(); n > 0 {
				b.Fatalf("%d of %d POSTs not accepted", n, b.N)
			}
			arrived, problems := rcv.result()
			if len(problems) > 0 {
				b.Fatalf("webhook requests: %d problems, first: %s", len(problems), problems[0])
			}
			lat := make([]time.Duration, b.N)
			queued := make([]time.Duration, b.N) // from the 202 answer to arrival
			for i := range b.N {
				at, ok := arrived[token(i)]
				if !ok {
					b.Fatalf("finding %s never arrived", token(i))
				}
				lat[i] = at.Sub(starts[i])
				queued[i] = lat[i] - acks[i]
			}
			if got := nonzero(counts(b, svc.Store())); got[store.StatusDelivered] != b.N+1 || len(got) != 1 {
				b.Fatalf("store holds %v; want %d delivered", got, b.N+1)
			}
			slices.Sort(lat)
			slices.Sort(acks)
			slices.Sort(queued)
			b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
			b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
			b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
			b.ReportMetric(ms(percentile(acks, 50)), "ack-p50-ms")
			b.ReportMetric(ms(percentile(acks, 99)), "ack-p99-ms")
			b.ReportMetric(ms(percentile(queued, 99)), "queue-p99-ms")
			if cpuOK {
				b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "cpu-us/finding")
			}
		})
	}
}

// scrape reads the unlabelled samples of the Prometheus text exposition
// at url.
func scrape(b *testing.B, url string) map[string]float64 {
	b.Helper()
	resp, err := http.Get(url)
	if err != nil {
		b.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") || strings.Contains(name, "{") {
			continue
		}
		if v, err := strconv.ParseFloat(value, 64); err == nil {
			out[name] = v
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatalf("read %s: %v", url, err)
	}
	return out
}

// percentile returns the p-th percentile (nearest rank) of sorted.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (len(sorted)*p + 99) / 100 // ceil(n·p/100)
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func errText(err error) string {
	if err == nil {
		return ""
	}
	return " " + err.Error()
}
