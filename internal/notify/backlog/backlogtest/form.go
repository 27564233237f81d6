package backlogtest

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Backlog's length limits, counted in UTF-16 code units, with the messages
// the API answers when a value exceeds them.
const (
	maxSummary     = 255
	maxDescription = 100_000
	maxComment     = 50_000
)

// The parameters each write documents; customField_<id> parameters are
// accepted by Add Issue and Update Issue besides.
var (
	addIssueParams = []string{
		"projectId", "summary", "parentIssueId", "description", "startDate", "dueDate",
		"estimatedHours", "actualHours", "issueTypeId", "categoryId[]", "versionId[]",
		"milestoneId[]", "priorityId", "assigneeId", "notifiedUserId[]", "attachmentId[]",
	}
	updateIssueParams = []string{
		"summary", "parentIssueId", "description", "statusId", "resolutionId", "startDate",
		"dueDate", "estimatedHours", "actualHours", "issueTypeId", "categoryId[]", "versionId[]",
		"milestoneId[]", "priorityId", "assigneeId", "notifiedUserId[]", "attachmentId[]", "comment",
	}
	addCommentParams = []string{"content", "notifiedUserId[]", "attachmentId[]"}
)

var customFieldParam = regexp.MustCompile(`^customField_[0-9]+(?:_otherValue)?(?:\[\])?$`)

func isCustomField(k string) bool { return customFieldParam.MatchString(k) }

// form reads a write's parameters and collects what is wrong with them,
// one message per parameter, as Backlog's InvalidRequestError lists them.
type form struct {
	v    url.Values
	errs []string
}

// checkNames records every parameter that is not in known (nor a custom
// field when custom is true), and every one-value parameter of known sent
// twice.
func (f *form) checkNames(known []string, custom bool) {
	names := make([]string, 0, len(f.v))
	for k := range f.v {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		switch {
		case custom && isCustomField(k):
			// A multiple-choice list's items repeat the parameter.
		case slices.Contains(known, k):
			if !strings.HasSuffix(k, "[]") && len(f.v[k]) > 1 {
				f.errorf("%s: is given %d times; it takes one value", k, len(f.v[k]))
			}
		default:
			f.errorf("%s: is not a parameter of this API", clip(k))
		}
	}
}

func (f *form) errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

// has reports whether the parameter was sent.
func (f *form) has(k string) bool {
	_, ok := f.v[k]
	return ok
}

// id reads a positive ID; 0 when it is absent (an error when required).
func (f *form) id(k string, required bool) int {
	s := f.v.Get(k)
	if !f.has(k) || s == "" {
		if required {
			f.errorf("%s: is required", k)
		}
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		f.errorf("%s: %q is not a positive ID", k, clip(s))
		return 0
	}
	return n
}

// ids reads a list of positive IDs.
func (f *form) ids(k string) []int {
	var out []int
	for i, s := range f.v[k] {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			f.errorf("%s[%d]: %q is not a positive ID", strings.TrimSuffix(k, "[]"), i, clip(s))
			continue
		}
		out = append(out, n)
	}
	return out
}

// oneOf reads a number that must be a key of names; -1 when absent.
func (f *form) oneOf(k string, names map[int]string) int {
	if !f.has(k) {
		return -1
	}
	s := f.v.Get(k)
	n, err := strconv.Atoi(s)
	if _, ok := names[n]; err != nil || !ok {
		keys := make([]int, 0, len(names))
		for id := range names {
			keys = append(keys, id)
		}
		slices.Sort(keys)
		f.errorf("%s: %q is not one of %v", k, clip(s), keys)
		return -1
	}
	return n
}

// text reads a text parameter, checking its encoding and length.
func (f *form) text(k string, limit int, tooLong string) string {
	s := f.v.Get(k)
	switch {
	case !utf8.ValidString(s):
		f.errorf("%s: is not valid UTF-8", k)
	case utf16Len(s) > limit:
		f.errs = append(f.errs, tooLong)
	}
	return s
}

// summary reads Add Issue's and Update Issue's summary.
func (f *form) summary(required bool) string {
	if !f.has("summary") && !required {
		return ""
	}
	s := f.text("summary", maxSummary, "The Subject must be no shorter than 1 and no longer than 255.")
	if strings.TrimSpace(s) == "" {
		f.errorf("The Subject must be no shorter than 1 and no longer than 255.")
	}
	if strings.ContainsAny(s, "\r\n") {
		f.errorf("summary: must be one line")
	}
	return s
}

// date reads a yyyy-MM-dd parameter.
func (f *form) date(k string) string {
	s := f.v.Get(k)
	if s == "" {
		return ""
	}
	if _, err := time.Parse("2006-01-02", s); err != nil {
		f.errorf("%s: %q is not a date (yyyy-MM-dd)", k, clip(s))
	}
	return s
}

// hours reads a non-negative decimal parameter.
func (f *form) hours(k string) string {
	s := f.v.Get(k)
	if s == "" {
		return ""
	}
	if n, err := strconv.ParseFloat(s, 64); err != nil || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		f.errorf("%s: %q is not a number of hours", k, clip(s))
	}
	return s
}

// utf16Len counts s in UTF-16 code units, as Backlog (on the JVM) counts
// characters.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// clip keeps a quoted value short in an error message.
func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	cut := 64
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
