package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ReportRun is one per-project report that was made: when, which files,
// where they are kept, its totals and the snapshot the next report of the
// project compares with.
type ReportRun struct {
	// ID is the store's row id, set by the store.
	ID int64
	// Project is the project's name, as configured.
	Project string
	// At is the report's time (its schedule slot); millisecond precision,
	// returned in UTC.
	At time.Time
	// Formats are the file formats made ("xlsx", "csv", "html"); none may
	// hold a comma.
	Formats []string
	// Location says where the files are kept (archive keys or URLs
	// without credentials).
	Location string
	// Summary is the report's totals as JSON (report.Summary); empty is
	// stored as {}.
	Summary json.RawMessage
	// Snapshot is the report's snapshot (report.Snapshot.MarshalBinary);
	// nil when there is none.
	Snapshot []byte
	// CreatedAt is when the run was saved, set by the store.
	CreatedAt time.Time
}

// MaxReportProject is the longest project name a ReportRun holds, in
// bytes.
const MaxReportProject = 200

// MaxReportRuns is the most runs ReportRuns returns at once.
const MaxReportRuns = 1000

// SaveReportRun records a report run. A run of the same project and At
// replaces the one saved before (a report made again for its slot), so
// saving is idempotent. ID and CreatedAt of run are ignored. Errors name
// the field that is wrong. Safe for concurrent use.
func (s *Store) SaveReportRun(ctx context.Context, run ReportRun) error {
	if err := checkReportProject(run.Project); err != nil {
		return fmt.Errorf("store: save report run: %w", err)
	}
	if run.At.IsZero() {
		return fmt.Errorf("store: save report run of %q: At is zero", run.Project)
	}
	for i, f := range run.Formats {
		if f == "" || strings.ContainsAny(f, ", \t\r\n") {
			return fmt.Errorf("store: save report run of %q: Formats[%d] %q: want a format name without commas or spaces", run.Project, i, f)
		}
	}
	summary := strings.TrimSpace(string(run.Summary))
	if summary == "" {
		summary = "{}"
	}
	if !json.Valid([]byte(summary)) {
		return fmt.Errorf("store: save report run of %q: Summary is not valid JSON", run.Project)
	}
	if !utf8.ValidString(run.Location) {
		return fmt.Errorf("store: save report run of %q: Location is not valid UTF-8", run.Project)
	}
	snapshot := run.Snapshot
	if snapshot == nil {
		snapshot = []byte{}
	}
	_, err := s.exec(ctx, s.db, `INSERT INTO report_runs (project, at, formats, location, summary, snapshot, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (project, at) DO UPDATE SET formats = excluded.formats, location = excluded.location,
			summary = excluded.summary, snapshot = excluded.snapshot, created_at = excluded.created_at`,
		run.Project, run.At.UnixMilli(), strings.Join(run.Formats, ","), run.Location, summary, snapshot, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("store: save report run of %q: %w", run.Project, err)
	}
	return nil
}

// LastReportRun returns the project's latest run (greatest At), or nil
// and no error when the project has none. Safe for concurrent use.
func (s *Store) LastReportRun(ctx context.Context, project string) (*ReportRun, error) {
	runs, err := s.ReportRuns(ctx, project, 1)
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, nil
	}
	return &runs[0], nil
}

// ReportRuns returns the project's runs, newest (greatest At) first, at
// most limit (1 to MaxReportRuns). Safe for concurrent use.
func (s *Store) ReportRuns(ctx context.Context, project string, limit int) ([]ReportRun, error) {
	if err := checkReportProject(project); err != nil {
		return nil, fmt.Errorf("store: report runs: %w", err)
	}
	if limit < 1 || limit > MaxReportRuns {
		return nil, fmt.Errorf("store: report runs of %q: limit %d: want 1 to %d", project, limit, MaxReportRuns)
	}
	rows, err := s.query(ctx, s.db, `SELECT id, project, at, formats, location, summary, snapshot, created_at
		FROM report_runs WHERE project = ? ORDER BY at DESC, id DESC LIMIT ?`, project, limit)
	if err != nil {
		return nil, fmt.Errorf("store: report runs of %q: %w", project, err)
	}
	defer rows.Close()
	var out []ReportRun
	for rows.Next() {
		var (
			r                ReportRun
			at, created      int64
			formats, summary string
			snapshot         []byte
		)
		if err := rows.Scan(&r.ID, &r.Project, &at, &formats, &r.Location, &summary, &snapshot, &created); err != nil {
			return nil, fmt.Errorf("store: report runs of %q: %w", project, err)
		}
		r.At, r.CreatedAt = ms(at), ms(created)
		if formats != "" {
			r.Formats = strings.Split(formats, ",")
		}
		r.Summary = json.RawMessage(summary)
		if len(snapshot) > 0 {
			r.Snapshot = snapshot
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: report runs of %q: %w", project, err)
	}
	return out, nil
}

func checkReportProject(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("project: empty")
	case len(name) > MaxReportProject:
		return fmt.Errorf("project: %d bytes long; at most %d", len(name), MaxReportProject)
	case !utf8.ValidString(name):
		return errors.New("project: not valid UTF-8")
	}
	return nil
}
