package pattern

import (
	"errors"
	"strings"
	"testing"
)

// TestInvalidPatterns checks that every documented invalid form is rejected
// with a *Error whose path points at the problem.
func TestInvalidPatterns(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		path    string // FormatPath of Error.Path
		msg     string // substring of Error.Msg
	}{
		{"not JSON", `{"a":`, "", "invalid JSON"},
		{"trailing data", `{"a":["x"]} {}`, "", "unexpected data"},
		{"not an object", `["a"]`, "", "must be a JSON object"},
		{"empty pattern", `{}`, "", "empty object"},
		{"empty nested object", `{"detail":{}}`, "detail", "empty object"},
		{"leaf is a string", `{"source":"aws.ec2"}`, "source", "must be an object or an array"},
		{"leaf is a number", `{"detail":{"n":5}}`, "detail.n", "must be an object or an array"},
		{"leaf is null", `{"a":null}`, "a", "must be an object or an array"},
		{"empty array", `{"source":[]}`, "source", "empty array"},
		{"nested array", `{"a":[["x"]]}`, "a[0]", "nested arrays"},
		{"unknown operator", `{"a":[{"contains":"x"}]}`, "a[0]", `unknown operator "contains"`},
		{"exactly is not supported", `{"a":[{"exactly":"x"}]}`, "a[0]", "unknown operator"},
		{"date operator is private", `{"a":[{"hubrelay-date":{"within_days":1}}]}`, "a[0]", `unknown operator "hubrelay-date"`},
		{"two operators in one object", `{"a":[{"prefix":"x","suffix":"y"}]}`, "a[0]", "exactly one key"},
		{"empty operator object", `{"a":[{}]}`, "a[0]", "empty operator object"},
		{"prefix number", `{"detail":{"findings":{"Severity":{"Label":[{"prefix":3}]}}}}`, "detail.findings.Severity.Label[0]", "prefix wants a string"},
		{"prefix unknown modifier", `{"a":[{"prefix":{"wildcard":"x"}}]}`, "a[0]", "prefix wants a string"},
		{"suffix null", `{"a":[{"suffix":null}]}`, "a[0]", "suffix wants a string"},
		{"suffix ignore-case number", `{"a":[{"suffix":{"equals-ignore-case":1}}]}`, "a[0]", "equals-ignore-case wants a string"},
		{"equals-ignore-case list", `{"a":[{"equals-ignore-case":["x"]}]}`, "a[0]", "equals-ignore-case wants a string"},
		{"wildcard consecutive stars", `{"a":[{"wildcard":"a**b"}]}`, "a[0]", "consecutive wildcard"},
		{"wildcard bad escape", `{"a":[{"wildcard":"a\\b"}]}`, "a[0]", "invalid escape"},
		{"wildcard trailing backslash", `{"a":[{"wildcard":"a\\"}]}`, "a[0]", "invalid escape"},
		{"wildcard number", `{"a":[{"wildcard":5}]}`, "a[0]", "wildcard wants a string"},
		{"anything-but mixed list", `{"a":[{"anything-but":["x",1]}]}`, "a[0]", "mixes strings and numbers"},
		{"anything-but empty list", `{"a":[{"anything-but":[]}]}`, "a[0]", "non-empty list"},
		{"anything-but bool", `{"a":[{"anything-but":true}]}`, "a[0]", "anything-but wants"},
		{"anything-but null in list", `{"a":[{"anything-but":["x",null]}]}`, "a[0]", "only strings or only numbers"},
		{"anything-but number out of range", `{"a":[{"anything-but":6e9}]}`, "a[0]", "5.0e9"},
		{"anything-but number in list out of range", `{"a":[{"anything-but":[1,6e9]}]}`, "a[0][1]", "5.0e9"},
		{"anything-but unsupported object", `{"a":[{"anything-but":{"numeric":[">",1]}}]}`, "a[0]", `does not support "numeric"`},
		{"anything-but empty prefix", `{"a":[{"anything-but":{"prefix":""}}]}`, "a[0]", "must not be empty"},
		{"anything-but empty suffix in list", `{"a":[{"anything-but":{"suffix":["x",""]}}]}`, "a[0]", "must not be empty"},
		{"anything-but prefix number", `{"a":[{"anything-but":{"prefix":1}}]}`, "a[0]", "wants a string or a list of strings"},
		{"anything-but wildcard invalid", `{"a":[{"anything-but":{"wildcard":"**"}}]}`, "a[0]", "consecutive wildcard"},
		{"anything-but two keys", `{"a":[{"anything-but":{"prefix":"a","suffix":"b"}}]}`, "a[0]", "exactly one of"},
		{"numeric not array", `{"a":[{"numeric":5}]}`, "a[0]", "numeric wants an array"},
		{"numeric empty", `{"a":[{"numeric":[]}]}`, "a[0]", "numeric wants [op, number]"},
		{"numeric three elements", `{"a":[{"numeric":[">",1,"<"]}]}`, "a[0]", "numeric wants [op, number]"},
		{"numeric bad operator", `{"a":[{"numeric":["!=",1]}]}`, "a[0]", `unknown operator "!="`},
		{"numeric string bound", `{"a":[{"numeric":[">","1"]}]}`, "a[0].numeric", "wants a number"},
		{"numeric bound out of range", `{"a":[{"numeric":[">",5.000000001e9]}]}`, "a[0].numeric", "5.0e9"},
		{"numeric too many decimals", `{"a":[{"numeric":["<",0.0000001]}]}`, "a[0].numeric", "6 digits"},
		{"numeric equals with range", `{"a":[{"numeric":["=",1,"<",5]}]}`, "a[0]", "exactly one number"},
		{"numeric upper first", `{"a":[{"numeric":["<",5,">",1]}]}`, "a[0]", "lower bound"},
		{"numeric two lower bounds", `{"a":[{"numeric":[">",1,">=",5]}]}`, "a[0]", "upper bound wants"},
		{"numeric empty range", `{"a":[{"numeric":[">=",5,"<=",5]}]}`, "a[0]", "range is empty"},
		{"numeric inverted range", `{"a":[{"numeric":[">",5,"<",1]}]}`, "a[0]", "range is empty"},
		{"cidr not a string", `{"a":[{"cidr":10}]}`, "a[0]", "cidr wants a string"},
		{"cidr without prefix length", `{"a":[{"cidr":"10.0.0.1"}]}`, "a[0]", "no /prefix-length"},
		{"cidr bad address", `{"a":[{"cidr":"10.0.0.300/24"}]}`, "a[0]", "does not parse"},
		{"cidr prefix too long", `{"a":[{"cidr":"10.0.0.0/33"}]}`, "a[0]", "does not parse"},
		{"exists string", `{"a":[{"exists":"true"}]}`, "a[0]", "exists wants true or false"},
		{"or branch invalid", `{"$or":[{"a":["x"]},{"b":[{"prefix":1}]}]}`, "$or[1].b[0]", "prefix wants a string"},
		{"or branch empty array", `{"x":{"$or":[{"a":["x"]},{"b":[]}]}}`, "x.$or[1].b", "empty array"},
		{"or with reserved name is a field", `{"$or":[{"numeric":123},{"prefix":"abc"}]}`, "$or[0]", "numeric wants an array"},
		{"or with one branch is a field", `{"$or":[{"a":["x"]}]}`, "$or[0]", `unknown operator "a"`},
		{"deep nesting", strings.Repeat(`{"a":`, 300) + `["x"]` + strings.Repeat(`}`, 300), "", "deeper than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile([]byte(tt.pattern))
			if err == nil {
				t.Fatalf("Compile(%s) = %s, want an error", tt.pattern, p)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			if got := FormatPath(pe.Path); got != tt.path {
				t.Errorf("path = %q, want %q (error: %v)", got, tt.path, err)
			}
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", pe.Msg, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "pattern: ") {
				t.Errorf("Error() = %q, want the pattern: prefix", err.Error())
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Path: []any{"detail", "findings", "Severity", "Label", 0}, Msg: "prefix wants a string, got 3"},
			"pattern: detail.findings.Severity.Label[0]: prefix wants a string, got 3"},
		{&Error{Msg: "invalid JSON"}, "pattern: invalid JSON"},
		{&Error{Path: []any{"a.b", "", 2}, Msg: "m"}, `pattern: ["a.b"][""][2]: m`},
		{&Error{Path: []any{"$or", 1, "source"}, Msg: "m"}, "pattern: $or[1].source: m"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}
