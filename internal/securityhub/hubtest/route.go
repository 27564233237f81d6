package hubtest

import (
	"net/url"
	"strings"
)

// operation is one Security Hub API operation's HTTP binding.
type operation struct {
	name   string
	method string
	path   string
}

// matchOperation finds the operation for a request method and escaped
// path, with the values of the path's labels (unescaped). When several
// templates match, the one with the most literal segments wins
// ("/insights/results/{Arn+}" over "/insights/{Arn+}").
func matchOperation(method, escapedPath string) (*operation, map[string]string) {
	var best *operation
	var bestLabels map[string]string
	bestLiterals := -1
	got := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	for i := range operations {
		op := &operations[i]
		if op.method != method {
			continue
		}
		labels, literals, ok := matchTemplate(op.path, got)
		if ok && literals > bestLiterals {
			best, bestLabels, bestLiterals = op, labels, literals
		}
	}
	return best, bestLabels
}

// matchTemplate matches the escaped request path segments against a path
// template. {Name} takes one non-empty segment, {Name+} all remaining ones
// (at least one), joined by '/'.
func matchTemplate(template string, got []string) (map[string]string, int, bool) {
	want := strings.Split(strings.TrimPrefix(template, "/"), "/")
	labels := map[string]string{}
	literals := 0
	for i, w := range want {
		if strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}") {
			name := w[1 : len(w)-1]
			if greedy, ok := strings.CutSuffix(name, "+"); ok {
				if i >= len(got) {
					return nil, 0, false
				}
				parts := make([]string, 0, len(got)-i)
				for _, g := range got[i:] {
					v, err := url.PathUnescape(g)
					if err != nil {
						return nil, 0, false
					}
					parts = append(parts, v)
				}
				value := strings.Join(parts, "/")
				if value == "" {
					return nil, 0, false
				}
				labels[greedy] = value
				return labels, literals, true
			}
			if i >= len(got) || got[i] == "" {
				return nil, 0, false
			}
			v, err := url.PathUnescape(got[i])
			if err != nil {
				return nil, 0, false
			}
			labels[name] = v
			continue
		}
		if i >= len(got) || got[i] != w {
			return nil, 0, false
		}
		literals++
	}
	if len(got) != len(want) {
		return nil, 0, false
	}
	return labels, literals, true
}
