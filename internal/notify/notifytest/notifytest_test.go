package notifytest

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/notify"
)

const (
	testToken = "xoxb-0000000000-notifytestsecret"
	hookPath  = "/services/T0000/B0000/NOTIFYTESTHOOKSECRET"
)

func buildWebhook(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
	return newWebhook(baseURL+hookPath, testToken, env)
}

func TestCheckRetryPassesACorrectNotifier(t *testing.T) {
	CheckRetry(t, buildWebhook, Message(t))
}

func TestCheckNoSecretLeakPassesACorrectNotifier(t *testing.T) {
	CheckNoSecretLeak(t, buildWebhook, Message(t), testToken, "NOTIFYTESTHOOKSECRET")
}

// The helper tests below run in a child process (see runHelper): they must
// fail, which proves the checks can fail.

func TestHelperLeakyNotifier(t *testing.T) {
	if os.Getenv("NOTIFYTEST_HELPER") != t.Name() {
		t.Skip("run by TestChecksCatchBadNotifiers")
	}
	CheckNoSecretLeak(t, func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
		return &leakyNotifier{url: baseURL + hookPath, token: testToken, hc: env.HTTPClient, log: env.Logger}
	}, Message(t), testToken, "NOTIFYTESTHOOKSECRET")
}

func TestHelperPermanentNotifier(t *testing.T) {
	if os.Getenv("NOTIFYTEST_HELPER") != t.Name() {
		t.Skip("run by TestChecksCatchBadNotifiers")
	}
	CheckRetry(t, func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
		return &permanentNotifier{inner: newWebhook(baseURL+hookPath, testToken, env)}
	}, Message(t))
}

func TestHelperNotifierIgnoringBaseURL(t *testing.T) {
	if os.Getenv("NOTIFYTEST_HELPER") != t.Name() {
		t.Skip("run by TestChecksCatchBadNotifiers")
	}
	other := NewServer(t, Response{Status: 500})
	CheckRetry(t, func(t *testing.T, baseURL string, env notify.Env) notify.Notifier {
		return newWebhook(other.URL+hookPath, testToken, env)
	}, Message(t), RetryCase{Name: "500", Response: Response{Status: 500}, Retryable: true})
}

func TestChecksCatchBadNotifiers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	tests := []struct {
		helper string
		want   []string
	}{
		{"TestHelperLeakyNotifier", []string{"a secret leaked in the error message", "a secret leaked in the logs"}},
		{"TestHelperPermanentNotifier", []string{"got retryable=false retry_after=0s; want retryable=true retry_after=7s"}},
		{"TestHelperNotifierIgnoringBaseURL", []string{"Build must point it at baseURL"}},
	}
	for _, tt := range tests {
		t.Run(tt.helper, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^"+tt.helper+"$", "-test.v")
			cmd.Env = append(os.Environ(), "NOTIFYTEST_HELPER="+tt.helper)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("%s passed; the check must fail:\n%s", tt.helper, out)
			}
			for _, want := range tt.want {
				if !strings.Contains(string(out), want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestServerScript(t *testing.T) {
	srv := NewServer(t, Response{Status: 429, Header: http.Header{"Retry-After": {"1"}}}, Response{Status: 201, Body: "created"})
	var codes []int
	for i := 0; i < 3; i++ {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/path/"+string(rune('a'+i))+"?q=1", strings.NewReader("body"))
		req.Header.Set("X-Test", "yes")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	if codes[0] != 429 || codes[1] != 201 || codes[2] != 201 {
		t.Errorf("codes = %v, want [429 201 201] (the last answer repeats)", codes)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 || reqs[0].Path != "/path/a" || reqs[2].Path != "/path/c" || reqs[0].RawQuery != "q=1" ||
		string(reqs[1].Body) != "body" || reqs[0].Header.Get("X-Test") != "yes" || reqs[0].Method != "POST" {
		t.Errorf("recorded requests = %+v", reqs)
	}
}

func TestServerEmptyScriptAnswersOK(t *testing.T) {
	srv := NewServer(t)
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
}

func TestServerFailureModes(t *testing.T) {
	tests := []struct {
		name string
		r    Response
	}{
		{"hang", Response{Hang: true}},
		{"hang up", Response{HangUp: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewServer(t, tt.r)
			client := &http.Client{Timeout: 200 * time.Millisecond}
			start := time.Now()
			_, err := client.Post(srv.URL, "text/plain", strings.NewReader("x"))
			if err == nil {
				t.Fatal("no error")
			}
			if time.Since(start) > 3*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
}

func TestServerCloseReleasesHangingRequests(t *testing.T) {
	srv := NewServer(t, Response{Hang: true})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		resp, err := http.Post(srv.URL, "text/plain", strings.NewReader("x"))
		if err == nil {
			resp.Body.Close()
		}
	}()
	for len(srv.Requests()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Close blocked on a hanging request")
	}
	wg.Wait()
}

func TestRefusedURL(t *testing.T) {
	_, err := http.Get(RefusedURL(t))
	if err == nil {
		t.Fatal("connection to RefusedURL succeeded")
	}
}

func TestSettings(t *testing.T) {
	type cfg struct {
		Path  string `json:"path"`
		Fsync bool   `json:"fsync"`
	}
	tests := []struct {
		name, in, wantErr string
	}{
		{"valid", `{"path": "out.jsonl", "fsync": true}`, ""},
		{"unknown field names its line", "{\n  \"path\": \"x\",\n  \"fsnyc\": true\n}", `settings:3:3: json: unknown field "fsnyc"`},
		{"wrong type", `{"path": 5}`, "settings:1:"},
		{"syntax", `{"path": }`, "settings:1:10: invalid character '}'"},
		{"trailing data", `{"path": "x"} {}`, "settings:1:15: unexpected data after the settings object"},
		{"empty", ``, "settings:1:1: empty settings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c cfg
			err := Settings(tt.in).Decode(&c)
			if tt.wantErr == "" {
				if err != nil || c.Path != "out.jsonl" || !c.Fsync {
					t.Fatalf("Decode = %v, %+v", err, c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Decode = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msg = strings.TrimSpace(r.msg + "\n" + format)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtimeGoexit()
}

func runRecorded(t *testing.T, f func(tb testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func TestGolden(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "payload.golden")

	if r := runRecorded(t, func(tb testing.TB) { Golden(tb, path, []byte("x\n")) }); !r.failed || !strings.Contains(r.msg, "-update") {
		t.Errorf("a missing golden file must fail and mention -update; got %+v", r)
	}
	*update = true
	Golden(t, path, []byte("line 1\nline 2\n"))
	*update = false
	if r := runRecorded(t, func(tb testing.TB) { Golden(tb, path, []byte("line 1\nline 2\n")) }); r.failed {
		t.Errorf("equal content failed: %s", r.msg)
	}
	if r := runRecorded(t, func(tb testing.TB) { Golden(tb, path, []byte("line 1\nline two\n")) }); !r.failed {
		t.Error("different content passed")
	}
	if got := firstDifference("a\nb\n", "a\nc\n"); !strings.Contains(got, "line 2") || !strings.Contains(got, `"b"`) || !strings.Contains(got, `"c"`) {
		t.Errorf("firstDifference = %q", got)
	}
	if got := firstDifference("a\n", "a\nb\n"); !strings.Contains(got, "line 2") || !strings.Contains(got, `"b"`) {
		t.Errorf("firstDifference for an extra line = %q", got)
	}
}

func TestGoldenJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.golden")
	*update = true
	GoldenJSON(t, path, map[string]string{"title": "a & b"})
	*update = false
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != "{\n  \"title\": \"a & b\"\n}\n" {
		t.Errorf("GoldenJSON wrote %q", data)
	}
}

func TestSamples(t *testing.T) {
	seen := map[string]bool{}
	kinds := map[notify.Kind]bool{}
	for _, s := range Samples(t) {
		if seen[s.Name] {
			t.Errorf("duplicate sample name %q", s.Name)
		}
		seen[s.Name] = true
		if err := s.Message.Validate(); err != nil {
			t.Errorf("sample %s: %v", s.Name, err)
		}
		kinds[s.Message.Kind] = true
	}
	for _, k := range []notify.Kind{notify.KindNew, notify.KindReminder, notify.KindReopened, notify.KindResolved, notify.KindTest} {
		if !kinds[k] {
			t.Errorf("no sample of kind %q", k)
		}
	}
	m := Message(t)
	if m.Finding.Title != "EC2.7 EBS default encryption should be enabled" || len(m.Event) == 0 {
		t.Errorf("Message() = %+v", m)
	}
	if a, b := Message(t), Message(t); a.Finding == b.Finding {
		t.Error("Message must build new values on every call")
	}
}

func TestNewEnv(t *testing.T) {
	env, logs := NewEnv(t)
	if !env.Now().Equal(Now()) || env.HTTPClient == nil || env.Redactor == nil || env.Region != "us-east-1" {
		t.Errorf("NewEnv = %+v", env)
	}
	env.Logger.Debug("hello", "k", "v")
	if !strings.Contains(logs.String(), `"msg":"hello"`) {
		t.Errorf("logs = %q", logs)
	}
	_ = context.Background()
}

func FuzzSettings(f *testing.F) {
	for _, seed := range []string{
		`{"path": "out.jsonl", "fsync": true}`, "{\n  \"path\": \"x\",\n  \"fsnyc\": true\n}",
		`{"path": }`, `{"path": "x"} {}`, ``, `[]`, `{"path": 5}`, `{"path": "\u0000"}`,
	} {
		f.Add(seed)
	}
	type cfg struct {
		Path  string `json:"path"`
		Fsync bool   `json:"fsync"`
	}
	f.Fuzz(func(t *testing.T, in string) {
		var c cfg
		err := Settings(in).Decode(&c)
		if err == nil {
			return
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "settings:") {
			t.Fatalf("error %q does not start with a position", msg)
		}
		var line, col int
		if _, scanErr := fmt.Sscanf(msg, "settings:%d:%d:", &line, &col); scanErr != nil || line < 1 || col < 1 {
			t.Fatalf("error %q has no valid LINE:COL", msg)
		}
		if line > strings.Count(in, "\n")+1 {
			t.Fatalf("error %q names line %d of a %d-line input", msg, line, strings.Count(in, "\n")+1)
		}
	})
}
