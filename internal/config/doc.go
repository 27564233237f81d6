// Package config reads hubrelay's YAML configuration file strictly.
//
// Load and Parse check the whole file and report every problem they find, each
// as "FILE:LINE:COL: what is wrong": unknown keys, wrong types, missing or
// conflicting keys, undefined destinations, invalid EventBridge patterns or
// Security Hub filters (pointing inside the pattern at the offending value),
// duplicate names, bad durations, dates, languages and time zones, and
// unresolvable secret references. Non-fatal issues are kept in
// (*Config).Warnings.
//
// # Patterns and filters
//
// A route or suppression selects findings with either an EventBridge event
// pattern (pattern:) or Security Hub finding filters as in GetFindings
// (filters:). Either is written as YAML or pasted as a JSON string (usually a
// literal block scalar "|" holding the JSON the console shows). YAML is read
// with YAML 1.2 rules: yes/no/on/off are strings, a quoted scalar is a string
// and an unquoted number is a number. Numbers are passed on exactly as written;
// a number that JSON cannot carry (0123, 0x1F, 1_000, .inf) is an error, since
// the user almost always meant a string. An unquoted account ID such as
// 123456789012 is a number, which EventBridge never matches against the string
// account IDs in events; such numbers are reported as warnings.
//
// A key written twice in one object of a pattern pasted as a JSON string keeps
// its last value, as EventBridge documents for pasted patterns ("the last
// reference is the one used"), and is reported as a warning. Written as YAML,
// a duplicate key is an error, since YAML requires keys to be unique.
//
// # Secret references
//
// Any string value may contain ${env:NAME} (an environment variable, which must
// be set and non-empty) or ${file:PATH} (a file's content with one trailing
// newline removed; a relative PATH is relative to the config file's directory).
// "$${" writes a literal "${". A reference may stand unquoted even inside a
// flow collection, where YAML itself would refuse "${" (api_key: ${env:KEY}
// in {...}): references are masked with same-length placeholders before
// parsing, so positions do not move. Resolved values are returned by
// (*Config).Secrets and never appear in an error or warning.
//
// # Defaults and decisions
//
// store defaults to "sqlite:hubrelay.db"; language defaults to "en"; timezone
// defaults to "Asia/Tokyo" when language is "ja" and to "UTC" otherwise.
// A suppression's until: date (2006-01-02) lasts to the end of that day in the
// configured time zone; an RFC 3339 time without an offset is read in that time
// zone too. Durations accept Go syntax (90s, 1h30m) plus d (24h) and w (7d).
// YAML anchors and aliases are allowed; merge keys (<<) and multi-document
// files are not. Duplicate YAML keys are errors.
//
// The package imports pattern to compile and check patterns while loading; it
// knows nothing of destinations: the caller checks destination types and their
// settings with WithDestinationTypes.
package config
