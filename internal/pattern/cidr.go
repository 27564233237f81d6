package pattern

import (
	"fmt"
	"net/netip"
	"strings"
)

// parseCIDR parses the operand of a "cidr" operator: an IPv4 or IPv6
// address, a slash and a prefix length. Host bits may be set; they are
// masked off. Zones are rejected.
func parseCIDR(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		return netip.Prefix{}, fmt.Errorf("cidr %q has no /prefix-length", s)
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("cidr %q does not parse: %v", s, trimNetipErr(err))
	}
	if p.Addr().Is4In6() {
		// ::ffff:a.b.c.d/n with n >= 96 is an IPv4 range written as IPv6.
		if p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
	}
	return p.Masked(), nil
}

func trimNetipErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// parseIP parses an event or pattern string as an IP address for cidr and
// IP-equality matching: IPv4 dotted quads, IPv6 (IPv4-mapped forms become
// IPv4), no zones. It does not allocate.
func parseIP(b []byte) (netip.Addr, bool) {
	if len(b) < 2 || len(b) > 45 {
		return netip.Addr{}, false
	}
	// Cheap pre-filter: an address holds only hex digits, '.' and ':'.
	hasSep := false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		case c == '.' || c == ':':
			hasSep = true
		default:
			return netip.Addr{}, false
		}
	}
	if !hasSep {
		return netip.Addr{}, false
	}
	var buf [45]byte
	n := copy(buf[:], b)
	a, err := netip.ParseAddr(string(buf[:n]))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
