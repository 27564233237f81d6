package pagerduty

// Event is an Events API v2 alert event
// (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
// the JSON body of POST /v2/enqueue. Field order follows the
// documentation.
type Event struct {
	// RoutingKey is the integration key (Config.RoutingKey). Secret.
	RoutingKey string `json:"routing_key"`
	// EventAction is "trigger" or "resolve" ("acknowledge" is never
	// sent).
	EventAction string `json:"event_action"`
	// DedupKey correlates a finding's triggers and its resolve.
	DedupKey string `json:"dedup_key"`
	// Payload describes the alert; a resolve event has none.
	Payload *Payload `json:"payload,omitempty"`
	// Client and ClientURL name the monitoring tool and link to it:
	// PagerDuty shows "View in AWS Security Hub".
	Client    string `json:"client,omitempty"`
	ClientURL string `json:"client_url,omitempty"`
	// Links are attached to the incident.
	Links []Link `json:"links,omitempty"`
}

// Payload is the PagerDuty Common Event Format part of a trigger event.
type Payload struct {
	// Summary is the alert's title, at most MaxSummary characters.
	Summary string `json:"summary"`
	// Source is the affected system: account/region/resource.
	Source string `json:"source"`
	// Severity is critical, error, warning or info.
	Severity string `json:"severity"`
	// Timestamp is when Security Hub last updated the finding (ISO 8601).
	Timestamp string `json:"timestamp,omitempty"`
	// Component, Group and Class classify the alert.
	Component string `json:"component,omitempty"`
	Group     string `json:"group,omitempty"`
	Class     string `json:"class,omitempty"`
	// CustomDetails is a *FindingDetails or a *DigestDetails.
	CustomDetails any `json:"custom_details,omitempty"`
}

// Link is a text link attached to the incident.
type Link struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

// The event actions hubrelay sends.
const (
	ActionTrigger = "trigger"
	ActionResolve = "resolve"
)
