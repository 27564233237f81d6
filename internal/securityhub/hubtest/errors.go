package hubtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// apiError is an error answer of the API: the HTTP status, the error code
// the SDK maps to a typed error, and the message.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

// The error codes the server answers with. The V1 operations (GetFindings,
// BatchUpdateFindings, ListMembers, action targets) declare
// InvalidInputException, LimitExceededException, ResourceNotFoundException
// and ResourceConflictException; the V2 operations declare
// ValidationException, ConflictException, ThrottlingException and
// ResourceNotFoundException (aws-sdk-go-v2 deserializers.go).
const (
	codeInvalidInput     = "InvalidInputException"
	codeLimitExceeded    = "LimitExceededException"
	codeNotFound         = "ResourceNotFoundException"
	codeResourceConflict = "ResourceConflictException"
	codeValidation       = "ValidationException"
	codeTooManyRequests  = "TooManyRequestsException"
	codeThrottling       = "ThrottlingException"
	codeUnsupported      = "UnsupportedOperation"
	codeUnknownOperation = "UnknownOperationException"
	codeMissingAuth      = "MissingAuthenticationTokenException"
	codeBadSignature     = "InvalidSignatureException"
	codeUnknownClient    = "UnrecognizedClientException"
	codeTooLarge         = "RequestEntityTooLargeException"
)

// errorTypeSuffix follows the code in the X-Amzn-ErrorType header as the
// service sends it; the SDK keeps what is before the first ':'.
const errorTypeSuffix = ":http://internal.amazon.com/coral/com.amazonaws.securityhub/"

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// invalidInput is the V1 operations' answer to a bad request.
func invalidInput(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, codeInvalidInput, format, args...)
}

// validation is the V2 operations' answer to a bad request.
func validation(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, codeValidation, format, args...)
}

// badRequest answers a bad request with the error the operation declares.
func badRequest(v2 bool, format string, args ...any) *apiError {
	if v2 {
		return validation(format, args...)
	}
	return invalidInput(format, args...)
}

func notFound(format string, args ...any) *apiError {
	return errorf(http.StatusNotFound, codeNotFound, format, args...)
}

// errorBody is the JSON body of an error answer. The SDK reads the code
// from the X-Amzn-ErrorType header (else "code" or "__type") and the
// message from "message", case-insensitively.
type errorBody struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// writeError sends e the way the service does: status, X-Amzn-ErrorType,
// x-amzn-RequestId and a JSON body.
func writeError(w http.ResponseWriter, requestID string, e *apiError) {
	body, err := json.Marshal(errorBody{Code: e.code, Message: e.msg})
	if err != nil {
		// Two strings always encode.
		panic(fmt.Sprintf("hubtest: encode error body: %v", err))
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", e.code+errorTypeSuffix)
	h.Set("X-Amzn-RequestId", requestID)
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}

// writeJSON sends a 200 answer.
func writeJSON(w http.ResponseWriter, requestID string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Amzn-RequestId", requestID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
