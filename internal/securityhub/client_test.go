package securityhub_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

// isolate keeps the machine's AWS configuration out of a test.
func isolate(t *testing.T) {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECURITYHUB"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
}

func TestNewNeedsARegion(t *testing.T) {
	isolate(t)
	_, err := securityhub.New(context.Background(), securityhub.Options{})
	if err == nil || !strings.Contains(err.Error(), "securityhub: no AWS region") {
		t.Fatalf("New without a region = %v, want the missing region named", err)
	}
}

func TestNewRejectsBadLimits(t *testing.T) {
	_, err := securityhub.New(context.Background(), securityhub.Options{Region: "ap-northeast-1",
		Limits: map[string]securityhub.Limit{"GetFindings": {PerSecond: 5, Burst: 0}}})
	if err == nil || !strings.Contains(err.Error(), "rate limit of GetFindings") {
		t.Fatalf("New with burst 0 = %v, want an error naming the family", err)
	}
}

// TestEndpointFromEnvironment: with no Endpoint option the SDK's own
// AWS_ENDPOINT_URL_SECURITYHUB applies.
func TestEndpointFromEnvironment(t *testing.T) {
	isolate(t)
	hub := hubtest.NewTest(t, hubtest.Options{})
	hub.AddMembers(hubtest.Member{AccountID: "111111111111", Email: "a@example.com", Associated: true})
	t.Setenv("AWS_ENDPOINT_URL_SECURITYHUB", hub.URL())
	c, err := securityhub.New(context.Background(), securityhub.Options{Region: hubtest.DefaultRegion, Credentials: hub.AWSConfig().Credentials})
	if err != nil {
		t.Fatal(err)
	}
	if c.Region() != hubtest.DefaultRegion {
		t.Errorf("Region() = %q", c.Region())
	}
	ms, err := c.ListMembers(context.Background(), true)
	if err != nil || len(ms) != 1 || hub.Calls("ListMembers") != 1 {
		t.Fatalf("ListMembers through the environment's endpoint = %v, %v (calls %d)", ms, err, hub.Calls("ListMembers"))
	}
}
