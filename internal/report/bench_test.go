package report_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/hubrelay/hubrelay/internal/report"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

// The benchmark's Security Hub runs in a child process (this test binary
// started again with envBenchHub set to the number of findings), so that
// the findings it holds (about 1.5 GB for 100,000) do not count in the
// peak resident set of the process that makes the report.
const (
	envBenchHub      = "HUBRELAY_REPORT_BENCH_HUB"
	envBenchFindings = "HUBRELAY_REPORT_BENCH_FINDINGS" // default 100000
	// envBenchHubProfile names a file for a CPU profile of the child
	// while it serves the pages (its loading is left out).
	envBenchHubProfile = "HUBRELAY_REPORT_BENCH_HUB_CPUPROFILE"
)

func TestMain(m *testing.M) {
	if n := os.Getenv(envBenchHub); n != "" {
		os.Exit(serveBenchHub(n))
	}
	os.Exit(m.Run())
}

// benchHub is what the child tells the parent: where it listens and the
// credentials it accepts (hubtest's own, which open nothing else).
type benchHub struct {
	URL, Region, AccessKey, SecretKey string
	Open, Resolved                    int
	LoadCPU                           time.Duration // the child's CPU time spent loading
	wait                              func() time.Duration
}

// serveBenchHub is the child: it loads the findings into a hubtest
// server, prints a benchHub line and serves until its stdin closes.
func serveBenchHub(arg string) int {
	n, err := strconv.Atoi(arg)
	if err != nil || n <= 0 {
		fmt.Fprintln(os.Stderr, "bench hub: bad count", arg)
		return 2
	}
	hub := hubtest.New(hubtest.Options{})
	defer hub.Close()
	open, resolved, err := loadBenchFindings(hub, n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench hub:", err)
		return 1
	}
	creds, err := hub.AWSConfig().Credentials.Retrieve(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench hub:", err)
		return 1
	}
	line, _ := json.Marshal(benchHub{URL: hub.URL(), Region: hub.AWSConfig().Region,
		AccessKey: creds.AccessKeyID, SecretKey: creds.SecretAccessKey, Open: open, Resolved: resolved, LoadCPU: cpuTime()})
	if name := os.Getenv(envBenchHubProfile); name != "" {
		f, err := os.Create(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench hub:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "bench hub:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Println(string(line))
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// benchAccounts are the project's 30 accounts: two GetFindings queries
// (20 + 10 accounts) per read.
func benchAccounts() []string {
	out := make([]string, 30)
	for i := range out {
		out[i] = fmt.Sprintf("5%011d", i+1)
	}
	return out
}

// benchControls are 150 control IDs of the services Security Hub checks.
func benchControls() []string {
	var out []string
	for _, svc := range []string{"S3", "EC2", "IAM", "RDS", "Lambda", "CloudTrail", "KMS", "ELB", "ECS", "EKS",
		"SSM", "GuardDuty", "Config", "DynamoDB", "SNS"} {
		for k := 1; k <= 10; k++ {
			out = append(out, fmt.Sprintf("%s.%d", svc, k))
		}
	}
	return out
}

// loadBenchFindings adds n open findings and n/20 resolved (passed)
// control findings, made from the fixtures: 70% control findings, the
// rest GuardDuty, Access Analyzer and legacy CIS findings; severities,
// accounts, resources (about four findings each) and first-seen times
// varied as a real estate of 30 accounts has them.
func loadBenchFindings(hub *hubtest.Server, n int) (open, resolved int, err error) {
	rng := rand.New(rand.NewPCG(42, 7))
	accounts := benchAccounts()
	controls := benchControls()
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	bases := map[string]map[string]any{}
	for _, name := range []string{fsbp, cisCritial, guardduty, analyzer, cis27} {
		m, err := loadFixture(name)
		if err != nil {
			return 0, 0, err
		}
		bases[name] = m
	}
	sevs := []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"}
	weights := []int{2, 15, 40, 20, 23}
	pick := func() string {
		x := rng.IntN(100)
		for i, w := range weights {
			if x < w {
				return sevs[i]
			}
			x -= w
		}
		return sevs[4]
	}
	batch := make([]json.RawMessage, 0, 1000)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := hub.AddFindings(batch...)
		batch = batch[:0]
		return err
	}
	total := n + n/20
	for i := range total {
		acct := accounts[rng.IntN(len(accounts))]
		var base string
		switch x := rng.IntN(100); {
		case x < 70 || i >= n:
			base = fsbp
		case x < 85:
			base = guardduty
		case x < 93:
			base = analyzer
		case x < 97:
			base = cis27
		default:
			base = cisCritial
		}
		m := map[string]any{}
		for k, v := range bases[base] {
			m[k] = v
		}
		control := controls[rng.IntN(len(controls))]
		m["Id"] = fmt.Sprintf("arn:aws:securityhub:ap-northeast-1:%s:security-control/%s/finding/%08x-%04x-4%03x-8%03x-%012x",
			acct, control, rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()>>16)
		m["AwsAccountId"] = acct
		m["Region"] = "ap-northeast-1"
		first := now.Add(-time.Duration(rng.IntN(400*24)) * time.Hour).Format("2006-01-02T15:04:05.000Z")
		m["FirstObservedAt"], m["CreatedAt"], m["UpdatedAt"], m["LastObservedAt"] = first, first, first, now.Format("2006-01-02T15:04:05.000Z")
		label := pick()
		m["Severity"] = map[string]any{"Label": label, "Normalized": map[string]int{"CRITICAL": 90, "HIGH": 70, "MEDIUM": 40, "LOW": 1, "INFORMATIONAL": 0}[label]}
		m["Resources"] = []any{map[string]any{"Type": "AwsEc2Instance", "Partition": "aws", "Region": "ap-northeast-1",
			"Id": fmt.Sprintf("arn:aws:ec2:ap-northeast-1:%s:instance/i-%017x", acct, rng.IntN(n/(4*len(accounts))+1))}}
		if base == fsbp {
			m["Title"] = control + " " + strings.Repeat("resources should be configured securely ", 1+rng.IntN(2))
			m["Compliance"] = map[string]any{"Status": "FAILED", "SecurityControlId": control,
				"AssociatedStandards": []any{map[string]any{"StandardsId": "standards/aws-foundational-security-best-practices/v/1.0.0"}}}
			m["Remediation"] = map[string]any{"Recommendation": map[string]any{"Text": "See the documentation.",
				"Url": "https://docs.aws.amazon.com/console/securityhub/" + control + "/remediation"}}
		}
		m["Workflow"] = map[string]any{"Status": []string{"NEW", "NOTIFIED"}[rng.IntN(2)]}
		if i >= n {
			m["Compliance"].(map[string]any)["Status"] = "PASSED"
			m["Workflow"] = map[string]any{"Status": "RESOLVED"}
			resolved++
		} else {
			open++
		}
		delete(m, "WorkflowState")
		b, err := json.Marshal(m)
		if err != nil {
			return 0, 0, err
		}
		batch = append(batch, b)
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return 0, 0, err
			}
		}
	}
	return open, resolved, flush()
}

// startBenchHub starts the child process and waits until it serves.
func startBenchHub(b *testing.B, n int) benchHub {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	// The child holds every finding: a GOMEMLIMIT meant for the report
	// would only make it collect garbage without end.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOMEMLIMIT=") && !strings.HasPrefix(kv, "GOGC=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, envBenchHub+"="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stopped := false
	stop := func() time.Duration {
		if stopped {
			return 0
		}
		stopped = true
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			return 0
		}
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.Cleanup(func() { stop() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("bench hub: %v", err)
	}
	var h benchHub
	if err := json.Unmarshal([]byte(line), &h); err != nil {
		b.Fatalf("bench hub said %q: %v", line, err)
	}
	h.wait = stop
	return h
}

// resetPeakRSS makes the kernel start the process's peak resident set
// (VmHWM) again from the current one (Linux: clear_refs 5).
func resetPeakRSS() error {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS reads VmHWM in bytes.
func peakRSS() (int64, error) { return procStatus("VmHWM:") }

// procStatus reads a size line of /proc/self/status in bytes.
func procStatus(key string) (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/self/status", key)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReport100k makes the xlsx report of a project with 100,000
// open findings (and 5,000 passed control findings for the score) in 30
// accounts: Collect reads them through the real SDK from hubtest (in a
// child process) with GetFindings paging, 100 a page, two queries of at
// most 20 accounts each; Write writes the workbook to a file. It reports
// the peak resident set of this process during one report (VmHWM, reset
// before each), this process's CPU time (and that of reading alone), and
// the CPU time the child spent serving the pages (hub-cpu-s/op).
// HUBRELAY_REPORT_BENCH_FINDINGS sets another count.
func BenchmarkReport100k(b *testing.B) {
	n := 100_000
	if v := os.Getenv(envBenchFindings); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	h := startBenchHub(b, n)
	c, err := securityhub.New(context.Background(), securityhub.Options{
		Region: h.Region, Endpoint: h.URL,
		Credentials: credentials.NewStaticCredentialsProvider(h.AccessKey, h.SecretKey, ""),
		// The API's own limit (3 calls a second) would make the read take
		// 6 minutes; the benchmark measures hubrelay's side.
		Limits: map[string]securityhub.Limit{securityhub.FamilyGetFindings: {PerSecond: 1e6, Burst: 1e6}},
	})
	if err != nil {
		b.Fatal(err)
	}
	p := report.Project{Name: "bench", Accounts: benchAccounts(), Language: "ja"}
	out, err := os.CreateTemp(b.TempDir(), "report-*.xlsx")
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	var peak, collectPeak, base int64
	var cpu, collectCPU, collectWall time.Duration
	var size int64
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		if err := resetPeakRSS(); err != nil {
			b.Fatal(err)
		}
		if v, err := procStatus("VmRSS:"); err == nil {
			base = v
		}
		cpu0, wall0 := cpuTime(), time.Now()
		r, err := report.Collect(context.Background(), c, p, report.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, tokyo), Location: tokyo, Region: h.Region})
		if err != nil {
			b.Fatal(err)
		}
		if r.Len() != h.Open {
			b.Fatalf("%d findings in the report, want %d", r.Len(), h.Open)
		}
		if p, err := peakRSS(); err == nil && p > collectPeak {
			collectPeak = p
		}
		collectCPU += cpuTime() - cpu0
		collectWall += time.Since(wall0)
		if _, err := out.Seek(0, io.SeekStart); err != nil {
			b.Fatal(err)
		}
		if err := out.Truncate(0); err != nil {
			b.Fatal(err)
		}
		if err := r.Write(out, report.FormatXLSX); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - cpu0
		if p, err := peakRSS(); err == nil && p > peak {
			peak = p
		}
		if st, err := out.Stat(); err == nil {
			size = st.Size()
		}
	}
	b.StopTimer()
	if total := h.wait(); total > 0 {
		b.ReportMetric((total-h.LoadCPU).Seconds()/float64(b.N), "hub-cpu-s/op")
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
	b.ReportMetric(float64(base)/(1<<20), "start-RSS-MB")
	b.ReportMetric(float64(collectPeak)/(1<<20), "collect-peak-RSS-MB")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(collectCPU.Seconds()/float64(b.N), "collect-cpu-s/op")
	b.ReportMetric(collectWall.Seconds()/float64(b.N), "collect-s/op")
	b.ReportMetric(float64(size)/(1<<20), "xlsx-MB")
	b.ReportMetric(float64(h.Open), "findings")
}
