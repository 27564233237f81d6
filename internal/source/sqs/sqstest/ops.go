package sqstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Limits SQS documents.
const (
	maxVisibility   = 12 * time.Hour
	maxWaitSeconds  = 20
	maxBatchEntries = 10
	maxMessageBytes = 1 << 20
	maxDelaySeconds = 900
)

// operationFunc serves one operation: it decodes body, changes the state
// and returns the JSON answer or a Fault. A Fault with Status 0 means the
// client went away and nothing is to be written.
type operationFunc func(ctx context.Context, body []byte) ([]byte, *Fault)

func (s *Server) operation(op string) operationFunc {
	switch op {
	case "SendMessage":
		return s.sendMessage
	case "ReceiveMessage":
		return s.receiveMessage
	case "DeleteMessage":
		return s.deleteMessage
	case "DeleteMessageBatch":
		return s.deleteMessageBatch
	case "ChangeMessageVisibility":
		return s.changeMessageVisibility
	case "ChangeMessageVisibilityBatch":
		return s.changeMessageVisibilityBatch
	case "GetQueueAttributes":
		return s.getQueueAttributes
	}
	return nil
}

// decode reads a request body strictly: a JSON object whose members are
// those of the operation's input shape, with the right types.
func decode(body []byte, v any) *Fault {
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return &Fault{Status: http.StatusBadRequest, Code: "SerializationException", Message: err.Error()}
	}
	if d.More() {
		return &Fault{Status: http.StatusBadRequest, Code: "SerializationException", Message: "data after the JSON object"}
	}
	return nil
}

func answer(v any) ([]byte, *Fault) {
	b, err := json.Marshal(v)
	if err != nil {
		f := InternalError()
		return nil, &f
	}
	return b, nil
}

// lookup returns the queue at url; the caller holds s.mu.
func (s *Server) lookup(url string) (*queue, *Fault) {
	if url == "" {
		f := missingParameter("QueueUrl")
		return nil, &f
	}
	q := s.queues[url]
	if q == nil {
		f := queueDoesNotExist()
		return nil, &f
	}
	return q, nil
}

// seconds checks an optional whole number of seconds within [lo, hi].
func seconds(v *int, name string, lo, hi int) *Fault {
	if v != nil && (*v < lo || *v > hi) {
		f := invalidParameter(fmt.Sprintf("Value %d for parameter %s is invalid. Reason: must be between %d and %d.", *v, name, lo, hi))
		return &f
	}
	return nil
}

// validBody reports whether s holds only the characters SQS accepts in a
// message: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to
// #x10FFFF.
func validBody(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == 0x9 || r == 0xA || r == 0xD:
		case r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

func (s *Server) sendMessage(_ context.Context, body []byte) ([]byte, *Fault) {
	var in struct {
		QueueUrl                string
		MessageBody             *string
		DelaySeconds            *int
		MessageAttributes       map[string]json.RawMessage
		MessageSystemAttributes map[string]json.RawMessage
		MessageDeduplicationId  string
		MessageGroupId          string
	}
	if f := decode(body, &in); f != nil {
		return nil, f
	}
	switch {
	case in.MessageBody == nil || *in.MessageBody == "":
		f := missingParameter("MessageBody")
		return nil, &f
	case len(*in.MessageBody) > maxMessageBytes:
		f := invalidParameter("One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.")
		return nil, &f
	case !validBody(*in.MessageBody):
		f := Fault{Status: http.StatusBadRequest, Code: "InvalidMessageContents", Message: "Invalid characters found."}
		return nil, &f
	case len(in.MessageAttributes) > 0 || len(in.MessageSystemAttributes) > 0:
		f := Fault{Status: http.StatusBadRequest, Code: "UnsupportedOperation", Message: "sqstest does not support message attributes"}
		return nil, &f
	}
	if f := seconds(in.DelaySeconds, "DelaySeconds", 0, maxDelaySeconds); f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, f := s.lookup(in.QueueUrl)
	if f != nil {
		return nil, f
	}
	var delay time.Duration
	if in.DelaySeconds != nil {
		delay = time.Duration(*in.DelaySeconds) * time.Second
	}
	m := q.add(*in.MessageBody, s.now(), delay)
	s.notify()
	return answer(struct {
		MD5OfMessageBody string
		MessageId        string
	}{m.md5, m.id})
}

// wireMessage is a message in a ReceiveMessage answer.
type wireMessage struct {
	MessageId     string
	ReceiptHandle string
	MD5OfBody     string
	Body          string
	Attributes    map[string]string `json:",omitempty"`
}

func (s *Server) receiveMessage(ctx context.Context, body []byte) ([]byte, *Fault) {
	var in struct {
		QueueUrl                    string
		AttributeNames              []string
		MessageSystemAttributeNames []string
		MessageAttributeNames       []string
		MaxNumberOfMessages         *int
		VisibilityTimeout           *int
		WaitTimeSeconds             *int
		ReceiveRequestAttemptId     string
	}
	if f := decode(body, &in); f != nil {
		return nil, f
	}
	for _, f := range []*Fault{
		seconds(in.MaxNumberOfMessages, "MaxNumberOfMessages", 1, maxBatchEntries),
		seconds(in.VisibilityTimeout, "VisibilityTimeout", 0, int(maxVisibility/time.Second)),
		seconds(in.WaitTimeSeconds, "WaitTimeSeconds", 0, maxWaitSeconds),
	} {
		if f != nil {
			return nil, f
		}
	}
	limit := 1
	if in.MaxNumberOfMessages != nil {
		limit = *in.MaxNumberOfMessages
	}
	var wait time.Duration
	if in.WaitTimeSeconds != nil {
		wait = time.Duration(*in.WaitTimeSeconds) * time.Second
	}
	names := append(slices.Clone(in.AttributeNames), in.MessageSystemAttributeNames...)
	deadline := s.now().Add(wait)
	for {
		s.mu.Lock()
		q, f := s.lookup(in.QueueUrl)
		if f != nil {
			s.mu.Unlock()
			return nil, f
		}
		vis := q.visibility
		if in.VisibilityTimeout != nil {
			vis = time.Duration(*in.VisibilityTimeout) * time.Second
		}
		now := s.now()
		movedBefore := q.moved
		got := s.take(q, limit, vis, names, now)
		if len(got) > 0 || q.moved != movedBefore {
			s.notify()
		}
		changed, next := s.changed, q.nextVisible(now)
		s.mu.Unlock()
		if len(got) > 0 || !now.Before(deadline) {
			if len(got) == 0 {
				return []byte("{}"), nil
			}
			return answer(struct{ Messages []wireMessage }{got})
		}
		until := deadline
		if !next.IsZero() && next.Before(until) {
			until = next
		}
		timer := time.NewTimer(until.Sub(now))
		select {
		case <-changed:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, &Fault{}
		}
		timer.Stop()
	}
}

// take receives up to limit visible messages of q, in the order sent,
// moving to the dead-letter queue those received maxReceiveCount times
// already. The caller holds s.mu.
func (s *Server) take(q *queue, limit int, vis time.Duration, names []string, now time.Time) []wireMessage {
	var out []wireMessage
	for _, m := range q.msgs {
		if len(out) == limit {
			break
		}
		if m.gone() || now.Before(m.visibleAt) {
			continue
		}
		if q.redrive != nil && m.receives >= q.redrive.MaxReceiveCount {
			if dlq := s.queues[q.redrive.DeadLetterQueueURL]; dlq != nil {
				m.moved = true
				q.moved++
				moved := &message{id: m.id, body: m.body, md5: m.md5, sent: m.sent, visibleAt: now}
				dlq.msgs = append(dlq.msgs, moved)
				dlq.byID[moved.id] = moved
				continue
			}
		}
		m.receives++
		if m.receives == 1 {
			m.firstReceive = now
		}
		m.visibleAt = now.Add(vis)
		m.handle = newHandle(q.name, m.id, m.receives)
		out = append(out, wireMessage{
			MessageId:     m.id,
			ReceiptHandle: m.handle,
			MD5OfBody:     m.md5,
			Body:          m.body,
			Attributes:    systemAttributes(m, names),
		})
	}
	return out
}

// systemAttributes returns the attributes of m that names ask for.
func systemAttributes(m *message, names []string) map[string]string {
	all := map[string]string{
		"ApproximateReceiveCount":          strconv.Itoa(m.receives),
		"ApproximateFirstReceiveTimestamp": strconv.FormatInt(m.firstReceive.UnixMilli(), 10),
		"SentTimestamp":                    strconv.FormatInt(m.sent.UnixMilli(), 10),
		"SenderId":                         "AIDASQSTEST",
	}
	out := map[string]string{}
	for _, n := range names {
		if n == "All" {
			return all
		}
		if v, ok := all[n]; ok {
			out[n] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// receipt resolves a receipt handle of q: the message, whether the handle
// is the latest one, or a Fault for a handle that is not q's.
func receipt(q *queue, handle string) (*message, bool, *Fault) {
	if handle == "" {
		f := missingParameter("ReceiptHandle")
		return nil, false, &f
	}
	m, ok := q.parseHandle(handle)
	if !ok {
		f := Fault{Status: http.StatusBadRequest, Code: "ReceiptHandleIsInvalid", Message: "The input receipt handle \"" + handle + "\" is not a valid receipt handle."}
		return nil, false, &f
	}
	return m, m.handle == handle, nil
}

// remove deletes the message a receipt handle names: SQS accepts an
// outdated handle and deletes nothing. The caller holds s.mu.
func (s *Server) remove(q *queue, handle string) *Fault {
	m, current, f := receipt(q, handle)
	if f != nil {
		return f
	}
	switch {
	case m.gone():
	case !current:
		q.staleDeletes++
	default:
		m.deleted = true
		q.deleted++
	}
	return nil
}

// changeVisibility makes the message of handle visible again vis from now.
// The caller holds s.mu.
func (s *Server) changeVisibility(q *queue, handle string, vis *int) *Fault {
	if vis == nil {
		f := missingParameter("VisibilityTimeout")
		return &f
	}
	if f := seconds(vis, "VisibilityTimeout", 0, int(maxVisibility/time.Second)); f != nil {
		return f
	}
	m, current, f := receipt(q, handle)
	if f != nil {
		return f
	}
	now := s.now()
	if m.gone() || !current || !m.inFlight(now) {
		return &Fault{Status: http.StatusBadRequest, Code: "MessageNotInflight", QueryCode: "AWS.SimpleQueueService.MessageNotInflight", Message: "The message referred to isn't in flight."}
	}
	until := now.Add(time.Duration(*vis) * time.Second)
	if until.Sub(m.firstReceive) > maxVisibility {
		f := invalidParameter("Value " + strconv.Itoa(*vis) + " for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]")
		return &f
	}
	m.visibleAt = until
	m.extensions++
	return nil
}

func (s *Server) deleteMessage(_ context.Context, body []byte) ([]byte, *Fault) {
	var in struct{ QueueUrl, ReceiptHandle string }
	if f := decode(body, &in); f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, f := s.lookup(in.QueueUrl)
	if f != nil {
		return nil, f
	}
	if f := s.remove(q, in.ReceiptHandle); f != nil {
		return nil, f
	}
	s.notify()
	return []byte("{}"), nil
}

func (s *Server) changeMessageVisibility(_ context.Context, body []byte) ([]byte, *Fault) {
	var in struct {
		QueueUrl, ReceiptHandle string
		VisibilityTimeout       *int
	}
	if f := decode(body, &in); f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, f := s.lookup(in.QueueUrl)
	if f != nil {
		return nil, f
	}
	if f := s.changeVisibility(q, in.ReceiptHandle, in.VisibilityTimeout); f != nil {
		return nil, f
	}
	s.notify()
	return []byte("{}"), nil
}

// batchEntry is an entry of DeleteMessageBatch or
// ChangeMessageVisibilityBatch.
type batchEntry struct {
	Id, ReceiptHandle string
	VisibilityTimeout *int
}

// checkBatch applies the rules SQS has for every batch: 1 to 10 entries,
// distinct Ids of 1 to 80 letters, digits, '-' and '_'.
func checkBatch(entries []batchEntry, visibility bool) *Fault {
	switch {
	case len(entries) == 0:
		return &Fault{Status: http.StatusBadRequest, Code: "EmptyBatchRequest", QueryCode: "AWS.SimpleQueueService.EmptyBatchRequest", Message: "There should be at least one entry in the request."}
	case len(entries) > maxBatchEntries:
		return &Fault{Status: http.StatusBadRequest, Code: "TooManyEntriesInBatchRequest", QueryCode: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", Message: "Maximum number of entries per request are 10."}
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if !validEntryID(e.Id) {
			return &Fault{Status: http.StatusBadRequest, Code: "InvalidBatchEntryId", QueryCode: "AWS.SimpleQueueService.InvalidBatchEntryId", Message: "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."}
		}
		if seen[e.Id] {
			return &Fault{Status: http.StatusBadRequest, Code: "BatchEntryIdsNotDistinct", QueryCode: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", Message: "Id " + e.Id + " repeated."}
		}
		seen[e.Id] = true
		if !visibility && e.VisibilityTimeout != nil {
			return &Fault{Status: http.StatusBadRequest, Code: "SerializationException", Message: "unknown field \"VisibilityTimeout\" in a DeleteMessageBatch entry"}
		}
	}
	return nil
}

func validEntryID(id string) bool {
	if id == "" || len(id) > 80 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// batchAnswer is the answer of a batch operation.
type batchAnswer struct {
	Successful []struct{ Id string }
	Failed     []batchError
}

func (s *Server) batch(body []byte, visibility bool, apply func(q *queue, e batchEntry) *Fault) ([]byte, *Fault) {
	var in struct {
		QueueUrl string
		Entries  []batchEntry
	}
	if f := decode(body, &in); f != nil {
		return nil, f
	}
	if f := checkBatch(in.Entries, visibility); f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, f := s.lookup(in.QueueUrl)
	if f != nil {
		return nil, f
	}
	out := batchAnswer{Successful: []struct{ Id string }{}, Failed: []batchError{}}
	for _, e := range in.Entries {
		if f := apply(q, e); f != nil {
			out.Failed = append(out.Failed, batchError{ID: e.Id, Code: f.Code, Message: f.Message, SenderFault: f.Status < 500})
			continue
		}
		out.Successful = append(out.Successful, struct{ Id string }{e.Id})
	}
	s.notify()
	return answer(out)
}

func (s *Server) deleteMessageBatch(_ context.Context, body []byte) ([]byte, *Fault) {
	return s.batch(body, false, func(q *queue, e batchEntry) *Fault { return s.remove(q, e.ReceiptHandle) })
}

func (s *Server) changeMessageVisibilityBatch(_ context.Context, body []byte) ([]byte, *Fault) {
	return s.batch(body, true, func(q *queue, e batchEntry) *Fault {
		return s.changeVisibility(q, e.ReceiptHandle, e.VisibilityTimeout)
	})
}

// knownQueueAttribute reports whether GetQueueAttributes knows name.
func knownQueueAttribute(name string) bool {
	switch name {
	case "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
		"CreatedTimestamp", "LastModifiedTimestamp", "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod",
		"QueueArn", "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "RedrivePolicy", "SqsManagedSseEnabled",
		"Policy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "FifoQueue", "ContentBasedDeduplication",
		"DeduplicationScope", "FifoThroughputLimit", "RedriveAllowPolicy":
		return true
	}
	return false
}

func (s *Server) getQueueAttributes(_ context.Context, body []byte) ([]byte, *Fault) {
	var in struct {
		QueueUrl       string
		AttributeNames []string
	}
	if f := decode(body, &in); f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, f := s.lookup(in.QueueUrl)
	if f != nil {
		return nil, f
	}
	visible, inFlight, delayed := q.counts(s.now())
	all := map[string]string{
		"ApproximateNumberOfMessages":           strconv.Itoa(visible),
		"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(inFlight),
		"ApproximateNumberOfMessagesDelayed":    strconv.Itoa(delayed),
		"CreatedTimestamp":                      strconv.FormatInt(q.created.Unix(), 10),
		"LastModifiedTimestamp":                 strconv.FormatInt(q.created.Unix(), 10),
		"DelaySeconds":                          "0",
		"MaximumMessageSize":                    strconv.Itoa(maxMessageBytes),
		"MessageRetentionPeriod":                "345600",
		"QueueArn":                              q.arn,
		"ReceiveMessageWaitTimeSeconds":         "0",
		"VisibilityTimeout":                     strconv.Itoa(int(q.visibility / time.Second)),
		"SqsManagedSseEnabled":                  "true",
	}
	if q.redrive != nil {
		b, _ := json.Marshal(struct {
			DeadLetterTargetArn string `json:"deadLetterTargetArn"`
			MaxReceiveCount     int    `json:"maxReceiveCount"`
		}{s.queues[q.redrive.DeadLetterQueueURL].arn, q.redrive.MaxReceiveCount})
		all["RedrivePolicy"] = string(b)
	}
	out := map[string]string{}
	for _, n := range in.AttributeNames {
		if n == "All" {
			out = all
			break
		}
		if !knownQueueAttribute(n) {
			return nil, &Fault{Status: http.StatusBadRequest, Code: "InvalidAttributeName", Message: "Unknown Attribute " + n + "."}
		}
		if v, ok := all[n]; ok {
			out[n] = v
		}
	}
	return answer(struct {
		Attributes map[string]string `json:",omitempty"`
	}{out})
}
