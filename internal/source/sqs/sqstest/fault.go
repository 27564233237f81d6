package sqstest

import (
	"encoding/json"
	"net/http"
)

// Fault is an error answer of the SQS API as the AWS JSON 1.0 protocol
// sends it: an HTTP status, a JSON body {"__type": "com.amazonaws.sqs#CODE",
// "message": MESSAGE} and, because SQS is query-compatible, the header
// x-amzn-query-error: QUERYCODE;Sender (or ;Receiver for a 5xx).
type Fault struct {
	// Status is the HTTP status code.
	Status int
	// Code is the error's shape name, such as QueueDoesNotExist.
	Code string
	// QueryCode is the error code of the older query protocol, such as
	// AWS.SimpleQueueService.NonExistentQueue; empty means Code.
	QueryCode string
	// Message is the human-readable text.
	Message string
}

// InternalError is the 500 answer SQS gives when it fails; the SDK retries
// it.
func InternalError() Fault {
	return Fault{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: "The request processing has failed because of an unknown error, exception or failure."}
}

// AccessDenied is the answer to a caller whose IAM policy does not allow
// the action; the SDK does not retry it.
func AccessDenied() Fault {
	return Fault{Status: http.StatusBadRequest, Code: "AccessDenied", QueryCode: "AccessDenied",
		Message: "User is not authorized to perform this action on the queue."}
}

// Throttled is the answer to a caller over its request rate; the SDK
// retries it after a back-off.
func Throttled() Fault {
	return Fault{Status: http.StatusBadRequest, Code: "RequestThrottled", QueryCode: "RequestThrottled", Message: "Rate exceeded"}
}

func queueDoesNotExist() Fault {
	return Fault{Status: http.StatusBadRequest, Code: "QueueDoesNotExist", QueryCode: "AWS.SimpleQueueService.NonExistentQueue",
		Message: "The specified queue does not exist."}
}

func invalidParameter(msg string) Fault {
	return Fault{Status: http.StatusBadRequest, Code: "InvalidParameterValue", Message: msg}
}

func missingParameter(name string) Fault {
	return Fault{Status: http.StatusBadRequest, Code: "MissingParameter", Message: "The request must contain the parameter " + name + "."}
}

func signatureFault(msg string) Fault {
	return Fault{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch", Message: msg}
}

// Error returns the fault's code and message, so that a Fault can be
// recorded as an error.
func (f Fault) Error() string { return f.Code + ": " + f.Message }

// write answers w with f.
func (f Fault) write(w http.ResponseWriter) {
	side := "Sender"
	if f.Status >= 500 {
		side = "Receiver"
	}
	query := f.QueryCode
	if query == "" {
		query = f.Code
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("x-amzn-query-error", query+";"+side)
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{"com.amazonaws.sqs#" + f.Code, f.Message})
	w.WriteHeader(f.Status)
	_, _ = w.Write(b)
}

// batchError is one failed entry of a batch answer.
type batchError struct {
	ID          string `json:"Id"`
	Code        string `json:"Code"`
	Message     string `json:"Message"`
	SenderFault bool   `json:"SenderFault"`
}
