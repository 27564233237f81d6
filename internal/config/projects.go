package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// Project is a group of AWS accounts that gets its own scheduled report of
// findings (seed 001), written in the config
//
//	projects:
//	  - {name: system-a, accounts: ["111111111111"], to: [mail-system-a]}
//
// or kept in a CSV or YAML file (projects: {file: projects.csv}). Every
// field is checked and has its default filled in.
type Project struct {
	// Name is unique among the projects, also ignoring case. It is 1 to
	// MaxProjectName letters (of any script: Japanese names work), digits,
	// '-', '_' and '.', starting with a letter or digit, so it is safe as
	// one segment of a file name, a URL path or an S3 key (URL-escape it
	// in a URL: it may hold non-ASCII letters).
	Name string
	// Accounts are the project's AWS account IDs, 12 digits each, in the
	// order written, each once. An account may belong to several projects
	// (Load warns).
	Accounts []string
	// To names the destinations that receive the report (a link, or the
	// file when it is at most Reports.AttachMax), in the order written,
	// each once. Each is defined and of a type that takes notices (see
	// WithNoticeTypes). Empty means the report is only kept.
	To []string
	// Language of the report: "ja" or "en"; default Config.Language.
	Language string
	// Schedule is when the report is made, as Reports.Schedule; default
	// Reports.Schedule.
	Schedule string
	// Location is the time zone of Schedule and of the report's dates;
	// default Reports.Location.
	Location *time.Location
	// Formats are the report's file formats (FormatXLSX, FormatCSV,
	// FormatHTML), each once; default Reports.Formats.
	Formats []string
	// Pos is where the project is written: its list item in the config or
	// in a projects YAML file, or its line (column 1) in a projects CSV
	// file.
	Pos Position
}

// Report file formats.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
	FormatHTML = "html"
)

// MaxProjectName is the most characters a project name has: with a date
// and an extension it stays within the 255 bytes a file name may have.
const MaxProjectName = 64

var (
	projectKeys   = []string{"name", "accounts", "to", "language", "schedule", "timezone", "formats"}
	reportFormats = []string{FormatXLSX, FormatCSV, FormatHTML}
)

// What projects and members send, for the message about destinations that
// cannot take it, and the types that can.
const (
	reportsNeedTo  = "reports"
	membersNeedTo  = "member alerts"
	noticeExamples = "use email, slack, teams, sns, webhook"
)

// field is one value of a project as written: a YAML scalar in the config
// or a projects file, or (part of) a cell of a projects CSV file.
type field struct {
	text  string
	label string             // projects[0].accounts[1], column "accounts"
	start Position           // where the value is written (its quote, if quoted)
	at    func(int) Position // the position of a byte offset in text
	set   bool               // written and readable
}

func (f field) pos() Position { return f.start }

// fieldList is a list value: the whole (for "empty list" problems) and
// its items.
type fieldList struct {
	whole field
	items []field
	// written counts the items written, readable or not.
	written int
}

// projectInput is one project as read from the config, a YAML projects
// file or a CSV row, before its values are checked.
type projectInput struct {
	pos                          Position
	name                         field
	accounts                     fieldList
	to                           fieldList
	language, schedule, timezone field
	formats                      fieldList
	// valid is false when reading found a problem.
	valid bool
}

// projectDefaults are what a project leaves out.
type projectDefaults struct {
	language string
	schedule string
	location *time.Location
	formats  []string
}

// recipients are the destinations written in the file, for checking the
// to: lists of projects and members.
type recipients struct {
	types   map[string]string // name → type; "" when the destination is broken
	names   []string
	notices func(typ string) bool
}

func newRecipients(dests []*Destination, declared []string, notices func(string) bool) *recipients {
	r := &recipients{types: map[string]string{}, names: declared, notices: notices}
	for _, name := range declared {
		r.types[name] = ""
	}
	for _, d := range dests {
		r.types[d.Name] = d.Type
	}
	return r
}

// checkRecipients checks a to: list; what names what is sent ("reports").
func (l *loader) checkRecipients(list fieldList, what string, rc *recipients) ([]string, bool) {
	if list.written == 0 {
		l.errorAt(list.whole.pos(), "%s: name at least one destination, or leave to out", list.whole.label)
		return nil, false
	}
	ok := true
	seen := map[string]bool{}
	var out []string
	for _, f := range list.items {
		typ, defined := rc.types[f.text]
		switch {
		case !defined:
			l.errorAt(f.pos(), "%s: destination %q is not defined under destinations%s", f.label, f.text, suggest(f.text, rc.names))
			ok = false
		case seen[f.text]:
			l.errorAt(f.pos(), "%s: destination %q is listed twice", f.label, f.text)
			ok = false
		case typ != "" && rc.notices != nil && !rc.notices(typ):
			l.errorAt(f.pos(), "%s: destination %q is a %s destination, which cannot receive %s (%s)", f.label, f.text, typ, what, noticeExamples)
			ok = false
		}
		seen[f.text] = true
		out = append(out, f.text)
	}
	return out, ok
}

// yamlField makes a field of a YAML string (or, with text given, any
// scalar) node.
func (l *loader) yamlField(n ast.Node, label, text string) field {
	return field{text: text, label: label, start: l.pos(n), at: l.offsetMapper(n), set: true}
}

// yamlString reads an optional string key of o as a field; ok is false
// after a problem.
func (l *loader) yamlString(o *object, key, path string) (field, bool) {
	if !o.has(key) {
		return field{}, true
	}
	n := o.value(key)
	s, ok := l.stringValue(n, path+"."+key)
	if !ok {
		return field{}, false
	}
	return l.yamlField(n, path+"."+key, s), true
}

// yamlList reads a list key of o as fields. Numbers are read as written
// when numbers is true (account IDs may be unquoted).
func (l *loader) yamlList(o *object, key, path string, numbers bool) (fieldList, bool) {
	label := path + "." + key
	n := o.value(key)
	list := fieldList{whole: field{label: label, start: l.pos(n)}}
	items, ok := sequenceItems(n)
	if !ok {
		hint := ""
		if _, isString := n.(*ast.StringNode); isString {
			hint = "; write a one-item list as [x]"
		}
		l.errorf(n, "%s: want a list, got %s%s", label, kindOf(n), hint)
		return list, false
	}
	list.whole.set, list.written = true, len(items)
	all := true
	for i, item := range items {
		at := fmt.Sprintf("%s[%d]", label, i)
		if numbers {
			switch v := item.(type) {
			case *ast.IntegerNode, *ast.FloatNode:
				if tk := v.GetToken(); tk != nil {
					list.items = append(list.items, l.yamlField(item, at, tk.Value))
					continue
				}
			}
		}
		s, ok := l.stringValue(item, at)
		if !ok {
			all = false
			continue
		}
		list.items = append(list.items, l.yamlField(item, at, s))
	}
	return list, all
}

// readYAMLProjects reads a list of projects written in YAML (in the config
// or in a projects file).
func (l *loader) readYAMLProjects(n ast.Node, path string) []*projectInput {
	items, ok := sequenceItems(n)
	if !ok {
		l.errorf(n, "%s: want a list of projects (- name: ...) or {file: projects.csv}, got %s", path, kindOf(n))
		return nil
	}
	var out []*projectInput
	for i, item := range items {
		if in := l.readYAMLProject(item, fmt.Sprintf("%s[%d]", path, i)); in != nil {
			out = append(out, in)
		}
	}
	return out
}

// readYAMLProject reads one project; nil when the item is not a mapping.
func (l *loader) readYAMLProject(n ast.Node, path string) *projectInput {
	if isNull(n) {
		l.errorf(n, "%s: empty project", path)
		return nil
	}
	o, ok := l.object(n, path, projectKeys...)
	if !ok {
		return nil
	}
	in := &projectInput{pos: l.pos(n), valid: true}
	if name, ok := l.requiredString(o, "name", path); ok {
		in.name = l.yamlField(o.value("name"), path+".name", name)
	} else {
		in.valid = false
	}
	if o.has("accounts") {
		in.accounts, ok = l.yamlList(o, "accounts", path, true)
		in.valid = in.valid && ok
	} else {
		l.missing(o, "accounts", path)
		in.valid = false
	}
	if o.keys["to"] != nil {
		if isNull(o.value("to")) {
			l.errorf(o.key("to"), "%s.to: name at least one destination, or leave to out", path)
			in.valid = false
		} else {
			in.to, ok = l.yamlList(o, "to", path, false)
			in.valid = in.valid && ok
		}
	}
	for _, s := range []struct {
		key string
		f   *field
	}{{"language", &in.language}, {"schedule", &in.schedule}, {"timezone", &in.timezone}} {
		*s.f, ok = l.yamlString(o, s.key, path)
		in.valid = in.valid && ok
	}
	if o.has("formats") {
		in.formats, ok = l.yamlList(o, "formats", path, false)
		in.valid = in.valid && ok
	}
	return in
}

// checkProjects checks the projects read from one place (the config, or
// one projects file) and returns the valid ones. Names are unique ignoring
// case; an account in several projects is a warning.
func (l *loader) checkProjects(inputs []*projectInput, def projectDefaults, rc *recipients) []*Project {
	var out []*Project
	names := map[string]*projectInput{}
	owner := map[string]*Project{}
	for _, in := range inputs {
		p, ok := l.checkProject(in, def, rc)
		if in.name.set && validProjectName(in.name.text) {
			key := strings.ToLower(in.name.text)
			if first, dup := names[key]; dup {
				if first.name.text == in.name.text {
					l.errorAt(in.name.pos(), "%s: project %q is already defined at line %d", in.name.label, in.name.text, first.pos.Line)
				} else {
					l.errorAt(in.name.pos(), "%s: project %q differs from %q (line %d) only in case; their report files would collide", in.name.label, in.name.text, first.name.text, first.pos.Line)
				}
				ok = false
			} else {
				names[key] = in
			}
		}
		if !ok {
			continue
		}
		for i, a := range p.Accounts {
			if first := owner[a]; first != nil {
				f := in.accounts.items[i]
				l.warnAt(f.pos(), "%s: account %s is also in project %q (line %d); its findings appear in both reports", f.label, a, first.Name, first.Pos.Line)
				continue
			}
			owner[a] = p
		}
		out = append(out, p)
	}
	return out
}

// checkProject checks the values of one project and fills in its defaults.
func (l *loader) checkProject(in *projectInput, def projectDefaults, rc *recipients) (*Project, bool) {
	p := &Project{Language: def.language, Schedule: def.schedule, Location: def.location, Formats: slices.Clone(def.formats), Pos: in.pos}
	ok := in.valid
	if in.name.set {
		p.Name = in.name.text
		if !validProjectName(p.Name) {
			l.errorAt(in.name.pos(), "%s: %q: %s", in.name.label, p.Name, projectNameRule)
			ok = false
		}
	}
	accounts, accountsOK := l.checkAccounts(in.accounts)
	p.Accounts = accounts
	ok = ok && accountsOK
	if in.to.whole.set {
		to, toOK := l.checkRecipients(in.to, reportsNeedTo, rc)
		p.To = to
		ok = ok && toOK
	}
	if in.language.set {
		if lang := in.language.text; lang == "ja" || lang == "en" {
			p.Language = lang
		} else {
			l.errorAt(in.language.pos(), "%s: %q is not supported; use ja or en", in.language.label, lang)
			ok = false
		}
	}
	if in.timezone.set {
		loc, msg := loadZone(in.timezone.text)
		if msg != "" {
			l.errorAt(in.timezone.pos(), "%s: %s", in.timezone.label, msg)
			ok = false
		} else {
			p.Location = loc
		}
	}
	if in.schedule.set {
		if l.checkScheduleAt(in.schedule.text, in.schedule.start, in.schedule.at, in.schedule.label, p.Location, reportRunsOften) {
			p.Schedule = in.schedule.text
		} else {
			ok = false
		}
	}
	if in.formats.whole.set {
		formats, formatsOK := l.checkFormats(in.formats)
		p.Formats = formats
		ok = ok && formatsOK
	}
	return p, ok
}

// checkAccounts checks a list of account IDs: at least one, 12 digits
// each, each once.
func (l *loader) checkAccounts(list fieldList) ([]string, bool) {
	if !list.whole.set {
		return nil, false
	}
	if list.written == 0 {
		l.errorAt(list.whole.pos(), "%s: name at least one AWS account ID", list.whole.label)
		return nil, false
	}
	ok := true
	seen := map[string]bool{}
	var out []string
	for _, f := range list.items {
		if msg := accountProblem(f.text); msg != "" {
			l.errorAt(f.pos(), "%s: %s", f.label, msg)
			ok = false
			continue
		}
		if seen[f.text] {
			l.errorAt(f.pos(), "%s: account %s is listed twice", f.label, f.text)
			ok = false
			continue
		}
		seen[f.text] = true
		out = append(out, f.text)
	}
	return out, ok
}

// checkFormats checks a list of report formats: at least one, each known
// (in any case) and once. They are returned in lower case.
func (l *loader) checkFormats(list fieldList) ([]string, bool) {
	if list.written == 0 {
		l.errorAt(list.whole.pos(), "%s: name at least one format (xlsx, csv or html), or leave formats out", list.whole.label)
		return nil, false
	}
	ok := true
	seen := map[string]bool{}
	var out []string
	for _, f := range list.items {
		format := strings.ToLower(f.text)
		switch {
		case !slices.Contains(reportFormats, format):
			l.errorAt(f.pos(), "%s: %q is not a report format; use xlsx, csv or html%s", f.label, f.text, suggest(format, reportFormats))
			ok = false
		case seen[format]:
			l.errorAt(f.pos(), "%s: %q is listed twice", f.label, f.text)
			ok = false
		default:
			out = append(out, format)
		}
		seen[format] = true
	}
	return out, ok
}

// accountProblem says what is wrong with an AWS account ID, or "" when it
// is one: 12 ASCII digits. It recognises what spreadsheets do to IDs.
func accountProblem(s string) string {
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	switch {
	case digits == 12 && len(s) == 12:
		return ""
	case digits == len(s) && digits > 0 && digits < 12:
		return fmt.Sprintf("%q has %d digits; an AWS account ID has 12 (write its leading zeros: a spreadsheet drops them unless the column is formatted as text)", s, digits)
	case digits > 0 && strings.ContainsAny(s, "Ee") && strings.ContainsAny(s, "+.") && len(s) <= 20:
		return fmt.Sprintf("%q is an account ID a spreadsheet turned into a number; format the column as text and type the 12 digits again", s)
	case s != "" && strings.TrimFunc(s, func(r rune) bool { return r >= '０' && r <= '９' }) == "":
		return fmt.Sprintf("%q is written in full-width digits; write the 12 digits half-width (半角)", s)
	}
	return fmt.Sprintf("%q is not an AWS account ID (12 digits)", s)
}

const projectNameRule = "use letters (of any script), digits, '-', '_' and '.', starting with a letter or digit, at most 64 characters: the name is part of report file names and S3 keys"

// validProjectName reports whether s can name a project (see
// Project.Name).
func validProjectName(s string) bool {
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxProjectName {
		return false
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r):
		case i > 0 && (r == '-' || r == '_' || r == '.' || unicode.Is(unicode.Mn, r)):
		default:
			return false
		}
	}
	return true
}
