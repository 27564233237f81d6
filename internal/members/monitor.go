package members

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hubrelay/hubrelay/internal/schedule"
	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/store"
)

// JobName is the name of the scheduled members job, and the Job of its
// notices in the store (`hubrelay deliveries list --route members`).
const JobName = "members"

// DefaultSchedule is when the daily check runs by default (seed 004's
// schedule): 11:00 on weekdays, in Options.Location.
const DefaultSchedule = "0 11 * * MON-FRI"

// The values of Options.NoChange.
const (
	// NoChangeSend sends a short "no change" message when nothing
	// changed (the default, as seed 004 does).
	NoChangeSend = "send"
	// NoChangeSkip sends nothing when the message would say nothing but
	// "no change". Unmanaged accounts are still told every time.
	NoChangeSkip = "skip"
)

// MemberLister reads the Security Hub member accounts: every page, every
// status when onlyAssociated is false. *securityhub.Client is one.
type MemberLister interface {
	ListMembers(ctx context.Context, onlyAssociated bool) ([]securityhub.Member, error)
}

// AccountLister reads the accounts of the AWS organization.
// *Organizations is one.
type AccountLister interface {
	ListAccounts(ctx context.Context) ([]OrgAccount, error)
}

// Store keeps the snapshots and the CloudTrail leaves. *store.Store is
// one; every method must be safe for concurrent use.
type Store interface {
	SaveMemberSnapshot(ctx context.Context, snap store.MemberSnapshot) (store.MemberSnapshot, bool, error)
	MemberSnapshotByRunKey(ctx context.Context, runKey string) (store.MemberSnapshot, bool, error)
	PreviousMemberSnapshot(ctx context.Context, snap store.MemberSnapshot) (store.MemberSnapshot, bool, error)
	AnnounceMemberSnapshot(ctx context.Context, id int64, at time.Time) error
	RecordMemberEvents(ctx context.Context, evs []store.MemberEvent) (int, error)
	MemberEvents(ctx context.Context, after, upTo time.Time) ([]store.MemberEvent, error)
}

// Notices commits notices for the queue to deliver, idempotently on their
// keys, and returns how many were new. *service.Service is one.
type Notices interface {
	EnqueueNotices(ctx context.Context, ns []store.NoticeDelivery) (int, error)
}

// Options configure a Monitor. The zero value checks and records but
// sends to nobody.
type Options struct {
	// To names the destinations that receive the daily message and the
	// CloudTrail alerts; they must take notices.
	To []string
	// NoChange is NoChangeSend (default) or NoChangeSkip.
	NoChange string
	// Language of every word of the notices: "ja" or "en" (default).
	Language string
	// Location is the time zone of the schedule and of the dates shown;
	// default UTC (the config's default is Asia/Tokyo).
	Location *time.Location
	// Schedule is the cron spec of the daily check; default
	// DefaultSchedule.
	Schedule string
	// Organizations, when set, cross-checks the organization's accounts
	// with the members on every check.
	Organizations AccountLister
	// AdministratorID is the Security Hub administrator account, left out
	// of the organization's non-members; default the AdministratorId
	// ListMembers reports.
	AdministratorID string
	// Log receives one line per run and per CloudTrail leave. Default:
	// discard.
	Log *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Monitor checks the member accounts and tells the destinations. Build it
// with New. Safe for concurrent use: the scheduler, one-off runs and the
// ingest hook may call it at once.
type Monitor struct {
	members MemberLister
	st      Store
	notices Notices
	opts    Options
	log     *slog.Logger
	now     func() time.Time
}

// New returns a Monitor reading members, keeping snapshots in st and
// sending through notices. It checks opts and names the bad field.
func New(members MemberLister, st Store, notices Notices, opts Options) (*Monitor, error) {
	if members == nil || st == nil || notices == nil {
		return nil, errors.New("members: a member lister, a store and a notice queue are required")
	}
	switch opts.NoChange {
	case "":
		opts.NoChange = NoChangeSend
	case NoChangeSend, NoChangeSkip:
	default:
		return nil, fmt.Errorf("members: on_no_change %q: want %s or %s", opts.NoChange, NoChangeSend, NoChangeSkip)
	}
	switch opts.Language {
	case "":
		opts.Language = LanguageEnglish
	case LanguageJapanese, LanguageEnglish:
	default:
		return nil, fmt.Errorf("members: language %q: want ja or en", opts.Language)
	}
	seen := map[string]bool{}
	for i, d := range opts.To {
		if d == "" {
			return nil, fmt.Errorf("members: to[%d] is empty", i)
		}
		if seen[d] {
			return nil, fmt.Errorf("members: to[%d]: destination %q is named twice", i, d)
		}
		seen[d] = true
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Schedule == "" {
		opts.Schedule = DefaultSchedule
	}
	if err := schedule.Parse(opts.Schedule); err != nil {
		return nil, fmt.Errorf("members: schedule: %w", err)
	}
	m := &Monitor{members: members, st: st, notices: notices, opts: opts, log: opts.Log, now: opts.Now}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.now == nil {
		m.now = time.Now
	}
	return m, nil
}

// Job returns the scheduled daily check: Options.Schedule in
// Options.Location, each slot run once across replicas by package
// schedule. The service adds it to its jobs.
func (m *Monitor) Job() schedule.Job {
	return schedule.Job{
		Name:     JobName,
		Spec:     m.opts.Schedule,
		Location: m.opts.Location,
		Run: func(ctx context.Context, slot time.Time) error {
			_, err := m.Run(ctx, slot)
			return err
		},
	}
}

// Run is the scheduled check of slot: it reads ListMembers once per slot
// (a repeated run of the slot reuses the snapshot it stored), diffs it
// against the latest announced snapshot, and commits the daily message
// to every destination of Options.To under the key
// "notice|members|<slot>|<destination>", so a repeated run sends nothing
// twice. The snapshot is marked announced after the commit; a run that
// fails before that is diffed against by nobody, so the next run tells
// what this one could not.
func (m *Monitor) Run(ctx context.Context, slot time.Time) (*Report, error) {
	runKey := JobName + "|" + slot.UTC().Format(time.RFC3339)
	return m.check(ctx, runKey, store.MemberSnapshotScheduled, func(dest string) string {
		return store.NoticeKey(JobName, slot, dest)
	})
}

// Check runs a one-off check now (`hubrelay members`). With send it is
// announced like a scheduled run (snapshot kind manual, notices keyed on
// the run's time); without, it only stores the snapshot (kind check) and
// reports the changes since the latest announced snapshot, which stays
// the base of the next daily message.
func (m *Monitor) Check(ctx context.Context, send bool) (*Report, error) {
	at := m.now().UTC().Format(time.RFC3339Nano)
	if !send {
		return m.check(ctx, "check|"+at, store.MemberSnapshotCheck, nil)
	}
	runKey := "manual|" + at
	return m.check(ctx, runKey, store.MemberSnapshotManual, func(dest string) string {
		return "notice|" + JobName + "|" + runKey + "|" + dest
	})
}

// check takes (or reuses) the snapshot of runKey, builds the report and,
// when key is set, announces it.
func (m *Monitor) check(ctx context.Context, runKey, kind string, key func(dest string) string) (*Report, error) {
	log := m.log.With(slog.String("run", runKey))
	snap, ok, err := m.st.MemberSnapshotByRunKey(ctx, runKey)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	if !ok {
		list, err := m.members.ListMembers(ctx, false)
		if err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
		snap = store.MemberSnapshot{RunKey: runKey, Kind: kind, TakenAt: m.now()}
		for _, mem := range list {
			snap.Accounts = append(snap.Accounts, store.MemberAccount{
				AccountID: mem.AccountID, Email: mem.Email, AdministratorID: mem.AdministratorID,
				Status: mem.Status, InvitedAt: mem.InvitedAt, UpdatedAt: mem.UpdatedAt,
			})
		}
		if snap, _, err = m.st.SaveMemberSnapshot(ctx, snap); err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
	}
	var prev *store.MemberSnapshot
	p, ok, err := m.st.PreviousMemberSnapshot(ctx, snap)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	since := time.Time{}
	if ok {
		prev, since = &p, p.TakenAt
	}
	events, err := m.st.MemberEvents(ctx, since, snap.TakenAt)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	var org []OrgAccount
	orgErr := ""
	if m.opts.Organizations != nil {
		if org, err = m.opts.Organizations.ListAccounts(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("members: %w", err)
			}
			// The cross-check is an extra: its failure (no permission,
			// not the management account) is told, and the members
			// message still goes out.
			log.Warn("organizations cross-check failed", slog.String("error", err.Error()))
			orgErr = err.Error()
		}
		if org == nil {
			org = []OrgAccount{}
		}
	}
	r := buildReport(snap, prev, events, org, m.opts.AdministratorID)
	if orgErr != "" {
		r.Organizations.Error = orgErr
	}
	if key == nil {
		log.Info("members checked", slog.Int("members", r.Members), slog.Int("changes", len(r.Changes)))
		return &r, nil
	}
	if !snap.AnnouncedAt.IsZero() {
		// A repeated run after its notices were committed: report, send
		// nothing.
		r.Announced = true
		return &r, nil
	}
	if r.HasNews() || m.opts.NoChange == NoChangeSend {
		n := DailyNotice(&r, m.opts.Language, m.opts.Location)
		body, err := json.Marshal(n)
		if err != nil {
			return nil, fmt.Errorf("members: encode notice: %w", err)
		}
		ns := make([]store.NoticeDelivery, 0, len(m.opts.To))
		for _, dest := range m.opts.To {
			ns = append(ns, store.NoticeDelivery{Key: key(dest), Job: JobName, Destination: dest, Topic: Topic, Body: body})
		}
		if len(ns) > 0 {
			if r.Notices, err = m.notices.EnqueueNotices(ctx, ns); err != nil {
				return nil, fmt.Errorf("members: %w", err)
			}
		}
	}
	if err := m.st.AnnounceMemberSnapshot(ctx, snap.ID, m.now()); err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	r.Announced = true
	log.Info("members checked", slog.Int("members", r.Members), slog.Int("changes", len(r.Changes)),
		slog.Int("unmanaged", len(r.Unmanaged)), slog.Int("notices", r.Notices))
	return &r, nil
}

// EventError is HandleEvent's error for an event that cannot be read:
// sending it again will not help. Sources answer it as the input's fault
// (HTTP 400, SQS message not retried).
type EventError struct{ Err error }

// Error returns the problem, naming the field.
func (e *EventError) Error() string { return e.Err.Error() }

// Unwrap returns the parse error.
func (e *EventError) Unwrap() error { return e.Err }

// InputError marks the error as the input's fault.
func (e *EventError) InputError() bool { return true }

// HandleEvent takes an EventBridge "AWS API Call via CloudTrail" event
// (the ingest hook). For a member leaving Security Hub
// (DisassociateFromAdministratorAccount, DisassociateFromMasterAccount,
// DisassociateMembers, DeleteMembers) it records the leave, listed again
// in the next daily message, and commits an alert to every destination of
// Options.To keyed on the CloudTrail event ID
// ("notice|members|cloudtrail:<eventID>|<destination>"), so a replayed
// event is not told twice. Other CloudTrail events and failed calls
// (errorCode set) are acknowledged and ignored. It returns nil once all is
// committed; an *EventError for an event it cannot read; any other error
// is temporary (the store failed) and the event should come again.
func (m *Monitor) HandleEvent(ctx context.Context, event []byte) error {
	l, ok, err := ParseCloudTrail(event)
	if err != nil {
		return &EventError{Err: fmt.Errorf("members: %w", err)}
	}
	if !ok {
		m.log.Debug("cloudtrail event ignored: not a Security Hub member leaving")
		return nil
	}
	log := m.log.With(slog.String("event_id", l.EventID), slog.String("event_name", l.EventName))
	if l.Failed() {
		log.Info("cloudtrail: a failed call; no member left", slog.String("error_code", l.ErrorCode))
		return nil
	}
	if len(l.Accounts) == 0 {
		log.Info("cloudtrail: every account of the call was unprocessed; no member left")
		return nil
	}
	now := m.now()
	evs := make([]store.MemberEvent, 0, len(l.Accounts))
	for _, id := range l.Accounts {
		evs = append(evs, store.MemberEvent{EventID: l.EventID, AccountID: id, EventName: l.EventName, EventTime: l.EventTime,
			Actor: l.Actor, CallerAccount: l.CallerAccount, Region: l.Region, ReceivedAt: now})
	}
	if _, err := m.st.RecordMemberEvents(ctx, evs); err != nil {
		return fmt.Errorf("members: %w", err)
	}
	n := LeaveNotice(&l, m.opts.Language, m.opts.Location)
	body, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("members: encode notice: %w", err)
	}
	ns := make([]store.NoticeDelivery, 0, len(m.opts.To))
	for _, dest := range m.opts.To {
		ns = append(ns, store.NoticeDelivery{Key: "notice|" + JobName + "|cloudtrail:" + l.EventID + "|" + dest,
			Job: JobName, Destination: dest, Topic: Topic, Body: body})
	}
	created := 0
	if len(ns) > 0 {
		if created, err = m.notices.EnqueueNotices(ctx, ns); err != nil {
			return fmt.Errorf("members: %w", err)
		}
	}
	log.Info("cloudtrail: member left", slog.Any("accounts", l.Accounts), slog.Int("notices", created))
	return nil
}
