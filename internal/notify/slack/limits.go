package slack

// Slack's documented limits on what a message may hold. Slack counts
// characters; this package counts UTF-16 code units of the text as sent
// (after escaping), which is never less than what Slack counts.
const (
	// maxBlocks: "You can include up to 50 blocks in each message"
	// (https://docs.slack.dev/reference/block-kit/blocks).
	maxBlocks = 50
	// maxHeaderText: header block text, "Maximum length for the text in
	// this field is 150 characters"
	// (https://docs.slack.dev/reference/block-kit/blocks/header-block).
	maxHeaderText = 150
	// maxSectionText: section block text, 3000 characters; maxFields and
	// maxFieldText: at most 10 fields of 2000 characters each
	// (https://docs.slack.dev/reference/block-kit/blocks/section-block).
	maxSectionText = 3000
	maxFields      = 10
	maxFieldText   = 2000
	// maxContextElements: a context block holds at most 10 elements
	// (https://docs.slack.dev/reference/block-kit/blocks/context-block);
	// each text object holds at most 3000 characters
	// (https://api.slack.com/reference/block-kit/composition-objects#text).
	maxContextElements = 10
	maxTextObject      = 3000
	// maxButtonText and maxButtonURL: a button's text is at most 75
	// characters and its url at most 3000
	// (https://docs.slack.dev/reference/block-kit/block-elements/button-element).
	maxButtonText = 75
	maxButtonURL  = 3000
	// maxMessageText: chat.postMessage's text, "Provide no more than
	// 40,000 characters or risk truncation"
	// (https://docs.slack.dev/reference/methods/chat.postMessage).
	maxMessageText = 40000
)

// Budgets this package sets itself, well inside the limits above.
const (
	// maxBlocksText bounds the text of all blocks together. Slack answers
	// msg_blocks_too_long for messages far below 40,000 characters
	// (reported near 13,000 characters of blocks, slackapi/bolt-js#2509),
	// and a finding is read on a screen, not in an archive: the console
	// link carries the rest.
	maxBlocksText = 12000
	// fallbackTextBudget bounds the notification text ("text").
	fallbackTextBudget = 500
	// fieldValueBudget bounds one field's value (account, region, ...).
	fieldValueBudget = 200
	// lineBudget bounds one line: a resource, a context element, a digest
	// entry's details.
	lineBudget = 300
	// descriptionBudget and remediationBudget bound the description and
	// remediation sections, labels and links included.
	descriptionBudget = 2500
	remediationBudget = 1200
	// digestEntryTitleBudget bounds a finding title in a digest entry.
	digestEntryTitleBudget = 150
	// maxMarkerURL is the longest console link a "truncated" marker
	// carries, so that cut text keeps most of its room.
	maxMarkerURL = 1000
)
