package hubtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ocsfRecord is one stored OCSF finding.
type ocsfRecord struct {
	seq int64
	doc map[string]any // decoded with json.Number
	raw []byte         // the current finding JSON, compact
}

// AddOCSF stores OCSF findings for the V2 operations (GetFindingsV2,
// BatchUpdateFindingsV2). Each must be a JSON object with the string
// member finding_info.uid (the provider's id). metadata.uid is Security
// Hub's own id of the finding, which identifies it here: a finding that
// has one keeps it, and metadata.uid of a stored finding replaces it. A
// finding without one gets the uid the service would have given it when
// it took the finding in (see MetadataUID): every finding GetFindingsV2
// returns carries one. The call is atomic: when any finding is invalid
// none is stored and the error names the finding and the member. Safe for
// concurrent use.
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

// MetadataUID returns the metadata.uid under which AddOCSF stores an OCSF
// finding: its own, or, when it has none, one derived from the triple
// that names a finding to BatchUpdateFindingsV2 (cloud.account.uid,
// metadata.product.uid, finding_info.uid), so that adding the same
// finding again replaces it. Security Hub assigns metadata.uid when it
// takes a finding in ("a globally unique identifier associated with the
// finding", BatchUpdateFindingsV2 MetadataUids) and does not document how;
// the uids in published GetFindingsV2 results are 64 hexadecimal digits,
// and so is this one: SHA-256 of the triple. Samples copied from the
// documentation of the preview (such as the exposure finding sample) lack
// it, which is why it is derived here. The error names what is missing.
func MetadataUID(ocsf json.RawMessage) (string, error) {
	doc, err := decodeObject(ocsf)
	if err != nil {
		return "", err
	}
	return metadataUID(doc)
}

// metadataUID is MetadataUID of a decoded finding.
func metadataUID(doc map[string]any) (string, error) {
	if err := nonEmptyString(doc, "finding_info", "uid"); err != nil {
		return "", err
	}
	switch m := field(doc, "metadata").(type) {
	case nil:
	case map[string]any:
		if _, ok := m["uid"]; ok {
			if err := nonEmptyString(doc, "metadata", "uid"); err != nil {
				return "", err
			}
			return stringField(doc, "metadata", "uid"), nil
		}
	default:
		return "", fmt.Errorf("metadata must be an object, got %s", describe(m))
	}
	sum := sha256.Sum256([]byte(stringField(doc, "cloud", "account", "uid") + "\n" +
		stringField(doc, "metadata", "product", "uid") + "\n" + stringField(doc, "finding_info", "uid")))
	return hex.EncodeToString(sum[:]), nil
}

// nonEmptyString checks that the member at path is a non-empty string.
func nonEmptyString(doc map[string]any, path ...string) error {
	v := field(doc, path...)
	name := strings.Join(path, ".")
	if v == nil {
		return fmt.Errorf("%s is required", name)
	}
	if s, ok := v.(string); !ok || s == "" {
		return fmt.Errorf("%s must be a non-empty string, got %s", name, describe(v))
	}
	return nil
}

func prepareOCSF(raw []byte) (*ocsfRecord, error) {
	doc, err := decodeObject(raw)
	if err != nil {
		return nil, err
	}
	if len(raw) > maxFindingSize {
		return nil, fmt.Errorf("the finding is %d bytes; the maximum is 240 KB", len(raw))
	}
	uid, err := metadataUID(doc)
	if err != nil {
		return nil, err
	}
	meta, _ := doc["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		doc["metadata"] = meta
	}
	meta["uid"] = uid
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
