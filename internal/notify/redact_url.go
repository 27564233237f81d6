package notify

import (
	"net/url"
	"strings"
)

// redactedURLPart replaces secret parts inside a URL; it needs no escaping.
const redactedURLPart = "REDACTED"

// URL returns raw with its secret parts replaced: the userinfo, every query
// value, the fragment, and the whole path when the host is the host of a
// secret URL (a webhook URL's path is its secret). Known secrets elsewhere
// in it are removed too. A string that does not parse as a URL is replaced
// entirely, since nothing in it can be told apart.
func (r *Redactor) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return Redacted
	}
	if u.User != nil {
		u.User = url.User(redactedURLPart)
	}
	if u.RawQuery != "" || u.ForceQuery {
		u.RawQuery = redactQuery(u.RawQuery)
	}
	u.Fragment, u.RawFragment = "", ""
	if r != nil && r.secretHosts[strings.ToLower(u.Hostname())] && len(u.Path) > 1 {
		u.Path, u.RawPath = "/"+redactedURLPart, ""
	}
	if u.Opaque != "" && r.Leaks(u.Opaque) {
		u.Opaque = redactedURLPart
	}
	return r.String(u.String())
}

// redactQuery keeps the keys of a raw query and replaces every value; an
// item without "=" may itself be a token and is replaced whole.
func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	items := strings.Split(raw, "&")
	for i, item := range items {
		if item == "" {
			continue
		}
		key, _, hasValue := strings.Cut(item, "=")
		if hasValue {
			items[i] = key + "=" + redactedURLPart
		} else {
			items[i] = redactedURLPart
		}
	}
	return strings.Join(items, "&")
}
