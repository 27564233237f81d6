// Package iam holds the IAM policy documents of deploy/iam; its test checks
// that each is a well-formed policy.
package iam

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type policy struct {
	Version   string
	Statement []struct {
		Sid       string
		Effect    string
		Action    any
		Resource  any
		Condition map[string]map[string]any
	}
}

func TestPoliciesAreWellFormed(t *testing.T) {
	paths, err := filepath.Glob("*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no policies: %v", err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(strings.NewReader(string(b)))
			dec.DisallowUnknownFields()
			var pol policy
			if err := dec.Decode(&pol); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if pol.Version != "2012-10-17" || len(pol.Statement) == 0 {
				t.Fatalf("%s: version %q, %d statements", p, pol.Version, len(pol.Statement))
			}
			for i, s := range pol.Statement {
				if s.Effect != "Allow" && s.Effect != "Deny" {
					t.Errorf("%s: statement %d: effect %q", p, i, s.Effect)
				}
				for _, a := range strings.Fields(strings.Trim(strings.NewReplacer(",", " ", "\"", " ").Replace(toJSON(s.Action)), "[]")) {
					if !strings.Contains(a, ":") || strings.Contains(a, "*") {
						t.Errorf("%s: statement %d: action %q is not one named action", p, i, a)
					}
				}
				if s.Resource == nil || s.Sid == "" {
					t.Errorf("%s: statement %d: no resource or no Sid", p, i)
				}
			}
			if !strings.Contains(string(readme), "`"+p+"`") {
				t.Errorf("%s is not described in README.md", p)
			}
		})
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
