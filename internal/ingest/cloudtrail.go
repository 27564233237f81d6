package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// DetailTypeCloudTrail is the EventBridge detail-type of API calls that
// CloudTrail records; Body hands such events to Options.CloudTrail.
const DetailTypeCloudTrail = "AWS API Call via CloudTrail"

// isCloudTrail reports whether body is one EventBridge event (a single
// JSON object) whose detail-type is DetailTypeCloudTrail. Inputs without
// that string are rejected without parsing, so findings pay one scan.
func isCloudTrail(body []byte) bool {
	if !bytes.Contains(body, []byte(DetailTypeCloudTrail)) {
		return false
	}
	// A map, not a struct: keys match exactly, as EventBridge's do
	// ("Detail-Type" is another key).
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&top); err != nil {
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		return false // several documents: finding.Decode reports them
	}
	var detailType string
	if err := json.Unmarshal(top["detail-type"], &detailType); err != nil {
		return false
	}
	return detailType == DetailTypeCloudTrail
}

// handleCloudTrail hands one CloudTrail event to Options.CloudTrail and
// classifies its error.
func (in *Ingester) handleCloudTrail(ctx context.Context, body []byte) (Result, error) {
	select {
	case <-in.stop:
		return Result{}, ErrClosed
	default:
	}
	if err := in.cloudTrail(ctx, body); err != nil {
		var bad interface{ InputError() bool }
		if errors.As(err, &bad) && bad.InputError() {
			return Result{}, &InputError{Problems: []error{fmt.Errorf("request body: %w", err)}}
		}
		in.log.Error("cloudtrail event not committed", slog.String("error", err.Error()))
		return Result{}, &UnavailableError{Err: err}
	}
	return Result{Events: 1}, nil
}
