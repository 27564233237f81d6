package hubtest

import (
	"encoding/base64"
	"encoding/json"
	"hash/fnv"
	"strconv"
)

// pageToken is what a NextToken carries: the operation, a fingerprint of
// the query it continues (filters, sort, options) and the offset of the
// next result. Tokens are base64url JSON, opaque to clients.
type pageToken struct {
	Op          string `json:"op"`
	Fingerprint string `json:"fp"`
	Offset      int    `json:"off"`
}

// fingerprint hashes the parts of a query that a NextToken must continue.
func fingerprint(parts ...[]byte) string {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(strconv.Itoa(len(p))))
		_, _ = h.Write([]byte{0})
		_, _ = h.Write(p)
	}
	return strconv.FormatUint(h.Sum64(), 36)
}

func encodeToken(op, fp string, offset int) string {
	b, err := json.Marshal(pageToken{Op: op, Fingerprint: fp, Offset: offset})
	if err != nil {
		// Strings and an int always encode.
		panic("hubtest: encode page token: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken reads a NextToken for op and the query fingerprint fp. A nil
// or empty token starts at 0. A token that is not one of this server's or
// belongs to another operation or another query is invalid. An offset past
// the end (results were deleted meanwhile) gives an empty last page.
func decodeToken(token *string, op, fp string) (int, bool) {
	if token == nil || *token == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(*token)
	if err != nil {
		return 0, false
	}
	var t pageToken
	if err := json.Unmarshal(b, &t); err != nil {
		return 0, false
	}
	if t.Op != op || t.Fingerprint != fp || t.Offset < 0 {
		return 0, false
	}
	return t.Offset, true
}

// page cuts one page out of n results: the range [from, to) and the next
// token ("" at the end).
func page(op, fp string, offset, size, n int) (from, to int, next string) {
	from = min(offset, n)
	to = min(from+size, n)
	if to < n {
		next = encodeToken(op, fp, to)
	}
	return from, to, next
}
