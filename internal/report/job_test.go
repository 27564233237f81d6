package report_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/xuri/excelize/v2"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/report"
	"github.com/hubrelay/hubrelay/internal/report/archive"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/service"
	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// linkSecret signs the local archive's links in the job tests.
const linkSecret = "job-test-link-secret-0123456789abcdef"

// TestJobEndToEnd is the Monday morning of seed 001, twice: the scheduled
// job reads the project's findings from Security Hub (the in-process API,
// through the real SDK), keeps the workbook in the local archive, records
// the run, and queues a notice; the queue's email destination delivers it
// to a real SMTP server; the link in the mail downloads the workbook
// through the archive's handler, and its first sheet says what changed.
// A week later the second report compares with the first, the first
// link has expired, and running a slot again sends nothing twice.
func TestJobEndToEnd(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testJobEndToEnd(t, dialect) })
	}
}

func testJobEndToEnd(t *testing.T, dialect string) {
	ctx := context.Background()
	hub, shc := newHub(t)
	if err := hub.AddFindings(scenario1(t)...); err != nil {
		t.Fatal(err)
	}
	clock := &jobClock{now: week1}
	env := newJobEnv(t, dialect, clock)

	job, err := report.NewJob(report.Plan{
		Project:  project("ja"),
		To:       []string{"mail-system-a", "log"},
		Schedule: "0 9 * * MON",
		Location: tokyo,
	}, report.JobOptions{
		Source:    shc,
		Archive:   env.archive,
		History:   env.svc.Store(),
		Trends:    env.svc.Store(),
		Notices:   env.svc,
		AttachMax: 5 << 20,
		Attaches:  func(dest string) bool { return dest == "mail-system-a" },
		Region:    hubtest.DefaultRegion,
		Now:       clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}

	// Week 1: the first report.
	first, err := job.Run(ctx, week1, report.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !first.Summary.First || first.Summary.Open != 6 || first.Notices != 2 {
		t.Fatalf("first run: first %v, open %d, notices %d", first.Summary.First, first.Summary.Open, first.Notices)
	}
	if len(first.Files) != 1 || first.Files[0].Key != "reports/System A/2026-11-16.xlsx" {
		t.Fatalf("files %+v", first.Files)
	}
	env.drain(t)
	mails := env.smtp.mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails after the first report, want 1", len(mails))
	}
	m1 := parseMail(t, mails[0])
	if want := "System A セキュリティレポート 2026/11/16"; !strings.Contains(m1.subject, want) {
		t.Errorf("subject %q lacks %q", m1.subject, want)
	}
	for _, want := range []string{"未対応の検出結果は 6 件です。", "重大 (CRITICAL): 1 件", "初回のレポート", "コンプライアンススコア"} {
		if !strings.Contains(m1.text, want) {
			t.Errorf("mail text lacks %q:\n%s", want, m1.text)
		}
	}
	link1 := m1.link(t, env.base)
	body := env.download(t, link1, http.StatusOK)
	if a, ok := m1.attachments["System A-security-report-2026-11-16.xlsx"]; !ok || !bytes.Equal(a, body) {
		t.Errorf("attachment %v (%d bytes) is not the downloaded workbook (%d bytes)", keys(m1.attachments), len(a), len(body))
	}
	wb := openWorkbook(t, body)
	summary := rows(t, wb, wb.GetSheetList()[0])
	if wb.GetSheetList()[0] != "サマリー" {
		t.Errorf("first sheet %q", wb.GetSheetList()[0])
	}
	if _, meta := findRow(t, summary, "作成日時"); meta[2][1] != "なし（初回のレポート）" {
		t.Errorf("first report's previous-report row %q", meta[2])
	}

	// The file destination (not email) gets the link and the summary, but
	// not the workbook: it would only weigh down the queue.
	rec := env.fileRecords(t)
	if len(rec) != 1 || !strings.Contains(rec[0], link1) || strings.Contains(rec[0], `"attachment"`) {
		t.Errorf("file destination records (%d): want the link and no attachment:\n%s", len(rec), strings.Join(rec, "\n"))
	}

	// The same slot again (a crash, a lost lease): nothing is sent twice.
	again, err := job.Run(ctx, week1, report.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Notices != 0 || !again.Summary.First {
		t.Errorf("run of the same slot: %d notices queued, first %v", again.Notices, again.Summary.First)
	}
	env.drain(t)
	if n := len(env.smtp.mails()); n != 1 {
		t.Errorf("%d mails after running the slot again, want 1", n)
	}

	// Week 2: ct2-a passed, gd-b was archived, ec22-new appeared.
	if err := hub.AddFindings(scenario2(t)...); err != nil {
		t.Fatal(err)
	}
	clock.set(week2)
	second, err := job.Run(ctx, week2, report.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := second.Summary
	if s.First || s.Open != 5 || s.New != 1 || s.Resolved != 2 || s.StillOpen != 4 || !s.PreviousAt.Equal(week1) {
		t.Fatalf("second report: first %v open %d new %d resolved %d still %d previous %v",
			s.First, s.Open, s.New, s.Resolved, s.StillOpen, s.PreviousAt)
	}
	env.drain(t)
	mails = env.smtp.mails()
	if len(mails) != 2 {
		t.Fatalf("%d mails after the second report, want 2", len(mails))
	}
	m2 := parseMail(t, mails[1])
	for _, want := range []string{"前回のレポート（2026/11/16）から", "新規: 1 件", "解決: 2 件", "継続: 4 件", "未対応 5 件（新規 1 件、解決 2 件）"} {
		if !strings.Contains(m2.text+m2.subject, want) {
			t.Errorf("second mail lacks %q:\n%s\n%s", want, m2.subject, m2.text)
		}
	}
	wb2 := openWorkbook(t, env.download(t, m2.link(t, env.base), http.StatusOK))
	_, open := findRow(t, rows(t, wb2, "サマリー"), "未対応の検出結果")
	if got := strings.Join(open[6], " "); got != "合計 5 1 4 2" {
		t.Errorf("first sheet totals %q, want 合計 5 1 4 2 (open, new, still open, resolved)", got)
	}
	// The summary shows the history's trend (JobOptions.Trends): a row
	// per day of the last TrendWeeks weeks, then the weeks.
	findRow(t, rows(t, wb2, "サマリー"), "推移")
	findRow(t, rows(t, wb2, "サマリー"), "2026-11-21")
	// Last week's link was valid for 7 days: it is gone now.
	page := env.download(t, link1, http.StatusGone)
	if !strings.Contains(string(page), "有効期限が切れました") {
		t.Errorf("expired page:\n%s", page)
	}
	checkNoSecret(t, "expired page", string(page))
}

func TestJobRunErrorsNameTheStep(t *testing.T) {
	ctx := context.Background()
	hub, shc := newHub(t)
	if err := hub.AddFindings(scenario1(t)...); err != nil {
		t.Fatal(err)
	}
	st := storetest.Open(t, store.DialectSQLite)
	good := report.JobOptions{Source: shc, Archive: failingArchive{}, History: st}
	job, err := report.NewJob(report.Plan{Project: project("en"), Location: tokyo}, good)
	if err != nil {
		t.Fatal(err)
	}
	_, err = job.Run(ctx, week1, report.RunOptions{})
	if err == nil || !strings.Contains(err.Error(), `report "System A": keep xlsx: disk full`) {
		t.Errorf("archive failure: %v", err)
	}
	// Nothing recorded: the next run is still a first report.
	if runs, err := st.ReportRuns(ctx, "System A", 5); err != nil || len(runs) != 0 {
		t.Errorf("runs after a failed run: %v, %v", runs, err)
	}
}

func TestNewJobRefusesBadInput(t *testing.T) {
	_, shc := newHub(t)
	st := storetest.Open(t, store.DialectSQLite)
	ok := report.JobOptions{Source: shc, Archive: failingArchive{}, History: st}
	for _, tc := range []struct {
		name string
		plan report.Plan
		opt  report.JobOptions
		want string
	}{
		{"no accounts", report.Plan{Project: report.Project{Name: "p"}}, ok, "accounts: none"},
		{"name with a slash", report.Plan{Project: report.Project{Name: "a/b", Accounts: []string{accountA}}}, ok, "name:"},
		{"unknown format", report.Plan{Project: project("ja"), Formats: []report.Format{"pdf"}}, ok, `formats[0]: "pdf"`},
		{"format twice", report.Plan{Project: project("ja"), Formats: []report.Format{"csv", "csv"}}, ok, "formats[1]: csv is listed twice"},
		{"empty destination", report.Plan{Project: project("ja"), To: []string{""}}, ok, "to[0]: empty"},
		{"no source", report.Plan{Project: project("ja")}, report.JobOptions{Archive: failingArchive{}, History: st}, "no source"},
		{"no archive", report.Plan{Project: project("ja")}, report.JobOptions{Source: shc, History: st}, "no archive"},
		{"no history", report.Plan{Project: project("ja")}, report.JobOptions{Source: shc, Archive: failingArchive{}}, "no report history"},
		{"bad language", report.Plan{Project: report.Project{Name: "p", Accounts: []string{accountA}, Language: "fr"}}, ok, `language "fr"`},
	} {
		if _, err := report.NewJob(tc.plan, tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// The notice is a pure function of the summary; these golden files are
// what every destination lays out. Run with -update after a deliberate
// change and read the diff.
func TestBuildNoticeGolden(t *testing.T) {
	first, second := twoWeeks(t, "ja")
	_, secondEN := twoWeeks(t, "en")
	expires := week2.AddDate(0, 0, 7)
	files := []report.NoticeFile{
		{Format: report.FormatXLSX, Name: "System A-security-report-2026-11-23.xlsx", Link: "https://hubrelay.example.com/reports/System%20A/2026-11-23.xlsx?exp=1795996800&sig=SIG", Size: 12345},
		{Format: report.FormatCSV, Name: "System A-security-report-2026-11-23.csv", Link: "https://hubrelay.example.com/reports/System%20A/2026-11-23.csv?exp=1795996800&sig=SIG2", Size: 2345},
	}
	for _, tc := range []struct {
		name   string
		in     report.NoticeInput
		attach bool
	}{
		{"notice-ja-first", report.NoticeInput{Summary: first.Summary(), Language: "ja", Date: week1, Expires: week1.AddDate(0, 0, 7), Valid: 7 * 24 * time.Hour, Files: files[:1]}, false},
		{"notice-ja-second", report.NoticeInput{Summary: second.Summary(), Language: "ja", Date: week2, Expires: expires, Valid: 7 * 24 * time.Hour, Files: files, Attach: []byte("PK workbook")}, true},
		{"notice-en-second", report.NoticeInput{Summary: secondEN.Summary(), Language: "en", Date: week2, Expires: expires, Valid: 36 * time.Hour, Files: files}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := report.BuildNotice(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if (n.Attachment != nil) != tc.attach {
				t.Errorf("attachment %v, want %v", n.Attachment != nil, tc.attach)
			}
			m := &notify.Message{Kind: notify.KindNotice, Route: "report:System A", Destination: "d", Key: "k", Notice: n}
			if err := m.Validate(); err != nil {
				t.Errorf("the notice is not a valid message: %v", err)
			}
			got, err := json.MarshalIndent(n, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "job", tc.name+".json"), append(got, '\n'))
		})
	}
	if _, err := report.BuildNotice(report.NoticeInput{Summary: first.Summary()}); err == nil {
		t.Error("a notice without files was built")
	}
	if _, err := report.BuildNotice(report.NoticeInput{Summary: first.Summary(), Files: files, Language: "de"}); err == nil {
		t.Error("a notice in German was built")
	}
}

// golden compares got with the file at path, or writes it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\ngot:\n%s", path, got)
	}
}

// jobClock is the fake clock of the job tests.
type jobClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *jobClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *jobClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// jobEnv is what the end-to-end test runs on: the service (store and
// queue) with an email destination pointing at an in-process SMTP server
// and a file destination, and a local archive served over HTTP.
type jobEnv struct {
	svc      *service.Service
	archive  *archive.Local
	base     string
	smtp     *smtpSink
	fileDest string
}

func newJobEnv(t *testing.T, dialect string, clock *jobClock) *jobEnv {
	t.Helper()
	dir := t.TempDir()
	env := &jobEnv{smtp: startSMTPSink(t), fileDest: filepath.Join(dir, "notices.jsonl")}
	var handler http.Handler = http.NotFoundHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	env.base = srv.URL
	a, err := archive.NewLocal(archive.LocalOptions{
		Dir: filepath.Join(dir, "reports"), BaseURL: srv.URL, Secret: linkSecret, Location: tokyo, Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	env.archive, handler = a, a.Handler()

	yaml := fmt.Sprintf(`store: %q
language: ja
timezone: Asia/Tokyo
destinations:
  mail-system-a:
    email:
      smtp: {host: 127.0.0.1, port: %d, tls: none, from: hubrelay@example.com}
      to: [system-a-lead@example.com]
  log:
    file: {path: %q}
`, storetest.DSN(t, dialect), env.smtp.port, env.fileDest)
	cfg, err := config.Parse("job-test.yaml", []byte(yaml),
		config.WithDestinationTypes(func(typ string, st *config.Settings) error { return destinations.Registry().Check(typ, st) }),
		config.WithNoticeTypes(destinations.Registry().Notices))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := service.Open(context.Background(), cfg, service.Options{Registry: destinations.Registry(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	env.svc = svc
	return env
}

// drain delivers until the queue has nothing left, and fails the test on
// a dead delivery.
func (e *jobEnv) drain(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	counts, err := e.svc.Queue().Drain(ctx, func(ctx context.Context) (map[store.Status]int, error) { return e.svc.Store().Counts(ctx) })
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.StatusDead] > 0 || counts[store.StatusPending] > 0 {
		ds, _ := e.svc.Store().Deliveries(context.Background(), store.Filter{Limit: 100})
		for _, d := range ds {
			t.Logf("delivery %d %s %s: %s", d.ID, d.Destination, d.Status, d.LastError)
		}
		t.Fatalf("deliveries left: %v", counts)
	}
}

// download fetches a link through the archive's HTTP server and checks
// the status.
func (e *jobEnv) download(t *testing.T, link string, want int) []byte {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET link: %d, want %d:\n%s", resp.StatusCode, want, b)
	}
	return b
}

// fileRecords returns the lines the file destination wrote.
func (e *jobEnv) fileRecords(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(e.fileDest)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func openWorkbook(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the downloaded workbook does not open: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func checkNoSecret(t *testing.T, what, text string) {
	t.Helper()
	if strings.Contains(text, linkSecret) {
		t.Errorf("%s shows the link secret", what)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// failingArchive refuses every file, as a full disk would.
type failingArchive struct{}

func (failingArchive) Put(context.Context, string, io.Reader, int64) error {
	return fmt.Errorf("disk full")
}

func (failingArchive) Link(context.Context, string, time.Duration) (string, error) {
	return "", fmt.Errorf("disk full")
}

// parsedMail is a received mail as a reader sees it.
type parsedMail struct {
	subject     string
	text        string // the text/plain part
	attachments map[string][]byte
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// link returns the first link in the mail's text that points at base.
func (m *parsedMail) link(t *testing.T, base string) string {
	t.Helper()
	for _, l := range linkRE.FindAllString(m.text, -1) {
		if strings.HasPrefix(l, base+"/reports/") {
			return l
		}
	}
	t.Fatalf("no link to %s in the mail:\n%s", base, m.text)
	return ""
}

// parseMail reads a mail as a client would: the decoded subject, the text
// part, the attachments by file name.
func parseMail(t *testing.T, raw []byte) *parsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("mail does not parse: %v", err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	p := &parsedMail{subject: subject, attachments: map[string][]byte{}}
	walkPart(t, p, msg.Header, msg.Body)
	return p
}

func walkPart(t *testing.T, p *parsedMail, h map[string][]string, body io.Reader) {
	t.Helper()
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	mt, params, err := mime.ParseMediaType(get("Content-Type"))
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			walkPart(t, p, part.Header, part)
		}
	}
	var data []byte
	switch strings.ToLower(get("Content-Transfer-Encoding")) {
	case "base64":
		data, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, body))
	case "quoted-printable":
		data, err = io.ReadAll(quotedprintable.NewReader(body))
	default:
		data, err = io.ReadAll(body)
	}
	if err != nil {
		t.Fatal(err)
	}
	if disp, dp, err := mime.ParseMediaType(get("Content-Disposition")); err == nil && disp == "attachment" {
		name, _ := new(mime.WordDecoder).DecodeHeader(dp["filename"])
		p.attachments[name] = data
		return
	}
	if mt == "text/plain" {
		p.text += string(data)
	}
}

// smtpSink is an in-process SMTP server (emersion/go-smtp) on 127.0.0.1
// that keeps every mail it is given.
type smtpSink struct {
	port int
	mu   sync.Mutex
	got  [][]byte
}

func startSMTPSink(t *testing.T) *smtpSink {
	t.Helper()
	s := &smtpSink{}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &sinkSession{sink: s}, nil }))
	srv.Domain = "mx.test"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return s
}

func (s *smtpSink) mails() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.got...)
}

type sinkSession struct{ sink *smtpSink }

func (*sinkSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (*sinkSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (s *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.sink.mu.Lock()
	s.sink.got = append(s.sink.got, b)
	s.sink.mu.Unlock()
	return nil
}
func (*sinkSession) Reset()        {}
func (*sinkSession) Logout() error { return nil }

// A workbook over attach_max is not attached: the mail carries the link
// alone. The scheduled job's name and spec are those of the plan.
func TestJobAttachesOnlyUnderTheLimit(t *testing.T) {
	ctx := context.Background()
	hub, shc := newHub(t)
	if err := hub.AddFindings(scenario1(t)...); err != nil {
		t.Fatal(err)
	}
	clock := &jobClock{now: week1}
	env := newJobEnv(t, store.DialectSQLite, clock)
	job, err := report.NewJob(report.Plan{
		Project: project("en"), To: []string{"mail-system-a"}, Formats: []report.Format{report.FormatXLSX, report.FormatCSV},
		Schedule: "0 9 * * MON", Location: tokyo,
	}, report.JobOptions{
		Source: shc, Archive: env.archive, History: env.svc.Store(), Notices: env.svc,
		AttachMax: 1000, Attaches: func(string) bool { return true }, Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	sj := job.Schedule()
	if sj.Name != "report:System A" || sj.Spec != "0 9 * * MON" || sj.Location != tokyo {
		t.Errorf("scheduled job %q %q %v", sj.Name, sj.Spec, sj.Location)
	}
	if err := sj.Run(ctx, week1); err != nil {
		t.Fatal(err)
	}
	env.drain(t)
	mails := env.smtp.mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	m := parseMail(t, mails[0])
	if len(m.attachments) != 0 {
		t.Errorf("attachments %v over attach_max", keys(m.attachments))
	}
	if !strings.Contains(m.subject, "System A security report 2026-11-16") {
		t.Errorf("subject %q", m.subject)
	}
	// Both formats are kept and linked; the csv opens as the report's csv.
	var csvLink string
	for _, l := range linkRE.FindAllString(m.text, -1) {
		if strings.Contains(l, "/2026-11-16.csv?") {
			csvLink = l
		}
	}
	if csvLink == "" {
		t.Fatalf("no csv link in:\n%s", m.text)
	}
	if csv := env.download(t, csvLink, http.StatusOK); !bytes.HasPrefix(csv, []byte("\xef\xbb\xbfSeverity,")) {
		t.Errorf("csv starts %q", csv[:min(40, len(csv))])
	}
}
