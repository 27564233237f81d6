package hubtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hubrelay/hubrelay/internal/finding"
)

// AddFindings stores ASFF findings as if BatchImportFindings had imported
// them, so that tests and the demo can seed the server. Each finding is
// checked as BatchImportFindings checks it (required members, lengths,
// enumerations, timestamps, 240 KB). The call is atomic: when any finding
// is invalid, none is stored and the error names the finding (index and
// Id) and the member. Import rules apply: a finding with the ProductArn and
// Id of a stored one replaces it but keeps the stored Note,
// UserDefinedFields, VerificationState and Workflow, and Workflow goes back
// to NEW from NOTIFIED or RESOLVED when RecordState changes from ARCHIVED
// to ACTIVE or Compliance.Status from PASSED to WARNING, FAILED or
// NOT_AVAILABLE; a new finding without Workflow or RecordState gets
// Workflow.Status NEW and RecordState ACTIVE. Safe for concurrent use.
func (s *Server) AddFindings(asff ...json.RawMessage) error {
	prepared := make([]*asffRecord, 0, len(asff))
	var errs []error
	for i, raw := range asff {
		rec, err := prepareASFF(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("finding %d%s: %w", i, idHint(raw), err))
			continue
		}
		prepared = append(prepared, rec)
	}
	if len(errs) > 0 {
		return fmt.Errorf("hubtest: add findings: %w", errors.Join(errs...))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rec := range prepared {
		if err := s.storeASFF(rec); err != nil {
			return fmt.Errorf("hubtest: add findings: %w", err)
		}
	}
	return nil
}

// Finding returns the current JSON of the ASFF finding with that ProductArn
// and Id, after any updates, and whether it exists. The result is the
// caller's to keep. Safe for concurrent use.
func (s *Server) Finding(productARN, id string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.state.asff[asffKey{productARN: productARN, id: id}]
	if !ok {
		return nil, false
	}
	return bytes.Clone(rec.raw), true
}

// idHint names a finding by its Id for an error message, when it has one.
func idHint(raw []byte) string {
	if id, ok := idOf(raw); ok {
		return fmt.Sprintf(" (Id %q)", truncate(id, 120))
	}
	return ""
}

// prepareASFF decodes and validates one finding; nothing is stored.
func prepareASFF(raw []byte) (*asffRecord, error) {
	doc, err := decodeObject(raw)
	if err != nil {
		return nil, err
	}
	if ferr := validateASFF(doc, len(raw)); ferr != nil {
		return nil, ferr
	}
	if _, err := finding.Wrap(raw); err != nil {
		return nil, err
	}
	return &asffRecord{doc: doc}, nil
}

// storeASFF applies the import rules to a validated finding and stores it;
// s.mu must be held.
func (s *Server) storeASFF(rec *asffRecord) error {
	key := asffKey{productARN: rec.doc["ProductArn"].(string), id: rec.doc["Id"].(string)}
	if old, ok := s.state.asff[key]; ok {
		keepInvestigation(rec.doc, old.doc)
		rec.seq = old.seq
	} else {
		if _, ok := rec.doc["Workflow"]; !ok {
			rec.doc["Workflow"] = map[string]any{"Status": "NEW"}
		}
		if _, ok := rec.doc["RecordState"]; !ok {
			rec.doc["RecordState"] = "ACTIVE"
		}
		rec.seq = s.state.nextSeq()
	}
	if err := rec.refresh(); err != nil {
		return err
	}
	s.state.asff[key] = rec
	s.state.changed()
	return nil
}

// keepInvestigation carries the members customers own (BatchImportFindings
// "cannot be used to update" Note, UserDefinedFields, VerificationState and
// Workflow) from the stored finding to its new version, and resets the
// workflow as the Workflow.Status documentation says.
func keepInvestigation(doc, old map[string]any) {
	for _, k := range []string{"Note", "UserDefinedFields", "VerificationState", "Workflow"} {
		if v, ok := old[k]; ok {
			doc[k] = deepCopy(v)
		} else {
			delete(doc, k)
		}
	}
	status := stringField(doc, "Workflow", "Status")
	if status != "NOTIFIED" && status != "RESOLVED" {
		return
	}
	reactivated := stringField(old, "RecordState") == "ARCHIVED" && stringField(doc, "RecordState") == "ACTIVE"
	newCompliance := stringField(doc, "Compliance", "Status")
	failedAgain := stringField(old, "Compliance", "Status") == "PASSED" &&
		(newCompliance == "WARNING" || newCompliance == "FAILED" || newCompliance == "NOT_AVAILABLE")
	if reactivated || failedAgain {
		object(doc, "Workflow")["Status"] = "NEW"
	}
}

// refresh re-encodes the record's JSON and its EventBridge event from doc.
func (rec *asffRecord) refresh() error {
	raw, err := encodeJSON(rec.doc)
	if err != nil {
		return fmt.Errorf("encode finding: %w", err)
	}
	event, err := finding.Wrap(raw)
	if err != nil {
		return fmt.Errorf("wrap finding in its event: %w", err)
	}
	rec.raw, rec.event = raw, event
	return nil
}
