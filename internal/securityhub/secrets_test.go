package securityhub_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/hubrelay/hubrelay/internal/securityhub"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// TestSecretsNeverShown runs every operation with credentials the server
// refuses, and again against a server that is gone, and checks that no
// error and no log line shows the secret key or the session token.
func TestSecretsNeverShown(t *testing.T) {
	const secret, token = "wrong/SECRET/key-must-not-leak-0001", "session-TOKEN-must-not-leak-0002"
	hub := hubtest.NewTest(t, hubtest.Options{})
	if err := hub.AddFindings(asff("S1", "111111111111", t0)); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	c, err := securityhub.New(context.Background(), securityhub.Options{
		Region: hubtest.DefaultRegion, Endpoint: hub.URL(), MaxAttempts: 2, MaxBackoff: time.Millisecond, Limits: fast(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAHUBTESTWRONG0000", secret, token),
		Log:         slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := securityhub.NewUpdater(c, securityhub.UpdaterOptions{MarkNotified: true, Note: true, TicketFields: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := securityhub.NewPoller(c, &sink{}, storetest.Open(t, store.DialectSQLite), securityhub.PollerOptions{Filters: json.RawMessage(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]func() error{
		"Mark": func() error {
			_, err := u.Mark(context.Background(), []store.Feedback{{ID: 1, FindingID: "S1", ProductARN: productARN,
				Notes: []store.Note{{Destination: "b", Receipt: store.Receipt{ID: "BLG-1"}}}}})
			return err
		},
		"Poll": func() error { _, err := p.Poll(context.Background()); return err },
		"Sync": func() error {
			_, _, _, err := securityhub.NewActions(c).Sync(context.Background(), []securityhub.ActionTarget{{ID: "A", Name: "n", Description: "d"}})
			return err
		},
		"ListMembers": func() error { _, err := c.ListMembers(context.Background(), false); return err },
	}
	for _, phase := range []string{"refused credentials", "server gone"} {
		if phase == "server gone" {
			hub.Close()
		}
		for name, op := range ops {
			t.Run(phase+"/"+name, func(t *testing.T) {
				err := op()
				if err == nil {
					t.Fatal("no error")
				}
				for _, s := range []string{secret, token, "Signature="} {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error shows %q: %v", s, err)
					}
				}
			})
		}
	}
	for _, s := range []string{secret, token, "Signature="} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("logs show %q", s)
		}
	}
}
