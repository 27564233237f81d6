package orgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

func listAll(t *testing.T, c *organizations.Client, size int32) ([]types.Account, int) {
	t.Helper()
	in := &organizations.ListAccountsInput{}
	if size > 0 {
		in.MaxResults = aws.Int32(size)
	}
	p := organizations.NewListAccountsPaginator(c, in)
	var out []types.Account
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		out = append(out, page.Accounts...)
	}
	return out, pages
}

func TestListAccounts(t *testing.T) {
	s := NewTest(t, Options{ManagementAccountID: "999999999999"})
	joined := time.Date(2024, 4, 1, 9, 30, 0, 500e6, time.UTC)
	for i := range 45 {
		s.AddAccounts(Account{ID: fmt.Sprintf("1000000000%02d", i), Name: fmt.Sprintf("acct-%d", i), Email: fmt.Sprintf("a%d@example.com", i), JoinedAt: joined})
	}
	s.SetAccountStatus("100000000001", StatusSuspended)
	s.SetAccountStatus("100000000002", StatusPendingClosure)
	c := s.Client()

	for _, tt := range []struct {
		size      int32
		wantPages int
	}{{0, 3}, {20, 3}, {7, 7}, {1, 45}} {
		t.Run(fmt.Sprintf("MaxResults %d", tt.size), func(t *testing.T) {
			got, pages := listAll(t, c, tt.size)
			if len(got) != 45 || pages != tt.wantPages {
				t.Fatalf("%d accounts in %d pages, want 45 in %d", len(got), pages, tt.wantPages)
			}
			for i := 1; i < len(got); i++ {
				if aws.ToString(got[i-1].Id) >= aws.ToString(got[i].Id) {
					t.Fatalf("not ordered by ID at %d", i)
				}
			}
		})
	}
	got, _ := listAll(t, c, 0)
	a := got[1]
	if a.Status != types.AccountStatusSuspended || a.State != types.AccountStateSuspended || got[2].Status != types.AccountStatusPendingClosure ||
		got[0].Status != types.AccountStatusActive {
		t.Errorf("statuses %s %s %s", got[0].Status, a.Status, got[2].Status)
	}
	if aws.ToString(a.Name) != "acct-1" || aws.ToString(a.Email) != "a1@example.com" || a.JoinedMethod != types.AccountJoinedMethodCreated ||
		!aws.ToTime(a.JoinedTimestamp).Equal(joined) || aws.ToString(a.Arn) != "arn:aws:organizations::999999999999:account/o-exampleorgid/100000000001" {
		t.Errorf("account %+v", a)
	}
	if s.Calls("ListAccounts") < 3 {
		t.Errorf("Calls = %d", s.Calls("ListAccounts"))
	}
	if n := s.RemoveAccounts("100000000000", "x"); n != 1 {
		t.Errorf("RemoveAccounts = %d", n)
	}
	if got, _ := listAll(t, c, 0); len(got) != 44 {
		t.Errorf("after removing one: %d accounts", len(got))
	}
}

func TestListAccountsErrors(t *testing.T) {
	s := NewTest(t, Options{})
	c := s.Client()
	ctx := context.Background()
	var iie *types.InvalidInputException
	_, err := c.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
	if !errors.As(err, &iie) || iie.Reason != types.InvalidInputExceptionReasonMaxValueExceeded {
		t.Errorf("MaxResults 21: %v", err)
	}
	_, err = c.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: aws.String("bogus!")})
	if !errors.As(err, &iie) || iie.Reason != types.InvalidInputExceptionReasonInvalidPaginationToken {
		t.Errorf("bad NextToken: %v", err)
	}

	wrong := organizations.NewFromConfig(aws.Config{
		Region:      DefaultRegion,
		Credentials: credentials.NewStaticCredentialsProvider(accessKeyID, "not-the-secret", ""),
	}, func(o *organizations.Options) { o.BaseEndpoint = aws.String(s.URL()) })
	_, err = wrong.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err == nil || !strings.Contains(err.Error(), "InvalidSignatureException") {
		t.Errorf("a request signed with the wrong secret: %v", err)
	}
	if strings.Contains(fmt.Sprint(err), secretAccessKey) || strings.Contains(fmt.Sprint(err), "not-the-secret") {
		t.Error("an error shows the secret key")
	}
	otherRegion := organizations.NewFromConfig(s.AWSConfig(), func(o *organizations.Options) {
		o.BaseEndpoint = aws.String(s.URL())
		o.Region = "ap-northeast-1"
	})
	if _, err := otherRegion.ListAccounts(ctx, &organizations.ListAccountsInput{}); err == nil || !strings.Contains(err.Error(), "valid region") {
		t.Errorf("a request signed for another region: %v", err)
	}
	resp, err := http.Post(s.URL(), contentType, bytes.NewReader([]byte(`{}`)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-ErrorType") != "UnknownOperationException" {
		t.Errorf("no target: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL(), bytes.NewReader([]byte(`{}`)))
	req.Header.Set("X-Amz-Target", targetPrefix+"ListAccounts")
	req.Header.Set("Content-Type", contentType)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned: %s", resp.Header.Get("X-Amzn-ErrorType"))
	}

	if _, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err == nil || !strings.Contains(err.Error(), "UnsupportedOperation") {
		t.Errorf("an operation orgtest does not serve: %v", err)
	}

	none := NewTest(t, Options{NotInUse: true})
	var niu *types.AWSOrganizationsNotInUseException
	if _, err := none.Client().ListAccounts(ctx, &organizations.ListAccountsInput{}); !errors.As(err, &niu) {
		t.Errorf("no organization: %v", err)
	}
}

func TestOwnCredentials(t *testing.T) {
	s := NewTest(t, Options{AccessKeyID: "AKIAOTHER00000000000", SecretAccessKey: "other/secret"})
	s.AddAccounts(Account{ID: "111111111111"})
	if got, _ := listAll(t, s.Client(), 0); len(got) != 1 {
		t.Fatalf("%d accounts", len(got))
	}
	def := NewTest(t, Options{})
	c := organizations.NewFromConfig(def.AWSConfig(), func(o *organizations.Options) { o.BaseEndpoint = aws.String(s.URL()) })
	if _, err := c.ListAccounts(context.Background(), &organizations.ListAccountsInput{}); err == nil || !strings.Contains(err.Error(), "UnrecognizedClientException") {
		t.Errorf("the default credentials on a server with its own: %v", err)
	}
}
