package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/schedule"
	"github.com/hubrelay/hubrelay/internal/service"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// inbox is a destination type that takes notices and keeps what it gets.
type inbox struct {
	mu   sync.Mutex
	msgs []*notify.Message
	got  chan struct{}
}

func newInbox() *inbox { return &inbox{got: make(chan struct{}, 16)} }

func (b *inbox) Notify(_ context.Context, m *notify.Message) (notify.Receipt, error) {
	b.mu.Lock()
	b.msgs = append(b.msgs, m)
	n := len(b.msgs)
	b.mu.Unlock()
	b.got <- struct{}{}
	return notify.Receipt{ID: "inbox-" + strconv.Itoa(n)}, nil
}

func (b *inbox) messages() []*notify.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*notify.Message(nil), b.msgs...)
}

// noticeConfig is a config whose only destination is an inbox, with the
// registry that builds it.
func noticeConfig(t *testing.T, dsn string, box *inbox) (*config.Config, *notify.Registry) {
	t.Helper()
	reg := destinations.Registry()
	reg.Register("inbox", func(_ string, _ notify.Decoder, env notify.Env) (notify.Notifier, error) {
		if env.CheckOnly() {
			return nil, nil
		}
		return box, nil
	}, notify.TakesNotices)
	yaml := fmt.Sprintf(`store: %s
language: ja
timezone: Asia/Tokyo
destinations:
  sec-inbox: {inbox: {}}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [sec-inbox]
`, strconv.Quote(dsn))
	cfg, err := config.Parse(filepath.Join(t.TempDir(), "hubrelay.yaml"), []byte(yaml),
		config.WithDestinationTypes(func(typ string, s *config.Settings) error { return reg.Check(typ, s) }))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return cfg, reg
}

// offsetClock reads at when called first, then runs with the wall clock.
func offsetClock(at time.Time) func() time.Time {
	d := time.Until(at)
	return func() time.Time { return time.Now().Add(d) }
}

// membersJob is a job that enqueues one members notice per slot to dest.
func membersJob(svc *service.Service, loc *time.Location, dest string) schedule.Job {
	return schedule.Job{Name: "members", Spec: "0 11 * * *", Location: loc, Run: func(ctx context.Context, slot time.Time) error {
		body, err := json.Marshal(notify.Notice{Topic: "members", Title: slot.Format("2006/01/02"),
			Sections: []notify.NoticeSection{{Header: "Security Hub メンバーステータスの変更",
				Groups: []notify.NoticeGroup{{Label: "Resigned", Items: []string{"123456789012"}}}}}})
		if err != nil {
			return err
		}
		_, err = svc.EnqueueNotices(ctx, []store.NoticeDelivery{{
			Key: store.NoticeKey("members", slot, dest), Job: "members", Destination: dest, Topic: "members", Body: body}})
		return err
	}}
}

// TestScheduledJobNotice runs the service with a job due half a second
// after it starts: the job's notice reaches the destination through the
// queue, and the run is recorded.
func TestScheduledJobNotice(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			box := newInbox()
			cfg, reg := noticeConfig(t, dsn(t, dialect), box)
			slot := time.Date(2026, 11, 23, 11, 0, 0, 0, cfg.Location)
			svc, err := service.Open(context.Background(), cfg, service.Options{
				Registry: reg,
				Owner:    "service-test",
				Now:      offsetClock(slot.Add(-500 * time.Millisecond)),
				Jobs: func(svc *service.Service) ([]schedule.Job, error) {
					return []schedule.Job{membersJob(svc, cfg.Location, "sec-inbox")}, nil
				},
			})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer svc.Close()
			if svc.Scheduler() == nil {
				t.Fatal("no scheduler for a job")
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			served := make(chan error, 1)
			go func() { served <- svc.Serve(ctx, nil) }()
			select {
			case <-box.got:
			case <-time.After(testTimeout):
				t.Fatal("the job's notice did not arrive")
			}
			wctx, wcancel := context.WithTimeout(context.Background(), testTimeout)
			defer wcancel()
			waitCounts(wctx, t, svc.Store(), store.StatusDelivered, 1)
			cancel()
			if err := <-served; err != nil {
				t.Fatalf("Serve: %v", err)
			}
			msgs := box.messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			m := msgs[0]
			if m.Kind != notify.KindNotice || m.Route != "members" || m.Destination != "sec-inbox" ||
				m.Key != "notice|members|2026-11-23T02:00:00Z|sec-inbox" || m.Notice == nil || m.Notice.Title != "2026/11/23" {
				t.Fatalf("message %+v (notice %+v)", m, m.Notice)
			}
			runs, err := svc.Store().Runs(context.Background(), "members", 10)
			if err != nil || len(runs) != 1 || runs[0].Status != store.RunOK || !runs[0].Slot.Equal(slot) || runs[0].Owner != "service-test" {
				t.Fatalf("runs %+v, %v", runs, err)
			}
		})
	}
}

// TestServeStopsSchedulerFirst stops the service while a job runs: the
// job's context ends, it can still commit through the store, and Serve
// returns only after it has.
func TestServeStopsSchedulerFirst(t *testing.T) {
	box := newInbox()
	cfg, reg := noticeConfig(t, dsn(t, store.DialectSQLite), box)
	slot := time.Date(2026, 11, 23, 11, 0, 0, 0, cfg.Location)
	running, returned := make(chan struct{}), make(chan error, 1)
	svc, err := service.Open(context.Background(), cfg, service.Options{
		Registry: reg,
		Now:      offsetClock(slot.Add(-100 * time.Millisecond)),
		Jobs: func(svc *service.Service) ([]schedule.Job, error) {
			inner := membersJob(svc, cfg.Location, "sec-inbox")
			return []schedule.Job{{Name: "members", Spec: inner.Spec, Location: inner.Location, Run: func(ctx context.Context, slot time.Time) error {
				close(running)
				<-ctx.Done()
				// Stopping: what the job had gathered is still committed.
				err := inner.Run(context.WithoutCancel(ctx), slot)
				returned <- err
				return err
			}}}, nil
		},
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer svc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- svc.Serve(ctx, nil) }()
	select {
	case <-running:
	case <-time.After(testTimeout):
		t.Fatal("the job did not start")
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	select {
	case err := <-returned:
		if err != nil {
			t.Fatalf("the stopping job could not commit: %v", err)
		}
	default:
		t.Fatal("Serve returned before the job did")
	}
	ds, err := svc.Store().Deliveries(context.Background(), store.Filter{Route: "members"})
	if err != nil || len(ds) != 1 || ds[0].Kind != store.KindNotice {
		t.Fatalf("deliveries %+v, %v", ds, err)
	}
	runs, err := svc.Store().Runs(context.Background(), "members", 10)
	if err != nil || len(runs) != 1 || runs[0].Status != store.RunOK {
		t.Fatalf("runs %+v, %v", runs, err)
	}
}

func TestOpenRejectsBadJobs(t *testing.T) {
	tests := []struct {
		name string
		jobs service.Jobs
		want string
	}{
		{"bad spec", func(*service.Service) ([]schedule.Job, error) {
			return []schedule.Job{{Name: "report:system-a", Spec: "0 9 * * FRY", Run: func(context.Context, time.Time) error { return nil }}}, nil
		}, `job "report:system-a": schedule: "0 9 * * FRY": day-of-week`},
		{"jobs fail", func(*service.Service) ([]schedule.Job, error) {
			return nil, errors.New("members: no organization access")
		}, "service: scheduled jobs: members: no organization access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, reg := noticeConfig(t, dsn(t, store.DialectSQLite), newInbox())
			svc, err := service.Open(context.Background(), cfg, service.Options{Registry: reg, Jobs: tt.jobs})
			if err == nil || svc != nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Open = %v, %v; want an error containing %q", svc, err, tt.want)
			}
		})
	}
}
