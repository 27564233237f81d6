package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/store"
)

// TestDeliveriesShowNotices lists and shows a scheduled job's notice: the
// table names its topic where a finding would be, the JSON carries it.
func TestDeliveriesShowNotices(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "hubrelay.db")
	cfg := filepath.Join(dir, "hubrelay.yaml")
	yaml := "store: " + strconv.Quote(dsn) + `
destinations:
  slack-sec: {stdout: {}}
routes:
  - name: all
    pattern: {source: [aws.securityhub]}
    to: [slack-sec]
`
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	slot := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	_, err = st.EnqueueNotices(context.Background(), []store.NoticeDelivery{{Key: store.NoticeKey("members", slot, "slack-sec"),
		Job: "members", Destination: "slack-sec", Topic: "members", Body: []byte(`{"topic":"members","title":"2026/11/23"}`)}}, slot)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "", "deliveries", "list", "-c", cfg, "--route", "members")
	if code != exitOK || !strings.Contains(stdout, "notice members") || !strings.Contains(stdout, "slack-sec") {
		t.Fatalf("list: exit %d\n%s\n%s", code, stdout, stderr)
	}
	ds := listDeliveries(t, cfg)
	if len(ds) != 1 || ds[0].Kind != "notice" || ds[0].Topic != "members" || ds[0].Route != "members" || ds[0].FindingID != "" {
		t.Fatalf("list json: %+v", ds)
	}
	code, stdout, stderr = runCLI(t, "", "deliveries", "show", "-c", cfg, strconv.FormatInt(ds[0].ID, 10))
	if code != exitOK || !strings.Contains(stdout, "topic:") || !strings.Contains(stdout, "notice|members|2026-11-23T02:00:00Z|slack-sec") {
		t.Fatalf("show: exit %d\n%s\n%s", code, stdout, stderr)
	}
}
