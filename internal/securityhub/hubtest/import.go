package hubtest

import (
	"encoding/json"
	"fmt"
)

// batchImportFindingsInput is the BatchImportFindings request body.
type batchImportFindingsInput struct {
	Findings []json.RawMessage `json:"Findings"`
}

// importFindingsError is one element of FailedFindings.
type importFindingsError struct {
	ID           string `json:"Id"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

type batchImportFindingsOutput struct {
	FailedCount    int                   `json:"FailedCount"`
	SuccessCount   int                   `json:"SuccessCount"`
	FailedFindings []importFindingsError `json:"FailedFindings"`
}

// batchImportFindings answers BatchImportFindings (POST /findings/import):
// 1 to 100 findings ("Maximum of 100 findings per request"); each valid
// finding is stored as AddFindings stores it, each invalid one is listed in
// FailedFindings with ErrorCode "InvalidInput" (or "FindingSizeExceeded"
// above 240 KB) and a message naming the member.
func (s *Server) batchImportFindings(r *request) (any, *apiError) {
	const op = "BatchImportFindings"
	var in batchImportFindingsInput
	if e := decodeBody(r, &in); e != nil {
		return nil, e
	}
	if in.Findings == nil {
		return nil, invalidInput("%s: Findings is required", op)
	}
	if len(in.Findings) < 1 || len(in.Findings) > 100 {
		return nil, invalidInput("%s: Findings must hold 1 to 100 findings, got %d", op, len(in.Findings))
	}
	out := batchImportFindingsOutput{FailedFindings: []importFindingsError{}}
	for i, raw := range in.Findings {
		rec, err := prepareASFF(raw)
		if err == nil {
			err = s.storeASFF(rec)
		}
		if err == nil {
			out.SuccessCount++
			continue
		}
		out.FailedCount++
		id, _ := idOf(raw)
		code := "InvalidInput"
		if fe, ok := err.(*fieldError); ok && fe.field == "(finding)" {
			code = "FindingSizeExceeded"
		}
		out.FailedFindings = append(out.FailedFindings, importFindingsError{
			ID:           id,
			ErrorCode:    code,
			ErrorMessage: fmt.Sprintf("Findings[%d]: %v", i, err),
		})
	}
	return out, nil
}

// idOf returns a finding's Id member if it is a string.
func idOf(raw []byte) (string, bool) {
	var v struct {
		ID any `json:"Id"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	id, ok := v.ID.(string)
	return id, ok
}
