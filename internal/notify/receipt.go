package notify

// Receipt records what a delivery created at its destination, so a later
// delivery of the same finding can refer to it (Message.Previous). The store
// keeps it as JSON; fields a destination has no use for stay empty.
type Receipt struct {
	// ID identifies what was created: a Slack message ts, a Backlog issue
	// key, a Jira issue key, a GitHub issue number, a PagerDuty dedup key.
	ID string `json:"id,omitempty"`
	// URL is a link a person can open: a permalink or an issue URL.
	URL string `json:"url,omitempty"`
	// Channel is the channel the message went to (a Slack channel ID).
	Channel string `json:"channel,omitempty"`
	// Thread is the thread the message belongs to (the Slack thread ts).
	Thread string `json:"thread,omitempty"`
}

// IsZero reports whether r records nothing.
func (r Receipt) IsZero() bool {
	return r == Receipt{}
}
