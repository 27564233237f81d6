package pattern

import (
	"encoding/binary"
	"fmt"
	"time"
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
