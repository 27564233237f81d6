package pattern

import (
	"fmt"
	"net/netip"
	"strings"
)

// booleanFilterCond validates a BooleanFilter list and returns its
// condition; several values are OR'ed. A finding without the field counts as
// false: Sample, the one BooleanFilter attribute, is only set on sample
// findings, so Sample false keeps every real finding.
func booleanFilterCond(list []any, listPath []any, a filterAttribute) (cond, error) {
	var wantTrue, wantFalse bool
	for i, item := range list {
		itemPath := at(listPath, i)
		obj, err := object(item, itemPath, "a BooleanFilter", "Value")
		if err != nil {
			return nil, err
		}
		v, ok := obj["Value"]
		if !ok || v == nil {
			return nil, errAt(at(itemPath, "Value"), "Value is required")
		}
		b, isBool := v.(bool)
		if !isBool {
			return nil, errAt(at(itemPath, "Value"), "Value must be true or false, got %s", jsonType(v))
		}
		wantTrue = wantTrue || b
		wantFalse = wantFalse || !b
	}
	var matchers []any
	if wantTrue {
		matchers = append(matchers, true)
	}
	if wantFalse {
		matchers = append(matchers, false, map[string]any{"exists": false})
	}
	return leaf{path: a.path, matchers: matchers}, nil
}

// ipFilterCond validates an IpFilter list and returns its condition; several
// CIDRs are OR'ed. A bare address is taken as a /32 (IPv4) or /128 (IPv6)
// network, and the address family must be the attribute's.
func ipFilterCond(list []any, listPath []any, a filterAttribute) (cond, error) {
	matchers := make([]any, 0, len(list))
	for i, item := range list {
		itemPath := at(listPath, i)
		obj, err := object(item, itemPath, "an IpFilter", "Cidr")
		if err != nil {
			return nil, err
		}
		s, err := requiredString(obj, "Cidr", itemPath)
		if err != nil {
			return nil, err
		}
		prefix, err := filterCIDR(s)
		if err != nil {
			return nil, errAt(at(itemPath, "Cidr"), "Cidr %v", err)
		}
		family, want := "IPv4", "IPv4"
		if prefix.Addr().Is6() {
			family = "IPv6"
		}
		if a.ipv6 {
			want = "IPv6"
		}
		if family != want {
			return nil, errAt(at(itemPath, "Cidr"), "%s is an %s network but this attribute holds %s addresses", quoteInput(s), family, want)
		}
		matchers = append(matchers, map[string]any{"cidr": prefix.String()})
	}
	return leaf{path: a.path, matchers: matchers}, nil
}

// filterCIDR reads an IpFilter Cidr: a CIDR block, or a bare address taken
// as a one-address block. Host bits are cleared.
func filterCIDR(s string) (netip.Prefix, error) {
	cidr := s
	if !strings.Contains(s, "/") {
		addr, err := netip.ParseAddr(s)
		if err != nil || addr.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("%s is not a CIDR block (like 10.0.0.0/8) or an IP address", quoteInput(s))
		}
		cidr = netip.PrefixFrom(addr, addr.BitLen()).String()
	}
	p, err := parseCIDR(cidr)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%s is not a CIDR block (like 10.0.0.0/8) or an IP address", quoteInput(s))
	}
	return p, nil
}

// keywordFilterCond validates a KeywordFilter list and then rejects it: the
// Keyword attribute is deprecated, no ASFF field holds keywords, and
// guessing which fields to search would route findings silently wrong.
func keywordFilterCond(list []any, listPath []any, _ filterAttribute) (cond, error) {
	for i, item := range list {
		itemPath := at(listPath, i)
		obj, err := object(item, itemPath, "a KeywordFilter", "Value")
		if err != nil {
			return nil, err
		}
		if _, err := requiredString(obj, "Value", itemPath); err != nil {
			return nil, err
		}
	}
	return nil, errAt(listPath, "Keyword is deprecated and no finding field holds keywords; filter on Title or Description with CONTAINS instead")
}
