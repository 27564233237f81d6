package config

import (
	"bytes"
	"strconv"
	"strings"
)

// refMask lets secret references stand unquoted where YAML does not allow
// them. "${" cannot start a plain scalar inside a flow collection, so
//
//	http: {api_key: ${env:KEY}}
//
// is not valid YAML. Before parsing, every ${env:...} and ${file:...}
// reference is replaced by a placeholder of the same length made of letters,
// digits and '_' (so every line and column stays where it was); the secret
// pass puts the references back before expanding them.
type refMask struct {
	prefix string
	refs   []string // refs[i] is the reference placeholder i stands for
}

// maskReferences returns data with references replaced by placeholders.
// References after "$" (the "$${" escape) are left alone.
func maskReferences(data []byte) ([]byte, *refMask) {
	m := &refMask{}
	if !bytes.Contains(data, []byte("${")) {
		return data, m
	}
	m.prefix = unusedPrefix(data)
	if m.prefix == "" {
		return data, m
	}
	out := bytes.Clone(data)
	for i := 0; i+1 < len(out); i++ {
		if out[i] != '$' || out[i+1] != '{' || (i > 0 && data[i-1] == '$') {
			continue
		}
		end := referenceEnd(data, i)
		if end < 0 {
			continue
		}
		ph := m.prefix + strconv.Itoa(len(m.refs))
		if len(ph) > end-i {
			continue
		}
		m.refs = append(m.refs, string(data[i:end]))
		ph += strings.Repeat("_", end-i-len(ph))
		copy(out[i:end], ph)
		i = end - 1
	}
	return out, m
}

// referenceEnd returns the index just past the reference "${env:NAME}" or
// "${file:PATH}" starting at i, or -1 when there is none there. A reference
// does not span lines.
func referenceEnd(data []byte, i int) int {
	rest := data[i+2:]
	if !bytes.HasPrefix(rest, []byte("env:")) && !bytes.HasPrefix(rest, []byte("file:")) {
		return -1
	}
	for j, c := range rest {
		switch c {
		case '}':
			if bytes.HasSuffix(rest[:j], []byte(":")) {
				return -1 // ${env:} has nothing to mask; let it fail as written
			}
			return i + 2 + j + 1
		case '\n', '\r', '{', '$', '"', '\'':
			return -1
		}
	}
	return -1
}

// unusedPrefix picks a placeholder prefix that does not occur in data.
func unusedPrefix(data []byte) string {
	for a := 'a'; a <= 'z'; a++ {
		for b := 'a'; b <= 'z'; b++ {
			p := "zq" + string(a) + string(b)
			if !bytes.Contains(data, []byte(p)) {
				return p
			}
		}
	}
	return ""
}

// restore puts the references back into s.
func (m *refMask) restore(s string) string {
	if m == nil || len(m.refs) == 0 || !strings.Contains(s, m.prefix) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, m.prefix)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		rest := s[i+len(m.prefix):]
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		idx, err := strconv.Atoi(rest[:n])
		if err != nil || idx >= len(m.refs) {
			b.WriteString(m.prefix)
			s = rest
			continue
		}
		ref := m.refs[idx]
		pad := len(ref) - len(m.prefix) - n
		if pad < 0 || len(rest) < n+pad || strings.Trim(rest[n:n+pad], "_") != "" {
			b.WriteString(m.prefix)
			s = rest
			continue
		}
		b.WriteString(ref)
		s = rest[n+pad:]
	}
}
