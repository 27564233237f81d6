package hubtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// maxBody is the largest request body read: BatchImportFindings takes "up
// to 6 MB per batch" (partner guide); a little more is read so that the
// limit is reported rather than cut off.
const maxBody = 6<<20 + 64<<10

// request is what a handler gets: the decoded parts of one API call.
type request struct {
	op     string
	body   []byte
	query  url.Values
	labels map[string]string
}

// ServeHTTP answers one Security Hub API request. New serves it on the
// server's listener; it is exported so that the demo can mount the API on a
// mux of its own. Safe for concurrent use: requests are handled one at a
// time under the server's mutex.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	op, labels := matchOperation(r.Method, r.URL.EscapedPath())

	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextRequestID()
	if op == nil {
		writeError(w, id, errorf(http.StatusNotFound, codeUnknownOperation,
			"no Security Hub operation is %s %s", r.Method, r.URL.EscapedPath()))
		return
	}
	s.calls[op.name]++
	if readErr != nil {
		writeError(w, id, badRequest(isV2(op.name), "%s: reading the request body: %v", op.name, readErr))
		return
	}
	if len(body) > maxBody {
		writeError(w, id, errorf(http.StatusRequestEntityTooLarge, codeTooLarge,
			"%s: the request body is larger than %d bytes", op.name, maxBody))
		return
	}
	if e := s.checkAuth(r, body); e != nil {
		writeError(w, id, e)
		return
	}
	if !implemented(op.name) {
		writeError(w, id, errorf(http.StatusBadRequest, codeUnsupported,
			"hubtest does not implement the Security Hub operation %s (%s %s)", op.name, op.method, op.path))
		return
	}
	if !s.allow(op.name) {
		s.throttled[op.name]++
		writeError(w, id, throttleError(op.name))
		return
	}
	out, e := s.handle(&request{op: op.name, body: body, query: r.URL.Query(), labels: labels})
	if e != nil {
		writeError(w, id, e)
		return
	}
	if a, ok := out.(jsonAppender); ok {
		s.answer = a.appendJSON(s.answer[:0])
		writeJSON(w, id, s.answer)
		if cap(s.answer) > 4<<20 {
			s.answer = nil // do not keep an unusually large one
		}
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		writeError(w, id, errorf(http.StatusInternalServerError, "InternalException", "%s: encoding the answer: %v", op.name, err))
		return
	}
	writeJSON(w, id, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// implemented reports whether the server answers an operation.
func implemented(op string) bool {
	switch op {
	case "GetFindings", "BatchImportFindings", "BatchUpdateFindings",
		"GetFindingsV2", "BatchUpdateFindingsV2", "ListMembers",
		"CreateActionTarget", "DescribeActionTargets", "UpdateActionTarget", "DeleteActionTarget":
		return true
	}
	return false
}

// isV2 reports whether op is one of the OCSF (V2) operations, whose model
// declares ValidationException and ThrottlingException.
func isV2(op string) bool {
	return len(op) > 2 && op[len(op)-2:] == "V2"
}

// handle runs an implemented operation; s.mu must be held.
func (s *Server) handle(r *request) (any, *apiError) {
	switch r.op {
	case "GetFindings":
		return s.getFindings(r)
	case "BatchImportFindings":
		return s.batchImportFindings(r)
	case "BatchUpdateFindings":
		return s.batchUpdateFindings(r)
	case "GetFindingsV2":
		return s.getFindingsV2(r)
	case "BatchUpdateFindingsV2":
		return s.batchUpdateFindingsV2(r)
	case "ListMembers":
		return s.listMembers(r)
	case "CreateActionTarget":
		return s.createActionTarget(r)
	case "DescribeActionTargets":
		return s.describeActionTargets(r)
	case "UpdateActionTarget":
		return s.updateActionTarget(r)
	case "DeleteActionTarget":
		return s.deleteActionTarget(r)
	}
	return nil, errorf(http.StatusInternalServerError, "InternalException", "%s has no handler", r.op)
}

// decodeBody decodes a JSON request body into v, rejecting members the
// operation does not have. An empty body is an empty object. Messages name
// the offending member.
func decodeBody(r *request, v any) *apiError {
	v2 := isV2(r.op)
	body := bytes.TrimSpace(r.body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest(v2, "%s: %s", r.op, describeJSONError(err))
	}
	if dec.More() {
		return badRequest(v2, "%s: the request body holds more than one JSON value", r.op)
	}
	return nil
}

// describeJSONError turns an encoding/json error into words naming the
// request member.
func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return fmt.Sprintf("the request body must be a JSON object, got %s", te.Value)
		}
		return fmt.Sprintf("%s: expected %s, got %s", field, jsonKind(te.Type.Kind()), te.Value)
	case errors.As(err, &se):
		return fmt.Sprintf("the request body is not valid JSON (byte %d): %v", se.Offset, se)
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "unknown member " + rest
	}
	if msg == "unexpected EOF" || msg == "EOF" {
		return "the request body is not valid JSON: it ends early"
	}
	return "the request body is not valid: " + msg
}

// jsonKind names the JSON type a Go kind decodes from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}
