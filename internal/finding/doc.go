// Package finding reads AWS Security Hub findings in every shape users have
// them and gives each one as a normalized Finding together with the
// EventBridge event used for pattern matching.
//
// # Shapes
//
// Decode, DecodeReader and DecodePath accept, in any mix:
//
//   - an EventBridge event: "Security Hub Findings - Imported", "Security Hub
//     Findings - Custom Action" (ASFF) or "Findings Imported V2" (OCSF),
//     recognized by a top-level detail-type (or detail). AWS sends one
//     finding per event; an event with several (as custom actions once did)
//     gives one item per finding, each with the same envelope holding only
//     that finding, so a pattern matching one finding never fires for its
//     neighbour. An event with exactly one finding is kept byte for byte;
//   - a bare ASFF finding (top-level SchemaVersion or Id) or a bare OCSF
//     finding (metadata with finding_info or class_uid);
//   - a GetFindings response {"Findings":[…]} or a GetFindingsV2 response of
//     OCSF findings; ASFF and OCSF are told apart per finding;
//   - a JSON array of any of the above;
//   - several documents in one input: JSON Lines (one document per line,
//     blank lines ignored) or pretty-printed documents one after another;
//   - a directory: every *.json, *.jsonl and *.ndjson file below it.
//
// A finding that did not arrive in an event is wrapped in the envelope
// EventBridge itself sends (see Wrap), so patterns written for EventBridge
// match it the same way.
//
// # Errors
//
// Every part that cannot be read gives one *Error with the source, line,
// column and byte offset of the problem; the rest of the input is still
// decoded. A syntax error ends only its document: decoding resumes at the
// next line that starts a document no more indented than the bad one. Limits
// are those AWS sets: an event is at most MaxEventSize (1 MiB) and a finding
// at most MaxFindingSize (240 KB), both counted without insignificant
// whitespace as AWS counts serialized JSON.
//
// # Required fields
//
// The ASFF schema marks many attributes required (Id, ProductArn,
// GeneratorId, AwsAccountId, Types, CreatedAt, UpdatedAt, Severity, Title,
// Description, Resources, SchemaVersion), but published samples and
// redacted exports omit some of them. Decode therefore needs only an
// identifier: a non-empty Id for ASFF, metadata.uid or finding_info.uid for
// OCSF. Absent attributes leave their Finding field empty. Attributes that
// are present must have the type the schema gives them (a numeric Id, a
// string Resources, a malformed timestamp or an unknown Severity.Label is an
// error naming the attribute), because Security Hub itself would refuse such
// a finding.
//
// Field names are matched as EventBridge matches them, case-sensitively, when
// recognizing shapes.
//
// The package imports nothing of hubrelay: it is a library anyone could reuse.
package finding
