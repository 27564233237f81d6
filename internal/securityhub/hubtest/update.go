package hubtest

import (
	"encoding/json"
	"slices"
	"unicode/utf8"
)

// findingIdentifier is an AwsSecurityFindingIdentifier.
type findingIdentifier struct {
	ID         *string `json:"Id"`
	ProductArn *string `json:"ProductArn"`
}

type noteUpdate struct {
	Text      *string `json:"Text"`
	UpdatedBy *string `json:"UpdatedBy"`
}

type severityUpdate struct {
	Label      *string `json:"Label"`
	Normalized *number `json:"Normalized"`
	Product    *number `json:"Product"`
}

type workflowUpdate struct {
	Status *string `json:"Status"`
}

// batchUpdateFindingsInput is the BatchUpdateFindings request body.
type batchUpdateFindingsInput struct {
	FindingIdentifiers []findingIdentifier `json:"FindingIdentifiers"`
	Confidence         *number             `json:"Confidence"`
	Criticality        *number             `json:"Criticality"`
	Note               *noteUpdate         `json:"Note"`
	RelatedFindings    []findingIdentifier `json:"RelatedFindings"`
	Severity           *severityUpdate     `json:"Severity"`
	Types              []string            `json:"Types"`
	UserDefinedFields  map[string]string   `json:"UserDefinedFields"`
	VerificationState  *string             `json:"VerificationState"`
	Workflow           *workflowUpdate     `json:"Workflow"`
}

type identifierOut struct {
	ID         string `json:"Id"`
	ProductArn string `json:"ProductArn"`
}

type unprocessedFinding struct {
	FindingIdentifier identifierOut `json:"FindingIdentifier"`
	ErrorCode         string        `json:"ErrorCode"`
	ErrorMessage      string        `json:"ErrorMessage"`
}

type batchUpdateFindingsOutput struct {
	ProcessedFindings   []identifierOut      `json:"ProcessedFindings"`
	UnprocessedFindings []unprocessedFinding `json:"UnprocessedFindings"`
}

// The per-finding error codes and messages of BatchUpdateFindings, as the
// API reference lists them (BatchUpdateFindingsUnprocessedFinding).
const (
	errDuplicated    = "DuplicatedFindingIdentifier"
	msgDuplicated    = "Finding Identifier is duplicated"
	errNotFound      = "FindingNotFound"
	msgNotFound      = "Finding Not Found"
	errInternal      = "InternalFailure"
	msgInternal      = "Internal service failure"
	errInvalidUpdate = "InvalidInput"
)

// batchUpdateFindings answers BatchUpdateFindings (PATCH
// /findings/batchupdate). The request is checked against the documented
// limits (1 to 100 FindingIdentifiers; Note.Text and UpdatedBy 1 to 512
// characters; Confidence and Criticality 0 to 100; UserDefinedFields up to
// 50 pairs, keys up to 128 and values up to 1024 characters; up to 50
// Types; the enumerations) and rejected whole with InvalidInputException.
// Then each identifier is processed or listed in UnprocessedFindings:
// DuplicatedFindingIdentifier for repeats after the first,
// FindingNotFound, InternalFailure for IDs given to FailUpdates, and
// InvalidInput when merging UserDefinedFields would exceed 50 pairs.
// As documented, the update does not change the finding's UpdatedAt;
// Note.UpdatedAt is set to the server clock. UserDefinedFields are merged
// into the finding's; Types and RelatedFindings are replaced; a Severity
// Label without Normalized sets Normalized (0, 1, 40, 70, 90) and a
// Normalized without Label sets the Label, as the ASFF Severity
// documentation describes.
func (s *Server) batchUpdateFindings(r *request) (any, *apiError) {
	var in batchUpdateFindingsInput
	if e := decodeBody(r, &in); e != nil {
		return nil, e
	}
	if e := validateUpdate(&in); e != nil {
		return nil, e
	}
	out := batchUpdateFindingsOutput{ProcessedFindings: []identifierOut{}, UnprocessedFindings: []unprocessedFinding{}}
	seen := map[asffKey]bool{}
	now := formatTimestamp(s.now())
	for _, fi := range in.FindingIdentifiers {
		key := asffKey{productARN: *fi.ProductArn, id: *fi.ID}
		ident := identifierOut{ID: key.id, ProductArn: key.productARN}
		fail := func(code, msg string) {
			out.UnprocessedFindings = append(out.UnprocessedFindings, unprocessedFinding{FindingIdentifier: ident, ErrorCode: code, ErrorMessage: msg})
		}
		if seen[key] {
			fail(errDuplicated, msgDuplicated)
			continue
		}
		seen[key] = true
		rec, ok := s.state.asff[key]
		switch {
		case s.state.fail[key.id]:
			fail(errInternal, msgInternal)
			continue
		case !ok:
			fail(errNotFound, msgNotFound)
			continue
		}
		doc := deepCopy(rec.doc).(map[string]any)
		if msg := applyUpdate(doc, &in, now); msg != "" {
			fail(errInvalidUpdate, msg)
			continue
		}
		updated := &asffRecord{seq: rec.seq, doc: doc}
		if err := updated.refresh(); err != nil {
			fail(errInternal, msgInternal)
			continue
		}
		s.state.asff[key] = updated
		s.state.changed()
		out.ProcessedFindings = append(out.ProcessedFindings, ident)
	}
	return out, nil
}

// validateUpdate checks a BatchUpdateFindings request as a whole.
func validateUpdate(in *batchUpdateFindingsInput) *apiError {
	const op = "BatchUpdateFindings"
	if in.FindingIdentifiers == nil {
		return invalidInput("%s: FindingIdentifiers is required", op)
	}
	if n := len(in.FindingIdentifiers); n < 1 || n > 100 {
		return invalidInput("%s: FindingIdentifiers can be used to update 1 to 100 findings at a time, got %d", op, n)
	}
	for i, fi := range in.FindingIdentifiers {
		if fi.ID == nil || *fi.ID == "" {
			return invalidInput("%s: FindingIdentifiers[%d].Id is required", op, i)
		}
		if fi.ProductArn == nil || *fi.ProductArn == "" {
			return invalidInput("%s: FindingIdentifiers[%d].ProductArn is required", op, i)
		}
	}
	for i, fi := range in.RelatedFindings {
		if fi.ID == nil || *fi.ID == "" || fi.ProductArn == nil || *fi.ProductArn == "" {
			return invalidInput("%s: RelatedFindings[%d]: Id and ProductArn are required", op, i)
		}
	}
	if in.Note != nil {
		for _, m := range []struct {
			name string
			v    *string
		}{{"Note.Text", in.Note.Text}, {"Note.UpdatedBy", in.Note.UpdatedBy}} {
			if m.v == nil {
				return invalidInput("%s: %s is required", op, m.name)
			}
			if n := utf8.RuneCountInString(*m.v); n < 1 || n > 512 {
				return invalidInput("%s: %s must be 1 to 512 characters, got %d", op, m.name, n)
			}
		}
	}
	for _, m := range []struct {
		name string
		v    *number
	}{{"Confidence", in.Confidence}, {"Criticality", in.Criticality}} {
		if m.v != nil {
			if _, err := intIn(json.Number(*m.v), 0, 100); err != nil {
				return invalidInput("%s: %s %v", op, m.name, err)
			}
		}
	}
	if sev := in.Severity; sev != nil {
		if sev.Label == nil && sev.Normalized == nil && sev.Product == nil {
			return invalidInput("%s: Severity needs Label, Normalized or Product", op)
		}
		if sev.Label != nil && !slices.Contains(severityLabels(), *sev.Label) {
			return invalidInput("%s: Severity.Label must be one of %v, got %q", op, severityLabels(), *sev.Label)
		}
		if sev.Normalized != nil {
			if _, err := intIn(json.Number(*sev.Normalized), 0, 100); err != nil {
				return invalidInput("%s: Severity.Normalized %v", op, err)
			}
		}
		if sev.Product != nil {
			if _, err := json.Number(*sev.Product).Float64(); err != nil {
				return invalidInput("%s: Severity.Product must be a number, got %s", op, *sev.Product)
			}
		}
	}
	if len(in.Types) > 50 {
		return invalidInput("%s: Types can have up to 50 types, got %d", op, len(in.Types))
	}
	if in.UserDefinedFields != nil {
		if len(in.UserDefinedFields) > 50 {
			return invalidInput("%s: UserDefinedFields can contain up to 50 key-value pairs, got %d", op, len(in.UserDefinedFields))
		}
		for _, k := range sortedKeys(in.UserDefinedFields) {
			if fe := checkMapEntry("UserDefinedFields", k, in.UserDefinedFields[k], 128, 1024); fe != nil {
				return invalidInput("%s: %v", op, fe)
			}
		}
	}
	if v := in.VerificationState; v != nil && !slices.Contains(verificationStates(), *v) {
		return invalidInput("%s: VerificationState must be one of %v, got %q", op, verificationStates(), *v)
	}
	if w := in.Workflow; w != nil {
		if w.Status == nil {
			return invalidInput("%s: Workflow.Status is required", op)
		}
		if !slices.Contains(workflowStatuses(), *w.Status) {
			return invalidInput("%s: Workflow.Status must be one of %v, got %q", op, workflowStatuses(), *w.Status)
		}
	}
	if in.Confidence == nil && in.Criticality == nil && in.Note == nil && in.RelatedFindings == nil &&
		in.Severity == nil && in.Types == nil && in.UserDefinedFields == nil && in.VerificationState == nil && in.Workflow == nil {
		return invalidInput("%s: nothing to update: give Confidence, Criticality, Note, RelatedFindings, Severity, Types, UserDefinedFields, VerificationState or Workflow", op)
	}
	return nil
}

// applyUpdate applies a validated update to a copy of a finding; it
// returns a message when this finding cannot take it.
func applyUpdate(doc map[string]any, in *batchUpdateFindingsInput, now string) string {
	if in.UserDefinedFields != nil {
		udf := object(doc, "UserDefinedFields")
		for k, v := range in.UserDefinedFields {
			udf[k] = v
		}
		if len(udf) > 50 {
			return "Invalid Input: UserDefinedFields would hold more than 50 key-value pairs"
		}
	}
	if in.Note != nil {
		doc["Note"] = map[string]any{"Text": *in.Note.Text, "UpdatedBy": *in.Note.UpdatedBy, "UpdatedAt": now}
	}
	if in.Workflow != nil {
		object(doc, "Workflow")["Status"] = *in.Workflow.Status
	}
	if in.Confidence != nil {
		doc["Confidence"] = json.Number(*in.Confidence)
	}
	if in.Criticality != nil {
		doc["Criticality"] = json.Number(*in.Criticality)
	}
	if in.VerificationState != nil {
		doc["VerificationState"] = *in.VerificationState
	}
	if in.Types != nil {
		types := make([]any, len(in.Types))
		for i, t := range in.Types {
			types[i] = t
		}
		doc["Types"] = types
	}
	if in.RelatedFindings != nil {
		related := make([]any, len(in.RelatedFindings))
		for i, fi := range in.RelatedFindings {
			related[i] = map[string]any{"Id": *fi.ID, "ProductArn": *fi.ProductArn}
		}
		doc["RelatedFindings"] = related
	}
	if sev := in.Severity; sev != nil {
		m := object(doc, "Severity")
		if sev.Product != nil {
			m["Product"] = json.Number(*sev.Product)
		}
		switch {
		case sev.Label != nil && sev.Normalized != nil:
			m["Label"], m["Normalized"] = *sev.Label, json.Number(*sev.Normalized)
		case sev.Label != nil:
			m["Label"], m["Normalized"] = *sev.Label, json.Number(normalizedFor(*sev.Label))
		case sev.Normalized != nil:
			n, _ := json.Number(*sev.Normalized).Int64()
			m["Normalized"], m["Label"] = json.Number(*sev.Normalized), labelFor(n)
		}
	}
	return ""
}

// normalizedFor is the Normalized score Security Hub sets for a Label.
func normalizedFor(label string) string {
	switch label {
	case "LOW":
		return "1"
	case "MEDIUM":
		return "40"
	case "HIGH":
		return "70"
	case "CRITICAL":
		return "90"
	}
	return "0"
}

// labelFor is the Label Security Hub sets for a Normalized score: 0
// INFORMATIONAL, 1–39 LOW, 40–69 MEDIUM, 70–89 HIGH, 90–100 CRITICAL.
func labelFor(n int64) string {
	switch {
	case n >= 90:
		return "CRITICAL"
	case n >= 70:
		return "HIGH"
	case n >= 40:
		return "MEDIUM"
	case n >= 1:
		return "LOW"
	}
	return "INFORMATIONAL"
}

// FailUpdates makes BatchUpdateFindings and BatchUpdateFindingsV2 fail for
// the given finding IDs until the next call: an ASFF Id, or an OCSF
// metadata.uid or finding_info.uid. They come back in UnprocessedFindings
// with ErrorCode "InternalFailure" ("Internal service failure"; V2:
// "InternalServerException"), the transient failure an updater must retry.
// FailUpdates() with no IDs clears the set. Safe for concurrent use.
func (s *Server) FailUpdates(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.fail = make(map[string]bool, len(ids))
	for _, id := range ids {
		s.state.fail[id] = true
	}
}
