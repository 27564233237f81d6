package sqssource

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// redrivePolicy is the part of a queue's RedrivePolicy attribute the
// source uses.
type redrivePolicy struct {
	// deadLetterARN is the ARN of the dead-letter queue.
	deadLetterARN string
	// maxReceiveCount is how many receives SQS allows before it moves a
	// message there.
	maxReceiveCount int
}

// parseRedrivePolicy reads the RedrivePolicy attribute of a queue,
// {"deadLetterTargetArn": "arn:aws:sqs:…", "maxReceiveCount": 5}; SQS
// writes maxReceiveCount as a number, some tools as a string of digits.
// An empty attribute means no policy: (nil, nil).
func parseRedrivePolicy(s string) (*redrivePolicy, error) {
	if s == "" {
		return nil, nil
	}
	var raw struct {
		DeadLetterTargetArn *string         `json:"deadLetterTargetArn"`
		MaxReceiveCount     json.RawMessage `json:"maxReceiveCount"`
	}
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	if err := d.Decode(&raw); err != nil {
		return nil, fmt.Errorf("RedrivePolicy: %w", err)
	}
	if d.More() {
		return nil, errors.New("RedrivePolicy: data after the JSON object")
	}
	if raw.DeadLetterTargetArn == nil || *raw.DeadLetterTargetArn == "" {
		return nil, errors.New("RedrivePolicy: no deadLetterTargetArn")
	}
	count := string(bytes.Trim(raw.MaxReceiveCount, `"`))
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 || len(raw.MaxReceiveCount) == 0 {
		return nil, fmt.Errorf("RedrivePolicy: maxReceiveCount %s is not a count", string(raw.MaxReceiveCount))
	}
	return &redrivePolicy{deadLetterARN: *raw.DeadLetterTargetArn, maxReceiveCount: n}, nil
}
