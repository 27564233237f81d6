package config

import (
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Members configures member-account monitoring (members:, seed 004): on a
// schedule hubrelay lists the Security Hub member accounts, compares them
// with the last snapshot and tells To what changed; with CloudTrail it also
// alerts at once on the events that change membership.
type Members struct {
	// Schedule is when the members are listed and compared, as
	// Reports.Schedule documents it; default DefaultMembersSchedule.
	Schedule string
	// Timezone is the IANA name of Location.
	Timezone string
	// Location is the time zone of Schedule and of the dates in alerts;
	// default Config.Location.
	Location *time.Location
	// To names the destinations told of changes, in the order written,
	// each once (at least one). Each is defined and of a type that takes
	// notices (see WithNoticeTypes).
	To []string
	// NoChange says what a scheduled run that finds no change does:
	// NoChangeSend (default) sends a short "no change" notice, NoChangeSkip
	// sends nothing. Written as on_no_change.
	NoChange string
	// Language of the notices: "ja" or "en"; default Config.Language.
	Language string
	// Organizations also lists the accounts of AWS Organizations
	// (ListAccounts) and reports accounts that are not Security Hub
	// members; default false.
	Organizations bool
	// CloudTrail alerts at once on membership events received from
	// CloudTrail through EventBridge (a source of this config); default
	// true.
	CloudTrail bool
	// Pos is where members: is written.
	Pos Position
}

// Defaults and values of members.
const (
	DefaultMembersSchedule = "0 11 * * MON-FRI"
	NoChangeSend           = "send"
	NoChangeSkip           = "skip"
)

var membersKeys = []string{"schedule", "timezone", "to", "on_no_change", "language", "organizations", "cloudtrail"}

// decodeMembers reads members:; key is the members key.
func (l *loader) decodeMembers(key, n ast.Node, cfg *Config, rc *recipients) *Members {
	const path = "members"
	zone, zoneName := scheduleZone(cfg, l.top)
	m := &Members{
		Schedule:   DefaultMembersSchedule,
		Timezone:   zoneName,
		Location:   zone,
		NoChange:   NoChangeSend,
		Language:   cfg.Language,
		CloudTrail: true,
		Pos:        l.pos(key),
	}
	o, ok := l.object(n, path, membersKeys...)
	if !ok {
		return m
	}
	if o.has("timezone") {
		if loc, name, ok := l.zoneValue(o.value("timezone"), path+".timezone"); ok {
			m.Location, m.Timezone = loc, name
		}
	}
	if !o.has("to") {
		if o.key("to") != nil {
			l.errorf(o.key("to"), "%s.to: name at least one destination to tell of member changes", path)
		} else {
			l.errorAt(m.Pos, "%s: missing required key \"to\": the destinations told of member changes", path)
		}
	} else if list, ok := l.yamlList(o, "to", path, false); ok || list.whole.set {
		m.To, _ = l.checkRecipients(list, membersNeedTo, rc)
	}
	if o.has("on_no_change") {
		if s, ok := l.stringValue(o.value("on_no_change"), path+".on_no_change"); ok {
			if s == NoChangeSend || s == NoChangeSkip {
				m.NoChange = s
			} else {
				l.errorf(o.value("on_no_change"), "%s.on_no_change: %q: use send or skip%s", path, s, suggest(s, []string{NoChangeSend, NoChangeSkip}))
			}
		}
	}
	if o.has("schedule") {
		often := ""
		if m.NoChange == NoChangeSend {
			often = membersRunsOften
		}
		if s, ok := l.scheduleValue(o.value("schedule"), path+".schedule", m.Location, often); ok {
			m.Schedule = s
		}
	}
	if o.has("language") {
		if s, ok := l.stringValue(o.value("language"), path+".language"); ok {
			if s == "ja" || s == "en" {
				m.Language = s
			} else {
				l.errorf(o.value("language"), "%s.language: %q is not supported; use ja or en", path, s)
			}
		}
	}
	if o.has("organizations") {
		m.Organizations, _ = l.boolValue(o.value("organizations"), path+".organizations")
	}
	if o.has("cloudtrail") {
		if b, ok := l.boolValue(o.value("cloudtrail"), path+".cloudtrail"); ok {
			m.CloudTrail = b
		}
	}
	return m
}
