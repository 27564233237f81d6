package config

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// maxSecretFileSize bounds what ${file:PATH} reads.
const maxSecretFileSize = 1 << 20

// resolveSecrets expands ${env:NAME}, ${file:PATH} and $${ in every string
// value of the document (not in keys), in place, and records every resolved
// value in l.secrets.
func (l *loader) resolveSecrets(root ast.Node) {
	visited := make(map[ast.Node]bool)
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		if n == nil || visited[n] {
			return
		}
		visited[n] = true
		switch v := n.(type) {
		case *ast.MappingNode:
			for _, pair := range v.Values {
				walk(pair)
			}
		case *ast.MappingValueNode:
			walk(v.Value)
		case *ast.SequenceNode:
			for _, item := range v.Values {
				walk(item)
			}
		case *ast.TagNode:
			walk(v.Value)
		case *ast.LiteralNode:
			if v.Value != nil {
				l.expandScalar(v, v.Value)
			}
		case *ast.StringNode:
			l.expandScalar(v, v)
		}
	}
	walk(root)
}

// expandScalar expands the references in one string node. outer is the node
// as it appears in the file (a block scalar or the string itself), used to map
// the reference's offset to a column.
func (l *loader) expandScalar(outer ast.Node, s *ast.StringNode) {
	if restored := l.mask.restore(s.Value); restored != s.Value {
		s.Value = restored
		if s.Token != nil {
			s.Token.Value = restored
		}
	}
	if !strings.Contains(s.Value, "${") {
		return
	}
	at := l.offsetMapper(outer)
	out, errs := expandRefs(s.Value, l.resolveRef, &l.secrets)
	for _, e := range errs {
		l.errorAt(at(e.offset), "%s", e.msg)
	}
	if len(errs) > 0 {
		l.unresolved[s] = true
	}
	if out != s.Value {
		s.Value = out
		if s.Token != nil {
			s.Token.Value = out
		}
		l.rewritten[s] = true
	}
}

// refError is a problem with one reference, at a byte offset in the string.
type refError struct {
	offset int
	msg    string
}

// expandRefs expands the references in s with resolve, appending every
// resolved value to secrets. A reference that cannot be resolved is left out
// of the result and reported; the rest of the string is still expanded.
func expandRefs(s string, resolve func(kind, arg string) (string, error), secrets *[]string) (string, []refError) {
	var b strings.Builder
	var errs []refError
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "$${") {
			b.WriteString("${")
			i += 3
			continue
		}
		if !strings.HasPrefix(s[i:], "${") {
			b.WriteByte(s[i])
			i++
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			errs = append(errs, refError{i, `unterminated "${": write ${env:NAME} or ${file:PATH}, or "$${" for a literal "${"`})
			b.WriteString(s[i:])
			break
		}
		ref := s[i+2 : i+2+end]
		kind, arg, _ := strings.Cut(ref, ":")
		value, err := resolve(kind, arg)
		if err != nil {
			errs = append(errs, refError{i, err.Error()})
		} else {
			b.WriteString(value)
			addSecret(secrets, value)
		}
		i += 2 + end + 1
	}
	return b.String(), errs
}

func addSecret(secrets *[]string, value string) {
	for _, s := range *secrets {
		if s == value {
			return
		}
	}
	*secrets = append(*secrets, value)
}

// resolveRef resolves one reference. Its errors name the reference, never
// the value.
func (l *loader) resolveRef(kind, arg string) (string, error) {
	switch kind {
	case "env":
		if !validEnvName(arg) {
			return "", fmt.Errorf("${env:%s}: %q is not an environment variable name (letters, digits and _, not starting with a digit)", arg, arg)
		}
		value, ok := os.LookupEnv(arg)
		if !ok {
			return "", fmt.Errorf("${env:%s}: environment variable %s is not set", arg, arg)
		}
		if value == "" {
			return "", fmt.Errorf("${env:%s}: environment variable %s is empty", arg, arg)
		}
		return value, nil
	case "file":
		if arg == "" {
			return "", fmt.Errorf("${file:}: give a file path, as in ${file:secrets/token}")
		}
		return l.readSecretFile(arg)
	default:
		return "", fmt.Errorf("unknown reference \"${%s:...}\": use ${env:NAME} or ${file:PATH} (write \"$${\" for a literal \"${\")", kind)
	}
}

func (l *loader) readSecretFile(name string) (string, error) {
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(l.dir, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("${file:%s}: cannot read %s: %w", name, path, unwrapPathError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSecretFileSize+1))
	if err != nil {
		return "", fmt.Errorf("${file:%s}: cannot read %s: %w", name, path, unwrapPathError(err))
	}
	if len(data) > maxSecretFileSize {
		return "", fmt.Errorf("${file:%s}: %s is larger than %d bytes", name, path, maxSecretFileSize)
	}
	value := string(data)
	if v, ok := strings.CutSuffix(value, "\n"); ok {
		value = strings.TrimSuffix(v, "\r")
	}
	if value == "" {
		return "", fmt.Errorf("${file:%s}: %s is empty", name, path)
	}
	return value, nil
}

// unwrapPathError drops the path and operation of an *os.PathError (the
// message already names the file) and keeps the cause.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func validEnvName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// scrub replaces every secret value in s, longest first so that a secret
// containing another is blanked whole.
func scrub(s string, secrets []string) string {
	if len(secrets) == 0 {
		return s
	}
	ordered := slices.Clone(secrets)
	slices.SortStableFunc(ordered, func(a, b string) int { return len(b) - len(a) })
	for _, secret := range ordered {
		if secret != "" && strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, "[secret]")
		}
	}
	return s
}
