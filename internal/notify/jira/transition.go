package jira

import (
	"fmt"
	"sort"
	"strings"
)

// TransitionsAnswer is the part of Get transitions' answer the destination
// reads: the transitions the issue offers its user now.
type TransitionsAnswer struct {
	Transitions []TransitionOption `json:"transitions"`
}

// TransitionOption is one transition an issue offers.
type TransitionOption struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	To   Status `json:"to"`
}

// Status is an issue status with its category ("new", "indeterminate" or
// "done").
type Status struct {
	Name           string `json:"name"`
	StatusCategory struct {
		Key string `json:"key"`
	} `json:"statusCategory"`
}

// IssueStatusAnswer is the part of Get issue's answer (fields=status) the
// destination reads.
type IssueStatusAnswer struct {
	Fields struct {
		Status Status `json:"status"`
	} `json:"fields"`
}

// PickTransition returns the ID of the transition called name among those
// offered: first a transition whose name matches, ignoring case and
// surrounding space, then one whose target status has that name (so "Done"
// finds the transition to the Done status whatever the workflow calls it).
// It reports false when none matches. Pure.
func PickTransition(offered []TransitionOption, name string) (string, bool) {
	name = strings.TrimSpace(name)
	for _, t := range offered {
		if t.ID != "" && strings.EqualFold(strings.TrimSpace(t.Name), name) {
			return t.ID, true
		}
	}
	for _, t := range offered {
		if t.ID != "" && strings.EqualFold(strings.TrimSpace(t.To.Name), name) {
			return t.ID, true
		}
	}
	return "", false
}

// settled reports whether an issue in status s already is where the
// transition would take it: a status of the "done" category when
// resolving, of any other category when reopening.
func settled(s Status, resolve bool) bool {
	done := strings.EqualFold(s.StatusCategory.Key, "done")
	if s.StatusCategory.Key == "" {
		return false
	}
	return done == resolve
}

// offeredNames lists the offered transitions for an error message:
// "Start Progress (→ In Progress), Done (→ Done)".
func offeredNames(offered []TransitionOption) string {
	if len(offered) == 0 {
		return "none"
	}
	names := make([]string, 0, len(offered))
	for _, t := range offered {
		names = append(names, fmt.Sprintf("%q (→ %q)", cutRunes(t.Name, 100), cutRunes(t.To.Name, 100)))
	}
	sort.Strings(names)
	if len(names) > 20 {
		names = append(names[:20], fmt.Sprintf("and %d more", len(names)-20))
	}
	return strings.Join(names, ", ")
}
