package sns

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

// hostile returns a copy of base whose text fields, in the normalized
// finding and in its raw JSON alike, hold the given texts. The event is
// dropped, so the raw format wraps the hostile raw finding.
func hostile(base *finding.Finding, title, description, resource, account, remediationURL string) *finding.Finding {
	f := new(finding.Finding)
	*f = *base
	f.Title, f.Description, f.AccountID = title, description, account
	f.ProductName = title
	f.Remediation.Text, f.Remediation.URL = description, remediationURL
	f.Resources = append(slices.Clone(base.Resources), finding.Resource{Type: title, ID: resource})
	f.Severity.Label = strings.ToUpper(account)
	f.Compliance.SecurityControlID = resource
	var raw map[string]any
	if json.Unmarshal(base.Raw, &raw) == nil {
		if f.Format == finding.FormatOCSF {
			raw["message"] = description
			if info, ok := raw["finding_info"].(map[string]any); ok {
				info["title"], info["desc"] = title, description
			}
		} else {
			raw["Title"], raw["Description"], raw["AwsAccountId"] = title, description, account
		}
		if data, err := json.Marshal(raw); err == nil { // invalid UTF-8 becomes U+FFFD
			f.Raw = data
		}
	}
	return f
}

// hostileMessage builds message shape flags&7 from f: kinds, a previous
// receipt, or a digest of f with two fixtures.
func hostileMessage(f *finding.Finding, others []*finding.Finding, route string, flags uint8) *notify.Message {
	kinds := []notify.Kind{notify.KindNew, notify.KindReminder, notify.KindReopened, notify.KindResolved, notify.KindTest}
	m := &notify.Message{Kind: kinds[int(flags)%len(kinds)], Route: route, Destination: "d", Key: route + "-key", Finding: f}
	if flags&8 != 0 {
		m.Previous = &notify.Receipt{ID: "id", Thread: route}
	}
	if flags&16 != 0 {
		m.Finding = nil
		m.Digest = &notify.Digest{GroupKey: route, Findings: append([]*finding.Finding{f}, others...), Total: 3 + len(route)%50}
	}
	return m
}

// checkAllFormats builds m in every format, language and topic type and
// fails on any problem.
func checkAllFormats(t *testing.T, m *notify.Message) {
	t.Helper()
	for mode := range 12 {
		checkFormat(t, m, uint8(mode))
	}
}

// checkFormat builds m in one of the 12 combinations of topic type,
// format and language, picked by mode, and fails on any problem.
func checkFormat(t *testing.T, m *notify.Message, mode uint8) {
	t.Helper()
	topic := []string{standardTopic, fifoTopic}[mode%2]
	format := []string{FormatChatbot, FormatRaw, FormatJSON}[mode/2%3]
	lang := languages[mode/6%2]
	cfg := &Config{TopicARN: topic, MessageFormat: format}
	p, err := Build(m, cfg, render.Options{Language: lang, Region: "us-east-1"}, nil)
	if err != nil && format == FormatRaw && rawTooBig(m) {
		return // documented: a raw event over the limit is refused
	}
	if err != nil {
		t.Fatalf("%s %s %s: %v", topic, format, lang, err)
	}
	if problems := publicationProblems(p, format, topic == fifoTopic); len(problems) > 0 {
		t.Fatalf("%s %s %s:\n%s", topic, format, lang, strings.Join(problems, "\n"))
	}
}

// rawTooBig reports whether the smallest raw event of m (its finding, or
// the digest's first finding) is over the limit on its own.
func rawTooBig(m *notify.Message) bool {
	one := *m
	if m.Digest != nil {
		one.Digest, one.Finding = nil, m.Digest.Findings[0]
	}
	event, err := notify.FindingEvent(&one)
	return err == nil && len(event)+attributesSize(Attributes(m)) > MaxMessageBytes-1024
}

func TestHostileText(t *testing.T) {
	bases := make([]*finding.Finding, len(allFixtures))
	for i, name := range allFixtures {
		bases[i] = load(t, name).Finding
	}
	huge := strings.Repeat("<!channel> & \"x\" 検出 ", 100<<10/30) // over 100 KB
	for i, text := range hostileTexts {
		for j, base := range bases {
			f := hostile(base, text, text+"\n"+text, text, text, "https://evil.example/"+text)
			checkAllFormats(t, hostileMessage(f, bases[:2], "route", uint8(i+j)))
			checkAllFormats(t, hostileMessage(f, bases[:2], "route", uint8(i+j)|16))
		}
	}
	if testing.Short() {
		return
	}
	// A 100 KB text in every field, of an ASFF and an OCSF finding.
	for j, base := range []*finding.Finding{bases[0], bases[6]} {
		f := hostile(base, huge, huge, huge, huge, "https://evil.example/"+huge)
		checkAllFormats(t, hostileMessage(f, bases[:2], "route", uint8(j)))
		checkAllFormats(t, hostileMessage(f, bases[:2], "route", uint8(j)|16))
	}
}

// FuzzBuild renders hostile finding text in every message shape, and in
// the format, language and topic type mode picks (100 KB texts are TestHostileText's: the fuzzer
// minimizes large inputs too slowly): the message must stay valid JSON within SNS's
// size limit with a valid subject, attributes and FIFO IDs, and Chatbot
// text must hold no mention, forged link or over-long field.
//
//	go test -fuzz=FuzzBuild -fuzztime=60s ./internal/notify/sns
func FuzzBuild(f *testing.F) {
	bases := make([]*finding.Finding, len(allFixtures))
	for i, name := range allFixtures {
		fd := load(f, name).Finding
		bases[i] = fd
		res := ""
		if len(fd.Resources) > 0 {
			res = fd.Resources[0].ID
		}
		f.Add(fd.Title, fd.Description, res, fd.AccountID, fd.Remediation.URL, "route-a", uint8(i<<5), uint8(i))
	}
	for i, s := range hostileTexts {
		f.Add(s, strings.Repeat(s, 8), s, s, "https://evil.example/|"+s, s, uint8(i*37), uint8(i))
	}
	f.Fuzz(func(t *testing.T, title, description, resource, account, remediationURL, route string, flags, mode uint8) {
		base := bases[int(flags>>5)%len(bases)]
		fd := hostile(base, title, description, resource, account, remediationURL)
		checkFormat(t, hostileMessage(fd, bases[:2], route, flags), mode)
	})
}

// FuzzSubject: the subject is always printable ASCII under the limit.
//
//	go test -fuzz=FuzzSubject -fuzztime=60s ./internal/notify/sns
func FuzzSubject(f *testing.F) {
	for _, s := range hostileTexts {
		f.Add(s, s)
	}
	f.Add(strings.Repeat("x", 200), "HIGH")
	f.Fuzz(func(t *testing.T, title, label string) {
		m := &notify.Message{Kind: notify.KindNew, Finding: &finding.Finding{ID: "x", Title: title, Severity: finding.Severity{Label: label}}}
		s := Subject(m)
		if s == "" || len(s) > MaxSubjectLength {
			t.Fatalf("subject %q", s)
		}
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] > 0x7e {
				t.Fatalf("subject %q has byte %#x", s, s[i])
			}
		}
	})
}
