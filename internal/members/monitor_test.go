package members

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/members/orgtest"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/slack"
	"github.com/hubrelay/hubrelay/internal/render"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// storeNotices commits notices to a real store, as the service does.
type storeNotices struct {
	st  *store.Store
	now func() time.Time
}

func (n storeNotices) EnqueueNotices(ctx context.Context, ns []store.NoticeDelivery) (int, error) {
	return n.st.EnqueueNotices(ctx, ns, n.now())
}

// clock is a test clock safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// rig is a monitor over the in-process Security Hub and Organizations
// APIs and a real store.
type rig struct {
	hub *hubtest.Server
	org *orgtest.Server
	st  *store.Store
	clk *clock
	mon *Monitor
}

func newRig(t *testing.T, dialect string, opts Options) *rig {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC)}
	hub := hubtest.NewTest(t, hubtest.Options{AccountID: "999999999999", Now: clk.Now})
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	cfg := hub.AWSConfig()
	sh, err := securityhub.New(context.Background(), securityhub.Options{
		Region: cfg.Region, Endpoint: hub.URL(), Credentials: cfg.Credentials})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{hub: hub, st: storetest.Open(t, dialect), clk: clk}
	if opts.Organizations == nil {
		r.org = orgtest.NewTest(t, orgtest.Options{ManagementAccountID: "999999999999"})
		ocfg := r.org.AWSConfig()
		orgs, err := NewOrganizations(context.Background(), OrganizationsOptions{Endpoint: r.org.URL(), Credentials: ocfg.Credentials})
		if err != nil {
			t.Fatal(err)
		}
		opts.Organizations = orgs
	}
	opts.Now = clk.Now
	r.mon, err = New(sh, r.st, storeNotices{r.st, clk.Now}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// claimed is a notice delivery read back from the store.
type claimed struct {
	key, dest string
	notice    notify.Notice
}

// notices claims every notice the store has pending and marks it
// delivered, so each is returned once.
func (r *rig) notices(t *testing.T) []claimed {
	t.Helper()
	cs, err := r.st.Claim(context.Background(), "test", r.clk.Now().Add(time.Hour), time.Hour, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []claimed
	for _, c := range cs {
		if c.Kind != store.KindNotice || c.Route != JobName || c.Phase != Topic {
			t.Fatalf("a delivery that is no members notice: %+v", c.Delivery)
		}
		var n notify.Notice
		if err := json.Unmarshal(c.Event, &n); err != nil {
			t.Fatal(err)
		}
		out = append(out, claimed{key: c.Key, dest: c.Destination, notice: n})
		if err := r.st.Complete(context.Background(), c.ID, "test", store.Receipt{ID: "ts"}, r.clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	slices.SortFunc(out, func(a, b claimed) int { return strings.Compare(a.key, b.key) })
	return out
}

// slot is 11:00 JST on the day of the month given, November 2026.
func slot(day int) time.Time { return time.Date(2026, 11, day, 2, 0, 0, 0, time.UTC) }

func itemsOf(n notify.Notice, header string) []string {
	var out []string
	for _, s := range n.Sections {
		if s.Header == header {
			for _, g := range s.Groups {
				for _, it := range g.Items {
					out = append(out, g.Label+": "+it)
				}
			}
		}
	}
	return out
}

func TestMonitorDays(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) { testMonitorDays(t, d) })
	}
}

func testMonitorDays(t *testing.T, dialect string) {
	ctx := context.Background()
	r := newRig(t, dialect, Options{To: []string{"slack-sec", "mail-sec"}, Language: LanguageJapanese, Location: tokyo(t)})
	old := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	r.hub.AddMembers(
		hubtest.Member{AccountID: "111111111111", MemberStatus: "Enabled", InvitedAt: old, UpdatedAt: old},
		hubtest.Member{AccountID: "222222222222", MemberStatus: "Invited", InvitedAt: old, UpdatedAt: old},
		hubtest.Member{AccountID: "333333333333", MemberStatus: "Enabled", InvitedAt: old, UpdatedAt: old},
	)
	// 60 more members: ListMembers takes two pages of 50.
	for i := range 60 {
		r.hub.AddMembers(hubtest.Member{AccountID: fmt.Sprintf("5000000000%02d", i), MemberStatus: "Enabled", UpdatedAt: old})
	}
	r.org.AddAccounts(orgtest.Account{ID: "111111111111", Name: "prod-app"}, orgtest.Account{ID: "999999999999", Name: "security"},
		orgtest.Account{ID: "121212121212", Name: "sandbox"})

	// Day 1 (Thursday): the first check records and says so.
	rep, err := r.mon.Run(ctx, slot(19))
	if err != nil {
		t.Fatal(err)
	}
	if rep.PreviousAt != nil || rep.Members != 63 || len(rep.Changes) != 0 || !rep.Announced || rep.Notices != 2 {
		t.Fatalf("first check: %+v", rep)
	}
	if rep.Organizations == nil || len(rep.Organizations.NotMembers) != 1 || rep.Organizations.NotMembers[0].AccountID != "121212121212" {
		t.Errorf("organization cross-check (the administrator excepted): %+v", rep.Organizations)
	}
	ns := r.notices(t)
	if len(ns) != 2 || ns[0].key != "notice|members|2026-11-19T02:00:00Z|mail-sec" || ns[1].key != "notice|members|2026-11-19T02:00:00Z|slack-sec" {
		t.Fatalf("day 1 notices %+v", ns)
	}
	if ns[0].notice.Title != "2026/11/19" || !strings.Contains(ns[0].notice.Sections[0].Text, "63 件") {
		t.Errorf("day 1 notice %+v", ns[0].notice)
	}
	listed := r.hub.Calls("ListMembers")
	if listed != 2 {
		t.Errorf("ListMembers called %d times, want 2 pages", listed)
	}

	// The same slot again (another replica took it over): same snapshot,
	// nothing sent twice.
	again, err := r.mon.Run(ctx, slot(19))
	if err != nil || again.Notices != 0 || !again.Announced || r.hub.Calls("ListMembers") != listed {
		t.Fatalf("repeated slot: %+v, %v; ListMembers %d calls", again, err, r.hub.Calls("ListMembers"))
	}
	if ns := r.notices(t); len(ns) != 0 {
		t.Fatalf("repeated slot sent %d notices", len(ns))
	}

	// Day 2: 111 resigns at 10:00 JST and CloudTrail tells at once; 222
	// accepts; 333 leaves and rejoins before the check; 444 is invited.
	r.clk.Set(time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC))
	r.hub.SetMemberStatus("111111111111", "Resigned", time.Time{})
	if err := r.mon.HandleEvent(ctx, readTestdata(t, "cloudtrail/disassociate-from-administrator.json")); err != nil {
		t.Fatal(err)
	}
	ns = r.notices(t)
	if len(ns) != 2 || ns[1].key != "notice|members|cloudtrail:9f2c6c3e-1d7a-4b9e-8f00-1a2b3c4d5e01|slack-sec" {
		t.Fatalf("CloudTrail alert notices %+v", ns)
	}
	alert := ns[1].notice
	if !strings.Contains(alert.Subject, "111111111111") || !strings.Contains(alert.Subject, "2026/11/20 10:00 JST") {
		t.Errorf("alert subject %q", alert.Subject)
	}
	// Done means: in a Slack message by 10:05. The alert is committed at
	// 10:00; this is the message the Slack destination posts.
	p := slack.BuildNoticePayload(&alert, &slack.Config{Channel: "sec"}, render.Options{Language: render.Japanese})
	if js, _ := p.Marshal(); !strings.Contains(string(js), "111111111111") {
		t.Errorf("the Slack message does not name the account: %s", js)
	}
	if err := r.mon.HandleEvent(ctx, readTestdata(t, "cloudtrail/disassociate-from-administrator.json")); err != nil {
		t.Fatal(err)
	}
	if ns := r.notices(t); len(ns) != 0 {
		t.Fatalf("a replayed CloudTrail event was told again: %+v", ns)
	}
	r.clk.Set(time.Date(2026, 11, 20, 1, 30, 0, 0, time.UTC))
	r.hub.SetMemberStatus("222222222222", "Enabled", time.Time{})
	r.hub.SetMemberStatus("333333333333", "Resigned", time.Time{})
	r.clk.Set(time.Date(2026, 11, 20, 1, 40, 0, 0, time.UTC))
	r.hub.SetMemberStatus("333333333333", "Enabled", time.Time{})
	r.hub.AddMembers(hubtest.Member{AccountID: "444444444444", MemberStatus: "Invited", InvitedAt: r.clk.Now(), UpdatedAt: r.clk.Now()})
	r.clk.Set(slot(20))
	rep, err = r.mon.Run(ctx, slot(20))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]ChangeKind{}
	for _, c := range rep.Changes {
		kinds[c.AccountID] = c.Kind
	}
	if len(kinds) != 4 || kinds["111111111111"] != ChangeLeft || kinds["222222222222"] != ChangeJoined ||
		kinds["333333333333"] != ChangeUpdated || kinds["444444444444"] != ChangeNew {
		t.Errorf("day 2 changes %+v", rep.Changes)
	}
	if len(rep.CloudTrail) != 1 || rep.CloudTrail[0].AccountID != "111111111111" || rep.CloudTrail[0].Name != "prod-app" {
		t.Errorf("day 2 CloudTrail leaves %+v", rep.CloudTrail)
	}
	ns = r.notices(t)
	if len(ns) != 2 {
		t.Fatalf("day 2: %d notices", len(ns))
	}
	day2 := ns[1].notice
	if got := itemsOf(day2, japanese.unmanagedHeader); len(got) != 1 || !strings.HasPrefix(got[0], "Resigned: 111111111111 prod-app（2026/11/20 10:00 JST から）") {
		t.Errorf("day 2 unmanaged %q", got)
	}
	if got := itemsOf(day2, japanese.changesHeader); !slices.Contains(got, "Enabled: 333333333333（ステータスは同じですが 2026/11/20 10:40 JST に更新されています。離脱と再参加などの可能性があります）") {
		t.Errorf("the leave-and-rejoin between two checks is not told: %q", got)
	}

	// Day 3 (Monday; the weekend has no slot): nothing changed, but the
	// resigned account is listed again, as every day until it is back.
	r.clk.Set(slot(23))
	rep, err = r.mon.Run(ctx, slot(23))
	if err != nil || len(rep.Changes) != 0 || len(rep.CloudTrail) != 0 || rep.Notices != 2 {
		t.Fatalf("day 3: %+v, %v", rep, err)
	}
	ns = r.notices(t)
	day3 := ns[0].notice
	if day3.Sections[0].Header != japanese.noChange || len(itemsOf(day3, japanese.unmanagedHeader)) != 1 {
		t.Errorf("day 3 notice %+v", day3)
	}

	// Day 4: back.
	r.clk.Set(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	r.hub.SetMemberStatus("111111111111", "Enabled", time.Time{})
	r.clk.Set(slot(24))
	rep, err = r.mon.Run(ctx, slot(24))
	if err != nil || len(rep.Changes) != 1 || rep.Changes[0].Kind != ChangeJoined || len(rep.Unmanaged) != 0 {
		t.Fatalf("day 4: %+v, %v", rep, err)
	}
	if got := itemsOf(r.notices(t)[0].notice, japanese.unmanagedHeader); len(got) != 0 {
		t.Errorf("day 4 still lists unmanaged accounts: %q", got)
	}
}

// failingNotices fails the first calls, as a store that is down.
type failingNotices struct {
	storeNotices
	fail int
}

func (f *failingNotices) EnqueueNotices(ctx context.Context, ns []store.NoticeDelivery) (int, error) {
	if f.fail > 0 {
		f.fail--
		return 0, errors.New("store unavailable")
	}
	return f.storeNotices.EnqueueNotices(ctx, ns)
}

// TestMonitorFailedRunLosesNothing: a run whose notices could not be
// committed is not the base of the next diff, so the next run tells its
// changes.
func TestMonitorFailedRunLosesNothing(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, "sqlite", Options{To: []string{"slack-sec"}})
	r.hub.AddMembers(hubtest.Member{AccountID: "111111111111", MemberStatus: "Enabled", UpdatedAt: slot(1)})
	fail := &failingNotices{storeNotices: storeNotices{r.st, r.clk.Now}}
	mon, err := New(r.mon.members, r.st, fail, r.mon.opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mon.Run(ctx, slot(19)); err != nil {
		t.Fatal(err)
	}
	r.clk.Set(slot(20))
	r.hub.SetMemberStatus("111111111111", "Resigned", slot(20).Add(-time.Hour))
	fail.fail = 1
	if _, err := mon.Run(ctx, slot(20)); err == nil || !strings.Contains(err.Error(), "store unavailable") {
		t.Fatalf("day 2 with the store down: %v", err)
	}
	r.clk.Set(slot(23))
	rep, err := mon.Run(ctx, slot(23))
	if err != nil || len(rep.Changes) != 1 || rep.Changes[0].Kind != ChangeLeft || !rep.PreviousAt.Equal(slot(19)) {
		t.Fatalf("day 3 must tell day 2's leave: %+v, %v", rep, err)
	}
}

func TestMonitorNoChangeSkip(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, "sqlite", Options{To: []string{"slack-sec"}, NoChange: NoChangeSkip})
	r.hub.AddMembers(hubtest.Member{AccountID: "111111111111", MemberStatus: "Enabled", UpdatedAt: slot(1)})
	if rep, err := r.mon.Run(ctx, slot(19)); err != nil || rep.Notices != 1 {
		t.Fatalf("the first check is told even with skip: %+v, %v", rep, err)
	}
	r.clk.Set(slot(20))
	rep, err := r.mon.Run(ctx, slot(20))
	if err != nil || rep.Notices != 0 || !rep.Announced {
		t.Fatalf("no change with skip: %+v, %v", rep, err)
	}
	r.hub.SetMemberStatus("111111111111", "Resigned", slot(20))
	for _, day := range []int{23, 24} {
		r.clk.Set(slot(day))
		rep, err := r.mon.Run(ctx, slot(day))
		if err != nil || rep.Notices != 1 {
			t.Fatalf("day %d: a resigned account is told every day, skip or not: %+v, %v", day, rep, err)
		}
	}
	if n := len(r.notices(t)); n != 3 {
		t.Errorf("%d notices, want 3", n)
	}
}

func TestMonitorCheck(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, "sqlite", Options{To: []string{"slack-sec"}, Language: LanguageEnglish})
	r.hub.AddMembers(hubtest.Member{AccountID: "111111111111", MemberStatus: "Enabled", UpdatedAt: slot(1)})
	if _, err := r.mon.Run(ctx, slot(19)); err != nil {
		t.Fatal(err)
	}
	r.notices(t)
	r.hub.SetMemberStatus("111111111111", "Resigned", slot(19).Add(time.Hour))
	r.clk.Set(slot(19).Add(2 * time.Hour))
	// A check prints the change and sends nothing...
	rep, err := r.mon.Check(ctx, false)
	if err != nil || len(rep.Changes) != 1 || rep.Announced || rep.Notices != 0 || rep.Kind != store.MemberSnapshotCheck {
		t.Fatalf("check: %+v, %v", rep, err)
	}
	if ns := r.notices(t); len(ns) != 0 {
		t.Fatalf("a check sent %d notices", len(ns))
	}
	// ...so the next daily message still tells it.
	r.clk.Set(slot(20))
	rep, err = r.mon.Run(ctx, slot(20))
	if err != nil || len(rep.Changes) != 1 || rep.Notices != 1 {
		t.Fatalf("the day after a check: %+v, %v", rep, err)
	}
	r.notices(t)
	// A one-off run with send tells now.
	r.hub.SetMemberStatus("111111111111", "Enabled", time.Time{})
	r.clk.Set(slot(20).Add(time.Hour))
	rep, err = r.mon.Check(ctx, true)
	if err != nil || len(rep.Changes) != 1 || !rep.Announced || rep.Notices != 1 || rep.Kind != store.MemberSnapshotManual {
		t.Fatalf("check --send: %+v, %v", rep, err)
	}
	ns := r.notices(t)
	if len(ns) != 1 || !strings.HasPrefix(ns[0].key, "notice|members|manual|2026-11-20T03:00:00Z|") {
		t.Fatalf("check --send notices %+v", ns)
	}
}

func TestHandleEvent(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, "sqlite", Options{To: []string{"slack-sec"}, Language: LanguageEnglish})
	for _, tt := range []struct {
		file    string
		notices int
	}{
		{"disassociate-members.json", 1},
		{"delete-members.json", 1},
		{"disassociate-members-denied.json", 0}, // a failed call: nothing left
		{"create-insight.json", 0},              // not about membership
		{"disassociate-from-master.json", 1},
	} {
		if err := r.mon.HandleEvent(ctx, readTestdata(t, "cloudtrail/"+tt.file)); err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if ns := r.notices(t); len(ns) != tt.notices {
			t.Errorf("%s: %d notices, want %d", tt.file, len(ns), tt.notices)
		}
	}
	evs, err := r.st.MemberEvents(ctx, time.Time{}, slot(30))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.AccountID)
	}
	if strings.Join(got, ",") != "666666666666,222222222222,333333333333,444444444444" {
		t.Errorf("recorded leaves %v (ordered by time; the unprocessed and the denied are not)", got)
	}
	err = r.mon.HandleEvent(ctx, []byte(`{"detail-type": "AWS API Call via CloudTrail", "detail": {"eventSource": "securityhub.amazonaws.com", "eventName": "DeleteMembers", "eventID": "x", "eventTime": "2026-11-20T00:00:00Z"}}`))
	var ee *EventError
	if !errors.As(err, &ee) || !ee.InputError() || !strings.Contains(err.Error(), "requestParameters is missing") {
		t.Errorf("a malformed event: %v", err)
	}
	r.st.Close()
	err = r.mon.HandleEvent(ctx, readTestdata(t, "cloudtrail/disassociate-members.json"))
	if err == nil || errors.As(err, &ee) {
		t.Errorf("with the store closed: %v; want a temporary error", err)
	}
}

func TestNewOptions(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	hub := hubtest.NewTest(t, hubtest.Options{})
	sh, err := securityhub.New(context.Background(), securityhub.Options{Region: "ap-northeast-1", Endpoint: hub.URL(), Credentials: hub.AWSConfig().Credentials})
	if err != nil {
		t.Fatal(err)
	}
	n := storeNotices{st, time.Now}
	for _, tt := range []struct {
		opts Options
		want string
	}{
		{Options{NoChange: "never"}, `on_no_change "never": want send or skip`},
		{Options{Language: "fr"}, `language "fr": want ja or en`},
		{Options{To: []string{"a", ""}}, "to[1] is empty"},
		{Options{To: []string{"a", "a"}}, `to[1]: destination "a" is named twice`},
		{Options{Schedule: "0 25 * * *"}, "members: schedule: "},
	} {
		if _, err := New(sh, st, n, tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v) = %v, want %q", tt.opts, err, tt.want)
		}
	}
	if _, err := New(nil, st, n, Options{}); err == nil {
		t.Error("New without a member lister")
	}
	m, err := New(sh, st, n, Options{Location: tokyo(t)})
	if err != nil {
		t.Fatal(err)
	}
	j := m.Job()
	if j.Name != "members" || j.Spec != DefaultSchedule || j.Location.String() != "Asia/Tokyo" || j.Run == nil {
		t.Errorf("job %+v", j)
	}
}

// TestMonitorOrganizationsFails: a cross-check that cannot read the
// organization (not the management account, no permission) is told in the
// message, which still goes out.
func TestMonitorOrganizationsFails(t *testing.T) {
	ctx := context.Background()
	none := orgtest.NewTest(t, orgtest.Options{NotInUse: true})
	orgs, err := NewOrganizations(ctx, OrganizationsOptions{Endpoint: none.URL(), Credentials: none.AWSConfig().Credentials})
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, "sqlite", Options{To: []string{"slack-sec"}, Organizations: orgs})
	r.hub.AddMembers(hubtest.Member{AccountID: "111111111111", MemberStatus: "Resigned", UpdatedAt: slot(1)})
	rep, err := r.mon.Run(ctx, slot(19))
	if err != nil || rep.Notices != 1 || rep.Organizations == nil || !strings.Contains(rep.Organizations.Error, "AWSOrganizationsNotInUseException") {
		t.Fatalf("Run = %+v, %v", rep, err)
	}
	n := r.notices(t)[0].notice
	last := n.Sections[len(n.Sections)-1]
	if last.Header != english.notMembersHeader || !strings.Contains(last.Text, "could not be listed") || len(itemsOf(n, english.unmanagedHeader)) != 1 {
		t.Errorf("notice %+v", n)
	}
}
