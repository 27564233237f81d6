package archive

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// KeyPrefix is the first segment of every key: reports/{project}/{file}.
const KeyPrefix = "reports"

// maxSegment bounds a project name or a file name in bytes: file systems
// take 255, and S3 keys 1024 in all.
const maxSegment = 200

// contentTypes maps the report formats, by file extension, to the MIME type
// a download is served with.
var contentTypes = map[string]string{
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"csv":  "text/csv; charset=utf-8",
	"html": "text/html; charset=utf-8",
}

// Key returns the key a project's report of one day is kept under:
// reports/{project}/{YYYY-MM-DD}.{ext}, the date taken in day's location.
// ext is a report format: xlsx, csv or html. It fails when the project name
// cannot be one path segment (empty, ".", "..", a slash, a control
// character, a leading dot, longer than 200 bytes) or the format is unknown.
func Key(project string, day time.Time, ext string) (string, error) {
	key := KeyPrefix + "/" + project + "/" + day.Format(time.DateOnly) + "." + ext
	if _, _, err := ParseKey(key); err != nil {
		return "", err
	}
	return key, nil
}

// ParseKey checks that key has the form reports/{project}/{file} with a
// file name ending in a known format, and returns the project and the file
// name. Every Put, Link and download goes through it, so a key never
// reaches outside the archive: no "..", no empty or hidden segment, no
// backslash, no control character, valid UTF-8.
func ParseKey(key string) (project, file string, err error) {
	rest, ok := strings.CutPrefix(key, KeyPrefix+"/")
	if !ok {
		return "", "", fmt.Errorf("archive: key %q does not start with %q", key, KeyPrefix+"/")
	}
	project, file, ok = strings.Cut(rest, "/")
	if !ok || strings.Contains(file, "/") {
		return "", "", fmt.Errorf("archive: key %q is not %s/{project}/{file}", key, KeyPrefix)
	}
	if err := checkSegment(project); err != nil {
		return "", "", fmt.Errorf("archive: key %q: project: %w", key, err)
	}
	if err := checkSegment(file); err != nil {
		return "", "", fmt.Errorf("archive: key %q: file: %w", key, err)
	}
	if ContentType(file) == "" {
		return "", "", fmt.Errorf("archive: key %q: file is not .xlsx, .csv or .html", key)
	}
	return project, file, nil
}

// checkSegment accepts a name that is safe as one path segment on every
// file system hubrelay runs on and as part of an S3 key.
func checkSegment(s string) error {
	switch {
	case s == "":
		return errors.New("empty")
	case len(s) > maxSegment:
		return fmt.Errorf("longer than %d bytes", maxSegment)
	case !utf8.ValidString(s):
		return errors.New("not valid UTF-8")
	case strings.HasPrefix(s, "."):
		return errors.New("starts with a dot")
	case strings.ContainsAny(s, `/\`):
		return errors.New("contains a slash or a backslash")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("contains the control character %U", r)
		}
		if unicode.Is(unicode.Cf, r) {
			// Bidirectional overrides and zero-width characters could make
			// a downloaded file name read as something it is not.
			return fmt.Errorf("contains the invisible formatting character %U", r)
		}
	}
	return nil
}

// ContentType returns the MIME type of a report file by its extension
// (xlsx, csv, html), or "" when the extension is not a report format.
func ContentType(file string) string {
	i := strings.LastIndexByte(file, '.')
	if i < 0 {
		return ""
	}
	return contentTypes[file[i+1:]]
}

// DownloadName returns the file name a reader's browser saves the report
// under: {project}-security-report-{file}, e.g.
// "基幹システム-security-report-2026-11-23.xlsx". key must be valid (see
// ParseKey); for an invalid key it returns "report".
func DownloadName(key string) string {
	project, file, err := ParseKey(key)
	if err != nil {
		return "report"
	}
	return project + "-security-report-" + file
}

// ContentDisposition returns the Content-Disposition header value that makes
// a browser download the file as name: an ASCII fallback for old clients
// and the exact UTF-8 name in RFC 5987 form (the filename* parameter in
// UTF-8, percent-encoded), which every current browser prefers.
func ContentDisposition(name string) string {
	var fallback, ext strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == ';':
			fallback.WriteByte('_')
		default:
			fallback.WriteRune(r)
		}
	}
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(name); i++ {
		c := name[i]
		if isAttrChar(c) {
			ext.WriteByte(c)
			continue
		}
		ext.WriteByte('%')
		ext.WriteByte(hex[c>>4])
		ext.WriteByte(hex[c&0x0f])
	}
	return `attachment; filename="` + fallback.String() + `"; filename*=UTF-8''` + ext.String()
}

// isAttrChar reports whether c may appear unencoded in an RFC 5987
// ext-value (attr-char).
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
