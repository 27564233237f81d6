package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/backlog/backlogtest"
	"github.com/hubrelay/hubrelay/internal/store"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// TestMain lets tests run this binary as the hubrelay command: a child
// started with HUBRELAY_TEST_MAIN=1 runs main on its arguments.
func TestMain(m *testing.M) {
	if os.Getenv("HUBRELAY_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr}))
	}
	os.Exit(m.Run())
}

const (
	crashFindings = 1000
	crashAPIKey   = "crash-test-ingest-key"
	crashRoute    = "all-to-backlog"
	crashDest     = "backlog-a"
)

// TestCrashSafety is the promise of durable delivery, checked end to end:
// the service runs as a child process, 1,000 findings are posted to it
// (each resent until it is acknowledged, as EventBridge does, and some
// resent after), a Backlog server fails 20% of calls (half of those after
// it has created the issue), and the service is killed with SIGKILL at
// random moments and restarted. At the end every finding has exactly one
// Backlog issue.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: skipped with -short")
	}
	t.Run("sqlite", func(t *testing.T) {
		dsn := "sqlite:" + filepath.Join(t.TempDir(), "crash.db")
		crashRun(t, dsn, 1)
	})
	t.Run("postgres-two-replicas", func(t *testing.T) {
		dsn := crashPostgres(t)
		crashRun(t, dsn, 2)
	})
}

// crashPostgres creates a database of its own for the test and returns
// its URL; it skips when no PostgreSQL answers and HUBRELAY_TEST_POSTGRES
// is unset.
func crashPostgres(t *testing.T) string {
	base := os.Getenv("HUBRELAY_TEST_POSTGRES")
	set := base != ""
	if !set {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	db, err := sql.Open("pgx", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if set {
			t.Fatalf("HUBRELAY_TEST_POSTGRES is set but PostgreSQL does not answer: %v", err)
		}
		t.Skipf("no PostgreSQL: %v", err)
	}
	name := fmt.Sprintf("hubrelay_crash_%d", rand.Uint32())
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func crashRun(t *testing.T, dsn string, replicas int) {
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	seed := rnd.Int64()
	t.Logf("seed %d", seed)
	bl := backlogtest.New(t, backlogtest.Options{APIKey: "backlog-secret-key", ProjectID: 12345, FailRate: 0.2, LostAnswerRate: 0.5, Seed: seed})
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "hubrelay.yaml")
	cfg := fmt.Sprintf(`store: %q
sources:
  http: {path: /events, api_key: %s}
delivery:
  workers: 8
  lease: 3s
  poll: 50ms
  retry: {min_backoff: 100ms, max_backoff: 1s}
destinations:
  %s:
    backlog: {space: %q, api_key: backlog-secret-key, project_id: 12345, issue_type_id: 1, priority_id: 3}
    rate: {interval: 0s, concurrency: 4}
routes:
  - name: %s
    pattern: {source: [aws.securityhub]}
    to: [%s]
`, dsn, crashAPIKey, crashDest, bl.URL(), crashRoute, crashDest)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	events, ids := crashEvents(t, crashFindings)
	children := make([]*child, replicas)
	for i := range children {
		children[i] = startChild(t, cfgPath)
	}
	defer func() {
		for _, c := range children {
			c.kill()
		}
	}()

	// Post every finding until acknowledged, killing and restarting a
	// replica at random moments.
	acked := make([]bool, len(events))
	kills := 0
	const wantKills = 5
	nextKill := time.Now().Add(time.Duration(300+rnd.IntN(1200)) * time.Millisecond)
	client := &http.Client{Timeout: 5 * time.Second}
	for round := 0; ; round++ {
		left := 0
		for i, ev := range events {
			if acked[i] {
				continue
			}
			c := children[i%replicas]
			if c.post(client, ev) {
				acked[i] = true
			} else {
				left++
			}
			if kills < wantKills && time.Now().After(nextKill) {
				victim := rnd.IntN(replicas)
				children[victim].kill()
				kills++
				children[victim] = startChild(t, cfgPath)
				nextKill = time.Now().Add(time.Duration(300+rnd.IntN(1500)) * time.Millisecond)
			}
		}
		if left == 0 {
			break
		}
		if round > 50 {
			t.Fatalf("%d findings never acknowledged", left)
		}
	}
	// Keep killing while deliveries are under way.
	for kills < wantKills+3 {
		time.Sleep(time.Duration(200+rnd.IntN(800)) * time.Millisecond)
		victim := rnd.IntN(replicas)
		children[victim].kill()
		kills++
		children[victim] = startChild(t, cfgPath)
	}
	// EventBridge delivers at least once: send a tenth again.
	for i := 0; i < len(events); i += 10 {
		for !children[i%replicas].post(client, events[i]) {
			time.Sleep(50 * time.Millisecond)
		}
	}

	// Wait for every finding to reach Backlog.
	want := map[string]bool{}
	for _, id := range ids {
		want[notify.Marker(store.DeliveryKey(id, crashRoute, crashDest, 1, "open"))] = true
	}
	deadline := time.Now().Add(4 * time.Minute)
	for {
		got := bl.IssuesByMarker()
		if len(got) >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, c := range children {
		c.stop()
	}
	got := bl.IssuesByMarker()
	missing, twice := 0, 0
	for m := range want {
		switch n := got[m]; {
		case n == 0:
			missing++
		case n > 1:
			twice++
			t.Errorf("marker %s: %d issues", m, n)
		}
	}
	for m := range got {
		if !want[m] {
			t.Errorf("issue with unexpected marker %s", m)
		}
	}
	t.Logf("%d findings, %d kills, %d Backlog writes, %d issues", len(ids), kills, bl.Writes(), len(bl.Issues()))
	if missing > 0 || twice > 0 {
		t.Fatalf("%d findings have no issue, %d have more than one", missing, twice)
	}
	if n := len(bl.Issues()); n != len(ids) {
		t.Fatalf("%d issues, want %d", n, len(ids))
	}
}

// crashEvents returns n EventBridge events, each with a finding of its
// own, made from a published failing-control sample.
func crashEvents(t *testing.T, n int) ([][]byte, []string) {
	raw, err := os.ReadFile("../../examples/samples/18-eb-imported-securityhub-fsbp-ec2.7-failed.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	f := ev["detail"].(map[string]any)["findings"].([]any)[0].(map[string]any)
	base := f["Id"].(string)
	events := make([][]byte, n)
	ids := make([]string, n)
	for i := range n {
		id := fmt.Sprintf("%s-crash-%04d", base, i)
		f["Id"] = id
		ev["id"] = fmt.Sprintf("crash-event-%04d", i)
		ev["resources"] = []any{id}
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		events[i], ids[i] = b, id
	}
	return events, ids
}

// child is one hubrelay serve process.
type child struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string
	done chan struct{}
	mu   sync.Mutex
	logs bytes.Buffer
}

func startChild(t *testing.T, cfgPath string) *child {
	t.Helper()
	return startChildOn(t, cfgPath, "127.0.0.1:0")
}

// startChildOn is startChild listening on addr.
func startChildOn(t *testing.T, cfgPath, addr string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{t: t, done: make(chan struct{})}
	c.cmd = exec.Command(exe, "serve", "-c", cfgPath, "--listen", addr, "--log-level", "info")
	c.cmd.Env = append(os.Environ(), "HUBRELAY_TEST_MAIN=1")
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrc := make(chan string, 1)
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			c.mu.Lock()
			c.logs.Write(line)
			c.logs.WriteByte('\n')
			c.mu.Unlock()
			var l struct {
				Msg    string `json:"msg"`
				Listen string `json:"listen"`
			}
			if json.Unmarshal(line, &l) == nil && l.Msg == "serving" {
				select {
				case addrc <- l.Listen:
				default:
				}
			}
		}
		c.cmd.Wait()
	}()
	select {
	case c.addr = <-addrc:
	case <-c.done:
		t.Fatalf("hubrelay serve exited before serving:\n%s", c.logText())
	case <-time.After(30 * time.Second):
		c.kill()
		t.Fatalf("hubrelay serve did not start in 30 s:\n%s", c.logText())
	}
	return c
}

func (c *child) logText() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.logs.String()
}

// post sends one event and reports whether it was acknowledged (202).
func (c *child) post(client *http.Client, ev []byte) bool {
	req, err := http.NewRequest(http.MethodPost, "http://"+c.addr+"/events", bytes.NewReader(ev))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-key", crashAPIKey)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 && resp.StatusCode < 500 {
		c.t.Fatalf("POST answered %s: not a crash symptom", resp.Status)
	}
	return resp.StatusCode == http.StatusAccepted
}

// kill ends the process with SIGKILL: no shutdown code runs.
func (c *child) kill() {
	if c.cmd.Process != nil {
		c.cmd.Process.Kill()
	}
	<-c.done
}

// stop asks the process to stop (SIGTERM) and checks it exits cleanly.
func (c *child) stop() {
	select {
	case <-c.done:
		return
	default:
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(60 * time.Second):
		c.kill()
		c.t.Errorf("hubrelay serve did not stop within 60 s of SIGTERM")
	}
	if st := c.cmd.ProcessState; st != nil && !st.Success() && !strings.Contains(st.String(), "killed") {
		c.t.Errorf("hubrelay serve exited with %s after SIGTERM:\n%s", st, c.logText())
	}
}
