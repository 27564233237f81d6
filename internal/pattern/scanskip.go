package pattern

import (
	"encoding/binary"
	"math/bits"
)

// This file holds the validating skips of the event scanner: they check
// JSON syntax exactly like encoding/json while moving past values that no
// pattern looks at.

// skipValue validates and skips one value.
func (s *eventScanner) skipValue() error {
	if s.pos >= len(s.data) {
		return s.fail("unexpected end of input")
	}
	switch s.data[s.pos] {
	case '{':
		if err := s.enter(); err != nil {
			return err
		}
		s.pos++
		s.skipSpace()
		if s.pos < len(s.data) && s.data[s.pos] == '}' {
			s.pos++
			s.depth--
			return nil
		}
		for {
			if s.pos >= len(s.data) || s.data[s.pos] != '"' {
				return s.fail("expected a string object key")
			}
			if _, err := s.skipString(); err != nil {
				return err
			}
			s.skipSpace()
			if s.pos >= len(s.data) || s.data[s.pos] != ':' {
				return s.fail("expected ':' after object key")
			}
			s.pos++
			s.skipSpace()
			if err := s.skipValue(); err != nil {
				return err
			}
			s.skipSpace()
			if s.pos >= len(s.data) {
				return s.fail("unexpected end of input in object")
			}
			switch s.data[s.pos] {
			case ',':
				s.pos++
				s.skipSpace()
			case '}':
				s.pos++
				s.depth--
				return nil
			default:
				return s.fail("expected ',' or '}' in object")
			}
		}
	case '[':
		if err := s.enter(); err != nil {
			return err
		}
		s.pos++
		s.skipSpace()
		if s.pos < len(s.data) && s.data[s.pos] == ']' {
			s.pos++
			s.depth--
			return nil
		}
		for {
			if err := s.skipValue(); err != nil {
				return err
			}
			s.skipSpace()
			if s.pos >= len(s.data) {
				return s.fail("unexpected end of input in array")
			}
			switch s.data[s.pos] {
			case ',':
				s.pos++
				s.skipSpace()
			case ']':
				s.pos++
				s.depth--
				return nil
			default:
				return s.fail("expected ',' or ']' in array")
			}
		}
	case '"':
		_, err := s.skipString()
		return err
	case 't', 'f', 'n':
		_, err := s.skipLiteral()
		return err
	default:
		return s.skipNumber()
	}
}

// String flags reported by skipString.
const (
	strEscaped  = 1 << iota // holds backslash escapes
	strNonASCII             // holds bytes >= 0x80 (may need UTF-8 coercion)
)

// Word-at-a-time constants: lsb has the low bit of every byte set, msb the
// high bit.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// skipString skips a string starting at the opening quote, validating it,
// and reports whether it holds escapes or non-ASCII bytes. Plain runs are
// scanned eight bytes at a time.
func (s *eventScanner) skipString() (flags uint8, err error) {
	data := s.data
	i := s.pos + 1
	var high uint64
	for {
		for i+8 <= len(data) {
			w := binary.LittleEndian.Uint64(data[i:])
			// Flag bytes < 0x20, '"' and '\\' (exact for the lowest flagged byte).
			special := ((w - lsb*0x20) &^ w) | hasZeroByte(w^(lsb*'"')) | hasZeroByte(w^(lsb*'\\'))
			special &= msb &^ w
			if special == 0 {
				high |= w
				i += 8
				continue
			}
			skip := bits.TrailingZeros64(special) / 8
			high |= w & (1<<(8*skip) - 1)
			i += skip
			break
		}
		if i >= len(data) {
			s.pos = i
			return 0, s.fail("unexpected end of input in string")
		}
		c := data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			if high&msb != 0 {
				flags |= strNonASCII
			}
			return flags, nil
		case c == '\\':
			flags |= strEscaped
			if i+1 >= len(data) {
				s.pos = i
				return 0, s.fail("unexpected end of input in string escape")
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					s.pos = i
					return 0, s.fail("invalid \\u escape in string")
				}
				i += 6
			default:
				s.pos = i
				return 0, s.fail("invalid escape in string")
			}
		case c < 0x20:
			s.pos = i
			return 0, s.fail("control character in string")
		default:
			high |= uint64(c)
			i++
		}
	}
}

// hasZeroByte has the high bit set in (at least) the lowest zero byte of w.
func hasZeroByte(w uint64) uint64 {
	return (w - lsb) &^ w & msb
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (s *eventScanner) skipLiteral() (valueKind, error) {
	rest := s.data[s.pos:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		s.pos += 4
		return vTrue, nil
	case len(rest) >= 5 && string(rest[:5]) == "false":
		s.pos += 5
		return vFalse, nil
	case len(rest) >= 4 && string(rest[:4]) == "null":
		s.pos += 4
		return vNull, nil
	}
	return 0, s.fail("invalid literal")
}

// skipNumber validates a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *eventScanner) skipNumber() error {
	data := s.data
	i := s.pos
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	default:
		s.pos = i
		return s.fail("invalid character looking for a value")
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			s.pos = i
			return s.fail("invalid number: digits expected after '.'")
		}
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			s.pos = i
			return s.fail("invalid number: digits expected in exponent")
		}
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	}
	s.pos = i
	return nil
}
