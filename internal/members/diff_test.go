package members

import (
	"reflect"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

func acct(id, status string, updated time.Time) store.MemberAccount {
	return store.MemberAccount{AccountID: id, Status: status, UpdatedAt: updated}
}

func TestDiff(t *testing.T) {
	day1 := time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	tests := []struct {
		name       string
		prev, cur  []store.MemberAccount
		want       []Change
		wantNoDiff bool
	}{
		{name: "nothing changed", prev: []store.MemberAccount{acct("1", "Enabled", day1)}, cur: []store.MemberAccount{acct("1", "Enabled", day1)}, wantNoDiff: true},
		{name: "invited account accepts (seed 004's first case)",
			prev: []store.MemberAccount{acct("1", "Invited", day1)}, cur: []store.MemberAccount{acct("1", "Enabled", day2)},
			want: []Change{{AccountID: "1", Kind: ChangeJoined, From: "Invited", To: "Enabled", UpdatedAt: day2}}},
		{name: "member resigns (seed 004's second case)",
			prev: []store.MemberAccount{acct("1", "Enabled", day1)}, cur: []store.MemberAccount{acct("1", "Resigned", day2)},
			want: []Change{{AccountID: "1", Kind: ChangeLeft, From: "Enabled", To: "Resigned", UpdatedAt: day2}}},
		{name: "each way out is a leave",
			prev: []store.MemberAccount{acct("1", "Enabled", day1), acct("2", "Enabled", day1), acct("3", "Invited", day1), acct("4", "Enabled", day1)},
			cur:  []store.MemberAccount{acct("1", "Removed", day2), acct("2", "Deleted", day2), acct("3", "AccountSuspended", day2)},
			want: []Change{
				{AccountID: "1", Kind: ChangeLeft, From: "Enabled", To: "Removed", UpdatedAt: day2},
				{AccountID: "2", Kind: ChangeLeft, From: "Enabled", To: "Deleted", UpdatedAt: day2},
				{AccountID: "3", Kind: ChangeLeft, From: "Invited", To: "AccountSuspended", UpdatedAt: day2},
				{AccountID: "4", Kind: ChangeLeft, From: "Enabled", To: "", UpdatedAt: day1},
			}},
		{name: "left and rejoined between two checks: same status, UpdatedAt moved",
			prev: []store.MemberAccount{acct("1", "Enabled", day1)}, cur: []store.MemberAccount{acct("1", "Enabled", day2)},
			want: []Change{{AccountID: "1", Kind: ChangeUpdated, From: "Enabled", To: "Enabled", UpdatedAt: day2}}},
		{name: "an unknown UpdatedAt is no update",
			prev: []store.MemberAccount{acct("1", "Enabled", time.Time{})}, cur: []store.MemberAccount{acct("1", "Enabled", day2)}, wantNoDiff: true},
		{name: "new accounts, unknown status kept as is",
			prev: nil, cur: []store.MemberAccount{acct("2", "Created", day2), acct("1", "Quarantined", day2)},
			want: []Change{
				{AccountID: "1", Kind: ChangeNew, To: "Quarantined", UpdatedAt: day2},
				{AccountID: "2", Kind: ChangeNew, To: "Created", UpdatedAt: day2},
			}},
		{name: "other changes: invited, a resigned member deleted by the administrator, removed to gone",
			prev: []store.MemberAccount{acct("1", "Created", day1), acct("2", "Resigned", day1), acct("3", "Removed", day1)},
			cur:  []store.MemberAccount{acct("1", "Invited", day2), acct("2", "Removed", day2)},
			want: []Change{
				{AccountID: "1", Kind: ChangeStatus, From: "Created", To: "Invited", UpdatedAt: day2},
				{AccountID: "2", Kind: ChangeStatus, From: "Resigned", To: "Removed", UpdatedAt: day2},
				{AccountID: "3", Kind: ChangeStatus, From: "Removed", To: "", UpdatedAt: day1},
			}},
		{name: "back from resigned",
			prev: []store.MemberAccount{acct("1", "Resigned", day1)}, cur: []store.MemberAccount{acct("1", "Enabled", day2)},
			want: []Change{{AccountID: "1", Kind: ChangeJoined, From: "Resigned", To: "Enabled", UpdatedAt: day2}}},
		{name: "an account listed twice counts once",
			prev: []store.MemberAccount{acct("1", "Invited", day1), acct("1", "Enabled", day1)}, cur: []store.MemberAccount{acct("1", "Enabled", day1)},
			wantNoDiff: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff(tt.prev, tt.cur)
			if tt.wantNoDiff {
				if len(got) != 0 {
					t.Fatalf("Diff = %+v, want none", got)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diff =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestUnmanaged(t *testing.T) {
	for status, want := range map[string]bool{
		"Resigned": true, "Removed": true, "Deleted": true, "AccountSuspended": true,
		"Enabled": false, "Invited": false, "Created": false, "": false, "resigned": false, "Quarantined": false,
	} {
		if Unmanaged(status) != want {
			t.Errorf("Unmanaged(%q) = %v", status, !want)
		}
	}
}

func BenchmarkDiff(b *testing.B) {
	// An organization of 5000 members, 1% changing a day.
	at := time.Date(2026, 11, 19, 2, 0, 0, 0, time.UTC)
	prev := make([]store.MemberAccount, 5000)
	cur := make([]store.MemberAccount, 5000)
	for i := range prev {
		id := time.Duration(i).String()
		prev[i] = acct(id, "Enabled", at)
		cur[i] = prev[i]
		if i%100 == 0 {
			cur[i] = acct(id, "Resigned", at.Add(time.Hour))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if n := len(Diff(prev, cur)); n != 50 {
			b.Fatalf("%d changes", n)
		}
	}
}
