package config

import (
	"testing"
)

func TestMembersErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "no recipients",
			src:  "members:\n  schedule: \"0 11 * * MON-FRI\"\n",
			want: []string{`t.yaml:7:1: members: missing required key "to": the destinations told of member changes`},
		},
		{
			name: "members with no value",
			src:  "members:\n",
			want: []string{`t.yaml:7:1: members: missing required key "to": the destinations told of member changes`},
		},
		{
			name: "empty recipients",
			src:  "members: {to: }\n---\n",
			want: []string{`t.yaml:7:11: members.to: name at least one destination to tell of member changes`},
		},
		{
			name: "every key wrong",
			src: "members:\n  schedule: \"0 11 * * MON-FRY\"\n  timezone: Tokyo\n  to: [tickets, chat, chat, slack]\n" +
				"  on_no_change: sned\n  language: jp\n  organizations: 1\n  cloudtrail: \"true\"\n  orgs: true\n",
			want: []string{
				`t.yaml:8:23: members.schedule: day-of-week "MON-FRY": not a number (0-6) or a day name (SUN-SAT)`,
				`t.yaml:9:13: members.timezone: unknown time zone "Tokyo"; use an IANA name such as Asia/Tokyo or UTC`,
				`t.yaml:10:8: members.to[0]: destination "tickets" is a backlog destination, which cannot receive member alerts (use email, slack, teams, sns, webhook)`,
				`t.yaml:10:23: members.to[2]: destination "chat" is listed twice`,
				`t.yaml:10:29: members.to[3]: destination "slack" is not defined under destinations`,
				`t.yaml:11:17: members.on_no_change: "sned": use send or skip (did you mean "send"?)`,
				`t.yaml:12:13: members.language: "jp" is not supported; use ja or en`,
				`t.yaml:13:18: members.organizations: want true or false, got a number`,
				`t.yaml:14:15: members.cloudtrail: want true or false, got a string`,
				`t.yaml:15:3: members: unknown key "orgs"`,
			},
		},
		{
			name: "to is not a list",
			src:  "members: {to: chat}\n",
			want: []string{`t.yaml:7:15: members.to: want a list, got a string; write a one-item list as [x]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalLines(t, parseErrors(t, reportDests+tt.src, noticeTypes()), tt.want)
		})
	}
}

func TestMembersDefaults(t *testing.T) {
	cfg := mustParse(t, "language: ja\n"+reportDests+"members: {to: [chat, mail]}\n", noticeTypes())
	m := cfg.Members
	checks := []struct {
		name      string
		got, want any
	}{
		{"schedule", m.Schedule, DefaultMembersSchedule},
		{"timezone from the config", m.Timezone, "Asia/Tokyo"},
		{"location", m.Location.String(), "Asia/Tokyo"},
		{"to", m.To, []string{"chat", "mail"}},
		{"no change", m.NoChange, NoChangeSend},
		{"language from the config", m.Language, "ja"},
		{"organizations", m.Organizations, false},
		{"cloudtrail", m.CloudTrail, true},
		{"pos", m.Pos.String(), "t.yaml:8:1"},
		{"no reports", cfg.Reports == nil, true},
		{"no projects", len(cfg.Projects), 0},
		{"warnings: destinations used by members", cfg.Warnings(), []string(nil)},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !equalAny(c.got, c.want) {
				t.Errorf("got %#v, want %#v", c.got, c.want)
			}
		})
	}
	if cfg := mustParse(t, reportDests); cfg.Members != nil {
		t.Errorf("Members = %+v without a members: key", cfg.Members)
	}
}

func TestMembersSchedules(t *testing.T) {
	// Hourly runs that send a notice every time are warned about; with
	// on_no_change: skip they are not.
	cfg := mustParse(t, reportDests+"members: {to: [chat, mail], schedule: \"*/10 * * * *\", timezone: UTC}\n")
	equalLines(t, cfg.Warnings(), []string{
		`t.yaml:7:39: members.schedule: "*/10 * * * *" runs every 10m at times; every run sends a notice, even when nothing changed (set on_no_change: skip, or run less often)`,
	})
	cfg = mustParse(t, reportDests+"members: {to: [chat, mail], schedule: \"*/10 * * * *\", on_no_change: skip}\n")
	if w := cfg.Warnings(); len(w) != 0 {
		t.Errorf("warnings %q", w)
	}
	if got := cfg.Members.Schedule + " " + cfg.Members.NoChange; got != "*/10 * * * * skip" {
		t.Errorf("got %q", got)
	}
}

// Schedules default to Asia/Tokyo, the issues' office hours, unless the
// file names a top-level timezone, which then wins.
func TestScheduleZoneDefault(t *testing.T) {
	for _, tc := range []struct{ top, want string }{
		{"", DefaultScheduleZone},
		{"timezone: Europe/Berlin\n", "Europe/Berlin"},
		{"timezone: UTC\n", "UTC"},
	} {
		cfg := mustParse(t, tc.top+reportDests+"members: {to: [chat]}\n")
		if got := cfg.Members.Location.String(); got != tc.want {
			t.Errorf("%q: members location %s, want %s", tc.top, got, tc.want)
		}
		if got := cfg.Members.Timezone; got != tc.want {
			t.Errorf("%q: members timezone %s, want %s", tc.top, got, tc.want)
		}
	}
}
