package render

import (
	"net/url"
	"strings"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// RemediationURL returns the finding's remediation link: Remediation.URL when
// it is an http(s) URL, else, for a Security Hub control, the control's
// remediation page in the Security Hub documentation
// (https://docs.aws.amazon.com/console/securityhub/<control>/remediation), else
// "". Safe for concurrent use.
func RemediationURL(f *finding.Finding) string {
	if f == nil {
		return ""
	}
	if u := safeURL(f.Remediation.URL); u != "" {
		return u
	}
	if id := SingleLine(f.Compliance.SecurityControlID); id != "" && isControlID(id) {
		return "https://docs.aws.amazon.com/console/securityhub/" + id + "/remediation"
	}
	return ""
}

// isControlID reports whether s has the shape of a Security Hub control ID
// such as "EC2.7" or "CloudTrail.2", so it can go into a URL path as it is.
func isControlID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '.' || c == '-' || c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')) {
			return false
		}
	}
	return s != ""
}

// safeURL returns s when it is an absolute http or https URL with a host,
// and "" otherwise, so a finding cannot smuggle a javascript: or data: link
// into a message.
func safeURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t\r\n\"<>\\`") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return s
}
