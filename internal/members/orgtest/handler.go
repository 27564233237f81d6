package orgtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// targetPrefix starts the X-Amz-Target header of every Organizations
// operation.
const targetPrefix = "AWSOrganizationsV20161128."

// contentType is the JSON 1.1 protocol's media type.
const contentType = "application/x-amz-json-1.1"

// maxBody is the largest request body read.
const maxBody = 1 << 20

// listAccountsMax is ListAccounts' largest MaxResults ("Minimum value of
// 1. Maximum value of 20." in the API reference).
const listAccountsMax = 20

// apiError is an error answer: status, the error code the SDK maps to a
// typed error, the message and, for InvalidInputException, the reason.
type apiError struct {
	status int
	code   string
	msg    string
	reason string
}

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

func invalidInput(reason, format string, args ...any) *apiError {
	e := errorf(http.StatusBadRequest, "InvalidInputException", format, args...)
	e.reason = reason
	return e
}

// ServeHTTP answers one Organizations API request. Safe for concurrent
// use: requests are handled one at a time under the server's mutex.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", s.requests)
	out, e := s.serve(r, body, readErr)
	if e != nil {
		writeError(w, id, e)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		writeError(w, id, errorf(http.StatusInternalServerError, "ServiceException", "encoding the answer: %v", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Amzn-RequestId", id)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// serve checks the request and runs its operation; s.mu must be held.
func (s *Server) serve(r *http.Request, body []byte, readErr error) (any, *apiError) {
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		return nil, errorf(http.StatusNotFound, "UnknownOperationException", "no Organizations operation is %s %s", r.Method, r.URL.Path)
	}
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, targetPrefix)
	if !ok || op == "" {
		return nil, errorf(http.StatusBadRequest, "UnknownOperationException", "the X-Amz-Target header %q names no Organizations operation", target)
	}
	s.calls[op]++
	switch {
	case readErr != nil:
		return nil, errorf(http.StatusBadRequest, "SerializationException", "%s: reading the request body: %v", op, readErr)
	case len(body) > maxBody:
		return nil, errorf(http.StatusRequestEntityTooLarge, "SerializationException", "%s: the request body is larger than %d bytes", op, maxBody)
	case r.Header.Get("Content-Type") != contentType:
		return nil, errorf(http.StatusBadRequest, "SerializationException", "%s: Content-Type is %q, want %q", op, r.Header.Get("Content-Type"), contentType)
	}
	if e := s.checkAuth(r, body); e != nil {
		return nil, e
	}
	if s.opts.NotInUse {
		return nil, errorf(http.StatusBadRequest, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	if op != "ListAccounts" {
		return nil, errorf(http.StatusBadRequest, "UnsupportedOperation", "orgtest does not implement the Organizations operation %s", op)
	}
	return s.listAccounts(body)
}

type listAccountsInput struct {
	MaxResults *int    `json:"MaxResults"`
	NextToken  *string `json:"NextToken"`
}

type accountOut struct {
	Arn             string   `json:"Arn"`
	Email           string   `json:"Email,omitempty"`
	ID              string   `json:"Id"`
	JoinedMethod    string   `json:"JoinedMethod"`
	JoinedTimestamp *float64 `json:"JoinedTimestamp,omitempty"`
	Name            string   `json:"Name,omitempty"`
	Status          string   `json:"Status"`
	State           string   `json:"State"`
}

type listAccountsOutput struct {
	Accounts  []accountOut `json:"Accounts"`
	NextToken string       `json:"NextToken,omitempty"`
}

// listAccounts answers ListAccounts: accounts ordered by ID, MaxResults 1
// to 20 (default 20), NextToken continuing where the last page ended.
func (s *Server) listAccounts(body []byte) (any, *apiError) {
	var in listAccountsInput
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, errorf(http.StatusBadRequest, "SerializationException", "ListAccounts: the request body is not valid: %v", err)
		}
	}
	size := listAccountsMax
	if in.MaxResults != nil {
		switch n := *in.MaxResults; {
		case n < 1:
			return nil, invalidInput("MIN_VALUE_EXCEEDED", "ListAccounts: MaxResults %d is less than 1", n)
		case n > listAccountsMax:
			return nil, invalidInput("MAX_VALUE_EXCEEDED", "ListAccounts: MaxResults %d is more than %d", n, listAccountsMax)
		default:
			size = n
		}
	}
	offset := 0
	if in.NextToken != nil && *in.NextToken != "" {
		n, ok := decodeToken(*in.NextToken)
		if !ok {
			return nil, invalidInput("INVALID_NEXT_TOKEN", "ListAccounts: the NextToken is not valid")
		}
		offset = n
	}
	all := s.sortedAccounts()
	from := min(offset, len(all))
	to := min(from+size, len(all))
	out := listAccountsOutput{Accounts: []accountOut{}}
	for _, a := range all[from:to] {
		o := accountOut{
			Arn:          fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", s.opts.ManagementAccountID, s.opts.OrganizationID, a.ID),
			Email:        a.Email,
			ID:           a.ID,
			JoinedMethod: a.JoinedMethod,
			Name:         a.Name,
			Status:       a.Status,
			State:        a.Status,
		}
		if !a.JoinedAt.IsZero() {
			v := float64(a.JoinedAt.UnixMilli()) / 1000
			o.JoinedTimestamp = &v
		}
		out.Accounts = append(out.Accounts, o)
	}
	if to < len(all) {
		out.NextToken = encodeToken(to)
	}
	return out, nil
}

// Tokens are base64url of "accounts:OFFSET", opaque to clients.
func encodeToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("accounts:" + strconv.Itoa(offset)))
}

func decodeToken(tok string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	v, ok := strings.CutPrefix(string(b), "accounts:")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// writeError sends e as the JSON 1.1 protocol does: the status, the
// X-Amzn-ErrorType header and a {"__type", "Message"} body.
func writeError(w http.ResponseWriter, requestID string, e *apiError) {
	body := map[string]string{"__type": e.code, "Message": e.msg}
	if e.reason != "" {
		body["Reason"] = e.reason
	}
	b, err := json.Marshal(body)
	if err != nil {
		// Strings always encode.
		panic("orgtest: encode error body: " + err.Error())
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Amzn-ErrorType", e.code)
	h.Set("X-Amzn-RequestId", requestID)
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
}

// amzDateLayout is the format of the X-Amz-Date header.
const amzDateLayout = "20060102T150405Z"
