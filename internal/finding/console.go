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
	var b strings.Builder
	b.WriteString("https://")
	b.WriteString(host)
	b.WriteString(path)
	if region != "" {
		b.WriteString("?region=")
		b.WriteString(percentEncode(region))
	}
	b.WriteString("#/findings?search=")
	b.WriteString(percentEncode(field + "=" + percentEncode(`\operator\:EQUALS\:`+id)))
	return b.String()
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
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
	return b.String()
}
