package lambdasource

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// kind is what an invocation's input is.
type kind int

const (
	// kindEvent is anything else: an EventBridge event (or any shape the
	// ingester reads), passed on as it is.
	kindEvent kind = iota
	// kindSQS is a batch of an SQS event source mapping.
	kindSQS
	// kindSNS is an SNS notification.
	kindSNS
	// kindCommand is {"hubrelay": …}, a command to the function.
	kindCommand
)

// InputError says an invocation's input is not one the function takes;
// it names what is wrong.
type InputError struct{ Msg string }

// Error returns the message.
func (e *InputError) Error() string { return "lambda input: " + e.Msg }

// InputError marks the error as the input's fault.
func (e *InputError) InputError() bool { return true }

// classify tells what in is from its top-level keys, exactly as written
// (JSON object keys are case-sensitive; encoding/json's struct matching is
// not): "hubrelay" makes a command, "Records" an SQS or SNS batch by the
// records' event source; anything else, invalid JSON included, is an
// event for the ingester to read or reject with the position of the
// problem.
func classify(in []byte) (kind, error) {
	trimmed := bytes.TrimLeft(in, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return kindEvent, nil
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(in, &top) != nil {
		return kindEvent, nil
	}
	if _, ok := top["hubrelay"]; ok {
		return kindCommand, nil
	}
	raw, ok := top["Records"]
	if !ok {
		return kindEvent, nil
	}
	var records []struct {
		// SQS writes eventSource, SNS EventSource.
		Lower *string `json:"eventSource"`
		Upper *string `json:"EventSource"`
	}
	if err := json.Unmarshal(raw, &records); err != nil {
		return kindEvent, &InputError{Msg: "Records: want a list of SQS or SNS records"}
	}
	if len(records) == 0 {
		return kindEvent, &InputError{Msg: "Records: the list is empty"}
	}
	var first string
	for i, r := range records {
		var src string
		switch {
		case r.Lower != nil:
			src = *r.Lower
		case r.Upper != nil:
			src = *r.Upper
		}
		if i == 0 {
			first = src
		} else if src != first {
			return kindEvent, &InputError{Msg: fmt.Sprintf("Records[%d]: event source %q differs from the first record's %q", i, src, first)}
		}
	}
	switch first {
	case "aws:sqs":
		return kindSQS, nil
	case "aws:sns":
		return kindSNS, nil
	}
	return kindEvent, &InputError{Msg: fmt.Sprintf("Records: event source %q is not supported; the function takes aws:sqs and aws:sns records, EventBridge events and {\"hubrelay\": \"drain\"}", first)}
}
