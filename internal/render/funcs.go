package render

import (
	"fmt"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// helperFuncs returns the hubrelay template functions for o (already
// defaulted). Every function is pure and safe for concurrent use.
func helperFuncs(o Options) map[string]any {
	return map[string]any{
		"severityColor": func(label any) string { return SeverityColor(toText(label)) },
		"severityEmoji": func(label any) string { return SeverityEmoji(toText(label)) },
		"severityName":  func(label any) string { return SeverityName(o.Language, toText(label)) },
		"consoleURL": func(x any) (string, error) {
			switch v := x.(type) {
			case View:
				return v.ConsoleURL, nil
			case *View:
				return v.ConsoleURL, nil
			}
			f, err := findingOf("consoleURL", x)
			if err != nil || f == nil {
				return "", err
			}
			return safeURL(finding.ConsoleURL(f, o.Region)), nil
		},
		"remediationURL": func(x any) (string, error) {
			switch v := x.(type) {
			case View:
				return v.RemediationURL, nil
			case *View:
				return v.RemediationURL, nil
			}
			f, err := findingOf("remediationURL", x)
			if err != nil {
				return "", err
			}
			return RemediationURL(f), nil
		},
		"localTime": func(x any) (string, error) { return localTime(x, o) },
		"t": func(key string, args ...any) (string, error) {
			msg, ok := lookup(o.Language, MessageKey(key))
			if !ok {
				return "", fmt.Errorf("t: unknown message key %q", key)
			}
			if len(args) == 0 {
				return msg, nil
			}
			return fmt.Sprintf(msg, args...), nil
		},
		"truncate":       func(n int, s any) string { return Truncate(toText(s), n, o.Language) },
		"slackEscape":    func(s any) string { return SlackEscape(toText(s)) },
		"markdownEscape": func(s any) string { return MarkdownEscape(toText(s)) },
		"markdownURL":    func(s any) string { return MarkdownURL(toText(s)) },
		"jsonString":     func(s any) string { return JSONString(toText(s)) },
		"oneLine":        func(s any) string { return SingleLine(toText(s)) },
	}
}

// toText turns a template value into text: strings as they are, Stringers
// through String, anything else through fmt.
func toText(x any) string {
	switch v := x.(type) {
	case nil:
		return ""
	case string:
		return v
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(x)
}

// findingOf accepts a finding in the forms templates hold one.
func findingOf(fn string, x any) (*finding.Finding, error) {
	switch v := x.(type) {
	case *finding.Finding:
		return v, nil
	case finding.Finding:
		return &v, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("%s: want a finding or a view, got %T", fn, x)
}

// localTime formats a time in the configured zone and language. It accepts a
// time.Time, a *time.Time, a Timestamp or an RFC 3339 string; zero or empty
// gives "".
func localTime(x any, o Options) (string, error) {
	var t time.Time
	switch v := x.(type) {
	case time.Time:
		t = v
	case *time.Time:
		if v != nil {
			t = *v
		}
	case Timestamp:
		t = v.Time
	case string:
		if v == "" {
			return "", nil
		}
		parsed, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return "", fmt.Errorf("localTime: %q is not an RFC 3339 time", v)
		}
		t = parsed
	case nil:
	default:
		return "", fmt.Errorf("localTime: want a time, got %T", x)
	}
	return newTimestamp(t, o).Text, nil
}
