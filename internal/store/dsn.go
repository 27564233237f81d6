package store

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Dialect names.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// dsnForms is the list of accepted DSN forms, quoted in errors.
const dsnForms = "sqlite:PATH, sqlite::memory:, postgres://… or postgresql://…"

// target is a parsed store DSN.
type target struct {
	dialect string
	driver  string // database/sql driver name
	conn    string // driver connection string
	memory  bool   // SQLite in memory
}

// parseDSN turns a store DSN into a driver connection string. Errors never
// contain the DSN's password.
func parseDSN(dsn string) (target, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		return parseSQLite(dsn)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return parsePostgres(dsn)
	}
	return target{}, fmt.Errorf("store: DSN %q: unknown form; want %s", redactDSN(dsn), dsnForms)
}

// sqlitePragmas make SQLite safe for hubrelay: WAL survives a process kill
// with synchronous NORMAL, a second process waits instead of failing, and
// transactions take the write lock at BEGIN.
const sqlitePragmas = "_txlock=immediate" +
	"&_pragma=busy_timeout(10000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=synchronous(NORMAL)" +
	"&_pragma=foreign_keys(1)"

func parseSQLite(dsn string) (target, error) {
	path := strings.TrimPrefix(dsn, "sqlite:")
	path = strings.TrimPrefix(path, "//") // sqlite:///abs/path or sqlite://rel/path
	switch {
	case path == "":
		return target{}, fmt.Errorf("store: DSN %q: sqlite path is empty; want %s", dsn, dsnForms)
	case strings.ContainsAny(path, "?#\x00"):
		return target{}, fmt.Errorf("store: DSN %q: sqlite path must not contain '?', '#' or NUL", dsn)
	}
	if path == ":memory:" {
		// One shared-cache memory database per Open, so the connection
		// pool (of one) and a reconnect see the same data.
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return target{}, fmt.Errorf("store: DSN: memory name: %w", err)
		}
		return target{
			dialect: DialectSQLite, driver: "sqlite", memory: true,
			conn: "file:hubrelay-" + hex.EncodeToString(b[:]) + "?mode=memory&cache=shared&" + sqlitePragmas,
		}, nil
	}
	if strings.HasPrefix(path, "file:") {
		return target{}, fmt.Errorf("store: DSN %q: write sqlite:PATH, not a file: URI", dsn)
	}
	return target{dialect: DialectSQLite, driver: "sqlite", conn: path + "?" + sqlitePragmas}, nil
}

func parsePostgres(dsn string) (target, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the whole URL, password included
		}
		return target{}, fmt.Errorf("store: DSN %q: %s", redactDSN(dsn), scrub(err.Error(), dsn))
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return target{}, fmt.Errorf("store: DSN %q: postgres host is empty", redactDSN(dsn))
	}
	return target{dialect: DialectPostgres, driver: "pgx", conn: dsn}, nil
}

// redactDSN returns dsn with the password of its user info and the value of
// any password query parameter replaced by "xxxxx". It works on malformed
// DSNs too, so it can be used in every error.
func redactDSN(dsn string) string {
	out := dsn
	if i := strings.Index(out, "://"); i >= 0 {
		rest := out[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
			user := rest[:at]
			if c := strings.Index(user, ":"); c >= 0 && c+1 < len(user) {
				user = user[:c] + ":xxxxx"
			}
			out = out[:i+3] + user + rest[at:]
		}
	}
	return redactParam(out)
}

// redactParam hides the values of password= parameters.
func redactParam(s string) string {
	lower := asciiLower(s)
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(lower[i:], "password=")
		if j < 0 {
			break
		}
		start := i + j + len("password=")
		end := start
		for end < len(s) && s[end] != '&' && s[end] != ' ' && s[end] != '#' {
			end++
		}
		b.WriteString(s[last:start])
		if end > start {
			b.WriteString("xxxxx")
		}
		last, i = end, end
		if end >= len(s) {
			break
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

// secrets returns the passwords a DSN carries, raw and decoded, so that
// they can be scrubbed from driver error messages.
func secrets(dsn string) []string {
	var out []string
	add := func(s string) {
		if s == "" {
			return
		}
		out = append(out, s)
		if d, err := url.QueryUnescape(s); err == nil && d != s && d != "" {
			out = append(out, d)
		}
		if d, err := url.PathUnescape(s); err == nil && d != s && d != "" {
			out = append(out, d)
		}
	}
	if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
			if c := strings.Index(rest[:at], ":"); c >= 0 {
				add(rest[c+1 : at])
			}
		}
	}
	lower := asciiLower(dsn)
	for i := 0; ; {
		j := strings.Index(lower[i:], "password=")
		if j < 0 {
			break
		}
		start := i + j + len("password=")
		end := start
		for end < len(dsn) && dsn[end] != '&' && dsn[end] != ' ' && dsn[end] != '#' {
			end++
		}
		add(dsn[start:end])
		i = end
		if end >= len(dsn) {
			break
		}
	}
	return out
}

// scrub replaces every password of dsn found in msg.
func scrub(msg, dsn string) string {
	for _, s := range secrets(dsn) {
		msg = strings.ReplaceAll(msg, s, "xxxxx")
	}
	return msg
}

// asciiLower lower-cases ASCII letters only, so that byte offsets in the
// result are offsets in s (strings.ToLower rewrites invalid UTF-8).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
