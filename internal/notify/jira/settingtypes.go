package jira

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hubrelay/hubrelay/internal/render"
)

// NameOrID is a setting that names a Jira object either by its name (Bug)
// or by its numeric ID (10001). In the file it is a string or a number.
type NameOrID string

// UnmarshalJSON accepts a string or a whole number.
func (n *NameOrID) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		*n = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*n = NameOrID(s)
		return nil
	}
	var num json.Number
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&num); err != nil {
		return errors.New("want a name or a numeric ID")
	}
	return n.setNumber(num.String())
}

// UnmarshalYAML accepts the same values from YAML; the config file's decoder
// calls it.
func (n *NameOrID) UnmarshalYAML(unmarshal func(any) error) error {
	var raw any
	if err := unmarshal(&raw); err != nil {
		return err
	}
	switch v := raw.(type) {
	case nil:
		*n = ""
		return nil
	case string:
		*n = NameOrID(v)
		return nil
	case int, int64, uint64, int32, uint32, uint, float64:
		return n.setNumber(fmt.Sprint(v))
	}
	return fmt.Errorf("want a name or a numeric ID, got %T", raw)
}

func (n *NameOrID) setNumber(s string) error {
	if _, err := strconv.ParseUint(s, 10, 64); err != nil {
		return fmt.Errorf("%s is not a numeric ID", s)
	}
	*n = NameOrID(s)
	return nil
}

// ref is the JSON object Jira takes for the object: {"id": "10001"} for a
// numeric ID, {"name": "Bug"} otherwise.
func (n NameOrID) ref() map[string]string {
	s := strings.TrimSpace(string(n))
	if _, err := strconv.ParseUint(s, 10, 64); err == nil {
		return map[string]string{"id": s}
	}
	return map[string]string{"name": s}
}

// Priority is the priority setting: one priority name for every issue
// (priority: High), or a map from severity label to priority name
// (priority: {CRITICAL: Highest, HIGH: High}). Severities the map does not
// name, and the zero Priority, leave the priority to the project's default.
type Priority struct {
	// Name is the one priority of every issue.
	Name string
	// BySeverity maps severity labels (CRITICAL, HIGH, MEDIUM, LOW,
	// INFORMATIONAL; any case) to priority names.
	BySeverity map[string]string
}

// UnmarshalJSON accepts a string or an object of strings.
func (p *Priority) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*p = Priority{}
		return nil
	case len(data) > 0 && data[0] == '{':
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			return errors.New("want a priority name, or a map from severity label to priority name")
		}
		*p = Priority{BySeverity: m}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return errors.New("want a priority name, or a map from severity label to priority name")
	}
	*p = Priority{Name: s}
	return nil
}

// UnmarshalYAML accepts the same values from YAML; the config file's decoder
// calls it.
func (p *Priority) UnmarshalYAML(unmarshal func(any) error) error {
	var raw any
	if err := unmarshal(&raw); err != nil {
		return err
	}
	switch v := raw.(type) {
	case nil:
		*p = Priority{}
		return nil
	case string:
		*p = Priority{Name: v}
		return nil
	case map[string]any:
		m := make(map[string]string, len(v))
		for k, x := range v {
			s, ok := x.(string)
			if !ok {
				return fmt.Errorf("%s: want a priority name, got %T", k, x)
			}
			m[k] = s
		}
		*p = Priority{BySeverity: m}
		return nil
	}
	return fmt.Errorf("want a priority name, or a map from severity label to priority name, got %T", raw)
}

func (p Priority) validate() error {
	if p.Name != "" && len(p.BySeverity) > 0 {
		return errors.New("priority: is both a name and a map; set one")
	}
	if p.Name != "" || p.BySeverity == nil {
		return validateName("priority", p.Name, false)
	}
	labels := make([]string, 0, len(p.BySeverity))
	for label := range p.BySeverity {
		labels = append(labels, label)
	}
	sort.Strings(labels)
	seen := map[string]string{}
	for _, label := range labels {
		upper := strings.ToUpper(label)
		if other, dup := seen[upper]; dup {
			return fmt.Errorf("priority.%s: repeats priority.%s", label, other)
		}
		seen[upper] = label
		if !isSeverityLabel(upper) {
			return fmt.Errorf("priority.%s: not a severity label; use CRITICAL, HIGH, MEDIUM, LOW or INFORMATIONAL", label)
		}
		if err := validateName("priority."+label, p.BySeverity[label], true); err != nil {
			return err
		}
	}
	return nil
}

func isSeverityLabel(label string) bool {
	for _, l := range render.SeverityLabels() {
		if l == label {
			return true
		}
	}
	return false
}

// forSeverity returns the priority name of an issue about a finding of the
// given severity label, "" for the project's default.
func (p Priority) forSeverity(label string) string {
	if p.Name != "" {
		return strings.TrimSpace(p.Name)
	}
	for k, name := range p.BySeverity {
		if strings.EqualFold(k, label) {
			return strings.TrimSpace(name)
		}
	}
	return ""
}
