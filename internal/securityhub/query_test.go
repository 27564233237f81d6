package securityhub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
)

// collect reads filters with Client.Findings and returns every finding
// handed over and the size of each page.
func collect(t *testing.T, f *fixture, filters string) ([]*finding.Finding, []int) {
	t.Helper()
	var all []*finding.Finding
	var sizes []int
	err := f.client.Findings(context.Background(), []byte(filters), func(page []*finding.Finding) error {
		sizes = append(sizes, len(page))
		all = append(all, page...)
		return nil
	})
	if err != nil {
		t.Fatalf("Findings: %v", err)
	}
	return all, sizes
}

// TestFindingsSplitsAccounts: 1,250 findings of 50 accounts, a project of
// 45: the account list is split into queries of 20, 20 and 5 accounts,
// every page holds at most 100 findings, each matching finding comes once
// with Raw exactly as the API stored it, and the other filters hold.
func TestFindingsSplitsAccounts(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	f.connect(t, nil)
	var raws []json.RawMessage
	for i := range 1250 {
		raws = append(raws, asff(fmt.Sprintf("F%04d", i), account(i%50), t0.Add(time.Duration(i)*time.Second),
			func(m map[string]any) {
				if i%10 == 0 {
					m["Workflow"] = map[string]any{"Status": "RESOLVED"}
				}
			}))
	}
	if err := f.hub.AddFindings(raws...); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for k := range 45 {
		ids = append(ids, `{"Value":"`+account(k)+`","Comparison":"EQUALS"}`)
	}
	filters := `{"AwsAccountId":[` + strings.Join(ids, ",") + `],
		"WorkflowStatus":[{"Value":"NEW","Comparison":"EQUALS"},{"Value":"NOTIFIED","Comparison":"EQUALS"}]}`

	got, sizes := collect(t, f, filters)
	want := map[string]bool{}
	for i := range 1250 {
		if i%50 < 45 && i%10 != 0 {
			want[fmt.Sprintf("F%04d", i)] = true
		}
	}
	seen := map[string]bool{}
	for _, fd := range got {
		if !want[fd.ID] {
			t.Errorf("%s (account %s, workflow %s) does not match the filters", fd.ID, fd.AccountID, fd.Workflow)
		}
		if seen[fd.ID] {
			t.Errorf("%s handed over twice", fd.ID)
		}
		seen[fd.ID] = true
		stored, _ := f.hub.Finding(productARN, fd.ID)
		if !bytes.Equal(fd.Raw, stored) {
			t.Errorf("%s: Raw differs from what the API stored", fd.ID)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d findings handed over, want %d", len(seen), len(want))
	}
	// Accounts 0, 10, 20, 30 and 40 hold only RESOLVED findings. Per
	// query: 18 accounts × 25 findings = 450 → 5 pages; again 450 → 5
	// pages; accounts 41-44: exactly 100 → 1 page.
	for i, n := range sizes {
		if n < 1 || n > 100 {
			t.Errorf("page %d holds %d findings", i+1, n)
		}
	}
	if calls := f.hub.Calls("GetFindings"); calls != 11 || len(sizes) != 11 {
		t.Errorf("GetFindings calls = %d, pages = %d; want 11 (5 + 5 + 1)", calls, len(sizes))
	}
}

// TestFindingsEmpty: nothing matches: fn is never called and the read
// succeeds.
func TestFindingsEmpty(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	f.connect(t, nil)
	if err := f.hub.AddFindings(asff("F1", "111111111111", t0)); err != nil {
		t.Fatal(err)
	}
	got, sizes := collect(t, f, `{"AwsAccountId":[{"Value":"999999999999","Comparison":"EQUALS"}]}`)
	if len(got) != 0 || len(sizes) != 0 {
		t.Fatalf("got %d findings in %d pages, want none", len(got), len(sizes))
	}
}

// TestFindingsCallbackError: an error from fn ends the read at once and is
// returned as it is; only the pages already fetched ahead are read beyond
// it.
func TestFindingsCallbackError(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	f.connect(t, nil)
	f.seed(t, 2000)
	stop := errors.New("enough")
	pages := 0
	err := f.client.Findings(context.Background(), []byte(`{}`), func(page []*finding.Finding) error {
		pages++
		if pages == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Findings = %v, want the callback's error", err)
	}
	if pages != 2 {
		t.Errorf("fn called %d times, want 2", pages)
	}
	// The 2 pages handed over, at most 4 decoded or queued, 1 being
	// fetched, 1 waiting for a decoder: 8 of the 20.
	if calls := f.hub.Calls("GetFindings"); calls > 8 {
		t.Errorf("GetFindings called %d times after fn failed on page 2; want at most 8", calls)
	}
}

// TestFindingsCancelled: a cancelled context ends the read with its error.
func TestFindingsCancelled(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	f.connect(t, nil)
	f.seed(t, 500)
	ctx, cancel := context.WithCancel(context.Background())
	err := f.client.Findings(ctx, []byte(`{}`), func(page []*finding.Finding) error {
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Findings = %v, want context.Canceled", err)
	}
}

// TestFindingsErrors: filters the client refuses, and filters the API
// refuses, give errors that say which and why.
func TestFindingsErrors(t *testing.T) {
	f := newFixture(t, hubtest.Options{})
	f.connect(t, nil)
	f.seed(t, 3)
	many := make([]string, 10)
	for i := range many {
		many[i] = fmt.Sprintf(`"Attr%d":[{"Value":"x","Comparison":"EQUALS"}]`, i)
	}
	for _, tc := range []struct {
		name, filters string
		want          []string
	}{
		{"not an object", `[1]`, []string{"securityhub: findings: filters", "AwsSecurityFindingFilters"}},
		{"not a list", `{"AwsAccountId":{"Value":"1"}}`, []string{"AwsAccountId", "want a list of filters"}},
		{"too many attributes", "{" + strings.Join(many, ",") + "}", []string{"10 attributes"}},
		{"unknown attribute", `{"NoSuchAttribute":[{"Value":"x","Comparison":"EQUALS"}]}`, []string{"securityhub: findings: filters", "NoSuchAttribute"}},
		{"refused by the API", `{"SeverityLabel":[{"Value":"HIGH","Comparison":"BOGUS"}]}`,
			[]string{"securityhub: findings: query 1 of 1, page 1: GetFindings", "Comparison"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			err := f.client.Findings(context.Background(), []byte(tc.filters), func([]*finding.Finding) error {
				called = true
				return nil
			})
			if err == nil {
				t.Fatal("Findings succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if called {
				t.Error("fn was called")
			}
		})
	}
}

// BenchmarkFindings reads 2,000 findings, 20 pages, through the SDK and
// finding.Decode.
func BenchmarkFindings(b *testing.B) {
	hub := hubtest.New(hubtest.Options{})
	defer hub.Close()
	var raws []json.RawMessage
	for i := range 2000 {
		raws = append(raws, asff(fmt.Sprintf("F%04d", i), "111111111111", t0))
	}
	if err := hub.AddFindings(raws...); err != nil {
		b.Fatal(err)
	}
	c, err := securityhub.New(context.Background(), securityhub.Options{
		Region: hub.AWSConfig().Region, Endpoint: hub.URL(), Credentials: hub.AWSConfig().Credentials, Limits: fast(),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := c.Findings(context.Background(), []byte(`{}`), func(page []*finding.Finding) error {
			n += len(page)
			return nil
		})
		if err != nil || n != 2000 {
			b.Fatalf("%d findings, %v", n, err)
		}
	}
}
