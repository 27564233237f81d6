// Package pattern is an EventBridge event-pattern engine: it compiles event
// patterns (and, in filters.go, Security Hub finding filters) and matches
// them against raw JSON events, one at a time with Pattern or many at once
// with Set. It imports nothing else of hubrelay.
//
// # Language
//
// The language is the content-filtering language of the Amazon EventBridge
// User Guide ("Event patterns", "Content filtering in Amazon EventBridge
// event patterns", "Arrays in EventBridge event patterns") and of the
// aws/event-ruler README; where the two differ, event-ruler wins.
//
//   - A pattern is a JSON object. Object members nest like the event; a
//     member whose value is an array lists the values a leaf may have (OR).
//     All members must match (AND). Fields the pattern does not name are
//     ignored.
//   - Exact values: strings, numbers, true, false and null. The empty string
//     and null are different values. A string pattern that spells an IP
//     address also matches the same address written differently
//     ("::1" and "0:0:0:0:0:0:0:1").
//   - {"prefix": s}, {"suffix": s}, each also as
//     {"prefix": {"equals-ignore-case": s}}; {"equals-ignore-case": s};
//     {"wildcard": s} where '*' matches any run of characters, `\*` is a
//     literal star, `\\` a backslash; "**" and other escapes are invalid.
//     These match strings only.
//   - {"anything-but": v} with v a string, a number, a list of only strings
//     or only numbers, or {"prefix"|"suffix"|"equals-ignore-case"|"wildcard":
//     string or list of strings}. anything-but needs a value to be present
//     and matches every leaf value that is not excluded, including values of
//     other types (anything-but "x" matches 5, true and null).
//   - {"numeric": [">", 0, "<=", 5]}: "=", "<", "<=", ">", ">="; a range gives
//     its lower bound first and must not be empty. Numbers are compared as
//     exact decimals within -5.0e9 … +5.0e9 with at most six digits after
//     the decimal point (the event-ruler README and EventBridge guide;
//     event-ruler's newest code widens this to ±5.0e11, its README does not).
//     numeric and anything-but operands outside those limits are rejected;
//     event numbers outside them never satisfy numeric and are never
//     excluded by anything-but numbers.
//   - Exact numbers match numerically when both sides are within those
//     limits (5, 5.0 and 5e0 are equal) and otherwise by their literal
//     text, so account IDs written as numbers still match themselves.
//   - {"cidr": "10.0.0.0/24"} for IPv4 and IPv6 string values.
//   - {"exists": true} matches when the field has at least one leaf value
//     (null counts; [] and {} do not: exists applies to leaves only, so a
//     field whose value is an object does not exist as a leaf).
//     {"exists": false} matches when it has none.
//   - "$or": [{…}, {…}, …] with at least two non-empty objects, at any level
//     and nested; it is expanded to disjunctive normal form at compile time.
//     When "$or" does not meet those conditions, or a branch uses an
//     operator name (prefix, numeric, …) as a field name, "$or" is an
//     ordinary field name, as in event-ruler.
//
// # Arrays
//
// Arrays in the event are transparent: a pattern value matches when any
// element matches, at any depth. Matching is array-consistent like
// event-ruler's rulesForJSONEvent: the leaves used to satisfy one pattern
// must not come from different elements of the same array, so
// {"Resources": {"Type": ["AwsS3Bucket"], "Id": ["arn:…:b"]}} does not match
// a bucket type and that Id on different Resources[] elements.
//
// # Decisions where the documentation is silent
//
//   - Duplicate keys in a pattern object: the last one wins (also for
//     "$or"). Duplicate keys in an event: every value counts, as when the
//     event-ruler flattener sees both.
//   - Paths are sequences of keys, not dotted strings: {"a.b": […]} matches
//     the key "a.b", not {"a": {"b": …}} (event-ruler's README says not to
//     rely on its dot-joining).
//   - {"exists": false} together with array consistency: the field counts
//     as present only through leaves consistent with the leaves chosen for
//     the rest of the pattern, so "a resource of type X with no Tags" works
//     per Resources[] element. (event-ruler checks absence only against
//     the fields before it in key order, which makes the answer depend on
//     field names; this package does not.)
//   - The same field named twice in one expanded clause (outside and inside
//     an "$or" branch) must satisfy both conditions.
//   - anything-but with an empty list, and prefix/suffix inside anything-but
//     with an empty string, are rejected.
//   - Case-insensitive operators use Unicode simple case folding.
//   - Strings with invalid UTF-8 (in patterns or events) are compared after
//     each bad byte becomes U+FFFD, as encoding/json decodes them.
//   - event-ruler's undocumented {"exactly": s} operator is not supported;
//     like any unknown operator it is an error.
//   - Limits: "$or" may expand to at most 4096 alternatives and a pattern
//     may nest at most 200 levels; both are reported as *Error.
//   - An event must be one JSON object; anything else is an error. Events
//     are validated like encoding/json (including its nesting limit).
//   - Event numbers with more than six significant decimals are not
//     comparable (event-ruler's current ComparableNumber); their literal text
//     still matches an identical literal in the pattern.
//
// # The private date operator
//
// The Security Hub filter compiler (filters.go) compiles DateFilter to the
// leaf operator {"hubrelay-date": {"start": RFC3339, "end": RFC3339,
// "within_days": N, "older_than_days": N}}. Every member is optional but at
// least one is required; all given members must hold. It matches string
// values that parse as ASFF timestamps (YYYY-MM-DDTHH:MM:SS, 1–9 fraction
// digits, Z or an offset ±HH, ±HHMM or ±HH:MM bounded by ±18:00):
// start <= t <= end, now-N days <= t <= now (within), t < now-N days (older
// than). Compile rejects the operator as unknown; only the filter compiler's
// entry point accepts it. Match reads the clock only when a pattern uses it;
// MatchAt takes the time explicitly.
//
// # Speed
//
// Pattern.Match decodes the event with encoding/json and is the simple
// reference evaluator. Set compiles all its patterns into one index: a trie
// of the field paths patterns use (every other subtree of the event is
// skipped by a validating, allocation-free scanner), hash lookups from value
// to conditions shared across patterns (prefixes and suffixes by one lookup
// per distinct length), de-duplicated conditions, and clause checks only for
// clauses whose rarest required condition was hit. Array consistency is a
// search over the hits' array positions that checks ahead, so events with
// large arrays stay fast. The slice of matched keys is the only allocation
// per Match; working memory comes from a sync.Pool.
package pattern
