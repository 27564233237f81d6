package finding

import (
	"fmt"
	"unicode/utf8"
)

// maxNesting is how deeply arrays and objects may nest, the same bound
// encoding/json applies; deeper input is rejected instead of exhausting memory.
const maxNesting = 10000

// syntaxError is a JSON grammar violation at an absolute byte offset.
type syntaxError struct {
	off int
	msg string
	eof bool // the input ended before the value did
}

func (e *syntaxError) Error() string { return e.msg }

// isSpace reports whether c is JSON insignificant whitespace.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace returns the offset of the first non-whitespace byte at or after i.
func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// describeByte quotes the byte at data[i] for an error message, decoding a
// whole UTF-8 sequence when there is one.
func describeByte(data []byte, i int) string {
	r, _ := utf8.DecodeRune(data[i:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", data[i])
	}
	return fmt.Sprintf("character %q", r)
}

// valueEnd validates the JSON value that starts at data[i] (not whitespace)
// and returns the offset just past it. It follows RFC 8259 as encoding/json
// does (invalid UTF-8 inside strings is tolerated, as there).
func valueEnd(data []byte, i int) (int, *syntaxError) {
	var stack []byte // '{' or '[' for each open container
	for {
		// A value is expected at i.
		i = skipSpace(data, i)
		if i >= len(data) {
			return i, eofError(i)
		}
		var err *syntaxError
		switch c := data[i]; {
		case c == '{' || c == '[':
			if len(stack) >= maxNesting {
				return i, &syntaxError{off: i, msg: fmt.Sprintf("nesting deeper than %d levels", maxNesting)}
			}
			stack = append(stack, c)
			i = skipSpace(data, i+1)
			if i >= len(data) {
				return i, eofError(i)
			}
			if data[i] == closer(c) {
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if c == '{' {
				if i, err = memberKey(data, i); err != nil {
					return i, err
				}
			}
			continue
		case c == '"':
			i, err = stringEnd(data, i)
		case c == '-' || (c >= '0' && c <= '9'):
			i, err = numberEnd(data, i)
		case c == 't':
			i, err = literalEnd(data, i, "true")
		case c == 'f':
			i, err = literalEnd(data, i, "false")
		case c == 'n':
			i, err = literalEnd(data, i, "null")
		default:
			return i, &syntaxError{off: i, msg: fmt.Sprintf("invalid %s looking for beginning of value", describeByte(data, i))}
		}
		if err != nil {
			return i, err
		}
		// A value just ended: close containers or move to the next element.
		for {
			if len(stack) == 0 {
				return i, nil
			}
			i = skipSpace(data, i)
			if i >= len(data) {
				return i, eofError(i)
			}
			top := stack[len(stack)-1]
			c := data[i]
			if c == closer(top) {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			if c != ',' {
				where := "after array element"
				if top == '{' {
					where = "after object key:value pair"
				}
				return i, &syntaxError{off: i, msg: fmt.Sprintf("invalid %s %s", describeByte(data, i), where)}
			}
			i++
			if top == '{' {
				if i, err = memberKey(data, skipSpace(data, i)); err != nil {
					return i, err
				}
			}
			break
		}
	}
}

func closer(open byte) byte {
	if open == '{' {
		return '}'
	}
	return ']'
}

func eofError(i int) *syntaxError {
	return &syntaxError{off: i, msg: "unexpected end of input", eof: true}
}

// memberKey parses `"key" :` at data[i] and returns the offset after the colon.
func memberKey(data []byte, i int) (int, *syntaxError) {
	if i >= len(data) {
		return i, eofError(i)
	}
	if data[i] != '"' {
		return i, &syntaxError{off: i, msg: fmt.Sprintf("invalid %s looking for beginning of object key string", describeByte(data, i))}
	}
	i, err := stringEnd(data, i)
	if err != nil {
		return i, err
	}
	i = skipSpace(data, i)
	if i >= len(data) {
		return i, eofError(i)
	}
	if data[i] != ':' {
		return i, &syntaxError{off: i, msg: fmt.Sprintf("invalid %s after object key", describeByte(data, i))}
	}
	return i + 1, nil
}

// stringEnd returns the offset after the string literal starting at data[i].
func stringEnd(data []byte, i int) (int, *syntaxError) {
	for i++; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			return i + 1, nil
		case c < 0x20:
			return i, &syntaxError{off: i, msg: fmt.Sprintf("invalid control character 0x%02x in string literal", c)}
		case c == '\\':
			i++
			if i >= len(data) {
				return i, eofError(i)
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				for k := 0; k < 4; k++ {
					i++
					if i >= len(data) {
						return i, eofError(i)
					}
					if !isHex(data[i]) {
						return i, &syntaxError{off: i, msg: fmt.Sprintf("invalid %s in \\u hexadecimal character escape", describeByte(data, i))}
					}
				}
			default:
				return i, &syntaxError{off: i, msg: fmt.Sprintf("invalid %s in string escape code", describeByte(data, i))}
			}
		}
	}
	return i, eofError(i)
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// numberEnd returns the offset after the number literal starting at data[i].
func numberEnd(data []byte, i int) (int, *syntaxError) {
	if data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return i, eofError(i)
	case data[i] == '0':
		i++
	case isDigit(data[i]):
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	default:
		return i, &syntaxError{off: i, msg: fmt.Sprintf("invalid %s in numeric literal", describeByte(data, i))}
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) {
			return i, eofError(i)
		}
		if !isDigit(data[i]) {
			return i, &syntaxError{off: i, msg: fmt.Sprintf("invalid %s after decimal point in numeric literal", describeByte(data, i))}
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) {
			return i, eofError(i)
		}
		if !isDigit(data[i]) {
			return i, &syntaxError{off: i, msg: fmt.Sprintf("invalid %s in exponent of numeric literal", describeByte(data, i))}
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	return i, nil
}

// literalEnd checks that data[i:] starts with lit (true, false, null).
func literalEnd(data []byte, i int, lit string) (int, *syntaxError) {
	for k := 0; k < len(lit); k++ {
		if i+k >= len(data) {
			return i + k, eofError(i + k)
		}
		if data[i+k] != lit[k] {
			return i + k, &syntaxError{off: i + k, msg: fmt.Sprintf("invalid %s in literal %s (expecting %q)", describeByte(data, i+k), lit, lit[k])}
		}
	}
	return i + len(lit), nil
}
