package store_test

import (
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/store"
)

// ocsfEvent is a minimal "Findings Imported V2" event of one OCSF finding.
func ocsfEvent(uid string, at time.Time) []byte {
	return []byte(`{"version":"0","id":"e1","detail-type":"Findings Imported V2","source":"aws.securityhub",
		"account":"111111111111","time":"` + at.Format(time.RFC3339) + `","region":"us-east-1","resources":[],
		"detail":{"findings":[{"class_uid":2004,"activity_id":1,"status_id":1,"status":"New","severity":"High","severity_id":4,
		"metadata":{"uid":"` + uid + `","product":{"uid":"arn:aws:securityhub:us-east-1::productv2/aws/guardduty","name":"GuardDuty"}},
		"finding_info":{"uid":"gd-` + uid + `","title":"t","modified_time_dt":"` + at.Format(time.RFC3339) + `"},
		"cloud":{"account":{"uid":"111111111111"},"region":"us-east-1"}}]}}`)
}

func TestFeedbackNotesAndFormat(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		items, errs := finding.Decode("ocsf", ocsfEvent("OCSF-1", t0))
		if len(errs) > 0 || len(items) != 1 || items[0].Finding.Format != finding.FormatOCSF {
			t.Fatalf("OCSF fixture: %v %v", items, errs)
		}
		ocsf := store.Observation{Finding: items[0].Finding, Event: items[0].Event, Source: "test", ReceivedAt: t0,
			Deliveries: []store.Planned{to("tickets", "backlog-a")}, MarkNotified: true}
		ingest(t, s, notify(observe(failing("ASFF-1", t0), to("tickets", "backlog-a"), to("chat", "slack-a"))), ocsf)
		deliverAll(t, s, t0, func(c store.Claimed) store.Receipt {
			if c.Destination == "slack-a" {
				return store.Receipt{ID: "1700000000.0001", Channel: "C1"}
			}
			return store.Receipt{ID: "SYS-" + c.FindingID, URL: "https://example.backlog.jp/view/SYS-" + c.FindingID}
		})
		fb := claimFeedback(t, s, t0)
		if len(fb) != 2 {
			t.Fatalf("feedback = %+v, want two rows", fb)
		}
		byID := map[string]store.Feedback{}
		for _, f := range fb {
			byID[f.FindingID] = f
		}
		tests := []struct {
			id     string
			format finding.Format
			notes  []store.Note
		}{
			{"ASFF-1", finding.FormatASFF, []store.Note{
				{Destination: "backlog-a", Receipt: store.Receipt{ID: "SYS-ASFF-1", URL: "https://example.backlog.jp/view/SYS-ASFF-1"}},
				{Destination: "slack-a", Receipt: store.Receipt{ID: "1700000000.0001", Channel: "C1"}},
			}},
			{"OCSF-1", finding.FormatOCSF, []store.Note{
				{Destination: "backlog-a", Receipt: store.Receipt{ID: "SYS-OCSF-1", URL: "https://example.backlog.jp/view/SYS-OCSF-1"}},
			}},
		}
		for _, tt := range tests {
			t.Run(tt.id, func(t *testing.T) {
				f, ok := byID[tt.id]
				if !ok {
					t.Fatalf("no feedback for %s in %+v", tt.id, fb)
				}
				if f.Format != tt.format {
					t.Errorf("Format = %q, want %q", f.Format, tt.format)
				}
				if len(f.Notes) != len(tt.notes) {
					t.Fatalf("Notes = %+v, want %+v", f.Notes, tt.notes)
				}
				for i := range tt.notes {
					if f.Notes[i] != tt.notes[i] {
						t.Errorf("Notes[%d] = %+v, want %+v", i, f.Notes[i], tt.notes[i])
					}
				}
			})
		}
	})
}
