package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

func TestActionsSync(t *testing.T) {
	hub := hubtest.NewTest(t, hubtest.Options{Region: "ap-northeast-1"})
	t.Setenv("AWS_ENDPOINT_URL_SECURITYHUB", hub.URL())
	creds, err := hub.AWSConfig().Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	cfg := filepath.Join(t.TempDir(), "hubrelay.yaml")
	write := func(desc string) {
		t.Helper()
		body := `securityhub:
  region: ap-northeast-1
  actions:
    - {id: SendToBacklog, name: Send to Backlog, description: "` + desc + `"}
    - {id: PageOnCall, name: Page on-call, description: Page the on-call engineer now}
destinations:
  out: {stdout: {}}
routes:
  - name: on-demand
    pattern: {detail-type: [Security Hub Findings - Custom Action]}
    to: [out]
`
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("Open a Backlog issue for this finding now")
	type result struct{ Created, Updated, Unchanged []string }
	sync := func() result {
		t.Helper()
		code, out, stderr := runCLI(t, "", "actions", "sync", "-c", cfg, "-o", "json")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var r result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return r
	}
	if r := sync(); len(r.Created) != 2 || len(r.Updated)+len(r.Unchanged) != 0 {
		t.Fatalf("first sync %+v, want both created", r)
	}
	if r := sync(); len(r.Unchanged) != 2 {
		t.Fatalf("second sync %+v, want both unchanged", r)
	}
	write("Open a Backlog ticket")
	if r := sync(); len(r.Updated) != 1 || r.Updated[0] != "SendToBacklog" {
		t.Fatalf("after editing a description %+v, want SendToBacklog updated", r)
	}
	out, err := hub.Client().DescribeActionTargets(context.Background(), &securityhub.DescribeActionTargetsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range out.ActionTargets {
		names = append(names, *a.Name+"="+*a.Description)
		if !strings.HasPrefix(*a.ActionTargetArn, "arn:aws:securityhub:ap-northeast-1:") {
			t.Errorf("target ARN %s", *a.ActionTargetArn)
		}
	}
	if len(names) != 2 || !strings.Contains(strings.Join(names, ";"), "Send to Backlog=Open a Backlog ticket") {
		t.Errorf("targets %v", names)
	}
	// A config without actions is a usage error.
	if err := os.WriteFile(cfg, []byte("destinations:\n  out: {stdout: {}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "", "actions", "sync", "-c", cfg); code != exitInvalid || !strings.Contains(stderr, "securityhub.actions") {
		t.Errorf("no actions: exit %d, %s", code, stderr)
	}
}
