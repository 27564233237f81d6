package members

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

// Topic is the notify.Notice topic of every notice this package composes.
const Topic = "members"

// Date layouts of the notices: seed 004's header date, and a time with its
// zone for events.
const (
	dateLayout = "2006/01/02"
	timeLayout = "2006/01/02 15:04 MST"
)

// DailyNotice composes the daily members message of r, every word in lang
// ("ja" or "en") and every time in loc (nil: UTC), laid out like seed
// 004's Slack message: the date of r.TakenAt as the title; then the
// changes grouped by new status (or the first-check note, or "no
// change"); the accounts outside Security Hub management, grouped by
// status; the CloudTrail leaves since the last check; and the
// organization's accounts that are not members. Data is the report as
// JSON with "kind": "daily". DailyNotice is a pure function.
func DailyNotice(r *Report, lang string, loc *time.Location) notify.Notice {
	p := phrasesFor(lang)
	if loc == nil {
		loc = time.UTC
	}
	date := r.TakenAt.In(loc).Format(dateLayout)
	n := notify.Notice{Topic: Topic, Title: date}

	var summary []string
	switch {
	case r.PreviousAt == nil:
		n.Sections = append(n.Sections, notify.NoticeSection{Text: fmt.Sprintf(p.firstCheck, r.Members)})
		summary = append(summary, p.summaryFirst)
	case len(r.Changes) > 0:
		n.Sections = append(n.Sections, notify.NoticeSection{Header: p.changesHeader, Groups: changeGroups(p, r.Changes, loc)})
		summary = append(summary, p.summaryChangesText(len(r.Changes)))
	default:
		n.Sections = append(n.Sections, notify.NoticeSection{Header: p.noChange})
		summary = append(summary, p.summaryNoChange)
	}
	if len(r.Unmanaged) > 0 {
		var groups []notify.NoticeGroup
		for _, a := range r.Unmanaged {
			item := label(a.AccountID, a.Name)
			if !a.UpdatedAt.IsZero() {
				item = fmt.Sprintf(p.since, item, a.UpdatedAt.In(loc).Format(timeLayout))
			}
			if len(groups) == 0 || groups[len(groups)-1].Label != a.Status {
				groups = append(groups, notify.NoticeGroup{Label: a.Status})
			}
			groups[len(groups)-1].Items = append(groups[len(groups)-1].Items, item)
		}
		n.Sections = append(n.Sections, notify.NoticeSection{Header: p.unmanagedHeader, Groups: groups})
		summary = append(summary, fmt.Sprintf(p.summaryUnmanaged, len(r.Unmanaged)))
	}
	if len(r.CloudTrail) > 0 {
		items := make([]string, 0, len(r.CloudTrail))
		for _, e := range r.CloudTrail {
			items = append(items, fmt.Sprintf(p.event, label(e.AccountID, e.Name), e.EventName, e.EventTime.In(loc).Format(timeLayout), orDash(e.Actor)))
		}
		n.Sections = append(n.Sections, notify.NoticeSection{Header: p.cloudTrailHeader, Groups: []notify.NoticeGroup{{Items: items}}})
		summary = append(summary, p.summaryLeavesText(len(r.CloudTrail)))
	}
	if r.Organizations != nil && r.Organizations.Error != "" {
		n.Sections = append(n.Sections, notify.NoticeSection{Header: p.notMembersHeader, Text: fmt.Sprintf(p.orgFailed, r.Organizations.Error)})
	} else if r.Organizations != nil && len(r.Organizations.NotMembers) > 0 {
		items := make([]string, 0, len(r.Organizations.NotMembers))
		for _, a := range r.Organizations.NotMembers {
			item := label(a.AccountID, a.Name)
			if a.Status != "" && a.Status != "ACTIVE" {
				item = fmt.Sprintf(p.notMemberStatus, item, a.Status)
			}
			items = append(items, item)
		}
		n.Sections = append(n.Sections, notify.NoticeSection{Header: p.notMembersHeader, Groups: []notify.NoticeGroup{{Items: items}}})
	}
	n.Subject = fmt.Sprintf(p.subject, date, strings.Join(summary, p.listSep))
	n.Data = dataOf(r, "daily")
	return n
}

// changeGroups groups changes by new status (seed 004's layout), the
// statuses in display order, accounts by ID within a group.
func changeGroups(p *phrases, changes []Change, loc *time.Location) []notify.NoticeGroup {
	sorted := slices.Clone(changes)
	slices.SortStableFunc(sorted, func(a, b Change) int { return compareStatus(a.To, b.To) })
	var groups []notify.NoticeGroup
	for _, c := range sorted {
		name := c.To
		if name == "" {
			name = p.notListed
		}
		var item string
		who := label(c.AccountID, c.Name)
		switch {
		case c.Kind == ChangeNew:
			item = fmt.Sprintf(p.isNew, who)
		case c.Kind == ChangeUpdated:
			item = fmt.Sprintf(p.updated, who, c.UpdatedAt.In(loc).Format(timeLayout))
		case c.To == "":
			item = fmt.Sprintf(p.gone, who, c.From)
		default:
			item = fmt.Sprintf(p.changed, who, c.From, c.To)
		}
		if len(groups) == 0 || groups[len(groups)-1].Label != name {
			groups = append(groups, notify.NoticeGroup{Label: name})
		}
		groups[len(groups)-1].Items = append(groups[len(groups)-1].Items, item)
	}
	return groups
}

// LeaveNotice composes the immediate alert of a CloudTrail leave, every
// word in lang and every time in loc (nil: UTC): who left, by which call,
// who called, when. Data is the Leave as JSON with "kind": "cloudtrail".
// l must not be a failed call and must name accounts. LeaveNotice is a
// pure function.
func LeaveNotice(l *Leave, lang string, loc *time.Location) notify.Notice {
	p := phrasesFor(lang)
	if loc == nil {
		loc = time.UTC
	}
	at := l.EventTime.In(loc).Format(timeLayout)
	who := ""
	if len(l.Accounts) > 0 {
		who = l.Accounts[0]
	}
	if len(l.Accounts) > 1 {
		who = fmt.Sprintf(p.leaveMore, l.Accounts[0], len(l.Accounts)-1)
	}
	var text string
	switch l.EventName {
	case EventDeleteMembers:
		text = p.leaveDeleted + p.sentenceSep + p.leaveNextMessage
	case EventDisassociateMembers:
		text = p.leaveDisassoc + p.sentenceSep + p.leaveUntilBack
	default:
		text = fmt.Sprintf(p.leaveSelf, who) + p.sentenceSep + p.leaveUntilBack
	}
	details := []string{
		p.detailCall + p.detailSeparator + l.EventName,
		p.detailActor + p.detailSeparator + orDash(l.Actor),
		p.detailTime + p.detailSeparator + at,
	}
	if l.Region != "" {
		details = append(details, p.detailRegion+p.detailSeparator+l.Region)
	}
	details = append(details, p.detailEventID+p.detailSeparator+l.EventID)
	n := notify.Notice{
		Topic:   Topic,
		Title:   p.leaveTitle,
		Subject: fmt.Sprintf(p.leaveSubject, who, l.EventName, at),
		Sections: []notify.NoticeSection{{
			Text: text,
			Groups: []notify.NoticeGroup{
				{Label: p.accountsLabel, Items: slices.Clone(l.Accounts)},
				{Label: p.detailsLabel, Items: details},
			},
		}},
	}
	n.Data = dataOf(l, "cloudtrail")
	return n
}

// dataOf is v's JSON form as a map, with "kind" added and the run's own
// bookkeeping (announced, notices) left out.
func dataOf(v any, kind string) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		// Reports and leaves hold strings, numbers, times and slices
		// of them: they always encode.
		panic("members: encode notice data: " + err.Error())
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic("members: decode notice data: " + err.Error())
	}
	delete(m, "announced")
	delete(m, "notices")
	m["kind"] = kind
	return m
}

// label is an account ID with its name, when known.
func label(id, name string) string {
	if name == "" {
		return id
	}
	return id + " " + name
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
