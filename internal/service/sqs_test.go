package service_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/service"
	"github.com/hubrelay/hubrelay/internal/source/sqs/sqstest"
	"github.com/hubrelay/hubrelay/internal/store"
)

// awsEnv points the AWS SDK's default chain at srv's credentials and at
// nothing else: no shared files, no instance metadata.
func awsEnv(t *testing.T, srv *sqstest.Server) {
	t.Helper()
	dir := t.TempDir()
	creds := srv.Credentials()
	t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_SQS", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// sqsConfig is a config with sources.sqs on queueURL and the failed
// controls route to file-a.
func sqsConfig(t *testing.T, dsn, queueURL string) (*config.Config, string) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "file-a.jsonl")
	var b strings.Builder
	fmt.Fprintf(&b, "store: %s\nlanguage: en\n", strconv.Quote(dsn))
	fmt.Fprintf(&b, "sources:\n  sqs: {queue_url: %s, region: %s, concurrency: 2}\n", strconv.Quote(queueURL), sqstest.DefaultRegion)
	fmt.Fprintf(&b, "delivery: {poll: %s}\n", config.DefaultDeliveryPoll)
	fmt.Fprintf(&b, "destinations:\n  file-a: {file: {path: %s}}\n", strconv.Quote(out))
	fmt.Fprintf(&b, "routes:\n  - name: %s\n    %s\n    to: [file-a]\n", failedControls.name, failedControls.match)
	reg := destinations.Registry()
	cfg, err := config.Parse(filepath.Join(dir, "hubrelay.yaml"), []byte(b.String()),
		config.WithDestinationTypes(func(typ string, s *config.Settings) error { return reg.Check(typ, s) }))
	if err != nil {
		t.Fatalf("config:\n%s\n%v", b.String(), err)
	}
	return cfg, out
}

func openService(t *testing.T, cfg *config.Config, log *slog.Logger) *service.Service {
	t.Helper()
	svc, err := service.Open(context.Background(), cfg, service.Options{Registry: destinations.Registry(), Log: log, Owner: "sqs-test"})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc
}

// TestServeSQS runs the service with an SQS source: messages sent to the
// queue are ingested, deleted after the commit and delivered; Serve stops
// cleanly.
func TestServeSQS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	srv := sqstest.NewServer(t)
	url := srv.CreateQueue("findings", sqstest.Attributes{})
	awsEnv(t, srv)
	cfg, out := sqsConfig(t, dsn(t, store.DialectSQLite), url)
	logs := &syncBuffer{}
	svc := openService(t, cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.Serve(sctx, nil) }()
	ev := loadEvents(t)
	for i := range 5 {
		srv.Send(url, string(ev.body(100+i)))
	}
	if err := srv.Await(ctx, func() bool { return srv.Stats(url).Deleted == 5 }); err != nil {
		t.Fatalf("waiting for the deletes: %v\n%s", err, logs)
	}
	waitCounts(ctx, t, svc.Store(), store.StatusDelivered, 5)
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		lines++
	}
	if lines != 5 {
		t.Errorf("file-a holds %d lines, want 5", lines)
	}
	if !strings.Contains(logs.String(), `"msg":"sqs source started","queue":"findings"`) || !strings.Contains(logs.String(), `"msg":"sqs source stopped"`) {
		t.Errorf("log:\n%s", logs)
	}
	if p := srv.Problems(); len(p) > 0 {
		t.Errorf("the SQS API refused requests: %q", p)
	}
}

// TestServeSQSFails checks that Serve stops, HTTP endpoints included, and
// returns the source's error when the SQS source cannot start.
func TestServeSQSFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	srv := sqstest.NewServer(t)
	awsEnv(t, srv)
	cfg, _ := sqsConfig(t, dsn(t, store.DialectSQLite), srv.URL+"/"+sqstest.AccountID+"/missing")
	svc := openService(t, cfg, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	err = svc.Serve(ctx, ln)
	if err == nil || !strings.Contains(err.Error(), "queue missing: get queue attributes") || !strings.Contains(err.Error(), "NonExistentQueue") {
		t.Fatalf("Serve: %v, want the queue's error", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Serve returned only at the test's timeout")
	}
	if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		c.Close()
		t.Error("the HTTP endpoints still answer after Serve returned")
	}
}

func TestRunSQSWithoutConfig(t *testing.T) {
	f := newFixture(t, dsn(t, store.DialectSQLite), "", failedControls.To("file-a"))
	svc := f.open(t, nil)
	if err := svc.RunSQS(context.Background()); err == nil || !strings.Contains(err.Error(), "no sources.sqs") {
		t.Errorf("RunSQS: %v", err)
	}
}
