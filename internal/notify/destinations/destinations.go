// Package destinations holds the one list of destination types this
// binary knows. A new destination is one package under internal/notify
// and one line here.
package destinations

import (
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/backlog"
	"github.com/hubrelay/hubrelay/internal/notify/email"
	"github.com/hubrelay/hubrelay/internal/notify/file"
	"github.com/hubrelay/hubrelay/internal/notify/github"
	"github.com/hubrelay/hubrelay/internal/notify/jira"
	"github.com/hubrelay/hubrelay/internal/notify/pagerduty"
	"github.com/hubrelay/hubrelay/internal/notify/slack"
	"github.com/hubrelay/hubrelay/internal/notify/sns"
	"github.com/hubrelay/hubrelay/internal/notify/stdout"
	"github.com/hubrelay/hubrelay/internal/notify/teams"
	"github.com/hubrelay/hubrelay/internal/notify/webhook"
)

// Registry returns a new Registry of every destination type. The program
// calls it once while wiring; the config package checks settings with it
// and the queue builds Notifiers from it.
//
// Types that can show a notice (member alerts, report links) are
// registered with notify.TakesNotices: email, file, slack, sns, stdout,
// teams and webhook. Ticket and paging destinations (backlog, github,
// jira, pagerduty) are not: a ticket or an incident per daily member
// report would be noise, so their Notifiers refuse a notice permanently.
func Registry() *notify.Registry {
	r := notify.NewRegistry()
	r.Register("backlog", notify.Typed(backlog.New))
	r.Register("email", notify.Typed(email.New), notify.TakesNotices)
	r.Register("file", notify.Typed(file.New), notify.TakesNotices)
	r.Register("github", notify.Typed(github.New))
	r.Register("jira", notify.Typed(jira.New))
	r.Register("pagerduty", notify.Typed(pagerduty.New))
	r.Register("slack", notify.Typed(slack.New), notify.TakesNotices)
	r.Register("sns", notify.Typed(sns.New), notify.TakesNotices)
	r.Register("stdout", notify.Typed(stdout.New), notify.TakesNotices)
	r.Register("teams", notify.Typed(teams.New), notify.TakesNotices)
	r.Register("webhook", notify.Typed(webhook.New), notify.TakesNotices)
	return r
}
