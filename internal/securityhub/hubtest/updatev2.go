package hubtest

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// ocsfIdentifier is an OcsfFindingIdentifier.
type ocsfIdentifier struct {
	CloudAccountUID    *string `json:"CloudAccountUid"`
	FindingInfoUID     *string `json:"FindingInfoUid"`
	MetadataProductUID *string `json:"MetadataProductUid"`
}

type ocsfIdentifierOut struct {
	CloudAccountUID    string `json:"CloudAccountUid"`
	FindingInfoUID     string `json:"FindingInfoUid"`
	MetadataProductUID string `json:"MetadataProductUid"`
}

type batchUpdateFindingsV2Input struct {
	Comment            *string          `json:"Comment"`
	FindingIdentifiers []ocsfIdentifier `json:"FindingIdentifiers"`
	MetadataUids       []string         `json:"MetadataUids"`
	SeverityID         *number          `json:"SeverityId"`
	StatusID           *number          `json:"StatusId"`
}

type processedV2 struct {
	FindingIdentifier *ocsfIdentifierOut `json:"FindingIdentifier,omitempty"`
	MetadataUID       string             `json:"MetadataUid,omitempty"`
}

type unprocessedV2 struct {
	FindingIdentifier *ocsfIdentifierOut `json:"FindingIdentifier,omitempty"`
	MetadataUID       string             `json:"MetadataUid,omitempty"`
	ErrorCode         string             `json:"ErrorCode"`
	ErrorMessage      string             `json:"ErrorMessage"`
}

type batchUpdateFindingsV2Output struct {
	ProcessedFindings   []processedV2   `json:"ProcessedFindings"`
	UnprocessedFindings []unprocessedV2 `json:"UnprocessedFindings"`
}

// statusCaption is the OCSF caption of a status_id the API accepts
// ("[0, 1, 2, 3, 4, 5, 99]").
func statusCaption(id int64) (string, bool) {
	switch id {
	case 0:
		return "Unknown", true
	case 1:
		return "New", true
	case 2:
		return "In Progress", true
	case 3:
		return "Suppressed", true
	case 4:
		return "Resolved", true
	case 5:
		return "Archived", true
	case 99:
		return "Other", true
	}
	return "", false
}

// severityCaption is the OCSF caption of a severity_id the API accepts
// ("[0, 1, 2, 3, 4, 5, 6, 99]").
func severityCaption(id int64) (string, bool) {
	switch id {
	case 0:
		return "Unknown", true
	case 1:
		return "Informational", true
	case 2:
		return "Low", true
	case 3:
		return "Medium", true
	case 4:
		return "High", true
	case 5:
		return "Critical", true
	case 6:
		return "Fatal", true
	case 99:
		return "Other", true
	}
	return "", false
}

// batchUpdateFindingsV2 answers BatchUpdateFindingsV2 (PATCH
// /findingsv2/batchupdatev2): MetadataUids or FindingIdentifiers ("Customers
// cannot use MetadataUids together with FindingIdentifiers"; 1 to 100, a
// limit the reference does not state), and at least one of Comment (1 to
// 512 characters), StatusId and SeverityId (the documented enumerations).
// The string siblings status and severity are updated with the ids;
// comment is set; times are not changed. Unknown findings come back with
// ResourceNotFoundException, IDs given to FailUpdates with
// InternalServerException.
func (s *Server) batchUpdateFindingsV2(r *request) (any, *apiError) {
	var in batchUpdateFindingsV2Input
	if e := decodeBody(r, &in); e != nil {
		return nil, e
	}
	set, e := validateUpdateV2(&in)
	if e != nil {
		return nil, e
	}
	out := batchUpdateFindingsV2Output{ProcessedFindings: []processedV2{}, UnprocessedFindings: []unprocessedV2{}}
	update := func(recs []*ocsfRecord, processed processedV2) {
		fail := func(code, msg string) {
			out.UnprocessedFindings = append(out.UnprocessedFindings, unprocessedV2{
				FindingIdentifier: processed.FindingIdentifier, MetadataUID: processed.MetadataUID,
				ErrorCode: code, ErrorMessage: msg,
			})
		}
		if len(recs) == 0 {
			fail(codeNotFound, "Finding not found")
			return
		}
		for _, rec := range recs {
			if s.state.fail[stringField(rec.doc, "metadata", "uid")] || s.state.fail[stringField(rec.doc, "finding_info", "uid")] {
				fail("InternalServerException", "Internal service failure")
				return
			}
		}
		for _, rec := range recs {
			doc := deepCopy(rec.doc).(map[string]any)
			set(doc)
			updated := &ocsfRecord{seq: rec.seq, doc: doc}
			if err := updated.refresh(); err != nil {
				fail("InternalServerException", "Internal service failure")
				return
			}
			s.state.ocsf[stringField(doc, "metadata", "uid")] = updated
			s.state.changed()
		}
		out.ProcessedFindings = append(out.ProcessedFindings, processed)
	}
	for _, uid := range in.MetadataUids {
		var recs []*ocsfRecord
		if rec, ok := s.state.ocsf[uid]; ok {
			recs = append(recs, rec)
		}
		update(recs, processedV2{MetadataUID: uid})
	}
	for _, fi := range in.FindingIdentifiers {
		ident := &ocsfIdentifierOut{CloudAccountUID: *fi.CloudAccountUID, FindingInfoUID: *fi.FindingInfoUID, MetadataProductUID: *fi.MetadataProductUID}
		var recs []*ocsfRecord
		for _, rec := range s.state.sortedOCSF() {
			if stringField(rec.doc, "cloud", "account", "uid") == ident.CloudAccountUID &&
				stringField(rec.doc, "finding_info", "uid") == ident.FindingInfoUID &&
				stringField(rec.doc, "metadata", "product", "uid") == ident.MetadataProductUID {
				recs = append(recs, rec)
			}
		}
		update(recs, processedV2{FindingIdentifier: ident})
	}
	return out, nil
}

// validateUpdateV2 checks a BatchUpdateFindingsV2 request and returns the
// change it makes to a finding.
func validateUpdateV2(in *batchUpdateFindingsV2Input) (func(map[string]any), *apiError) {
	const op = "BatchUpdateFindingsV2"
	switch {
	case len(in.MetadataUids) > 0 && len(in.FindingIdentifiers) > 0:
		return nil, validation("%s: MetadataUids cannot be used together with FindingIdentifiers", op)
	case len(in.MetadataUids) == 0 && len(in.FindingIdentifiers) == 0:
		return nil, validation("%s: give MetadataUids or FindingIdentifiers", op)
	case len(in.MetadataUids) > 100:
		return nil, validation("%s: MetadataUids can name up to 100 findings, got %d", op, len(in.MetadataUids))
	case len(in.FindingIdentifiers) > 100:
		return nil, validation("%s: FindingIdentifiers can name up to 100 findings, got %d", op, len(in.FindingIdentifiers))
	}
	for i, uid := range in.MetadataUids {
		if uid == "" {
			return nil, validation("%s: MetadataUids[%d] is empty", op, i)
		}
	}
	for i, fi := range in.FindingIdentifiers {
		for _, m := range []struct {
			name string
			v    *string
		}{{"CloudAccountUid", fi.CloudAccountUID}, {"FindingInfoUid", fi.FindingInfoUID}, {"MetadataProductUid", fi.MetadataProductUID}} {
			if m.v == nil || *m.v == "" {
				return nil, validation("%s: FindingIdentifiers[%d].%s is required", op, i, m.name)
			}
		}
	}
	if in.Comment == nil && in.StatusID == nil && in.SeverityID == nil {
		return nil, validation("%s: nothing to update: give Comment, StatusId or SeverityId", op)
	}
	var sets []func(map[string]any)
	if c := in.Comment; c != nil {
		if n := utf8.RuneCountInString(*c); n < 1 || n > 512 {
			return nil, validation("%s: Comment must be 1 to 512 characters, got %d", op, n)
		}
		comment := *c
		sets = append(sets, func(doc map[string]any) { doc["comment"] = comment })
	}
	for _, m := range []struct {
		name, idKey, key string
		v                *number
		caption          func(int64) (string, bool)
		allowed          string
	}{
		{"StatusId", "status_id", "status", in.StatusID, statusCaption, "[0, 1, 2, 3, 4, 5, 99]"},
		{"SeverityId", "severity_id", "severity", in.SeverityID, severityCaption, "[0, 1, 2, 3, 4, 5, 6, 99]"},
	} {
		if m.v == nil {
			continue
		}
		num := json.Number(*m.v)
		id, err := num.Int64()
		caption, ok := m.caption(id)
		if err != nil || !ok {
			return nil, validation("%s: %s must be one of %s, got %s", op, m.name, m.allowed, num)
		}
		idKey, key := m.idKey, m.key
		sets = append(sets, func(doc map[string]any) {
			doc[idKey] = json.Number(strconv.FormatInt(id, 10))
			doc[key] = caption
		})
	}
	return func(doc map[string]any) {
		for _, set := range sets {
			set(doc)
		}
	}, nil
}
