package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hubrelay/hubrelay/internal/report/trend"
	"io"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/report/archive"
	"github.com/hubrelay/hubrelay/internal/schedule"
	"github.com/hubrelay/hubrelay/internal/store"
)

// NoticeTopic is the notify.Notice topic of a report's announcement.
const NoticeTopic = "report"

// DefaultLinkExpires is how long a report's link works unless
// JobOptions.Expires says otherwise.
const DefaultLinkExpires = 7 * 24 * time.Hour

// Archive keeps report files and makes expiring links to them.
// *archive.Local and *archive.S3 implement it. Both methods must be safe
// for concurrent use; keys are archive keys (archive.Key).
type Archive interface {
	// Put stores size bytes from r under key, replacing what was there.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Link returns a URL that downloads key until expires from now.
	Link(ctx context.Context, key string, expires time.Duration) (string, error)
}

// Notices commits notices for the queue to deliver, skipping keys it has
// seen (store.EnqueueNotices). *service.Service implements it.
type Notices interface {
	EnqueueNotices(ctx context.Context, ns []store.NoticeDelivery) (created int, err error)
}

// History keeps each project's report runs. *store.Store implements it;
// both methods must be safe for concurrent use.
type History interface {
	// ReportRuns returns the project's last runs, newest first, at most
	// limit.
	ReportRuns(ctx context.Context, project string, limit int) ([]store.ReportRun, error)
	// SaveReportRun records a run.
	SaveReportRun(ctx context.Context, run store.ReportRun) error
}

// historyDepth is how many runs previous looks through for the last one
// before a slot: a slot run again (or a one-off sent the same day) sits
// on top of the history.
const historyDepth = 20

// Plan is what one project's scheduled report is: whose findings, in which
// formats, to whom and when. The command that wires hubrelay builds one
// per configured project.
type Plan struct {
	// Project is whose findings the report covers, and its language.
	Project Project
	// Formats are the files made, each once; the first is the one the
	// notice links to (and email attaches). Default [FormatXLSX].
	Formats []Format
	// To are the destinations told, by name; empty keeps the report
	// without telling anyone.
	To []string
	// Schedule is the cron spec of the scheduled job (schedule.Parse);
	// only Job.Schedule needs it.
	Schedule string
	// Location is the time zone of Schedule and of the report's dates;
	// nil means UTC.
	Location *time.Location
}

// JobOptions are what every report job shares.
type JobOptions struct {
	// Source reads the findings (a *securityhub.Client). Required.
	Source Source
	// Archive keeps the files and links to them. Required.
	Archive Archive
	// History keeps the report runs (a *store.Store): the last one is what
	// "since the last report" compares with. Required.
	History History
	// Notices queues the announcements; nil keeps the report without
	// telling anyone (Plan.To is then ignored).
	Notices Notices
	// Expires is how long links work; default DefaultLinkExpires.
	Expires time.Duration
	// AttachMax is the largest linked file sent as an attachment to the
	// destinations Attaches accepts; 0 never attaches.
	AttachMax int64
	// Attaches says whether a destination can carry the file itself
	// (email). Only those destinations' notices carry it: every notice is
	// kept in the queue until delivered, and a workbook in the notice of a
	// Slack channel would be stored for nothing. nil attaches to none.
	Attaches func(destination string) bool
	// Region is the Security Hub region the findings are read in, for
	// console links (Options.Region).
	Region string
	// Log receives a line per run; nil discards. Links are never logged.
	Log *slog.Logger
	// Now is the clock links expire by; nil means time.Now.
	Now func() time.Time
	// Trends, when set, is the finding history the report's summary
	// shows trends from (new vs resolved per week and time to resolve
	// over the TrendWeeks weeks before the slot); nil: no trend tables.
	// A history that cannot be read is logged and the report goes out
	// without them.
	Trends trend.Store
}

// TrendWeeks is how many weeks of history a scheduled report's trend
// tables cover.
const TrendWeeks = 12

// Job makes one project's report: it reads the findings, writes each
// format, keeps the files in the archive, records the run and queues a
// notice with the link and a summary for each destination. A Job is safe
// for concurrent use, but runs of one project should not overlap (the
// scheduler sees to that).
type Job struct {
	plan Plan
	opt  JobOptions
	log  *slog.Logger
}

// NewJob checks the plan and the options. Errors name the project and the
// field.
func NewJob(p Plan, opt JobOptions) (*Job, error) {
	if _, err := checkProject(p.Project); err != nil {
		return nil, err
	}
	name := p.Project.Name
	if _, err := archive.Key(name, time.Time{}, string(FormatXLSX)); err != nil {
		return nil, fmt.Errorf("report %q: name: %w", name, err)
	}
	switch {
	case opt.Source == nil:
		return nil, fmt.Errorf("report %q: no source of findings", name)
	case opt.Archive == nil:
		return nil, fmt.Errorf("report %q: no archive (reports.storage)", name)
	case opt.History == nil:
		return nil, fmt.Errorf("report %q: no report history (store)", name)
	case opt.Expires < 0:
		return nil, fmt.Errorf("report %q: link expiry %v is negative", name, opt.Expires)
	case opt.AttachMax < 0:
		return nil, fmt.Errorf("report %q: attach_max %d is negative", name, opt.AttachMax)
	}
	if len(p.Formats) == 0 {
		p.Formats = []Format{FormatXLSX}
	}
	seen := map[Format]bool{}
	for i, f := range p.Formats {
		if _, err := ParseFormat(string(f)); err != nil || string(f) != strings.ToLower(string(f)) {
			return nil, fmt.Errorf("report %q: formats[%d]: %q: want xlsx, csv or html", name, i, f)
		}
		if seen[f] {
			return nil, fmt.Errorf("report %q: formats[%d]: %s is listed twice", name, i, f)
		}
		seen[f] = true
	}
	for i, d := range p.To {
		if d == "" {
			return nil, fmt.Errorf("report %q: to[%d]: empty destination name", name, i)
		}
	}
	if opt.Expires == 0 {
		opt.Expires = DefaultLinkExpires
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if p.Location == nil {
		p.Location = time.UTC
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p.Formats = slices.Clone(p.Formats)
	p.To = slices.Clone(p.To)
	return &Job{plan: p, opt: opt, log: log.With(slog.String("job", JobName(name)))}, nil
}

// JobName is the scheduled job's name of a project's report,
// "report:{project}": it keys the run history and the notices.
func JobName(project string) string { return "report:" + project }

// Schedule returns the scheduled job that runs the report at each slot of
// Plan.Schedule in Plan.Location; the scheduler runs each slot once across
// replicas.
func (j *Job) Schedule() schedule.Job {
	return schedule.Job{
		Name:     JobName(j.plan.Project.Name),
		Spec:     j.plan.Schedule,
		Location: j.plan.Location,
		Run: func(ctx context.Context, slot time.Time) error {
			_, err := j.Run(ctx, slot, RunOptions{})
			return err
		},
	}
}

// RunOptions tune one Run.
type RunOptions struct {
	// Progress is called with the number of findings read so far.
	Progress func(done int)
}

// File is one file a run made.
type File struct {
	Format Format `json:"format"`
	// Key is the archive key (reports/{project}/{date}.{ext}).
	Key string `json:"key"`
	// Name is the name the file downloads as.
	Name string `json:"name"`
	Size int64  `json:"size"`
	// Link is the expiring download link. It is a bearer credential:
	// never log it.
	Link string `json:"-"`
	// data is the file's content, kept for an attachment.
	data []byte
}

// Result is what a Run did.
type Result struct {
	// Report is the report made.
	Report *Report
	// Summary is Report.Summary().
	Summary Summary
	// Files are the files kept, in Plan.Formats order.
	Files []File
	// Expires is when the links stop working.
	Expires time.Time
	// Notices counts the notices queued by this run; a slot that ran
	// before queues none again.
	Notices int
}

// Run makes the report of slot, the scheduled time it is for (its date
// names the files; "since the last report" compares with the last run
// before slot). A run of a slot that ran before replaces that run's
// files and record and queues no second notice: every notice's key is
// store.NoticeKey(JobName, slot, destination). Errors name the project and
// the step that failed.
func (j *Job) Run(ctx context.Context, slot time.Time, ro RunOptions) (*Result, error) {
	p := j.plan
	name := p.Project.Name
	slot = slot.In(p.Location)
	prev, err := j.previous(ctx, slot)
	if err != nil {
		return nil, err
	}
	var tr *trend.Summary
	if j.opt.Trends != nil {
		var err error
		tr, err = trend.Compute(ctx, j.opt.Trends, trend.Query{Project: p.Project.Name, Accounts: p.Project.Accounts,
			From: slot.AddDate(0, 0, -7*TrendWeeks), To: slot, Location: p.Location})
		if err != nil {
			j.log.Warn("report: trends left out", slog.String("project", p.Project.Name), slog.String("error", err.Error()))
			tr = nil
		}
	}
	rep, err := Collect(ctx, j.opt.Source, p.Project, Options{
		Now: slot, Location: p.Location, Previous: prev, Region: j.opt.Region, Progress: ro.Progress, Trend: tr,
	})
	if err != nil {
		return nil, err
	}
	// The links run from now, not from the slot: a late run still gives
	// them their full time.
	res := &Result{Report: rep, Summary: rep.Summary(), Expires: j.opt.Now().Add(j.opt.Expires)}
	for _, f := range p.Formats {
		file, err := j.keep(ctx, rep, f, slot)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, file)
	}
	if err := j.record(ctx, slot, rep, res); err != nil {
		return nil, err
	}
	if j.opt.Notices != nil && len(p.To) > 0 {
		ns, err := j.notices(slot, res)
		if err != nil {
			return nil, err
		}
		if res.Notices, err = j.opt.Notices.EnqueueNotices(ctx, ns); err != nil {
			return nil, fmt.Errorf("report %q: queue notices: %w", name, err)
		}
	}
	j.log.Info("report made", slog.Time("slot", slot), slog.Int("open", res.Summary.Open),
		slog.Int("new", res.Summary.New), slog.Int("resolved", res.Summary.Resolved),
		slog.Int("files", len(res.Files)), slog.Int("notices", res.Notices))
	return res, nil
}

// previous returns the snapshot of the project's last run before slot,
// or nil when there is none. A run of slot itself (an earlier attempt of
// this slot) is passed over, so that running a slot again compares with
// the same report as the first attempt did. A snapshot that no longer
// decodes is logged and treated as missing: the report is then made as a
// first report rather than not at all.
func (j *Job) previous(ctx context.Context, slot time.Time) (*Snapshot, error) {
	name := j.plan.Project.Name
	runs, err := j.opt.History.ReportRuns(ctx, name, historyDepth)
	if err != nil {
		return nil, fmt.Errorf("report %q: read the last report: %w", name, err)
	}
	for _, r := range runs {
		if !r.At.Before(slot) {
			continue
		}
		if len(r.Snapshot) == 0 {
			return nil, nil
		}
		snap, err := DecodeSnapshot(r.Snapshot)
		if err != nil {
			j.log.Warn("last report's snapshot is unreadable; making a first report",
				slog.Time("previous", r.At), slog.String("error", err.Error()))
			return nil, nil
		}
		return snap, nil
	}
	return nil, nil
}

// record saves the run: its summary, its snapshot (what the next run
// compares with) and where its files are.
func (j *Job) record(ctx context.Context, slot time.Time, rep *Report, res *Result) error {
	name := j.plan.Project.Name
	sum, err := json.Marshal(res.Summary)
	if err != nil {
		return fmt.Errorf("report %q: record: %w", name, err)
	}
	snap, err := rep.Snapshot().MarshalBinary()
	if err != nil {
		return fmt.Errorf("report %q: record: %w", name, err)
	}
	run := store.ReportRun{Project: name, At: slot, Summary: sum, Snapshot: snap}
	var keys []string
	for _, f := range res.Files {
		run.Formats = append(run.Formats, string(f.Format))
		keys = append(keys, f.Key)
	}
	run.Location = strings.Join(keys, " ")
	if err := j.opt.History.SaveReportRun(ctx, run); err != nil {
		return fmt.Errorf("report %q: record: %w", name, err)
	}
	return nil
}

// keep writes the report in format f, puts it into the archive and links
// to it.
func (j *Job) keep(ctx context.Context, rep *Report, f Format, slot time.Time) (File, error) {
	name := j.plan.Project.Name
	key, err := archive.Key(name, slot, string(f))
	if err != nil {
		return File{}, fmt.Errorf("report %q: %w", name, err)
	}
	var buf bytes.Buffer
	if err := rep.Write(&buf, f); err != nil {
		return File{}, err
	}
	data := buf.Bytes()
	if err := j.opt.Archive.Put(ctx, key, bytes.NewReader(data), int64(len(data))); err != nil {
		return File{}, fmt.Errorf("report %q: keep %s: %w", name, f, err)
	}
	link, err := j.opt.Archive.Link(ctx, key, j.opt.Expires)
	if err != nil {
		return File{}, fmt.Errorf("report %q: link %s: %w", name, f, err)
	}
	return File{Format: f, Key: key, Name: archive.DownloadName(key), Size: int64(len(data)), Link: link, data: data}, nil
}

// notices builds one notice delivery per destination.
func (j *Job) notices(slot time.Time, res *Result) ([]store.NoticeDelivery, error) {
	name := j.plan.Project.Name
	in := NoticeInput{
		Summary:  res.Summary,
		Language: j.plan.Project.Language,
		Date:     slot,
		Expires:  res.Expires.In(j.plan.Location),
		Valid:    j.opt.Expires,
	}
	for _, f := range res.Files {
		in.Files = append(in.Files, NoticeFile{Format: f.Format, Name: f.Name, Link: f.Link, Size: f.Size})
	}
	plain, err := BuildNotice(in)
	if err != nil {
		return nil, fmt.Errorf("report %q: notice: %w", name, err)
	}
	plainBody, err := json.Marshal(plain)
	if err != nil {
		return nil, fmt.Errorf("report %q: notice: %w", name, err)
	}
	var attachedBody []byte
	main := res.Files[0]
	if j.opt.Attaches != nil && j.opt.AttachMax > 0 && main.Size <= j.opt.AttachMax {
		in.Attach = main.data
		attached, err := BuildNotice(in)
		if err != nil {
			return nil, fmt.Errorf("report %q: notice: %w", name, err)
		}
		if attachedBody, err = json.Marshal(attached); err != nil {
			return nil, fmt.Errorf("report %q: notice: %w", name, err)
		}
	}
	job := JobName(name)
	ns := make([]store.NoticeDelivery, 0, len(j.plan.To))
	for _, dest := range j.plan.To {
		body := plainBody
		if attachedBody != nil && j.opt.Attaches(dest) {
			body = attachedBody
		}
		ns = append(ns, store.NoticeDelivery{
			Key:         store.NoticeKey(job, slot, dest),
			Job:         job,
			Destination: dest,
			Topic:       NoticeTopic,
			Body:        body,
		})
	}
	return ns, nil
}

// NoticeFile is one file of a report, as the notice shows it.
type NoticeFile struct {
	Format Format
	// Name is the file's download name.
	Name string
	// Link is its download link.
	Link string
	Size int64
}

// NoticeInput is what BuildNotice lays out.
type NoticeInput struct {
	// Summary is the report's summary.
	Summary Summary
	// Language is "ja" (default) or "en".
	Language string
	// Date is the report's date (the slot), in the report's time zone.
	Date time.Time
	// Expires is when the links stop working, in the report's time zone.
	Expires time.Time
	// Valid is how long the links work from when they were made.
	Valid time.Duration
	// Files are the report's files; the first is the notice's Link.
	Files []NoticeFile
	// Attach, when not nil, is the first file's content, attached.
	Attach []byte
}

// noticePhrases are the words of a report notice in one language.
type noticePhrases struct {
	date, stamp                               string // time layouts
	title, subject, subjectFirst              string
	secSummary, open, noOpen, bySeverity      string
	since, first, newF, resolved, stillOpen   string
	secCompliance, score, noCompliance        string
	secFiles, expires, download, otherFormats string
	count                                     string
	formats                                   map[Format]string
	validFor                                  func(d time.Duration) string
	percent                                   func(x float64) string
	severityName                              func(label string) string
}

func phrasesFor(lang string) (*noticePhrases, error) {
	l, err := labelsFor(lang)
	if err != nil {
		return nil, err
	}
	if l.Lang == LanguageEnglish {
		return &noticePhrases{
			date: "2006-01-02", stamp: "2006-01-02 15:04 MST",
			title:   "%s security report %s",
			subject: "[hubrelay] %s security report %s: %d open (%d new, %d resolved)", subjectFirst: "[hubrelay] %s security report %s: %d open",
			secSummary: "Summary", open: "%d open findings.", noOpen: "No open findings.", bySeverity: "By severity",
			since: "Since the last report (%s)", first: "This is the project's first report: the next one shows what changed.",
			newF: "New: %d", resolved: "Resolved: %d", stillOpen: "Still open: %d",
			secCompliance: "Compliance scores", score: "%s: %s (%d of %d controls passed)", noCompliance: "No control findings.",
			secFiles: "Files", expires: "The link works until %s.", download: "Download the report (%s, valid for %s)",
			otherFormats: "Other formats", count: "%s: %d",
			formats: map[Format]string{FormatXLSX: "Excel", FormatCSV: "CSV", FormatHTML: "HTML"},
			validFor: func(d time.Duration) string {
				if d%(24*time.Hour) == 0 {
					if n := int(d / (24 * time.Hour)); n != 1 {
						return fmt.Sprintf("%d days", n)
					}
					return "1 day"
				}
				if d%time.Hour == 0 {
					return fmt.Sprintf("%d hours", int(d/time.Hour))
				}
				return d.String()
			},
			percent:      func(x float64) string { return fmt.Sprintf("%.0f%%", math.Floor(x*100)) },
			severityName: func(label string) string { return label },
		}, nil
	}
	return &noticePhrases{
		date: "2006/01/02", stamp: "2006/01/02 15:04 MST",
		title:   "%s セキュリティレポート %s",
		subject: "[hubrelay] %s セキュリティレポート %s: 未対応 %d 件（新規 %d 件、解決 %d 件）", subjectFirst: "[hubrelay] %s セキュリティレポート %s: 未対応 %d 件",
		secSummary: "概要", open: "未対応の検出結果は %d 件です。", noOpen: "未対応の検出結果はありません。", bySeverity: "重要度別",
		since: "前回のレポート（%s）から", first: "このプロジェクトの初回のレポートです。次回から前回との差分を表示します。",
		newF: "新規: %d 件", resolved: "解決: %d 件", stillOpen: "継続: %d 件",
		secCompliance: "コンプライアンススコア", score: "%s: %s（%d / %d コントロール合格）", noCompliance: "コントロールの検出結果がありません。",
		secFiles: "ファイル", expires: "リンクの有効期限は %s です。", download: "レポートをダウンロード（%s、%s有効）",
		otherFormats: "その他の形式", count: "%s: %d 件",
		formats: map[Format]string{FormatXLSX: "Excel", FormatCSV: "CSV", FormatHTML: "HTML"},
		validFor: func(d time.Duration) string {
			if d%(24*time.Hour) == 0 {
				return fmt.Sprintf("%d日間", int(d/(24*time.Hour)))
			}
			if d%time.Hour == 0 {
				return fmt.Sprintf("%d時間", int(d/time.Hour))
			}
			return d.String()
		},
		percent: func(x float64) string { return fmt.Sprintf("%.0f%%", math.Floor(x*100)) },
		severityName: func(label string) string {
			return l.Severity[label] + " (" + label + ")"
		},
	}, nil
}

// BuildNotice lays out a report's announcement: the title with the
// project and the date, a summary section (open findings by severity, and
// new / resolved / still open since the last report), the compliance
// scores, the link to the first file (and the others' links), and the
// first file attached when in.Attach is set. It is a pure function: the
// same input gives the same notice. Errors say what input is missing.
func BuildNotice(in NoticeInput) (*notify.Notice, error) {
	ph, err := phrasesFor(in.Language)
	if err != nil {
		return nil, err
	}
	if len(in.Files) == 0 {
		return nil, errors.New("report notice: no file to link to")
	}
	s := in.Summary
	if s.Project == "" {
		return nil, errors.New("report notice: summary has no project")
	}
	date := in.Date.Format(ph.date)
	n := &notify.Notice{
		Topic: NoticeTopic,
		Title: fmt.Sprintf(ph.title, s.Project, date),
	}
	if s.First {
		n.Subject = fmt.Sprintf(ph.subjectFirst, s.Project, date, s.Open)
	} else {
		n.Subject = fmt.Sprintf(ph.subject, s.Project, date, s.Open, s.New, s.Resolved)
	}

	summary := notify.NoticeSection{Header: ph.secSummary, Text: fmt.Sprintf(ph.open, s.Open)}
	if s.Open == 0 {
		summary.Text = ph.noOpen
	}
	var sev []string
	for _, label := range []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"} {
		c := s.BySeverity.Of(label)
		if label == "INFORMATIONAL" && c == 0 {
			continue
		}
		sev = append(sev, fmt.Sprintf(ph.count, ph.severityName(label), c))
	}
	summary.Groups = append(summary.Groups, notify.NoticeGroup{Label: ph.bySeverity, Items: sev})
	if s.First {
		summary.Text += "\n" + ph.first
	} else {
		summary.Groups = append(summary.Groups, notify.NoticeGroup{
			Label: fmt.Sprintf(ph.since, s.PreviousAt.In(in.Date.Location()).Format(ph.date)),
			Items: []string{fmt.Sprintf(ph.newF, s.New), fmt.Sprintf(ph.resolved, s.Resolved), fmt.Sprintf(ph.stillOpen, s.StillOpen)},
		})
	}
	n.Sections = append(n.Sections, summary)

	comp := notify.NoticeSection{Header: ph.secCompliance}
	if len(s.Compliance) == 0 {
		comp.Text = ph.noCompliance
	} else {
		var items []string
		for _, c := range s.Compliance {
			items = append(items, fmt.Sprintf(ph.score, c.Name, ph.percent(c.Score), c.Passed, c.Evaluated))
		}
		comp.Groups = []notify.NoticeGroup{{Items: items}}
	}
	n.Sections = append(n.Sections, comp)

	main := in.Files[0]
	files := notify.NoticeSection{Header: ph.secFiles, Text: fmt.Sprintf(ph.expires, in.Expires.Format(ph.stamp))}
	if len(in.Files) > 1 {
		var items []string
		for _, f := range in.Files[1:] {
			items = append(items, ph.formats[f.Format]+": "+f.Link)
		}
		files.Groups = []notify.NoticeGroup{{Label: ph.otherFormats, Items: items}}
	}
	n.Sections = append(n.Sections, files)
	n.Link = &notify.NoticeLink{Text: fmt.Sprintf(ph.download, ph.formats[main.Format], ph.validFor(in.Valid)), URL: main.Link}
	if in.Attach != nil {
		n.Attachment = &notify.NoticeAttachment{Name: main.Name, ContentType: main.Format.ContentType(), Data: in.Attach}
	}

	data := map[string]any{
		"project":     s.Project,
		"date":        in.Date.Format(time.DateOnly),
		"at":          s.At.UTC().Format(time.RFC3339),
		"open":        s.Open,
		"by_severity": s.BySeverity,
		"first":       s.First,
		"new":         s.New,
		"resolved":    s.Resolved,
		"still_open":  s.StillOpen,
		"compliance":  s.Compliance,
		"expires":     in.Expires.UTC().Format(time.RFC3339),
	}
	if !s.First {
		data["previous_at"] = s.PreviousAt.UTC().Format(time.RFC3339)
	}
	var fs []map[string]any
	for _, f := range in.Files {
		fs = append(fs, map[string]any{"format": string(f.Format), "name": f.Name, "size": f.Size})
	}
	data["files"] = fs
	n.Data = data
	return n, nil
}
