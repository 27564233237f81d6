package hubtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ocsfRecord is one stored OCSF finding.
type ocsfRecord struct {
	seq int64
	doc map[string]any // decoded with json.Number
	raw []byte         // the current finding JSON, compact
}

// AddOCSF stores OCSF findings for the V2 operations (GetFindingsV2,
// BatchUpdateFindingsV2). Each must be a JSON object with the string
// members metadata.uid (Security Hub's unique id, which identifies it
// here) and finding_info.uid; metadata.uid of a stored finding replaces it.
// The call is atomic: when any finding is invalid none is stored and the
// error names the finding and the member. Safe for concurrent use.
func (s *Server) AddOCSF(ocsf ...json.RawMessage) error {
	recs := make([]*ocsfRecord, 0, len(ocsf))
	var errs []error
	for i, raw := range ocsf {
		rec, err := prepareOCSF(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("OCSF finding %d: %w", i, err))
			continue
		}
		recs = append(recs, rec)
	}
	if len(errs) > 0 {
		return fmt.Errorf("hubtest: add OCSF findings: %w", errors.Join(errs...))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rec := range recs {
		uid := stringField(rec.doc, "metadata", "uid")
		if old, ok := s.state.ocsf[uid]; ok {
			rec.seq = old.seq
		} else {
			rec.seq = s.state.nextSeq()
		}
		s.state.ocsf[uid] = rec
		s.state.changed()
	}
	return nil
}

// FindingV2 returns the current JSON of the OCSF finding with that
// metadata.uid, after any updates, and whether it exists. The result is the
// caller's to keep. Safe for concurrent use.
func (s *Server) FindingV2(uid string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.state.ocsf[uid]
	if !ok {
		return nil, false
	}
	return bytes.Clone(rec.raw), true
}

func prepareOCSF(raw []byte) (*ocsfRecord, error) {
	doc, err := decodeObject(raw)
	if err != nil {
		return nil, err
	}
	if len(raw) > maxFindingSize {
		return nil, fmt.Errorf("the finding is %d bytes; the maximum is 240 KB", len(raw))
	}
	for _, path := range [][]string{{"metadata", "uid"}, {"finding_info", "uid"}} {
		v := field(doc, path...)
		name := path[0] + "." + path[1]
		if v == nil {
			return nil, fmt.Errorf("%s is required", name)
		}
		if s, ok := v.(string); !ok || s == "" {
			return nil, fmt.Errorf("%s must be a non-empty string, got %s", name, describe(v))
		}
	}
	rec := &ocsfRecord{doc: doc}
	if err := rec.refresh(); err != nil {
		return nil, err
	}
	return rec, nil
}

// refresh re-encodes the record's JSON from doc.
func (rec *ocsfRecord) refresh() error {
	raw, err := encodeJSON(rec.doc)
	if err != nil {
		return fmt.Errorf("encode OCSF finding: %w", err)
	}
	rec.raw = raw
	return nil
}
