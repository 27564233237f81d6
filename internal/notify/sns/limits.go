package sns

// Limits of the SNS Publish API (api_op_Publish.go of the AWS SDK for Go v2
// and https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
const (
	// MaxMessageBytes is the largest message SNS accepts by default: 256
	// KiB, message body and message attributes (names, types and values)
	// together.
	MaxMessageBytes = 262144
	// MaxSubjectLength bounds the subject: "less than 100 characters",
	// printable ASCII without line breaks (SNS replaces a subject with
	// other characters by an error text).
	MaxSubjectLength = 99
	// MaxFIFOIDLength bounds MessageGroupId and MessageDeduplicationId.
	MaxFIFOIDLength = 128
)

// Limits this package keeps for AWS Chatbot custom notifications. The
// Chatbot documentation gives no lengths; Chatbot posts the content to
// Slack as blocks, so these stay within Slack's block limits (header text
// 150 characters, section text 3,000).
const (
	maxTitleRunes       = 150
	maxDescriptionRunes = 3000
	maxNextStepRunes    = 900 // three next steps fit one 3,000-character section
	maxKeywordRunes     = 75
	maxKeywords         = 10
	maxSummaryRunes     = 200
	maxRelatedResources = 10
	maxContextRunes     = 256
)

// maxAttributeValueRunes bounds each message attribute value. SNS counts
// attributes against MaxMessageBytes; filter policies compare whole values,
// which are short (a severity label, an account ID, a product name).
const maxAttributeValueRunes = 256
