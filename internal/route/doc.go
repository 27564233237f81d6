// Package route decides where each finding goes.
//
// A Router holds the routes and suppressions of a config.Config. For each
// finding it reports every route whose pattern or filters match, the
// destinations those routes name, and one Delivery per route × destination
// with the key that groups the finding into digests.
//
// Every route whose pattern matches fires independently, as EventBridge
// rules do: there is no first-match-wins, no order of precedence and no
// "continue" flag. Two routes naming the same destination both produce a
// delivery (the destination is listed once in Decision.Destinations).
//
// Suppressions are checked against the same event. A finding matched by an
// active suppression (no until, or until not yet passed) is delivered
// nowhere: its Decision still lists the routes that matched, names the first
// active suppression in config order, and has no destinations or deliveries.
// An expired suppression no longer applies.
//
// Grouping: a route without group: gives each finding its own key, the
// finding's Id. A route with group: gives the JSON array of the route name
// followed by the finding's value of each group.by attribute, in order, so
// findings that agree on those attributes share a digest and keys of
// different routes never collide. Attributes that can hold several values
// (Type, ResourceType, ResourceId, ResourceRegion, ResourcePartition,
// ComplianceAssociatedStandardsId) contribute the sorted set of the finding's
// values as a JSON array.
package route
