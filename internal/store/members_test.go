package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

func memberSnap(key, kind string, at time.Time, accounts ...store.MemberAccount) store.MemberSnapshot {
	return store.MemberSnapshot{RunKey: key, Kind: kind, TakenAt: at, Accounts: accounts}
}

func TestMemberSnapshots(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		invited := t0.Add(-48*time.Hour + 1500*time.Microsecond)
		first := memberSnap("members|day1", store.MemberSnapshotScheduled, t0,
			store.MemberAccount{AccountID: "222222222222", Status: "Invited", Email: "b@example.com", AdministratorID: "999999999999", InvitedAt: invited, UpdatedAt: invited},
			store.MemberAccount{AccountID: "111111111111", Status: "Enabled", Email: "a@example.com", AdministratorID: "999999999999", InvitedAt: invited},
			store.MemberAccount{AccountID: "333333333333", Status: "SomethingNew"},
			store.MemberAccount{AccountID: "333333333333", Status: "Listed twice: the last entry counts"},
		)
		got, created, err := s.SaveMemberSnapshot(ctx, first)
		if err != nil || !created || got.ID == 0 {
			t.Fatalf("SaveMemberSnapshot = %+v, %v, %v", got, created, err)
		}
		if len(got.Accounts) != 3 || got.Accounts[0].AccountID != "111111111111" || got.Accounts[2].Status != "Listed twice: the last entry counts" {
			t.Fatalf("accounts not kept in account order, unknown status as is: %+v", got.Accounts)
		}
		b := got.Accounts[1]
		if !b.InvitedAt.Equal(invited.Truncate(time.Millisecond)) || b.InvitedAt.Location() != time.UTC || b.Email != "b@example.com" || b.AdministratorID != "999999999999" {
			t.Errorf("account read back as %+v", b)
		}
		if a := got.Accounts[0]; !a.UpdatedAt.IsZero() || a.InvitedAt.IsZero() {
			t.Errorf("a zero UpdatedAt must read back zero: %+v", a)
		}
		if got.Kind != store.MemberSnapshotScheduled || !got.TakenAt.Equal(t0) || !got.AnnouncedAt.IsZero() {
			t.Errorf("snapshot read back as %+v", got)
		}

		// The same run again: nothing stored, the first snapshot returned.
		again, created, err := s.SaveMemberSnapshot(ctx, memberSnap("members|day1", store.MemberSnapshotScheduled, t0.Add(time.Minute)))
		if err != nil || created || again.ID != got.ID || len(again.Accounts) != 3 || !again.TakenAt.Equal(t0) {
			t.Fatalf("repeated run key: %+v, %v, %v; want the first snapshot back", again, created, err)
		}

		second, _, err := s.SaveMemberSnapshot(ctx, memberSnap("members|day2", store.MemberSnapshotScheduled, t0.Add(24*time.Hour),
			store.MemberAccount{AccountID: "111111111111", Status: "Resigned"}))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.PreviousMemberSnapshot(ctx, second); err != nil || ok {
			t.Fatalf("day 1 is not announced yet, so there is no previous snapshot: %v, %v", ok, err)
		}
		if err := s.AnnounceMemberSnapshot(ctx, got.ID, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.AnnounceMemberSnapshot(ctx, got.ID, t0.Add(time.Hour)); err != nil {
			t.Fatalf("announcing twice: %v", err)
		}
		check, _, err := s.SaveMemberSnapshot(ctx, memberSnap("check|1", store.MemberSnapshotCheck, t0.Add(time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AnnounceMemberSnapshot(ctx, check.ID, t0.Add(time.Hour)); err == nil || !strings.Contains(err.Error(), "never announced") {
			t.Fatalf("announcing a check snapshot: %v", err)
		}
		prev, ok, err := s.PreviousMemberSnapshot(ctx, second)
		if err != nil || !ok || prev.ID != got.ID || len(prev.Accounts) != 3 || !prev.AnnouncedAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("PreviousMemberSnapshot skips the check and finds day 1, announced at its first time: %+v, %v, %v", prev, ok, err)
		}
		if _, ok, err := s.PreviousMemberSnapshot(ctx, got); err != nil || ok {
			t.Fatalf("before the first snapshot: %v, %v", ok, err)
		}
		if err := s.AnnounceMemberSnapshot(ctx, second.ID, t0.Add(25*time.Hour)); err != nil {
			t.Fatal(err)
		}
		third := memberSnap("members|day3", store.MemberSnapshotScheduled, t0.Add(48*time.Hour))
		third, _, err = s.SaveMemberSnapshot(ctx, third)
		if err != nil {
			t.Fatal(err)
		}
		prev, ok, err = s.PreviousMemberSnapshot(ctx, third)
		if err != nil || !ok || prev.ID != second.ID || prev.Accounts[0].Status != "Resigned" {
			t.Fatalf("PreviousMemberSnapshot of day 3 = %+v, %v, %v; want day 2", prev, ok, err)
		}
		if _, ok, err := s.MemberSnapshotByRunKey(ctx, "members|nope"); err != nil || ok {
			t.Fatalf("MemberSnapshotByRunKey of an unknown key = %v, %v", ok, err)
		}
		if err := s.AnnounceMemberSnapshot(ctx, 99999, t0); err == nil || !strings.Contains(err.Error(), "no such snapshot") {
			t.Fatalf("announcing an unknown snapshot: %v", err)
		}
	})
}

func TestMemberSnapshotSameTime(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, _, err := s.SaveMemberSnapshot(ctx, memberSnap("a", store.MemberSnapshotManual, t0))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AnnounceMemberSnapshot(ctx, a.ID, t0); err != nil {
			t.Fatal(err)
		}
		b, _, err := s.SaveMemberSnapshot(ctx, memberSnap("b", store.MemberSnapshotManual, t0))
		if err != nil {
			t.Fatal(err)
		}
		prev, ok, err := s.PreviousMemberSnapshot(ctx, b)
		if err != nil || !ok || prev.ID != a.ID {
			t.Fatalf("snapshots taken in the same millisecond are ordered by ID: %+v, %v, %v", prev, ok, err)
		}
	})
}

func TestMemberSnapshotConcurrentRun(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var wg sync.WaitGroup
		ids := make([]int64, 6)
		created := make([]bool, 6)
		errs := make([]error, 6)
		for i := range ids {
			wg.Go(func() {
				snap, c, err := s.SaveMemberSnapshot(ctx, memberSnap("members|slot", store.MemberSnapshotScheduled, t0.Add(time.Duration(i)*time.Second),
					store.MemberAccount{AccountID: fmt.Sprintf("%012d", i), Status: "Enabled"}))
				ids[i], created[i], errs[i] = snap.ID, c, err
			})
		}
		wg.Wait()
		n := 0
		for i := range ids {
			if errs[i] != nil {
				t.Fatalf("replica %d: %v", i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Errorf("replica %d got snapshot %d, replica 0 got %d", i, ids[i], ids[0])
			}
			if created[i] {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d replicas created the slot's snapshot, want 1", n)
		}
	})
}

func TestMemberSnapshotBadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tests := []struct {
			name string
			snap store.MemberSnapshot
			want string
		}{
			{"no run key", memberSnap("", store.MemberSnapshotScheduled, t0), "the run key is empty"},
			{"long run key", memberSnap(strings.Repeat("k", store.MaxMemberRunKey+1), store.MemberSnapshotScheduled, t0), "at most 200"},
			{"zero time", memberSnap("r", store.MemberSnapshotScheduled, time.Time{}), `run "r": taken_at is zero`},
			{"unknown kind", memberSnap("r", "daily", t0), `kind "daily" is not one of`},
			{"no account ID", memberSnap("r", store.MemberSnapshotCheck, t0, store.MemberAccount{Status: "Enabled"}), "accounts[0]: the account ID is empty"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, _, err := s.SaveMemberSnapshot(ctx, tt.snap)
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "store: save member snapshot") {
					t.Errorf("error = %v, want one containing %q", err, tt.want)
				}
			})
		}
		if err := s.AnnounceMemberSnapshot(ctx, 1, time.Time{}); err == nil || !strings.Contains(err.Error(), "the time is zero") {
			t.Errorf("AnnounceMemberSnapshot at the zero time: %v", err)
		}
	})
}

func TestMemberEvents(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ev := func(id, account string, at time.Time) store.MemberEvent {
			return store.MemberEvent{EventID: id, AccountID: account, EventName: "DisassociateMembers", EventTime: at,
				Actor: "arn:aws:iam::999999999999:user/admin", CallerAccount: "999999999999", Region: "ap-northeast-1", ReceivedAt: at.Add(time.Minute)}
		}
		n, err := s.RecordMemberEvents(ctx, []store.MemberEvent{
			ev("e1", "111111111111", t0.Add(time.Hour)),
			ev("e1", "222222222222", t0.Add(time.Hour)),
			ev("e1", "222222222222", t0.Add(time.Hour)), // twice in one call
			ev("e0", "333333333333", t0),
		})
		if err != nil || n != 3 {
			t.Fatalf("RecordMemberEvents = %d, %v; want 3", n, err)
		}
		n, err = s.RecordMemberEvents(ctx, []store.MemberEvent{ev("e1", "111111111111", t0.Add(time.Hour)), ev("e2", "111111111111", t0.Add(2*time.Hour))})
		if err != nil || n != 1 {
			t.Fatalf("a replay is stored once: %d, %v; want 1 new", n, err)
		}
		got, err := s.MemberEvents(ctx, t0, t0.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range got {
			ids = append(ids, e.EventID+"/"+e.AccountID)
		}
		if strings.Join(ids, " ") != "e1/111111111111 e1/222222222222 e2/111111111111" {
			t.Errorf("MemberEvents (t0, t0+2h] = %v; want e0 excluded (at t0), e2 included (at the end)", ids)
		}
		if e := got[0]; e.Actor != "arn:aws:iam::999999999999:user/admin" || e.CallerAccount != "999999999999" ||
			e.Region != "ap-northeast-1" || !e.ReceivedAt.Equal(t0.Add(61*time.Minute)) || e.EventName != "DisassociateMembers" {
			t.Errorf("event read back as %+v", e)
		}
		if _, err := s.RecordMemberEvents(ctx, []store.MemberEvent{{EventID: "x", EventTime: t0}}); err == nil || !strings.Contains(err.Error(), "account ID is empty") {
			t.Errorf("an event without account: %v", err)
		}
		if _, err := s.RecordMemberEvents(ctx, []store.MemberEvent{{AccountID: "1", EventTime: t0}}); err == nil || !strings.Contains(err.Error(), "event ID is empty") {
			t.Errorf("an event without ID: %v", err)
		}
	})
}
