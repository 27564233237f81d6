package pattern

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// maxEventDepth is encoding/json's nesting limit; deeper events are invalid
// for both evaluators.
const maxEventDepth = 10000

// eventScanner walks the raw event bytes once, validating them like
// encoding/json while descending only into the members that the index's
// path trie names, and records predicate hits in the scratch.
type eventScanner struct {
	data   []byte
	pos    int
	depth  int
	arrays int32
	sc     *setScratch
	now    time.Time
}

// scanError is the error for invalid event JSON; offset is a byte offset.
type scanError struct {
	offset int
	msg    string
}

func (e *scanError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.offset, e.msg)
}

func (s *eventScanner) fail(msg string) error {
	return &scanError{offset: s.pos, msg: msg}
}

// scan validates the whole event and walks it along the trie rooted at root.
func (s *eventScanner) scan(root *pathNode) error {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return s.fail("unexpected end of input")
	}
	first := s.data[s.pos]
	var err error
	if first == '{' {
		err = s.object(root, 0)
	} else {
		err = s.skipValue()
		if err == nil {
			s.skipSpace()
			if s.pos < len(s.data) {
				return s.fail("unexpected data after the top-level value")
			}
			return ErrEventNotObject
		}
	}
	if err != nil {
		return err
	}
	s.skipSpace()
	if s.pos < len(s.data) {
		return s.fail("unexpected data after the top-level value")
	}
	return nil
}

func (s *eventScanner) skipSpace() {
	data := s.data
	i := s.pos
	for i < len(data) {
		switch data[i] {
		case ' ':
			// Indentation comes in runs of spaces: take eight at a time.
			if i+8 <= len(data) && binary.LittleEndian.Uint64(data[i:]) == lsb*' ' {
				i += 8
				continue
			}
			i++
		case '\t', '\n', '\r':
			i++
		default:
			s.pos = i
			return
		}
	}
	s.pos = i
}

// value walks one value at trie node n (nil: no pattern looks here).
func (s *eventScanner) value(n *pathNode, ctx int32) error {
	if n == nil {
		return s.skipValue()
	}
	if s.pos >= len(s.data) {
		return s.fail("unexpected end of input")
	}
	switch c := s.data[s.pos]; c {
	case '{':
		if len(n.names) == 0 {
			return s.skipValue()
		}
		return s.object(n, ctx)
	case '[':
		return s.array(n, ctx)
	case '"':
		start := s.pos + 1
		flags, err := s.skipString()
		if err != nil {
			return err
		}
		if n.values == nil {
			return nil
		}
		raw := s.data[start : s.pos-1]
		if flags&strEscaped != 0 {
			s.sc.strBuf = unescapeJSON(s.sc.strBuf[:0], raw)
			raw = s.sc.strBuf
		} else if flags&strNonASCII != 0 && !utf8.Valid(raw) {
			s.sc.strBuf = coerceUTF8(s.sc.strBuf[:0], raw)
			raw = s.sc.strBuf
		}
		s.sc.val.reset(vString, raw)
		n.values.eval(&s.sc.val, s.sc, ctx, s.now)
		return nil
	case 't', 'f', 'n':
		kind, err := s.skipLiteral()
		if err != nil {
			return err
		}
		if n.values != nil {
			s.sc.val.reset(kind, nil)
			n.values.eval(&s.sc.val, s.sc, ctx, s.now)
		}
		return nil
	default:
		start := s.pos
		if err := s.skipNumber(); err != nil {
			return err
		}
		if n.values != nil {
			s.sc.val.reset(vNumber, s.data[start:s.pos])
			n.values.eval(&s.sc.val, s.sc, ctx, s.now)
		}
		return nil
	}
}

func (s *eventScanner) enter() error {
	s.depth++
	if s.depth > maxEventDepth {
		return s.fail("exceeded max depth")
	}
	return nil
}

// object walks an object whose members may be named by the trie.
func (s *eventScanner) object(n *pathNode, ctx int32) error {
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++ // '{'
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
		start := s.pos + 1
		flags, err := s.skipString()
		if err != nil {
			return err
		}
		key := s.data[start : s.pos-1]
		if flags&strEscaped != 0 {
			s.sc.keyBuf = unescapeJSON(s.sc.keyBuf[:0], key)
			key = s.sc.keyBuf
		} else if flags&strNonASCII != 0 && !utf8.Valid(key) {
			s.sc.keyBuf = coerceUTF8(s.sc.keyBuf[:0], key)
			key = s.sc.keyBuf
		}
		child := n.child(key)
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.fail("expected ':' after object key")
		}
		s.pos++
		s.skipSpace()
		if err := s.value(child, ctx); err != nil {
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
}

// array walks an array at trie node n: every element is matched at n, each
// in its own array context.
func (s *eventScanner) array(n *pathNode, ctx int32) error {
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++ // '['
	id := s.arrays
	s.arrays++
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		elem := s.sc.newContext(ctx, id)
		if err := s.value(n, elem); err != nil {
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
}

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

// unescapeJSON appends the contents of a validated JSON string (without its
// quotes) to dst, decoding escapes and coercing invalid UTF-8 exactly as
// encoding/json does: invalid bytes and unpaired surrogates become U+FFFD.
func unescapeJSON(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			switch raw[i+1] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(raw[i+2 : i+6])
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
						if d := utf16.DecodeRune(r, hex4(raw[i+2:i+6])); d != unicode.ReplacementChar {
							dst = utf8.AppendRune(dst, d)
							i += 6
							continue
						}
					}
					r = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default: // '"', '\\', '/'
				dst = append(dst, raw[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			dst = utf8.AppendRune(dst, r)
			i += size
		}
	}
	return dst
}

// coerceUTF8 replaces each invalid UTF-8 byte of raw with U+FFFD.
func coerceUTF8(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		dst = utf8.AppendRune(dst, r)
		i += size
	}
	return dst
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}
