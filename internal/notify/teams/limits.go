package teams

// MaxMessageBytes is Teams' documented message size limit for webhooks:
// "The message size limit is 28 KB. When the size exceeds 28 KB, you
// receive an error."
// (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook,
// and "28 KB for Incoming Webhooks" in
// https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format).
const MaxMessageBytes = 28 * 1024

// PayloadBudget is the largest request body BuildPayload produces. Teams
// does not say whether it counts the body as sent or the message it makes
// of it (a workflow's "Post card" action re-encodes the card and wraps it
// in a message of its own), so 2 KB of MaxMessageBytes are left for that.
const PayloadBudget = MaxMessageBytes - 2*1024

// Adaptive Card version and schema. Teams renders Adaptive Cards up to 1.5,
// but cards posted by Workflows ("Post card in a chat or channel") only
// up to 1.4: a 1.5 card shows "We're sorry, this card couldn't be
// displayed" (microsoft/AdaptiveCards#8965, MicrosoftDocs/msteams-docs#9801).
// Nothing here needs 1.5.
const (
	cardVersion = "1.4"
	cardSchema  = "http://adaptivecards.io/schemas/adaptive-card.json"
	// cardContentType is the attachment content type of an Adaptive Card
	// ("Send Adaptive Cards using an Incoming Webhook").
	cardContentType = "application/vnd.microsoft.card.adaptive"
	// messageCardContext is the @context of a MessageCard, as in the Teams
	// connector example ("Create and send messages").
	messageCardContext = "http://schema.org/extensions"
)

// maxLinkLength is the longest URL a button or a digest entry links to; a
// longer one (from a very long finding ID) leaves the link out rather than
// spend the message's size on it. Security Hub console links of digests
// are built within this length (render.MaxConsoleURLLength).
const maxLinkLength = 2000

// maxRowLinkLength is the longest console link a digest entry's title
// carries; a longer one leaves the title unlinked (the digest's own button
// still opens the whole set).
const maxRowLinkLength = 1000

// detail is how much of each text a card shows. Every length counts
// characters (runes) of the text before escaping.
type detail struct {
	title       int // the finding's title
	description int // the description
	remediation int // the remediation text
	factValue   int // one fact's value
	note        int // one footer line (finding ID, route, group)
	resources   int // resources listed as facts
	rows        int // findings listed in a digest
	rowTitle    int // a digest entry's title
	rowDetails  int // a digest entry's account · region · product · resource line
}

// details are the levels of detail BuildPayload tries, most first, until
// the encoded card fits PayloadBudget. The first suits a card read on a
// screen; the last fits in PayloadBudget whatever the finding holds (every
// text is bounded, and no character takes more than 6 bytes once escaped
// and encoded as JSON), which the hostile-input tests check.
var details = [...]detail{
	{title: 250, description: 3000, remediation: 1500, factValue: 400, note: 300, resources: 5, rows: 15, rowTitle: 200, rowDetails: 300},
	{title: 200, description: 1500, remediation: 600, factValue: 250, note: 250, resources: 3, rows: 10, rowTitle: 150, rowDetails: 200},
	{title: 150, description: 500, remediation: 250, factValue: 150, note: 200, resources: 2, rows: 5, rowTitle: 120, rowDetails: 150},
	{title: 100, description: 150, remediation: 100, factValue: 100, note: 120, resources: 1, rows: 3, rowTitle: 100, rowDetails: 100},
}
