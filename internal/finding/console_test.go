package finding

import (
	"net/url"
	"strings"
	"testing"
)

// TestConsoleURL checks the links against the search-URL form users already
// put in tickets (seed 000) and the partition hosts.
func TestConsoleURL(t *testing.T) {
	const search = "#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A"
	tests := []struct {
		name   string
		f      Finding
		region string
		want   string
	}{
		{
			name:   "aggregation region wins (seed 000)",
			f:      Finding{ID: "arn:aws:securityhub:us-east-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/S3.1/finding/abc", ProductARN: "arn:aws:securityhub:us-east-1::product/aws/securityhub", Region: "us-east-1", Format: FormatASFF},
			region: "ap-northeast-1",
			want: "https://ap-northeast-1.console.aws.amazon.com/securityhub/home?region=ap-northeast-1" + search +
				"arn%253Aaws%253Asecurityhub%253Aus-east-1%253A111111111111%253Asubscription%252Faws-foundational-security-best-practices%252Fv%252F1.0.0%252FS3.1%252Ffinding%252Fabc",
		},
		{
			name: "finding's region when none is given",
			f:    Finding{ID: "inspector/us-east-1/111122223333/629f", ProductARN: "arn:aws:securityhub:us-east-1::product/aws/inspector", Region: "us-east-1", Format: FormatASFF},
			want: "https://us-east-1.console.aws.amazon.com/securityhub/home?region=us-east-1" + search + "inspector%252Fus-east-1%252F111122223333%252F629f",
		},
		{
			name: "space, parentheses and ampersand are encoded twice",
			f:    Finding{ID: "golang:1.12 (alpine)&x", Region: "eu-west-1", Format: FormatASFF},
			want: "https://eu-west-1.console.aws.amazon.com/securityhub/home?region=eu-west-1" + search + "golang%253A1.12%2520%2528alpine%2529%2526x",
		},
		{
			name: "China partition",
			f:    Finding{ID: "arn:aws-cn:securityhub:cn-north-1:111122223333:subscription/x/finding/1", ProductARN: "arn:aws-cn:securityhub:cn-north-1::product/aws/securityhub", Region: "cn-north-1", Format: FormatASFF},
			want: "https://console.amazonaws.cn/securityhub/home?region=cn-north-1" + search + "arn%253Aaws-cn%253Asecurityhub%253Acn-north-1%253A111122223333%253Asubscription%252Fx%252Ffinding%252F1",
		},
		{
			name: "GovCloud partition, told by the region alone",
			f:    Finding{ID: "f-1", Region: "us-gov-west-1", Format: FormatASFF},
			want: "https://console.amazonaws-us-gov.com/securityhub/home?region=us-gov-west-1" + search + "f-1",
		},
		{
			name: "isolated partition has no public console",
			f:    Finding{ID: "f-1", ProductARN: "arn:aws-iso:securityhub:us-iso-west-1:111111111111:product/111111111111/default", Region: "us-iso-west-1", Format: FormatASFF},
			want: "",
		},
		{
			name: "no region anywhere",
			f:    Finding{ID: "f-1", Format: FormatASFF},
			want: "https://console.aws.amazon.com/securityhub/home" + search + "f-1",
		},
		{
			name:   "a region that is not a region name cannot change the host",
			f:      Finding{ID: "f-1", Format: FormatASFF},
			region: "evil.example/x#",
			want:   "https://console.aws.amazon.com/securityhub/home?region=evil.example%2Fx%23" + search + "f-1",
		},
		{
			name: "OCSF findings open the Security Hub console by finding_info.uid",
			f:    Finding{ID: "1d24e917", ProviderID: "arn:aws:guardduty:us-east-1:869728294630:detector/b4c7/finding/06c9", ProductARN: "arn:aws:securityhub:us-east-1::productv2/aws/guardduty", Region: "us-east-1", Format: FormatOCSF},
			want: "https://us-east-1.console.aws.amazon.com/securityhub/v2/home?region=us-east-1#/findings?search=finding_info.uid%3D%255Coperator%255C%253AEQUALS%255C%253A" +
				"arn%253Aaws%253Aguardduty%253Aus-east-1%253A869728294630%253Adetector%252Fb4c7%252Ffinding%252F06c9",
		},
		{name: "no Id", f: Finding{Region: "us-east-1"}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ConsoleURL(&tt.f, tt.region); got != tt.want {
				t.Errorf("ConsoleURL =\n %s\nwant\n %s", got, tt.want)
			}
		})
	}
	if ConsoleURL(nil, "us-east-1") != "" {
		t.Error("nil finding must give no link")
	}
}

// TestConsoleURLDecodesToTheId: undoing the two encodings the console undoes
// gives back the filter on exactly the Id, for every fixture.
func TestConsoleURLDecodesToTheId(t *testing.T) {
	for _, name := range []string{asffBare, asffBare2, "asff/13-securityhub-cis120-1.13-critical-notified.getfindings.json", "asff/25-trivy-aquasecurity-cve-container.json", ocsfBare} {
		t.Run(name, func(t *testing.T) {
			f := decodeOne(t, name, readFixture(t, name)).Finding
			link := ConsoleURL(f, "")
			u, err := url.Parse(link)
			if err != nil {
				t.Fatal(err)
			}
			_, encoded, ok := strings.Cut(u.Fragment, "search=")
			if !ok {
				t.Fatalf("no search in %s", link)
			}
			once, err := url.PathUnescape(encoded)
			if err != nil {
				t.Fatal(err)
			}
			field, value, _ := strings.Cut(once, "=")
			twice, err := url.PathUnescape(value)
			if err != nil {
				t.Fatal(err)
			}
			wantField, wantID := "Id", f.ID
			if f.Format == FormatOCSF {
				wantField, wantID = "finding_info.uid", f.ProviderID
			}
			if field != wantField || twice != `\operator\:EQUALS\:`+wantID {
				t.Errorf("search decodes to %s=%s, want %s=\\operator\\:EQUALS\\:%s", field, twice, wantField, wantID)
			}
		})
	}
}

// TestConsoleURLEncodesTheConditionTwice: the one-pass search parameter is
// what encoding the EQUALS condition and then the whole field=condition
// again gives, for every byte value in an Id.
func TestConsoleURLEncodesTheConditionTwice(t *testing.T) {
	var all []byte
	for c := range 256 {
		all = append(all, byte(c))
	}
	for _, id := range []string{"plain", "arn:aws:securityhub:ap-northeast-1:123456789012:subscription/x/finding/1 2", string(all), "日本語/ü"} {
		for _, format := range []Format{FormatASFF, FormatOCSF} {
			f := &Finding{ID: id, ProviderID: id, Format: format, Region: "ap-northeast-1"}
			field := "Id"
			if format == FormatOCSF {
				field = "finding_info.uid"
			}
			want := "#/findings?search=" + percentEncode(field+"="+percentEncode(`\operator\:EQUALS\:`+id))
			if got := ConsoleURL(f, ""); !strings.HasSuffix(got, want) {
				t.Errorf("%s %q: got %s, want it to end in %s", format, id, got, want)
			}
		}
	}
}
