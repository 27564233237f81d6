package notify

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
)

// Redacted replaces every secret the Redactor removes.
const Redacted = "[REDACTED]"

// minDerivedSecretLen is the shortest query value or path of a secret URL
// that is treated as a secret on its own. Shorter parts ("1.0") are
// protocol noise; the URL as a whole is still scrubbed by Redactor.URL.
const minDerivedSecretLen = 8

// minSecretSegmentLen is the shortest path segment of a secret URL that is
// treated as a secret on its own: the token segments of webhook URLs
// (Slack's 24 characters, Teams' GUIDs, Discord's tokens) are longer, the
// words around them ("services", "IncomingWebhook") are shorter.
const minSecretSegmentLen = 16

// Redactor removes secret values from strings, errors, URLs and log
// records. It is built from every resolved secret of the configuration
// (Env.Redactor) and extended by each destination with its own secret
// fields (With).
//
// Besides each secret as given it finds the forms a secret takes when an
// API echoes it back: JSON-escaped, with "\/" escaping, query-escaped,
// path-escaped, and (for secrets of 12 bytes or more) inside base64 text
// such as a Basic authorization header. A secret that is a URL (a Slack or Teams webhook) is found
// through its secret parts instead, so its host stays readable: its path,
// path segments of 16 characters or more, query values of 8 or more, and
// password; and paths on its host are hidden by URL.
//
// A Redactor is immutable; a nil *Redactor is valid and knows no secrets.
// Safe for concurrent use.
type Redactor struct {
	secrets     []string // as given: sorted, unique, non-empty
	patterns    []string // every form searched for, longest first
	replacer    *strings.Replacer
	secretHosts map[string]bool // hosts of secret URLs, lower case
}

// NewRedactor returns a Redactor for secrets; empty strings are ignored.
func NewRedactor(secrets ...string) *Redactor {
	return (*Redactor)(nil).With(secrets...)
}

// With returns a Redactor that also removes secrets; r is unchanged.
// Destinations call it in their constructor with their secret fields:
//
//	red := env.Redactor.With(cfg.Token, cfg.WebhookURL)
func (r *Redactor) With(secrets ...string) *Redactor {
	var all []string
	if r != nil {
		all = slices.Clone(r.secrets)
	}
	for _, s := range secrets {
		if s != "" {
			all = append(all, s)
		}
	}
	slices.Sort(all)
	all = slices.Compact(all)
	if r != nil && len(all) == len(r.secrets) {
		return r
	}
	return buildRedactor(all)
}

func buildRedactor(secrets []string) *Redactor {
	r := &Redactor{secrets: secrets, secretHosts: map[string]bool{}}
	seen := map[string]bool{}
	add := func(p string) {
		for _, form := range secretForms(p) {
			if form != "" && !seen[form] {
				seen[form] = true
				r.patterns = append(r.patterns, form)
			}
		}
	}
	for _, s := range secrets {
		parts := r.urlParts(s)
		if len(parts) == 0 {
			add(s)
		}
		// A secret URL is found through its secret parts, which every
		// spelling of the whole URL contains; its host stays readable.
		for _, part := range parts {
			add(part)
		}
	}
	// Longest first, so a secret containing another is removed whole.
	slices.SortFunc(r.patterns, func(a, b string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	if len(r.patterns) > 0 {
		pairs := make([]string, 0, 2*len(r.patterns))
		for _, p := range r.patterns {
			pairs = append(pairs, p, Redacted)
		}
		r.replacer = strings.NewReplacer(pairs...)
	}
	return r
}

// secretForms lists the spellings of s that APIs echo back.
func secretForms(s string) []string {
	quoted, _ := json.Marshal(s) // a string always marshals
	escaped := string(quoted[1 : len(quoted)-1])
	return append([]string{
		s,
		escaped,
		strings.ReplaceAll(escaped, "/", `\/`),
		url.QueryEscape(s),
		url.PathEscape(s),
	}, base64Forms(s)...)
}

// minBase64Secret is the shortest secret also looked for inside base64.
const minBase64Secret = 12

// base64Forms returns the part of the base64 encoding of s that is the
// same wherever s sits inside the encoded text, for each of the three
// alignments and both alphabets: what an echoed "Authorization: Basic
// base64(user:token)" header shows of the token.
func base64Forms(s string) []string {
	if len(s) < minBase64Secret {
		return nil
	}
	var forms []string
	for offset := range 3 {
		data := append(make([]byte, offset), s...)
		start := (offset + 2) / 3 * 4    // first group made of s alone
		end := (offset + len(s)) / 3 * 4 // last group made of s alone
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			forms = append(forms, enc.EncodeToString(data)[start:end])
		}
	}
	return forms
}

// urlParts returns the secret parts of s when s is an absolute URL with a
// host, and records the host as one whose paths are secret.
func (r *Redactor) urlParts(s string) []string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Scheme == "" {
		return nil
	}
	var parts []string
	long := func(p string) {
		if len(p) >= minDerivedSecretLen {
			parts = append(parts, p)
		}
	}
	if u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			parts = append(parts, pw)
		}
	}
	if len(u.Path) > 1 {
		r.secretHosts[strings.ToLower(u.Hostname())] = true
		long(u.Path)
		long(u.EscapedPath())
		for _, segment := range strings.Split(u.Path, "/") {
			if len(segment) >= minSecretSegmentLen {
				parts = append(parts, segment)
			}
		}
	}
	if u.RawQuery != "" {
		long(u.RawQuery)
		for _, vs := range u.Query() {
			for _, v := range vs {
				long(v)
			}
		}
	}
	return parts
}

// String returns s with every secret replaced by Redacted.
func (r *Redactor) String(s string) string {
	if r == nil || r.replacer == nil {
		return s
	}
	return r.replacer.Replace(s)
}

// Leaks reports whether s contains a secret in any form the Redactor
// knows. Tests use it to assert that nothing leaked.
func (r *Redactor) Leaks(s string) bool {
	if r == nil {
		return false
	}
	for _, p := range r.patterns {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// truncated scrubs s, the first part of a longer text, and also drops a
// tail that could be the start of a secret cut off at the truncation point.
func (r *Redactor) truncated(s string) string {
	s = r.String(s)
	if r == nil {
		return s
	}
	cut := 0
	for _, p := range r.patterns {
		for k := min(len(p)-1, len(s)); k > cut; k-- {
			if strings.HasSuffix(s, p[:k]) {
				cut = k
				break
			}
		}
	}
	return s[:len(s)-cut]
}
