package backlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// CustomValue is the value of one custom field: a text, a number, or a
// list of them (the item IDs of a multiple-choice list field). In the
// request each element becomes one customField_{id} parameter, which is how
// Backlog takes several items of a list field.
type CustomValue []string

// UnmarshalJSON accepts a string, a number or an array of strings and
// numbers.
func (v *CustomValue) UnmarshalJSON(data []byte) error {
	data = bytes.Trim(data, jsonSpace)
	if len(data) > 0 && data[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(data, &items); err != nil {
			return fmt.Errorf("custom field value: %w", err)
		}
		out := make(CustomValue, 0, len(items))
		for i, item := range items {
			s, err := scalar(item)
			if err != nil {
				return fmt.Errorf("custom field value [%d]: %w", i, err)
			}
			out = append(out, s)
		}
		*v = out
		return nil
	}
	s, err := scalar(data)
	if err != nil {
		return fmt.Errorf("custom field value: %w", err)
	}
	*v = CustomValue{s}
	return nil
}

// UnmarshalYAML accepts the same values from YAML; the config file's
// decoder calls it.
func (v *CustomValue) UnmarshalYAML(unmarshal func(any) error) error {
	var raw any
	if err := unmarshal(&raw); err != nil {
		return fmt.Errorf("custom field value: %w", err)
	}
	if items, ok := raw.([]any); ok {
		out := make(CustomValue, 0, len(items))
		for i, item := range items {
			s, err := yamlScalar(item)
			if err != nil {
				return fmt.Errorf("custom field value [%d]: %w", i, err)
			}
			out = append(out, s)
		}
		*v = out
		return nil
	}
	s, err := yamlScalar(raw)
	if err != nil {
		return fmt.Errorf("custom field value: %w", err)
	}
	*v = CustomValue{s}
	return nil
}

// yamlScalar reads a decoded YAML string or number as the text Backlog
// expects.
func yamlScalar(x any) (string, error) {
	switch n := x.(type) {
	case nil:
		return "", errors.New("has no value")
	case string:
		return n, nil
	case int:
		return strconv.Itoa(n), nil
	case int64:
		return strconv.FormatInt(n, 10), nil
	case uint64:
		return strconv.FormatUint(n, 10), nil
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64), nil
	}
	return "", errors.New("want a text, a number or a list of them")
}

// jsonSpace is the white space JSON allows between tokens.
const jsonSpace = " \t\r\n"

// scalar reads a JSON string or number as the text Backlog expects.
func scalar(data []byte) (string, error) {
	if bytes.Equal(bytes.Trim(data, jsonSpace), []byte("null")) {
		return "", errors.New("has no value")
	}
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err == nil {
		if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return strconv.FormatInt(i, 10), nil
		}
		if f, err := strconv.ParseFloat(n.String(), 64); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
	}
	return "", errors.New("want a text, a number or a list of them")
}

// customFieldParams returns the form parameters of the custom fields, in
// the order of their IDs.
func customFieldParams(fields map[string]CustomValue) [][2]string {
	ids := make([]string, 0, len(fields))
	for id := range fields {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, _ := strconv.ParseInt(ids[i], 10, 64)
		b, _ := strconv.ParseInt(ids[j], 10, 64)
		return a < b
	})
	var out [][2]string
	for _, id := range ids {
		key := id
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			key = strconv.FormatInt(n, 10) // "0123" names field 123
		}
		for _, value := range fields[id] {
			out = append(out, [2]string{"customField_" + key, value})
		}
	}
	return out
}
