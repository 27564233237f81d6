package sqssource

import (
	"bytes"
	"encoding/json"
	"errors"
)

// BodyError says what is wrong with a message body that can be no event,
// such as an SNS notification without a Message. It is an input error
// (source.InputError): sending the message again will not help.
type BodyError struct{ Err error }

// Error names the problem.
func (e *BodyError) Error() string { return "message body: " + e.Err.Error() }

// Unwrap returns the problem.
func (e *BodyError) Unwrap() error { return e.Err }

// InputError marks the error as the input's fault.
func (e *BodyError) InputError() bool { return true }

// Unwrap returns the event a message body carries. A body an SNS topic
// delivered without raw message delivery is the SNS notification envelope,
// a JSON object with "Type": "Notification" whose "Message" string is the
// event: Unwrap returns the bytes of that string. Every other body, valid
// JSON or not, is returned as it is, for the ingester to read or reject
// with the line and column of the problem. An envelope whose Message is
// missing or not a string is a *BodyError. Unwrap is a pure function, safe
// for concurrent use; the result may share memory with body.
func Unwrap(body []byte) ([]byte, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' || !bytes.Contains(body, []byte(`"Notification"`)) {
		return body, nil
	}
	var env map[string]json.RawMessage
	if json.Unmarshal(body, &env) != nil {
		return body, nil
	}
	var typ string
	if raw, ok := env["Type"]; !ok || json.Unmarshal(raw, &typ) != nil || typ != "Notification" {
		return body, nil
	}
	raw, ok := env["Message"]
	if !ok {
		return nil, &BodyError{Err: errors.New(`SNS notification without "Message"`)}
	}
	var msg string
	if err := json.Unmarshal(raw, &msg); err != nil {
		return nil, &BodyError{Err: errors.New(`SNS notification: "Message" is not a string`)}
	}
	if msg == "" {
		return nil, &BodyError{Err: errors.New(`SNS notification: "Message" is empty`)}
	}
	return []byte(msg), nil
}
