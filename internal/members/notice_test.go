package members

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/notify/slack"
	"github.com/hubrelay/hubrelay/internal/render"
	"github.com/hubrelay/hubrelay/internal/store"
)

func tokyo(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// The golden reports: 11:00 JST on Friday 2026-11-20 against the day
// before.
var (
	goldenPrevAt = time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC)
	goldenAt     = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
)

func goldenSnapshots() (prev, cur store.MemberSnapshot) {
	old := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	a := func(id, status string, updated time.Time) store.MemberAccount {
		return store.MemberAccount{AccountID: id, Status: status, UpdatedAt: updated, AdministratorID: "999999999999", Email: id + "@example.com"}
	}
	prev = store.MemberSnapshot{ID: 1, RunKey: "members|2026-11-19T02:00:00Z", Kind: store.MemberSnapshotScheduled, TakenAt: goldenPrevAt,
		Accounts: []store.MemberAccount{
			a("111111111111", "Enabled", old),
			a("222222222222", "Invited", old),
			a("333333333333", "Enabled", old),
			a("444444444444", "Enabled", old),
			a("555555555555", "Resigned", old),
			a("666666666666", "Enabled", old),
		}}
	cur = store.MemberSnapshot{ID: 2, RunKey: "members|2026-11-20T02:00:00Z", Kind: store.MemberSnapshotScheduled, TakenAt: goldenAt,
		Accounts: []store.MemberAccount{
			a("111111111111", "Resigned", goldenAt.Add(-time.Hour)),   // left at 10:00 JST
			a("222222222222", "Enabled", goldenAt.Add(-20*time.Hour)), // accepted the invitation
			a("333333333333", "Enabled", goldenAt.Add(-5*time.Hour)),  // left and came back
			a("555555555555", "Resigned", old),                        // still out
			a("666666666666", "Removed", goldenAt.Add(-3*time.Hour)),  // removed by the administrator
			a("777777777777", "Created", goldenAt.Add(-2*time.Hour)),  // new
			a("888888888888", "Quarantined", goldenAt),                // a status this version does not know
		}}
	return prev, cur
}

func goldenReports(t testing.TB) map[string]Report {
	prev, cur := goldenSnapshots()
	events := []store.MemberEvent{
		{EventID: "9f2c6c3e-1d7a-4b9e-8f00-1a2b3c4d5e01", AccountID: "111111111111", EventName: EventDisassociateFromAdministrator,
			EventTime: goldenAt.Add(-time.Hour), Actor: "arn:aws:sts::111111111111:assumed-role/AdministratorAccess/taro", CallerAccount: "111111111111", Region: "ap-northeast-1"},
		{EventID: "9f2c6c3e-1d7a-4b9e-8f00-1a2b3c4d5e07", AccountID: "333333333333", EventName: EventDisassociateFromAdministrator,
			EventTime: goldenAt.Add(-6 * time.Hour), Actor: "arn:aws:sts::333333333333:assumed-role/Dev/jiro", CallerAccount: "333333333333", Region: "ap-northeast-1"},
	}
	org := []OrgAccount{
		{AccountID: "999999999999", Name: "security", Status: "ACTIVE"}, // the administrator itself
		{AccountID: "111111111111", Name: "prod-app", Status: "ACTIVE"},
		{AccountID: "222222222222", Name: "staging", Status: "ACTIVE"},
		{AccountID: "121212121212", Name: "sandbox", Status: "ACTIVE"},
		{AccountID: "131313131313", Name: "old-project", Status: "SUSPENDED"},
	}
	steady := cur
	steady.Accounts = nil
	for _, a := range cur.Accounts {
		if !Unmanaged(a.Status) {
			steady.Accounts = append(steady.Accounts, a)
		}
	}
	steadyPrev := steady
	steadyPrev.TakenAt = goldenPrevAt
	unmanagedOnly := cur
	unmanagedPrev := cur
	unmanagedPrev.TakenAt = goldenPrevAt
	first := cur
	return map[string]Report{
		"daily-changes":      buildReport(cur, &prev, events, org, ""),
		"daily-no-change":    buildReport(steady, &steadyPrev, nil, nil, ""),
		"daily-unmanaged":    buildReport(unmanagedOnly, &unmanagedPrev, nil, nil, ""),
		"daily-first-check":  buildReport(first, nil, nil, nil, ""),
		"daily-organization": buildReport(steady, &steadyPrev, nil, org, ""),
	}
}

func TestDailyNoticeGolden(t *testing.T) {
	loc := tokyo(t)
	for name, r := range goldenReports(t) {
		for _, lang := range []string{LanguageJapanese, LanguageEnglish} {
			t.Run(name+"/"+lang, func(t *testing.T) {
				n := DailyNotice(&r, lang, loc)
				checkNotice(t, &n)
				notifytest.GoldenJSON(t, filepath.Join("testdata", "golden", name+"."+lang+".json"), n)
				p := slack.BuildNoticePayload(&n, &slack.Config{Channel: "sec-members"}, render.Options{Language: render.Language(lang)})
				notifytest.GoldenJSON(t, filepath.Join("testdata", "golden", name+".slack."+lang+".json"), p)
			})
		}
	}
}

func TestLeaveNoticeGolden(t *testing.T) {
	loc := tokyo(t)
	for _, file := range []string{"disassociate-from-administrator", "disassociate-members", "delete-members"} {
		l, ok, err := ParseCloudTrail(readTestdata(t, filepath.Join("cloudtrail", file+".json")))
		if err != nil || !ok {
			t.Fatalf("%s: %v, %v", file, ok, err)
		}
		for _, lang := range []string{LanguageJapanese, LanguageEnglish} {
			t.Run(file+"/"+lang, func(t *testing.T) {
				n := LeaveNotice(&l, lang, loc)
				checkNotice(t, &n)
				notifytest.GoldenJSON(t, filepath.Join("testdata", "golden", "leave-"+file+"."+lang+".json"), n)
				p := slack.BuildNoticePayload(&n, &slack.Config{Channel: "sec-members"}, render.Options{Language: render.Language(lang)})
				notifytest.GoldenJSON(t, filepath.Join("testdata", "golden", "leave-"+file+".slack."+lang+".json"), p)
			})
		}
	}
}

// checkNotice checks what every notice of this package must be: valid as
// a message, words in its language, and Data a JSON object of its kind.
func checkNotice(t *testing.T, n *notify.Notice) {
	t.Helper()
	m := &notify.Message{Kind: notify.KindNotice, Destination: "d", Key: "k", Notice: n}
	if err := m.Validate(); err != nil {
		t.Fatalf("invalid notice: %v", err)
	}
	if n.Topic != Topic || n.Subject == "" {
		t.Errorf("topic %q subject %q", n.Topic, n.Subject)
	}
	if _, err := json.Marshal(n.Data); err != nil {
		t.Errorf("data: %v", err)
	}
	if _, ok := n.Data["kind"].(string); !ok {
		t.Errorf("data has no kind: %v", n.Data)
	}
	if _, ok := n.Data["notices"]; ok {
		t.Error("data carries the run's notices count")
	}
}

// TestDailyNoticeSeed004: the Japanese message has seed 004's headers in
// seed 004's order, the date in the configured time zone, and every
// account currently resigned.
func TestDailyNoticeSeed004(t *testing.T) {
	r := goldenReports(t)["daily-changes"]
	n := DailyNotice(&r, LanguageJapanese, tokyo(t))
	var headers []string
	for _, s := range n.Sections {
		headers = append(headers, s.Header)
	}
	want := []string{"Security Hub メンバーステータスの変更", "Security Hub 管理外となっているアカウント",
		"前回のチェック以降に CloudTrail で記録された離脱", "Organizations にあり Security Hub のメンバーでないアカウント"}
	if strings.Join(headers, "|") != strings.Join(want, "|") {
		t.Errorf("headers %q, want %q", headers, want)
	}
	if n.Title != "2026/11/20" {
		t.Errorf("title %q", n.Title)
	}
	var labels []string
	for _, g := range n.Sections[0].Groups {
		labels = append(labels, g.Label)
	}
	// Grouped by new status, in the order of an account's life; unknown
	// statuses after the documented ones, "no longer listed" last.
	if got := strings.Join(labels, ","); got != "Enabled,Created,Resigned,Removed,Quarantined,一覧から削除" {
		t.Errorf("change groups %s", got)
	}
	out := n.Sections[1]
	if len(out.Groups) != 2 || out.Groups[0].Label != "Resigned" || len(out.Groups[0].Items) != 2 ||
		!strings.HasPrefix(out.Groups[0].Items[0], "111111111111 prod-app（2026/11/20 10:00 JST から）") || out.Groups[1].Label != "Removed" {
		t.Errorf("unmanaged section %+v", out)
	}
	notMembers := n.Sections[3].Groups[0].Items
	if strings.Join(notMembers, ",") != "121212121212 sandbox,131313131313 old-project（SUSPENDED）" {
		t.Errorf("organization accounts that are not members (the administrator excepted): %q", notMembers)
	}
	if n.Subject != "Security Hub メンバー状況 2026/11/20: 変更 7 件、管理外 3 件、CloudTrail の離脱 2 件" {
		t.Errorf("subject %q", n.Subject)
	}
}

func TestDailyNoticeTimeZone(t *testing.T) {
	// 15:30 UTC on the 19th is 00:30 on the 20th in Tokyo: the header
	// shows the configured zone's date, as seed 004's TIME offset did.
	r := goldenReports(t)["daily-no-change"]
	r.TakenAt = time.Date(2026, 11, 19, 15, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		loc  *time.Location
		want string
	}{{tokyo(t), "2026/11/20"}, {time.UTC, "2026/11/19"}, {nil, "2026/11/19"}, {time.FixedZone("HST", -10*3600), "2026/11/19"}} {
		if n := DailyNotice(&r, LanguageEnglish, tt.loc); n.Title != tt.want || !strings.Contains(n.Subject, tt.want) {
			t.Errorf("in %v: title %q subject %q, want %s", tt.loc, n.Title, n.Subject, tt.want)
		}
	}
	r = goldenReports(t)["daily-unmanaged"]
	n := DailyNotice(&r, LanguageEnglish, time.FixedZone("HST", -10*3600))
	if got := n.Sections[1].Groups[0].Items[0]; got != "111111111111 (since 2026/11/19 15:00 HST)" {
		t.Errorf("times are shown in the configured zone: %q", got)
	}
}

func TestDailyNoticeNoChange(t *testing.T) {
	r := goldenReports(t)["daily-no-change"]
	if r.HasNews() {
		t.Fatal("a report with nothing to say has news")
	}
	n := DailyNotice(&r, LanguageJapanese, tokyo(t))
	if len(n.Sections) != 1 || n.Sections[0].Header != "Security Hub のメンバ状況に変更はありません" || len(n.Sections[0].Groups) != 0 {
		t.Errorf("no change: %+v", n.Sections)
	}
	for name, r := range goldenReports(t) {
		if name != "daily-no-change" && !r.HasNews() {
			t.Errorf("%s has no news", name)
		}
	}
}

func BenchmarkDailyNotice(b *testing.B) {
	// 5000 members of which 300 resigned and 50 changed.
	prev := store.MemberSnapshot{TakenAt: goldenPrevAt}
	cur := store.MemberSnapshot{TakenAt: goldenAt}
	for i := range 5000 {
		id := strings.Repeat("0", 12-len(time.Duration(i).String())) + time.Duration(i).String()
		p := store.MemberAccount{AccountID: id, Status: "Enabled", UpdatedAt: goldenPrevAt}
		c := p
		switch {
		case i < 300:
			p.Status, c.Status = "Resigned", "Resigned"
		case i < 350:
			c.Status, c.UpdatedAt = "Resigned", goldenAt
		}
		prev.Accounts = append(prev.Accounts, p)
		cur.Accounts = append(cur.Accounts, c)
	}
	loc := tokyo(b)
	b.ReportAllocs()
	for b.Loop() {
		r := buildReport(cur, &prev, nil, nil, "")
		n := DailyNotice(&r, LanguageJapanese, loc)
		if len(n.Sections) != 2 {
			b.Fatal(len(n.Sections))
		}
	}
}
