package pattern

import (
	"net/netip"
	"strings"
	"testing"
)

// referenceIP is what parseIP must agree with: netip.ParseAddr without
// zones, IPv4-mapped addresses unmapped.
func referenceIP(s string) (netip.Addr, bool) {
	if strings.Contains(s, "%") {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

var ipSamples = []string{
	"10.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "10.0.0", "10.0.0.1.2", "010.0.0.1", "10.0.0.01",
	"1.2.3.", ".1.2.3", "1..2.3", "::", "::1", "1::", "1::2", "2001:db8::2a:0", "2001:0db8:0:0:0:0:2a:0",
	"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7", "1:2:3:4:5:6::7:8",
	"::ffff:10.0.0.1", "::10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%eth0",
	":::", "1:::2", "1::2::3", "12345::", "g::", ":1", "1:", "::ffff:1.2.3", "0:0:0:0:0:0:0:0", "a:b",
	"1.2.3.4::", "::1.2.3.4:5", "ABCD:EF01::", "1:2:3:4:5::1.2.3.4",
}

func TestParseIPAgreesWithNetip(t *testing.T) {
	for _, s := range ipSamples {
		t.Run(s, func(t *testing.T) {
			got, ok := parseIP([]byte(s))
			want, wantOK := referenceIP(s)
			if ok != wantOK || got != want {
				t.Errorf("parseIP(%q) = %v, %v; netip says %v, %v", s, got, ok, want, wantOK)
			}
		})
	}
}

// FuzzParseIP: the allocation-free address parser agrees with net/netip.
func FuzzParseIP(f *testing.F) {
	for _, s := range ipSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseIP([]byte(s))
		want, wantOK := referenceIP(s)
		if ok != wantOK || got != want {
			t.Fatalf("parseIP(%q) = %v, %v; netip says %v, %v", s, got, ok, want, wantOK)
		}
	})
}

func TestParseCIDR(t *testing.T) {
	tests := []struct{ in, want string }{
		{"10.0.0.0/24", "10.0.0.0/24"},
		{"10.0.0.7/24", "10.0.0.0/24"},
		{"2001:db8::/64", "2001:db8::/64"},
		{"::ffff:10.0.0.0/104", "10.0.0.0/8"},
		{"0.0.0.0/0", "0.0.0.0/0"},
	}
	for _, tt := range tests {
		p, err := parseCIDR(tt.in)
		if err != nil || p.String() != tt.want {
			t.Errorf("parseCIDR(%q) = %v, %v; want %s", tt.in, p, err, tt.want)
		}
	}
}
