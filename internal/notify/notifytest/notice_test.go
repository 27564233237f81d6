package notifytest

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"
)

func TestNoticeSamplesAreValid(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range NoticeSamples(t) {
		if seen[s.Name] {
			t.Errorf("sample name %s used twice", s.Name)
		}
		seen[s.Name] = true
		if err := s.Message.Validate(); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
		if _, err := json.Marshal(s.Message.Notice.Data); err != nil {
			t.Errorf("%s: data does not encode: %v", s.Name, err)
		}
	}
	if len(seen) != 4 {
		t.Errorf("%d samples, want 4", len(seen))
	}
}

func TestMembersNoticeShape(t *testing.T) {
	n := MembersNoticeJA()
	accountID := regexp.MustCompile(`^[0-9]{12}$`)
	distinct := map[string]bool{}
	changed := 0
	for _, g := range n.Sections[0].Groups {
		for _, id := range g.Items {
			if !accountID.MatchString(id) {
				t.Errorf("item %q is not an account ID", id)
			}
			distinct[id] = true
			changed++
		}
	}
	if changed != MembersChanged || len(distinct) != MembersChanged || MembersChanged != 300 {
		t.Errorf("%d items, %d distinct; want %d (300)", changed, len(distinct), MembersChanged)
	}
	if got := len(n.Sections[1].Groups[0].Items); got != MembersOutside {
		t.Errorf("%d accounts outside, want %d", got, MembersOutside)
	}
}

func TestReportFiles(t *testing.T) {
	xlsx := ReportFile(t, ReportXLSX)
	if !bytes.HasPrefix(xlsx, []byte("PK\x03\x04")) {
		t.Error("the workbook is not a ZIP file")
	}
	csv := ReportFile(t, ReportCSV)
	if !bytes.Contains(csv, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(csv, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("the CSV does not use CRLF line endings throughout")
	}
	a, b := ReportFile(t, ReportXLSX), ReportFile(t, ReportXLSX)
	a[0] = 'X'
	if b[0] != 'P' {
		t.Error("ReportFile returns shared bytes")
	}
}
