package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/xuri/excelize/v2"

	"github.com/hubrelay/hubrelay/examples"
	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/report/archive"
	"github.com/hubrelay/hubrelay/internal/schedule"
	"github.com/hubrelay/hubrelay/internal/securityhub/hubtest"
	"github.com/hubrelay/hubrelay/internal/service"
)

// reportHub starts the in-process Security Hub holding the bundled samples
// and points the AWS SDK at it through the environment, as a user points
// hubrelay at another endpoint (AWS_ENDPOINT_URL_SECURITYHUB).
func reportHub(t *testing.T) {
	t.Helper()
	hub := hubtest.NewTest(t, hubtest.Options{Region: "ap-northeast-1"})
	items, bad := decodeSamples(examples.FS())
	if len(bad) > 0 {
		t.Fatal(bad)
	}
	if len(loadHub(hub, items)) == 0 {
		t.Fatal("no sample in the hub")
	}
	t.Setenv("AWS_ENDPOINT_URL_SECURITYHUB", hub.URL())
	creds, err := hub.AWSConfig().Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}

// reportOut is the --output json of report.
type reportOut struct {
	Project string
	Summary struct {
		Open, New, Resolved int
		StillOpen           int `json:"still_open"`
		First               bool
		BySeverity          map[string]int `json:"by_severity"`
	}
	File struct {
		Path, Format string
		Size         int64
	}
	Kept []struct {
		Format, Key, Name string
		Size              int64
	}
	Expires *time.Time
	Notices *struct{ Queued, Delivered, Waiting, Dead int }
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hubrelay.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const reportConfig = `store: sqlite:%s
language: ja
securityhub: {region: ap-northeast-1}
destinations:
  out: {stdout: {}}
routes:
  - {name: all, pattern: {source: [aws.securityhub]}, to: [out]}
projects:
  - name: system-a
    accounts: ["123456789012", "111111111111"]
`

func TestReportWritesTheWorkbook(t *testing.T) {
	reportHub(t)
	dir := t.TempDir()
	cfg := writeConfig(t, strings.Replace(reportConfig, "%s", filepath.Join(dir, "hubrelay.db"), 1))
	out := filepath.Join(dir, "system-a.xlsx")
	code, stdout, stderr := runCLI(t, "", "report", "-c", cfg, "--project", "system-a", "--out", out, "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r reportOut
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if r.Project != "system-a" || r.Summary.Open == 0 || !r.Summary.First || r.File.Path != out || r.File.Format != "xlsx" || r.Kept != nil || r.Notices != nil {
		t.Errorf("output %+v", r)
	}
	st, err := os.Stat(out)
	if err != nil || st.Size() != r.File.Size {
		t.Fatalf("file: %v, %v (size %d in the output)", st, err, r.File.Size)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) == 0 || sheets[0] != "サマリー" {
		t.Errorf("sheets %q", sheets)
	}
	if strings.Contains(stderr, "Error") {
		t.Errorf("stderr: %s", stderr)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}

	// csv to standard output; the table goes to standard error then.
	code, stdout, stderr = runCLI(t, "", "report", "-c", cfg, "--project", "system-a", "--format", "csv", "--out", "-")
	if code != exitOK || !strings.HasPrefix(stdout, "\ufeff重要度,") || !strings.Contains(stderr, "system-a:") {
		t.Errorf("csv to stdout: exit %d, %q…\n%s", code, stdout[:min(60, len(stdout))], stderr)
	}
}

func TestReportFlagErrors(t *testing.T) {
	reportHub(t)
	dir := t.TempDir()
	cfg := writeConfig(t, strings.Replace(reportConfig, "%s", filepath.Join(dir, "hubrelay.db"), 1))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--project", "system-a"}, "--config is required"},
		{[]string{"report", "-c", cfg}, "--project is required with --config"},
		{[]string{"report", "--demo", "-c", cfg}, "--project is required with --config"},
		{[]string{"report", "-c", cfg, "--project", "system-b"}, `no such project; the config has system-a`},
		{[]string{"report", "-c", cfg, "--project", "System-A"}, `did you mean "system-a"`},
		{[]string{"report", "-c", cfg, "--project", "system-a", "--format", "pdf"}, `--format: report format "pdf"`},
		{[]string{"report", "-c", cfg, "--project", "system-a", "--out", "-", "-o", "json"}, "choose one"},
		{[]string{"report", "--demo", "--send"}, "--demo cannot --send"},
		{[]string{"report", "-c", cfg, "--project", "system-a", "--no-deliver"}, "--no-deliver needs --send"},
		{[]string{"report", "-c", cfg, "--project", "system-a", "--send"}, "reports.storage is not set"},
		{[]string{"report", "--demo", "--project", "other"}, `only the project "demo"`},
		{[]string{"report", "-c", cfg, "--project", "system-a", "-o", "yaml"}, "--output"},
	} {
		code, _, stderr := runCLI(t, "", tc.args...)
		if code != exitInvalid || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	// Security Hub refusing (a wrong secret key: the signature does not
	// match, which the SDK does not retry): exit 1, the cause named.
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret-key")
	code, _, stderr := runCLI(t, "", "report", "-c", cfg, "--project", "system-a", "--out", filepath.Join(dir, "x.xlsx"))
	if code != exitNegative || !strings.Contains(stderr, `report "system-a": read open findings`) || strings.Contains(stderr, "wrong-secret-key") {
		t.Errorf("Security Hub refusing: exit %d: %s", code, stderr)
	}
}

// --demo needs neither AWS nor a config.
func TestReportDemo(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL_SECURITYHUB", "http://127.0.0.1:1") // never asked
	out := filepath.Join(t.TempDir(), "demo.html")
	code, stdout, stderr := runCLI(t, "", "report", "--demo", "--format", "html", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "demo: ") || !strings.Contains(stdout, "wrote "+out) {
		t.Errorf("stdout:\n%s", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.Contains(b, []byte("<html")) {
		t.Errorf("html report: %v, %d bytes", err, len(b))
	}
}

// --send keeps the workbook, records the run and mails the link; the link
// downloads the workbook; the next --send compares with the first.
func TestReportSend(t *testing.T) {
	reportHub(t)
	dir := t.TempDir()
	sink := startReportSMTP(t)
	t.Setenv("HUBRELAY_LINK_SECRET", "cli-test-link-secret-0123456789abcdef")
	var handler http.Handler = http.NotFoundHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	defer srv.Close()
	body := strings.Replace(reportConfig, "%s", filepath.Join(dir, "hubrelay.db"), 1) + `    to: [mail-a]
reports:
  attach_max: 10MB
  storage:
    local:
      dir: ` + filepath.Join(dir, "reports") + `
      base_url: ` + srv.URL + `
      secret: ${env:HUBRELAY_LINK_SECRET}
`
	body = strings.Replace(body, "destinations:\n", "destinations:\n  mail-a:\n    email:\n      smtp: {host: 127.0.0.1, port: "+strconv.Itoa(sink.port)+", tls: none, from: hubrelay@example.com}\n      to: [lead@example.com]\n", 1)
	cfg := writeConfig(t, body)
	a, err := archive.NewLocal(archive.LocalOptions{Dir: filepath.Join(dir, "reports"), BaseURL: srv.URL, Secret: os.Getenv("HUBRELAY_LINK_SECRET")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	handler = a.Handler()

	code, stdout, stderr := runCLI(t, "", "report", "-c", cfg, "--project", "system-a", "--send", "--out", filepath.Join(dir, "out.xlsx"), "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r reportOut
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if r.Notices == nil || r.Notices.Queued != 1 || r.Notices.Delivered != 1 || len(r.Kept) != 1 || r.Expires == nil {
		t.Fatalf("output %+v", r)
	}
	if strings.Contains(stdout, "sig=") || strings.Contains(stderr, "sig=") {
		t.Errorf("the link was printed:\n%s\n%s", stdout, stderr)
	}
	mails := sink.all()
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	text := mailText(t, mails[0])
	i := strings.Index(text, srv.URL+"/reports/system-a/")
	if i < 0 {
		t.Fatalf("no link in the mail:\n%s", text)
	}
	link := text[i:]
	if j := strings.IndexAny(link, " \r\n\"<>）"); j >= 0 {
		link = link[:j]
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	kept, _ := os.ReadFile(filepath.Join(dir, "reports", filepath.FromSlash(r.Kept[0].Key)))
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, kept) || len(kept) == 0 {
		t.Errorf("link: %d, %d bytes; kept %d bytes", resp.StatusCode, len(got), len(kept))
	}

	// A second one-off compares with the first.
	code, stdout, stderr = runCLI(t, "", "report", "-c", cfg, "--project", "system-a", "--out", filepath.Join(dir, "again.xlsx"), "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r = reportOut{}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if r.Summary.First || r.Summary.New != 0 || r.Summary.StillOpen != r.Summary.Open {
		t.Errorf("second report: %+v", r.Summary)
	}
}

// mailText returns the decoded text/plain parts of a raw mail.
func mailText(t *testing.T, raw []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		mt, params, _ := mime.ParseMediaType(get("Content-Type"))
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				part, err := mr.NextRawPart()
				if err != nil {
					return
				}
				walk(part.Header, part)
			}
		}
		if mt != "text/plain" {
			return
		}
		switch strings.ToLower(get("Content-Transfer-Encoding")) {
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(body)
		text.Write(b)
	}
	walk(msg.Header, msg.Body)
	return text.String()
}

// reportSMTP is an in-process SMTP server that keeps what it receives.
type reportSMTP struct {
	port int
	mu   sync.Mutex
	got  [][]byte
}

func startReportSMTP(t *testing.T) *reportSMTP {
	t.Helper()
	s := &reportSMTP{}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &reportSession{s: s}, nil }))
	srv.Domain = "mx.test"
	srv.ErrorLog = log.New(io.Discard, "", 0)
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

func (s *reportSMTP) all() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.got...)
}

type reportSession struct{ s *reportSMTP }

func (*reportSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (*reportSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (r *reportSession) Data(rd io.Reader) error {
	b, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	r.s.mu.Lock()
	r.s.got = append(r.s.got, b)
	r.s.mu.Unlock()
	return nil
}
func (*reportSession) Reset()        {}
func (*reportSession) Logout() error { return nil }

// reportJobs turns every configured project into a scheduled job, with
// the project's schedule and time zone or the reports: defaults.
func TestReportJobs(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HUBRELAY_LINK_SECRET", "cli-test-link-secret-0123456789abcdef")
	cfg, err := loadConfig(writeConfig(t, `store: sqlite:`+filepath.Join(dir, "hubrelay.db")+`
language: ja
timezone: Asia/Tokyo
destinations:
  mail-a:
    email:
      smtp: {host: 127.0.0.1, port: 2525, tls: none, from: hubrelay@example.com}
      to: [lead@example.com]
projects:
  - {name: system-a, accounts: ["111111111111"], to: [mail-a]}
  - {name: system-b, accounts: ["222222222222"], schedule: "30 8 * * MON", timezone: UTC}
reports:
  storage:
    local: {dir: `+filepath.Join(dir, "reports")+`, base_url: "https://hubrelay.example.com", secret: "${env:HUBRELAY_LINK_SECRET}"}
`), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	st, err := openReportStorage(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.Handler == nil || st.Expires != 7*24*time.Hour {
		t.Errorf("local storage: handler %v, expires %v", st.Handler != nil, st.Expires)
	}
	var names []string
	svc, err := service.Open(context.Background(), cfg, service.Options{
		Registry: destinations.Registry(),
		Jobs: func(svc *service.Service) ([]schedule.Job, error) {
			jobs, err := reportJobs(cfg, st, failingSource{}, nil)(svc)
			for _, j := range jobs {
				names = append(names, j.Name+" "+j.Spec+" "+j.Location.String())
			}
			return jobs, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	want := []string{"report:system-a 0 9 * * MON-FRI Asia/Tokyo", "report:system-b 30 8 * * MON UTC"}
	if strings.Join(names, "|") != strings.Join(want, "|") || svc.Scheduler() == nil {
		t.Errorf("jobs %q, want %q", names, want)
	}
	if _, err := reportJobs(cfg, nil, failingSource{}, nil)(svc); err == nil {
		t.Error("jobs without storage were built")
	}
}

// failingSource is a report source that is never read in TestReportJobs.
type failingSource struct{}

func (failingSource) Findings(context.Context, []byte, func([]*finding.Finding) error) error {
	return errors.New("not read")
}

// --send with S3 storage: the workbook is put in the bucket (an in-process
// S3, gofakes3), encrypted, and the presigned link in the mail fetches it.
func TestReportSendToS3(t *testing.T) {
	reportHub(t) // also sets the static AWS credentials the S3 client uses
	backend := s3mem.New()
	if err := backend.CreateBucket("hubrelay-reports"); err != nil {
		t.Fatal(err)
	}
	var sse []string
	var mu sync.Mutex
	faker := gofakes3.New(backend).Server()
	s3srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			mu.Lock()
			sse = append(sse, r.Header.Get("X-Amz-Server-Side-Encryption"))
			mu.Unlock()
		}
		faker.ServeHTTP(w, r)
	}))
	defer s3srv.Close()
	sink := startReportSMTP(t)
	dir := t.TempDir()
	body := strings.Replace(reportConfig, "%s", filepath.Join(dir, "hubrelay.db"), 1) + `    to: [mail-a]
reports:
  storage:
    s3: {bucket: hubrelay-reports, region: ap-northeast-1, endpoint: "` + s3srv.URL + `", path_style: true, expires: 1d}
`
	body = strings.Replace(body, "destinations:\n", "destinations:\n  mail-a:\n    email:\n      smtp: {host: 127.0.0.1, port: "+strconv.Itoa(sink.port)+", tls: none, from: hubrelay@example.com}\n      to: [lead@example.com]\n", 1)
	code, stdout, stderr := runCLI(t, "", "report", "-c", writeConfig(t, body), "--project", "system-a", "--send", "--out", filepath.Join(dir, "out.xlsx"), "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r reportOut
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Kept) != 1 || r.Notices == nil || r.Notices.Delivered != 1 {
		t.Fatalf("output %+v", r)
	}
	obj, err := backend.GetObject("hubrelay-reports", r.Kept[0].Key, nil)
	if err != nil {
		t.Fatalf("object %s: %v", r.Kept[0].Key, err)
	}
	stored, _ := io.ReadAll(obj.Contents)
	obj.Contents.Close()
	mu.Lock()
	if len(sse) != 1 || sse[0] != "AES256" {
		t.Errorf("PUT SSE headers %q", sse)
	}
	mu.Unlock()
	mails := sink.all()
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	text := mailText(t, mails[0])
	i := strings.Index(text, s3srv.URL+"/hubrelay-reports/reports/system-a/")
	if i < 0 {
		t.Fatalf("no presigned link in the mail:\n%s", text)
	}
	link := text[i:]
	if j := strings.IndexAny(link, " \r\n\"<>）"); j >= 0 {
		link = link[:j]
	}
	if !strings.Contains(link, "X-Amz-Expires=86400") {
		t.Errorf("link does not last one day: %s", link)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, stored) || len(got) == 0 {
		t.Errorf("presigned GET: %d, %d bytes (stored %d)", resp.StatusCode, len(got), len(stored))
	}
}
