package finding

import "strings"

// ConsoleURL returns the Security Hub console link that opens f: the findings
// page searched for its Id (ASFF, Security Hub CSPM console) or its
// finding_info.uid (OCSF, Security Hub console), as users link to findings
// from tickets:
//
//	https://ap-northeast-1.console.aws.amazon.com/securityhub/home?region=ap-northeast-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A<Id>
//
// The search value is percent-encoded twice (the console decodes the
// fragment parameter, then the filter value), so an Id holding ':', '/', ' '
// or '&' survives. region is the aggregation region when findings are read
// there; when empty, the finding's own region is used. The host follows the
// partition of the finding's ARNs, else of the region: aws →
// console.aws.amazon.com (with the region as subdomain), aws-cn →
// console.amazonaws.cn, aws-us-gov → console.amazonaws-us-gov.com. For other
// partitions (the isolated ones) there is no public console and the result
// is "". ConsoleURL is safe for concurrent use.
func ConsoleURL(f *Finding, region string) string {
	if f == nil || f.ID == "" {
		return ""
	}
	if region == "" {
		region = f.Region
	}
	partition := firstNonEmpty(arnPartition(f.ProductARN), arnPartition(f.ID), regionPartition(region), "aws")
	host := consoleHost(partition, region)
	if host == "" {
		return ""
	}
	path, field, id := "/securityhub/home", "Id", f.ID
	if f.Format == FormatOCSF {
		path, field, id = "/securityhub/v2/home", "finding_info.uid", firstNonEmpty(f.ProviderID, f.ID)
	}
	// search is field=<the EQUALS condition, percent-encoded>, the whole
	// percent-encoded once more: written in one pass, the condition's
	// escapes come out as %25XX.
	const condition = `\operator\:EQUALS\:`
	b := make([]byte, 0, len("https://")+len(host)+len(path)+len("?region=")+3*len(region)+
		len("#/findings?search=")+3*len(field)+3+5*(len(condition)+len(id)))
	b = append(b, "https://"...)
	b = append(b, host...)
	b = append(b, path...)
	if region != "" {
		b = append(b, "?region="...)
		b = appendPercentEncoded(b, region, "%")
	}
	b = append(b, "#/findings?search="...)
	b = appendPercentEncoded(b, field, "%")
	b = append(b, "%3D"...)
	b = appendPercentEncoded(b, condition, "%25")
	b = appendPercentEncoded(b, id, "%25")
	return string(b)
}

// consoleHost returns the console host name for a partition; the region is
// a subdomain only when it has the shape of a region name, so text from a
// finding can never change the host.
func consoleHost(partition, region string) string {
	switch partition {
	case "aws":
		if looksLikeRegion(region) {
			return region + ".console.aws.amazon.com"
		}
		return "console.aws.amazon.com"
	case "aws-cn":
		return "console.amazonaws.cn"
	case "aws-us-gov":
		return "console.amazonaws-us-gov.com"
	}
	return ""
}

// regionPartition returns the partition a region name belongs to, or "" when
// region is not a region name.
func regionPartition(region string) string {
	if !looksLikeRegion(region) {
		return ""
	}
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

// percentEncode escapes every byte but the RFC 3986 unreserved characters
// (A-Z a-z 0-9 - . _ ~), upper-case hex, as the console's own links do.
func percentEncode(s string) string {
	return string(appendPercentEncoded(make([]byte, 0, 3*len(s)), s, "%"))
}

// appendPercentEncoded appends s with every byte but the unreserved ones
// written as escape and two upper-case hex digits: escape "%" encodes
// once, "%25" encodes what is already encoded once (the hex digits are
// unreserved, so only the "%" changes).
func appendPercentEncoded(b []byte, s, escape string) []byte {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b = append(b, c)
			continue
		}
		b = append(b, escape...)
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return b
}
