package sqssource_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	sqssource "github.com/hubrelay/hubrelay/internal/source/sqs"
)

// FuzzUnwrap feeds arbitrary message bodies to Unwrap: it never panics;
// it returns the body unchanged, or the Message string of a top-level SNS
// notification, or a *BodyError for a notification without a usable one.
func FuzzUnwrap(f *testing.F) {
	ev := event(f, 1)
	for _, seed := range []string{
		ev,
		snsEnvelope(f, ev),
		snsEnvelope(f, `{"detail":{"findings":[]}}`),
		`{"Type":"Notification","Message":{"x":1}}`,
		`{"Type":"Notification"}`,
		`{"Type":"Notification","Message":"\u0000"}`,
		`{"Type":"Notification","Message":"a","Message":"b"}`,
		`{"type":"Notification","Message":"x"}`,
		`{"Type":["Notification"],"Message":"x"}`,
		`[{"Type":"Notification"}]`,
		`Notification`,
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in := bytes.Clone(body)
		out, err := sqssource.Unwrap(body)
		if !bytes.Equal(in, body) {
			t.Fatal("Unwrap changed its input")
		}
		if err != nil {
			var be *sqssource.BodyError
			if !errors.As(err, &be) || sqssource.Classify(err) != sqssource.Rejected || out != nil {
				t.Fatalf("error %T %v with output %q", err, err, out)
			}
			return
		}
		if bytes.Equal(out, body) {
			return
		}
		var env struct {
			Type    string
			Message string
		}
		var keys map[string]json.RawMessage
		if json.Unmarshal(body, &keys) != nil || json.Unmarshal(keys["Type"], &env.Type) != nil || env.Type != "Notification" {
			t.Fatalf("changed a body that is no SNS notification: %q -> %q", body, out)
		}
		if json.Unmarshal(keys["Message"], &env.Message) != nil || env.Message != string(out) {
			t.Fatalf("output %q is not the notification's Message", out)
		}
	})
}
