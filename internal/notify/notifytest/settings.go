package notifytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
		return fmt.Errorf("settings:%s: %w", position(string(s), errorOffset(err, dec)), err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("settings:%s: unexpected data after the settings object", position(string(s), dec.InputOffset()))
	}
	return nil
}

// errorOffset finds the byte offset a JSON error refers to.
func errorOffset(err error, dec *json.Decoder) int64 {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return syntax.Offset
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return typeErr.Offset
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
