package sns

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/hubrelay/hubrelay/internal/render"
)

// truncateStrings rewrites the JSON data with every string value longer
// than n characters cut to n (render.Truncate, with the language's
// marker). Object keys, numbers, the order of members and the structure
// stay as they are; the output is compact.
func truncateStrings(data []byte, n int, lang render.Language) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object bool
		items  int // tokens written inside: for an object, keys and values
	}
	var (
		out   bytes.Buffer
		stack []frame
	)
	out.Grow(len(data))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		closing := tok == json.Delim('}') || tok == json.Delim(']')
		isKey := false
		if len(stack) > 0 && !closing {
			top := &stack[len(stack)-1]
			switch {
			case top.object && top.items%2 == 1:
				out.WriteByte(':')
			case top.items > 0:
				out.WriteByte(',')
			}
			isKey = top.object && top.items%2 == 0
			top.items++
		}
		switch t := tok.(type) {
		case json.Delim:
			out.WriteRune(rune(t))
			if closing {
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, frame{object: t == '{'})
			}
		case string:
			if !isKey {
				t = render.Truncate(t, n, lang)
			}
			b, err := marshal(t)
			if err != nil {
				return nil, err
			}
			out.Write(b)
		case json.Number:
			out.WriteString(t.String())
		case bool:
			if t {
				out.WriteString("true")
			} else {
				out.WriteString("false")
			}
		case nil:
			out.WriteString("null")
		}
	}
	return out.Bytes(), nil
}
