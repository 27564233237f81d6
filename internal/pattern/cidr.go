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
// IP-equality matching: what netip.ParseAddr accepts minus zones, with
// IPv4-mapped IPv6 addresses turned into IPv4. It does not allocate.
func parseIP(b []byte) (netip.Addr, bool) {
	if len(b) < 2 || len(b) > 45 {
		return netip.Addr{}, false
	}
	for _, c := range b {
		if c == ':' {
			a, ok := parseIPv6(b)
			return a.Unmap(), ok
		}
	}
	v4, ok := parseIPv4(b)
	if !ok {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(v4), true
}

// parseIPv4 parses a dotted quad: four decimal octets without leading zeros.
func parseIPv4(b []byte) ([4]byte, bool) {
	var out [4]byte
	part, val, digits := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || part > 3 {
				return out, false
			}
			out[part] = byte(val)
			part++
			val, digits = 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' || (digits == 1 && val == 0) {
			return out, false
		}
		val = val*10 + int(c-'0')
		digits++
		if val > 255 {
			return out, false
		}
	}
	return out, part == 4
}

// parseIPv6 parses RFC 4291 text: up to eight groups of one to four hex
// digits, at most one "::", and an optional trailing dotted quad.
func parseIPv6(b []byte) (netip.Addr, bool) {
	var ip [16]byte
	ellipsis := -1 // byte index in ip where "::" stands
	i, n := 0, 0   // position in b, bytes written to ip
	if len(b) >= 2 && b[0] == ':' && b[1] == ':' {
		ellipsis = 0
		i = 2
		if i == len(b) {
			return netip.AddrFrom16(ip), true
		}
	}
	for n < 16 {
		// One group, or a trailing dotted quad.
		val, digits := 0, 0
		for i+digits < len(b) && digits < 5 && isHex(b[i+digits]) {
			val = val<<4 | int(hexVal(b[i+digits]))
			digits++
		}
		if digits > 4 || digits == 0 {
			return netip.Addr{}, false
		}
		if i+digits < len(b) && b[i+digits] == '.' {
			if ellipsis < 0 && n != 12 || n+4 > 16 {
				return netip.Addr{}, false
			}
			v4, ok := parseIPv4(b[i:])
			if !ok {
				return netip.Addr{}, false
			}
			copy(ip[n:], v4[:])
			n += 4
			i = len(b)
			break
		}
		ip[n], ip[n+1] = byte(val>>8), byte(val)
		n += 2
		i += digits
		if i == len(b) {
			break
		}
		if b[i] != ':' || i+1 == len(b) {
			return netip.Addr{}, false
		}
		i++
		if b[i] == ':' {
			if ellipsis >= 0 {
				return netip.Addr{}, false
			}
			ellipsis = n
			i++
			if i == len(b) {
				break
			}
		}
	}
	if i != len(b) {
		return netip.Addr{}, false
	}
	if n < 16 {
		if ellipsis < 0 {
			return netip.Addr{}, false
		}
		shift := 16 - n
		copy(ip[ellipsis+shift:], ip[ellipsis:n])
		for k := ellipsis; k < ellipsis+shift; k++ {
			ip[k] = 0
		}
	} else if ellipsis >= 0 {
		return netip.Addr{}, false // "::" must stand for at least one group
	}
	return netip.AddrFrom16(ip), true
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
