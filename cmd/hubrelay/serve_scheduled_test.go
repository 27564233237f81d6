package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

const serveLinkSecret = "serve-test-link-secret-0123456789abcdef"

// noticeLines returns the notices the file destination wrote.
func noticeLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		t.Fatal(err)
	}
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("file line %q: %v", line, err)
		}
		if rec["kind"] == "notice" {
			out = append(out, rec)
		}
	}
	return out
}

// TestServeMembersAndReports runs hubrelay serve as a child process with
// member monitoring and a project report, Security Hub played by the
// in-process API: a CloudTrail "DisassociateFromAdministratorAccount"
// event posted to the ingest path becomes a members notice at once (the
// issue's "resigns at 10:00, in a message by 10:05"), and the report job,
// scheduled every minute, keeps the project's report in the local archive
// and sends a link that the service itself serves.
func TestServeMembersAndReports(t *testing.T) {
	hub := hubtest.NewTest(t, hubtest.Options{Region: "ap-northeast-1", AccountID: "999999999999"})
	creds, err := hub.AWSConfig().Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL_SECURITYHUB", hub.URL())
	t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("HUBRELAY_LINK_SECRET", serveLinkSecret)
	hub.AddMembers(hubtest.Member{AccountID: "111111111111", MemberStatus: "Enabled", UpdatedAt: time.Now().Add(-48 * time.Hour)})
	raw, err := os.ReadFile(sample18)
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Detail struct {
			Findings []json.RawMessage `json:"findings"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	var account struct{ AwsAccountId string }
	if err := json.Unmarshal(ev.Detail.Findings[0], &account); err != nil {
		t.Fatal(err)
	}
	if err := hub.AddFindings(ev.Detail.Findings...); err != nil {
		t.Fatal(err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	cfg := writeTestConfig(t, dir, fmt.Sprintf(`store: %q
language: en
timezone: UTC
securityhub: {region: ap-northeast-1}
sources:
  http: {path: /events, api_key: %s}
delivery:
  poll: 20ms
destinations:
  out:
    file: {path: %q}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [out]
members:
  to: [out]
  schedule: "0 11 * * MON-FRI"
projects:
  - name: system-a
    accounts: [%q]
    to: [out]
    schedule: "* * * * *"
reports:
  storage:
    local: {dir: reports, base_url: "http://%s", secret: "${env:HUBRELAY_LINK_SECRET}"}
`, "sqlite:"+filepath.Join(dir, "hubrelay.db"), serveAPIKey, out, account.AwsAccountId, addr))
	c := startChildOn(t, cfg, addr)
	defer c.kill()

	t.Run("a CloudTrail leave is told at once", func(t *testing.T) {
		event := readFile(t, "../../internal/members/testdata/cloudtrail/disassociate-from-administrator.json")
		a := c.send(http.MethodPost, "/events", []byte(event), map[string]string{"Content-Type": "application/json", "x-api-key": serveAPIKey})
		if a.status != http.StatusAccepted {
			t.Fatalf("POST CloudTrail event: %d %s", a.status, a.body)
		}
		waitFor(t, "the members notice", func() (bool, string) {
			for _, n := range noticeLines(t, out) {
				if nn, _ := n["notice"].(map[string]any); nn != nil && nn["topic"] == "members" {
					return true, ""
				}
			}
			return false, fmt.Sprintf("%d notices", len(noticeLines(t, out)))
		})
	})

	t.Run("the report link is served", func(t *testing.T) {
		var link string
		waitFor(t, "the report notice", func() (bool, string) {
			for _, n := range noticeLines(t, out) {
				nn, _ := n["notice"].(map[string]any)
				if nn == nil || nn["topic"] != "report" {
					continue
				}
				l, _ := nn["link"].(map[string]any)
				link, _ = l["url"].(string)
				return link != "", ""
			}
			return false, fmt.Sprintf("%d notices", len(noticeLines(t, out)))
		})
		if !strings.HasPrefix(link, "http://"+addr+"/reports/system-a/") {
			t.Fatalf("link %q is not served by this service", link)
		}
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "PK") {
			t.Fatalf("GET report link: %d, %d bytes (%q…), want 200 and an xlsx (zip)", resp.StatusCode, len(body), strconv.Quote(string(body[:min(len(body), 40)])))
		}
		tampered := strings.Replace(link, "sig=", "sig=A", 1)
		resp2, err := http.Get(tampered)
		if err != nil {
			t.Fatal(err)
		}
		resp2.Body.Close()
		if resp2.StatusCode != http.StatusForbidden {
			t.Errorf("tampered link: %d, want 403", resp2.StatusCode)
		}
	})
	for _, line := range c.logLines() {
		if s := fmt.Sprint(line); strings.Contains(s, serveLinkSecret) {
			t.Errorf("log line shows the link secret: %s", s)
		}
	}
}
