package hubtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"
)

// maxFindingSize is the largest finding Security Hub accepts: "The maximum
// allowed size for a finding is 240 Kb" (BatchImportFindings).
const maxFindingSize = 240 << 10

// fieldError is a problem with one member of a finding or request.
type fieldError struct {
	field string
	msg   string
}

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

func fieldErrorf(field, format string, args ...any) *fieldError {
	return &fieldError{field: field, msg: fmt.Sprintf(format, args...)}
}

// The documented values of ASFF enumerations (aws-sdk-go-v2 types/enums.go),
// lowest severity first.
func severityLabels() []string {
	return []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
}
func workflowStatuses() []string { return []string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"} }
func recordStates() []string     { return []string{"ACTIVE", "ARCHIVED"} }
func verificationStates() []string {
	return []string{"UNKNOWN", "TRUE_POSITIVE", "FALSE_POSITIVE", "BENIGN_POSITIVE"}
}
func complianceStatuses() []string { return []string{"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"} }

// validateASFF checks a finding the way BatchImportFindings does for the
// members this server relies on: the members the API model marks required
// (SchemaVersion, Id, ProductArn, GeneratorId, AwsAccountId, CreatedAt,
// UpdatedAt, Title, Description, Resources with Id and Type), their
// documented lengths, the documented enumerations, timestamps, map limits,
// and the 240 KB size. The first problem found is returned.
func validateASFF(doc map[string]any, size int) *fieldError {
	if size > maxFindingSize {
		return fieldErrorf("(finding)", "the finding is %d bytes; the maximum is 240 KB (%d bytes)", size, maxFindingSize)
	}
	str := func(name string, minLen, maxLen int) *fieldError {
		v, ok := doc[name]
		if !ok || v == nil {
			return fieldErrorf(name, "is required")
		}
		s, ok := v.(string)
		if !ok {
			return fieldErrorf(name, "must be a string, got a JSON %s", kindOf(v))
		}
		if n := utf8.RuneCountInString(s); n < minLen || (maxLen > 0 && n > maxLen) {
			if minLen == maxLen {
				return fieldErrorf(name, "must be %d characters, got %d", minLen, n)
			}
			return fieldErrorf(name, "must be %d to %d characters, got %d", minLen, maxLen, n)
		}
		return nil
	}
	checks := []func() *fieldError{
		func() *fieldError { return str("SchemaVersion", 1, 0) },
		func() *fieldError {
			if s := doc["SchemaVersion"].(string); s != "2018-10-08" {
				return fieldErrorf("SchemaVersion", "must be \"2018-10-08\", got %q", s)
			}
			return nil
		},
		func() *fieldError { return str("Id", 1, 512) },
		func() *fieldError { return str("ProductArn", 12, 2048) },
		func() *fieldError { return str("GeneratorId", 1, 512) },
		func() *fieldError { return str("AwsAccountId", 12, 12) },
		func() *fieldError { return timestampField(doc, "CreatedAt", true) },
		func() *fieldError { return timestampField(doc, "UpdatedAt", true) },
		func() *fieldError { return timestampField(doc, "FirstObservedAt", false) },
		func() *fieldError { return timestampField(doc, "LastObservedAt", false) },
		func() *fieldError { return str("Title", 1, 256) },
		func() *fieldError { return str("Description", 1, 1024) },
		func() *fieldError { return validateResources(doc["Resources"]) },
		func() *fieldError { return validateSeverity(doc["Severity"]) },
		func() *fieldError { return enumField(doc, "Workflow.Status", workflowStatuses(), "Workflow", "Status") },
		func() *fieldError { return enumField(doc, "RecordState", recordStates(), "RecordState") },
		func() *fieldError {
			return enumField(doc, "VerificationState", verificationStates(), "VerificationState")
		},
		func() *fieldError {
			return enumField(doc, "Compliance.Status", complianceStatuses(), "Compliance", "Status")
		},
		func() *fieldError { return validateNote(doc["Note"]) },
		func() *fieldError { return validateStringMap("ProductFields", doc["ProductFields"], 50, 128, 2048) },
		func() *fieldError {
			return validateStringMap("UserDefinedFields", doc["UserDefinedFields"], 50, 128, 1024)
		},
		func() *fieldError { return validateTypes(doc["Types"]) },
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func timestampField(doc map[string]any, name string, required bool) *fieldError {
	v, ok := doc[name]
	if !ok || v == nil {
		if required {
			return fieldErrorf(name, "is required")
		}
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return fieldErrorf(name, "must be a timestamp string, got a JSON %s", kindOf(v))
	}
	if _, err := parseTimestamp(s); err != nil {
		return fieldErrorf(name, "%v", err)
	}
	return nil
}

func enumField(doc map[string]any, name string, allowed []string, path ...string) *fieldError {
	v := field(doc, path...)
	if v == nil {
		return nil
	}
	s, ok := v.(string)
	if !ok || !slices.Contains(allowed, s) {
		return fieldErrorf(name, "must be one of %v, got %s", allowed, describe(v))
	}
	return nil
}

// describe renders a decoded JSON value for a message.
func describe(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	b, err := json.Marshal(v)
	if err != nil || len(b) > 64 {
		return "a JSON " + kindOf(v)
	}
	return string(b)
}

func validateResources(v any) *fieldError {
	if v == nil {
		return fieldErrorf("Resources", "is required")
	}
	list, ok := v.([]any)
	if !ok {
		return fieldErrorf("Resources", "must be an array, got a JSON %s", kindOf(v))
	}
	if len(list) < 1 || len(list) > 32 {
		return fieldErrorf("Resources", "must have 1 to 32 resources, got %d", len(list))
	}
	for i, el := range list {
		res, ok := el.(map[string]any)
		if !ok {
			return fieldErrorf(fmt.Sprintf("Resources[%d]", i), "must be an object, got a JSON %s", kindOf(el))
		}
		for _, name := range []string{"Id", "Type"} {
			s, ok := res[name].(string)
			if !ok || s == "" {
				return fieldErrorf(fmt.Sprintf("Resources[%d].%s", i, name), "is required (a non-empty string)")
			}
			if name == "Type" && utf8.RuneCountInString(s) > 256 {
				return fieldErrorf(fmt.Sprintf("Resources[%d].Type", i), "must be at most 256 characters")
			}
		}
	}
	return nil
}

func validateSeverity(v any) *fieldError {
	if v == nil {
		return nil
	}
	sev, ok := v.(map[string]any)
	if !ok {
		return fieldErrorf("Severity", "must be an object, got a JSON %s", kindOf(v))
	}
	if label, ok := sev["Label"]; ok && label != nil {
		if s, ok := label.(string); !ok || !slices.Contains(severityLabels(), s) {
			return fieldErrorf("Severity.Label", "must be one of %v, got %s", severityLabels(), describe(label))
		}
	}
	if n, ok := sev["Normalized"]; ok && n != nil {
		if _, err := intIn(n, 0, 100); err != nil {
			return fieldErrorf("Severity.Normalized", "%v", err)
		}
	}
	return nil
}

// intIn reads an integer in [lo, hi] from a decoded JSON number.
func intIn(v any, lo, hi int64) (int64, error) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("must be an integer from %d to %d, got a JSON %s", lo, hi, kindOf(v))
	}
	n, err := num.Int64()
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("must be an integer from %d to %d, got %s", lo, hi, num)
	}
	return n, nil
}

func validateNote(v any) *fieldError {
	if v == nil {
		return nil
	}
	note, ok := v.(map[string]any)
	if !ok {
		return fieldErrorf("Note", "must be an object, got a JSON %s", kindOf(v))
	}
	text, ok := note["Text"].(string)
	if !ok || text == "" || utf8.RuneCountInString(text) > 512 {
		return fieldErrorf("Note.Text", "is required, 1 to 512 characters")
	}
	if by, ok := note["UpdatedBy"].(string); !ok || by == "" {
		return fieldErrorf("Note.UpdatedBy", "is required (a non-empty string)")
	}
	return timestampField(note, "UpdatedAt", true)
}

// validateStringMap checks a map of strings against its documented limits.
func validateStringMap(name string, v any, maxEntries, maxKey, maxValue int) *fieldError {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fieldErrorf(name, "must be an object of strings, got a JSON %s", kindOf(v))
	}
	if len(m) > maxEntries {
		return fieldErrorf(name, "can contain up to %d key-value pairs, got %d", maxEntries, len(m))
	}
	for _, k := range sortedKeys(m) {
		s, ok := m[k].(string)
		if !ok {
			return fieldErrorf(name+"["+fmt.Sprintf("%q", k)+"]", "must be a string, got a JSON %s", kindOf(m[k]))
		}
		if err := checkMapEntry(name, k, s, maxKey, maxValue); err != nil {
			return err
		}
	}
	return nil
}

// checkMapEntry checks one key-value pair of a string map.
func checkMapEntry(name, k, v string, maxKey, maxValue int) *fieldError {
	if n := utf8.RuneCountInString(k); n == 0 || n > maxKey {
		return fieldErrorf(name, "key %q must be 1 to %d characters", truncate(k, 40), maxKey)
	}
	if n := utf8.RuneCountInString(v); n > maxValue {
		return fieldErrorf(name+"["+fmt.Sprintf("%q", k)+"]", "the value can contain up to %d characters, got %d", maxValue, n)
	}
	return nil
}

func validateTypes(v any) *fieldError {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return fieldErrorf("Types", "must be an array of strings, got a JSON %s", kindOf(v))
	}
	if len(list) > 50 {
		return fieldErrorf("Types", "can have up to 50 types, got %d", len(list))
	}
	for i, el := range list {
		if _, ok := el.(string); !ok {
			return fieldErrorf(fmt.Sprintf("Types[%d]", i), "must be a string, got a JSON %s", kindOf(el))
		}
	}
	return nil
}

// truncate shortens s to n runes for a message.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
