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
// # Delivery, retries and rates
//
// The optional top-level delivery: mapping sets how the queue works:
//
//	delivery:
//	  workers: 4        # deliveries one process runs at once, 1..256
//	  lease: 2m         # how long a claimed delivery is held; at least 1s
//	  poll: 200ms       # how often an idle worker looks for due work; at least 10ms
//	  retry:            # the retry limits of every destination
//	    max_attempts: 200   # 1..10000, the first attempt included
//	    max_age: 24h        # a delivery older than this is dead
//	    min_backoff: 1s     # min_backoff <= max_backoff
//	    max_backoff: 5m
//
// The values shown are the defaults. Beside its type key a destination may
// set retry: (the same keys; those it leaves out come from delivery.retry)
// and rate: {interval: 1s, concurrency: 1}. A rate: mapping replaces the
// destination type's own default rate (which the queue knows) as a whole: a
// key left out is 0, meaning no spacing (interval) or no limit on deliveries
// in flight (concurrency); rate: with no value keeps the type's default.
// retry and rate are therefore not destination type names.
//
// A route's send_resolved: true tells its destinations when a finding they
// were told of is resolved (a Slack thread reply, a ticket closed, a
// PagerDuty resolve); it is false by default.
//
// # The HTTP source
//
// sources.http takes listen (":8080"), path ("/events") and up to three
// credentials, any one of which a request may present: api_key in the
// api_key_header header ("x-api-key"), basic_auth: {username, password} (both
// required), and bearer_token. With no credential at all, Load warns.
// The values of api_key, basic_auth.password and bearer_token are secrets
// however they are written: (*Config).Secrets includes them and errors never
// show them.
//
// # The poll source and Security Hub
//
// sources.poll: {interval: 5m, filters: {...}, region: ...} reads findings
// with GetFindings on a schedule. filters (required; {} reads every
// finding) are Security Hub finding filters, checked as a route's are and
// against what the poller can send: at most 9 attributes (GetFindings takes
// 10 and the poller adds UpdatedAt for its checkpoint), no UpdatedAt, and a
// list longer than 20 filters only where its filters are OR'ed (EQUALS,
// PREFIX or CONTAINS; map filters on one Key; number, date, boolean or IP
// filters), which the poller splits into several queries. interval is at
// least 10s. With api: v2 the poller reads the OCSF findings of the new
// Security Hub with GetFindingsV2, and filters are OcsfFindingFilters
// ({CompositeFilters: [...], CompositeOperator: AND}), checked for shape,
// operators, comparisons and the GetFindingsV2 limits (see PollSource).
//
// securityhub: takes region, mark_notified (false), note (true: the
// receipts of the deliveries go into the finding's note), ticket_fields
// (true: each ticket key goes into UserDefinedFields as
// hubrelay_<destination>) and actions, a list of custom action targets
// {id, name, description} with the documented limits: id 1 to 20 letters
// and digits, name 1 to 20 characters, description 1 to 256 characters.
//
// # Projects, reports and members
//
// projects: lists the groups of accounts that get scheduled reports, as a
// list ({name, accounts, to, language, schedule, timezone, formats}) or as
// {file: PATH}, a .csv or .yaml/.yml file relative to the config file's
// directory whose problems are positioned in that file. A CSV file starts
// with a header row naming its columns (name and accounts required; to,
// language, schedule, timezone, formats optional; any order and case),
// holds lists separated by ';', ',' or spaces, may start with a byte order
// mark and use CRLF line ends (as Excel's "CSV UTF-8" does), and skips
// lines starting with '#' and rows of empty cells; a file that is not UTF-8
// (Excel's plain "CSV" on a Japanese system is Shift_JIS) is an error. A
// YAML file holds the list itself. Project names are letters of any script,
// digits, '-', '_' and '.', at most 64 characters, unique ignoring case
// (they name report files). Account IDs are 12 digits, quoted or not; one
// account in several projects is a warning.
//
// reports: sets the defaults of the projects (schedule "0 9 * * MON-FRI",
// timezone (the config's), formats [xlsx]), attach_max (5MiB; 512KB, 5MB,
// 10MiB or bytes; 0 never attaches) and storage: exactly one of local:
// {dir, base_url, secret, expires, allow} and s3: {bucket, prefix, region,
// endpoint, expires, sse, kms_key_id, path_style}; a project with to:
// needs one. local.secret is a secret however it is written (at least 32
// bytes; written out in the file it is a warning). S3 links last at most 7
// days, the SigV4 limit.
//
// members: {schedule ("0 11 * * MON-FRI"), timezone, to (required),
// on_no_change (send or skip), language, organizations (false), cloudtrail
// (true)} configures member-account monitoring.
//
// Schedules are five cron fields (minute hour day-of-month month
// day-of-week, with names such as MON-FRI) or @hourly, @daily, @weekly,
// @monthly, @yearly; errors point at the field at fault, and EventBridge
// cron(...), Quartz seconds, TZ= prefixes and @every are refused with a
// hint. A schedule that never runs is an error; report schedules (and
// members' when on_no_change is send) that run more than once an hour are
// warnings. The destinations in projects[].to and members.to must take
// notices: WithNoticeTypes says which types do.
//
// The package imports pattern to compile and check patterns while loading; it
// knows nothing of destinations: the caller checks destination types and their
// settings with WithDestinationTypes.
package config
