package notifytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// Settings is a destination's settings written as JSON, decoded strictly
// like the config file's settings: unknown fields and trailing data are
// errors, and errors name "settings:LINE:COL". It implements
// notify.Decoder, so tests write:
//
//	notify.Typed(file.New)("out", notifytest.Settings(`{"path": "x"}`), env)
type Settings string

var _ notify.Decoder = Settings("")

// Decode decodes s into v.
func (s Settings) Decode(v any) error {
	dec := json.NewDecoder(strings.NewReader(string(s)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("settings:1:1: empty settings")
		}
		return fmt.Errorf("settings:%s: %w", position(string(s), errorOffset(err, dec, string(s))), err)
	}
	end := dec.InputOffset()
	rest := string(s)[end:]
	if trimmed := strings.TrimLeft(rest, " \t\r\n"); trimmed != "" {
		at := end + int64(len(rest)-len(trimmed))
		return fmt.Errorf("settings:%s: unexpected data after the settings object", position(string(s), at))
	}
	return nil
}

// errorOffset finds the byte offset a JSON error refers to.
func errorOffset(err error, dec *json.Decoder, input string) int64 {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return syntax.Offset - 1 // the offset is just past the offending byte
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return typeErr.Offset
	}
	// encoding/json reports an unknown field after decoding the whole
	// object; point at the field's name instead.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if field, err := strconv.Unquote(name); err == nil {
			if at := strings.Index(input, strconv.Quote(field)); at >= 0 {
				return int64(at)
			}
		}
	}
	return dec.InputOffset()
}

// position turns a byte offset into "LINE:COL" (1-based).
func position(s string, offset int64) string {
	offset = max(0, min(offset, int64(len(s))))
	before := s[:offset]
	line := strings.Count(before, "\n") + 1
	col := len(before) - strings.LastIndexByte(before, '\n')
	return fmt.Sprintf("%d:%d", line, col)
}
