package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

func TestCheckpoint(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if at, ok, err := s.Checkpoint(ctx, "poll/a"); err != nil || ok || !at.IsZero() {
			t.Fatalf("Checkpoint of an unset name = %v, %v, %v; want zero, false, nil", at, ok, err)
		}
		steps := []struct {
			name string
			set  time.Time
			want time.Time
		}{
			{"first", t0.Add(1500 * time.Microsecond), t0.Add(time.Millisecond)}, // cut to milliseconds
			{"later", t0.Add(time.Hour), t0.Add(time.Hour)},
			{"earlier replaces too", t0.Add(time.Minute), t0.Add(time.Minute)},
			{"other zone", t0.Add(2 * time.Hour).In(time.FixedZone("JST", 9*3600)), t0.Add(2 * time.Hour)},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				if err := s.SetCheckpoint(ctx, "poll/a", st.set); err != nil {
					t.Fatalf("SetCheckpoint: %v", err)
				}
				at, ok, err := s.Checkpoint(ctx, "poll/a")
				if err != nil || !ok || !at.Equal(st.want) || at.Location() != time.UTC {
					t.Fatalf("Checkpoint = %v, %v, %v; want %v (UTC), true, nil", at, ok, err, st.want)
				}
			})
		}
		if _, ok, err := s.Checkpoint(ctx, "poll/b"); err != nil || ok {
			t.Fatalf("another name sees the checkpoint: %v, %v", ok, err)
		}
	})
}

func TestCheckpointSurvivesReopen(t *testing.T) {
	forEachDSN(t, func(t *testing.T, _, dsn string) {
		ctx := context.Background()
		s := open(t, dsn)
		if err := s.SetCheckpoint(ctx, "poll/x", t0); err != nil {
			t.Fatal(err)
		}
		s.Close()
		again := open(t, dsn)
		at, ok, err := again.Checkpoint(ctx, "poll/x")
		if err != nil || !ok || !at.Equal(t0) {
			t.Fatalf("after reopening: %v, %v, %v; want %v", at, ok, err, t0)
		}
	})
}

func TestCheckpointBadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tests := []struct {
			name, key string
			at        time.Time
			want      string
		}{
			{"empty name", "", t0, "the name is empty"},
			{"long name", strings.Repeat("n", store.MaxCheckpointName+1), t0, "at most 200"},
			{"control character", "poll\x00a", t0, "control character"},
			{"invalid UTF-8", "poll\xffa", t0, "not valid UTF-8"},
			{"zero time", "poll/a", time.Time{}, `"poll/a": the time is zero`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := s.SetCheckpoint(ctx, tt.key, tt.at)
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "store: set checkpoint") {
					t.Errorf("SetCheckpoint error = %v, want one containing %q", err, tt.want)
				}
				if !tt.at.IsZero() {
					if _, _, err := s.Checkpoint(ctx, tt.key); err == nil || !strings.Contains(err.Error(), tt.want) {
						t.Errorf("Checkpoint error = %v, want one containing %q", err, tt.want)
					}
				}
			})
		}
	})
}
