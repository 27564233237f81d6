package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Reports holds what the per-project reports share (reports:): when they
// are made by default, their formats, up to what size the file itself is
// sent, and where the reports are kept for the links the recipients get.
type Reports struct {
	// Schedule is when the reports are made unless a project says
	// otherwise: five cron fields (minute hour day-of-month month
	// day-of-week; names such as MON-FRI and JAN work, '?' reads as '*')
	// or @hourly, @daily, @midnight, @weekly, @monthly, @yearly or
	// @annually, read in Location; default DefaultReportSchedule. There is
	// no seconds field, no TZ= prefix and no @every. cron.ParseStandard of
	// github.com/robfig/cron/v3 parses every schedule Load accepts, and
	// every checked schedule runs at some time.
	Schedule string
	// Timezone is the IANA name of Location.
	Timezone string
	// Location is the time zone schedules and report dates are read in;
	// default Config.Location.
	Location *time.Location
	// Formats are the report file formats unless a project says
	// otherwise: FormatXLSX, FormatCSV, FormatHTML, each once; default
	// [FormatXLSX].
	Formats []string
	// AttachMax is the largest report file (bytes) sent as an attachment
	// (by destinations that can attach files) besides the link; 0 means
	// never attach. Default DefaultAttachMax; at most 1 GiB. Written as
	// bytes or with a unit: 512KB, 5MB (powers of 1000), 10MiB (powers of
	// 1024).
	AttachMax int64
	// Storage is where reports are kept and linked from.
	Storage ReportStorage
	// Pos is where reports: is written.
	Pos Position
}

// ReportStorage is where reports are kept: exactly one of Local and S3 is
// set, or neither when reports.storage is not written (then no project has
// recipients: Load refuses projects with to: without a storage).
type ReportStorage struct {
	Local *LocalStorage
	S3    *S3Storage
}

// LocalStorage keeps reports in a directory and serves them from hubrelay's
// own HTTP server through links signed with Secret that expire.
type LocalStorage struct {
	// Dir is the directory reports are written to, joined to the config
	// file's directory when written relative; default DefaultReportDir.
	Dir string
	// BaseURL is the https URL hubrelay's HTTP server is reached at by the
	// recipients (http only for localhost), without a trailing '/', a
	// query or a fragment; links are BaseURL + a path.
	BaseURL string
	// Secret signs the links: at least MinLinkSecret bytes. It is a secret:
	// Config.Secrets includes it and no error or warning shows it.
	Secret string
	// Expires is how long a link works; default DefaultLinkExpires.
	Expires time.Duration
	// Allow, when not empty, are the only client addresses a link is
	// served to; each prefix is masked (no host bits set).
	Allow []netip.Prefix
	// TrustedProxies are the load balancers or reverse proxies in front
	// of hubrelay: only a request coming from one of them has its
	// X-Forwarded-For read to find the client Allow is checked against.
	TrustedProxies []netip.Prefix
}

// S3Storage keeps reports in an S3 bucket and links to them with presigned
// URLs (SigV4).
type S3Storage struct {
	// Bucket is an S3 bucket name.
	Bucket string
	// Prefix starts every object key: "" or ending with '/', never
	// starting with '/'; default DefaultS3Prefix.
	Prefix string
	// Region is the bucket's region; default SecurityHub.Region (empty
	// means the AWS SDK's default region).
	Region string
	// Endpoint, when set, is the http(s) URL of an S3-compatible API used
	// instead of AWS's.
	Endpoint string
	// Expires is how long a presigned link works: at most
	// MaxPresignExpires; default DefaultLinkExpires. A URL presigned with
	// temporary credentials (an IAM role) stops working when they expire,
	// whatever Expires says.
	Expires time.Duration
	// SSE is the server-side encryption of the objects: SSEAES256
	// (default) or SSEKMS.
	SSE string
	// KMSKeyID is the KMS key (ID, ARN or alias) for SSEKMS; empty means
	// the account's aws/s3 key. Set only with SSEKMS.
	KMSKeyID string
	// PathStyle addresses the bucket in the URL path (for S3-compatible
	// APIs) rather than in the host name.
	PathStyle bool
}

// Defaults and limits of reports.
const (
	DefaultReportSchedule       = "0 9 * * MON-FRI"
	DefaultAttachMax      int64 = 5 << 20
	DefaultReportDir            = "reports"
	DefaultLinkExpires          = 7 * 24 * time.Hour
	DefaultS3Prefix             = "reports/"
	// MaxPresignExpires is the longest a SigV4 presigned URL may last.
	MaxPresignExpires = 7 * 24 * time.Hour
	// MinLinkExpires is the shortest a report link may last.
	MinLinkExpires = time.Minute
	// MinLinkSecret is the fewest bytes a link signing secret has.
	MinLinkSecret = 32
)

// Server-side encryption of report objects.
const (
	SSEAES256 = "AES256"
	SSEKMS    = "aws:kms"
)

var (
	reportsKeys      = []string{"schedule", "timezone", "formats", "attach_max", "storage"}
	localStorageKeys = []string{"dir", "base_url", "secret", "expires", "allow", "trusted_proxies"}
	s3StorageKeys    = []string{"bucket", "prefix", "region", "endpoint", "expires", "sse", "kms_key_id", "path_style"}
)

// decodeReporting reads reports:, projects: and members: after the
// destinations they send to.
func (l *loader) decodeReporting(cfg *Config, o *object, declared []string) {
	rc := newRecipients(cfg.Destinations, declared, l.opts.noticeTypes)
	zone, _ := scheduleZone(cfg, o)
	def := projectDefaults{language: cfg.Language, schedule: DefaultReportSchedule, location: zone, formats: []string{FormatXLSX}}
	storage := false
	if o.keys["reports"] != nil {
		cfg.Reports, storage = l.decodeReports(o.key("reports"), o.value("reports"), cfg)
		def.schedule, def.location, def.formats = cfg.Reports.Schedule, cfg.Reports.Location, cfg.Reports.Formats
	}
	if o.has("projects") {
		n := o.value("projects")
		if _, isList := sequenceItems(n); isList {
			cfg.Projects = l.checkProjects(l.readYAMLProjects(n, "projects"), def, rc)
		} else if _, isMap := mappingPairs(n); isMap {
			cfg.Projects = l.readProjectsFile(n, def, rc)
		} else {
			l.errorf(n, "projects: want a list of projects (- name: ...) or {file: projects.csv}, got %s", kindOf(n))
		}
	}
	if o.keys["members"] != nil {
		cfg.Members = l.decodeMembers(o.key("members"), o.value("members"), cfg, rc)
	}
	for _, p := range cfg.Projects {
		if len(p.To) == 0 || storage {
			continue
		}
		if cfg.Reports != nil {
			l.errorAt(cfg.Reports.Pos, "reports: missing storage: project %q (%s) sends its report to %s, which needs reports.storage (local: or s3:) to keep the report and link to it", p.Name, p.Pos, p.To[0])
		} else {
			l.errorf(o.key("projects"), "projects: project %q (%s) sends its report to %s, which needs a reports: section with storage (local: or s3:) to keep the report and link to it", p.Name, p.Pos, p.To[0])
		}
		break
	}
	if cfg.Reports != nil && o.keys["projects"] == nil {
		l.warnAt(cfg.Reports.Pos, "reports: no projects: no report will be made")
	}
}

// decodeReports reads reports:; storage reports whether reports.storage is
// written (valid or not).
func (l *loader) decodeReports(key, n ast.Node, cfg *Config) (r *Reports, storage bool) {
	const path = "reports"
	zone, zoneName := scheduleZone(cfg, l.top)
	r = &Reports{
		Schedule:  DefaultReportSchedule,
		Timezone:  zoneName,
		Location:  zone,
		Formats:   []string{FormatXLSX},
		AttachMax: DefaultAttachMax,
		Pos:       l.pos(key),
	}
	o, ok := l.object(n, path, reportsKeys...)
	if !ok {
		return r, true // reported; do not also ask for a storage
	}
	if o.has("timezone") {
		if loc, name, ok := l.zoneValue(o.value("timezone"), path+".timezone"); ok {
			r.Location, r.Timezone = loc, name
		}
	}
	if o.has("schedule") {
		if s, ok := l.scheduleValue(o.value("schedule"), path+".schedule", r.Location, reportRunsOften); ok {
			r.Schedule = s
		}
	}
	if o.has("formats") {
		list, ok := l.yamlList(o, "formats", path, false)
		if ok || list.whole.set {
			if formats, ok := l.checkFormats(list); ok {
				r.Formats = formats
			}
		}
	}
	if o.has("attach_max") {
		if size, ok := l.sizeValue(o.value("attach_max"), path+".attach_max"); ok {
			r.AttachMax = size
		}
	}
	if o.keys["storage"] != nil {
		r.Storage = l.decodeReportStorage(o.key("storage"), o.value("storage"), cfg)
		storage = true
	}
	return r, storage
}

func (l *loader) decodeReportStorage(key, n ast.Node, cfg *Config) ReportStorage {
	const path = "reports.storage"
	var st ReportStorage
	o, ok := l.object(n, path, "local", "s3")
	if !ok {
		return st
	}
	switch {
	case o.keys["local"] != nil && o.keys["s3"] != nil:
		second := o.key("s3")
		if l.pos(second).less(l.pos(o.key("local"))) {
			second = o.key("local")
		}
		l.errorf(second, "%s: choose one of local and s3, not both", path)
	case o.keys["local"] != nil:
		st.Local = l.decodeLocalStorage(o.key("local"), o.value("local"))
	case o.keys["s3"] != nil:
		st.S3 = l.decodeS3Storage(o.key("s3"), o.value("s3"), cfg)
	default:
		l.errorf(key, "%s: want local: {dir, base_url, secret} or s3: {bucket}", path)
	}
	return st
}

func (l *loader) decodeLocalStorage(key, n ast.Node) *LocalStorage {
	const path = "reports.storage.local"
	o, ok := l.object(n, path, localStorageKeys...)
	if !ok {
		return nil
	}
	if isNull(n) {
		l.errorf(key, "%s: missing required keys base_url and secret", path)
		return nil
	}
	st := &LocalStorage{Dir: filepath.Join(l.dir, DefaultReportDir), Expires: DefaultLinkExpires}
	if o.keys["dir"] != nil {
		if dir, ok := l.requiredString(o, "dir", path); ok {
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(l.dir, dir)
			}
			st.Dir = dir
		}
	}
	if s, ok := l.requiredString(o, "base_url", path); ok {
		if msg := baseURLProblem(s); msg != "" {
			l.errorf(o.value("base_url"), "%s.base_url: %s", path, msg)
		} else {
			st.BaseURL = strings.TrimRight(s, "/")
		}
	}
	if !o.has("secret") {
		l.missing(o, "secret", path)
	} else if secret := l.secretString(o, "secret", path); secret != "" {
		sn := o.value("secret")
		if len(secret) < MinLinkSecret {
			l.errorf(sn, "%s.secret: %d bytes; at least %d, as from: openssl rand -base64 32", path, len(secret), MinLinkSecret)
		} else {
			st.Secret = secret
		}
		if s, isString := sn.(*ast.StringNode); isString && !l.rewritten[s] {
			l.warnf(sn, "%s.secret: written in the config file; keep it out with ${env:NAME} or ${file:PATH}", path)
		}
	}
	if o.has("expires") {
		st.Expires = l.expiresValue(o.value("expires"), path+".expires", 0, st.Expires)
	}
	if o.has("allow") {
		st.Allow = l.prefixList(o, "allow", path)
	}
	if o.has("trusted_proxies") {
		st.TrustedProxies = l.prefixList(o, "trusted_proxies", path)
		if len(st.Allow) == 0 {
			l.warnf(o.value("trusted_proxies"), "%s.trusted_proxies: without allow, client addresses are not checked and the proxies change nothing", path)
		}
	}
	return st
}

// expiresValue reads a link lifetime: at least MinLinkExpires and, when max
// is not 0, at most max. It returns def after a problem.
func (l *loader) expiresValue(n ast.Node, path string, max, def time.Duration) time.Duration {
	d, ok := l.durationValue(n, path)
	switch {
	case !ok:
		return def
	case d < MinLinkExpires:
		l.errorf(n, "%s: at least %s", path, formatDuration(MinLinkExpires))
		return def
	case max > 0 && d > max:
		l.errorf(n, "%s: at most 7d (168h): a presigned S3 URL lasts at most 7 days", path)
		return def
	}
	return d
}

// baseURLProblem says what is wrong with a base_url, or "".
func baseURLProblem(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return fmt.Sprintf("%q: want the absolute URL hubrelay is reached at, as in https://hubrelay.example.com", s)
	case u.User != nil:
		return "must not hold a user name or password"
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Sprintf("%q: must not have a query or a fragment", s)
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
		return ""
	case u.Scheme == "http":
		return fmt.Sprintf("%q: links open reports and carry their signature: use https (http only for localhost)", s)
	}
	return fmt.Sprintf("%q: want an https URL", s)
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// prefixList reads a list of CIDR prefixes or single addresses.
func (l *loader) prefixList(o *object, key, path string) []netip.Prefix {
	list, _ := l.yamlList(o, key, path, false)
	if !list.whole.set {
		return nil
	}
	if list.written == 0 {
		what := "to allow any address"
		if key == "trusted_proxies" {
			what = "when no proxy is in front of hubrelay"
		}
		l.errorAt(list.whole.pos(), "%s.%s: name at least one address range, or leave %s out %s", path, key, key, what)
		return nil
	}
	var out []netip.Prefix
	for _, f := range list.items {
		p, err := netip.ParsePrefix(f.text)
		if err != nil {
			addr, addrErr := netip.ParseAddr(f.text)
			if addrErr != nil {
				l.errorAt(f.pos(), "%s: %q is not an address range such as 203.0.113.0/24 or 2001:db8::/32, or an address", f.label, f.text)
				continue
			}
			if addr.Zone() != "" {
				l.errorAt(f.pos(), "%s: %q: leave out the zone (%%%s)", f.label, f.text, addr.Zone())
				continue
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		if m := p.Masked(); m != p {
			l.errorAt(f.pos(), "%s: %q has bits set after the prefix length; did you mean %s?", f.label, f.text, m)
			continue
		}
		out = append(out, p)
	}
	return out
}

func (l *loader) decodeS3Storage(key, n ast.Node, cfg *Config) *S3Storage {
	const path = "reports.storage.s3"
	o, ok := l.object(n, path, s3StorageKeys...)
	if !ok {
		return nil
	}
	if isNull(n) {
		l.errorf(key, "%s: missing required key \"bucket\"", path)
		return nil
	}
	st := &S3Storage{Prefix: DefaultS3Prefix, Region: cfg.SecurityHub.Region, Expires: DefaultLinkExpires, SSE: SSEAES256}
	if b, ok := l.requiredString(o, "bucket", path); ok {
		if msg := bucketProblem(b); msg != "" {
			l.errorf(o.value("bucket"), "%s.bucket: %s", path, msg)
		} else {
			st.Bucket = b
		}
	}
	if o.keys["prefix"] != nil {
		pn := o.value("prefix")
		if isNull(pn) {
			st.Prefix = ""
		} else if s, ok := l.stringValue(pn, path+".prefix"); ok {
			switch {
			case strings.HasPrefix(s, "/"):
				l.errorf(pn, "%s.prefix: %q: an S3 key does not start with '/'", path, s)
			case s != "" && !strings.HasSuffix(s, "/"):
				l.errorf(pn, "%s.prefix: %q: end it with '/', as in reports/ (or write \"\" for the top of the bucket)", path, s)
			case len(s) > 512:
				l.errorf(pn, "%s.prefix: %d bytes; at most 512", path, len(s))
			default:
				st.Prefix = s
			}
		}
	}
	if o.has("region") {
		if s, ok := l.stringValue(o.value("region"), path+".region"); ok {
			if validRegion(s) {
				st.Region = s
			} else {
				l.errorf(o.value("region"), "%s.region: %q is not an AWS region name such as ap-northeast-1", path, s)
			}
		}
	}
	if o.has("endpoint") {
		if s, ok := l.stringValue(o.value("endpoint"), path+".endpoint"); ok {
			if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
				l.errorf(o.value("endpoint"), "%s.endpoint: want the http(s) URL of an S3-compatible API, as in https://s3.example.com", path)
			} else {
				st.Endpoint = s
			}
		}
	}
	if o.has("expires") {
		st.Expires = l.expiresValue(o.value("expires"), path+".expires", MaxPresignExpires, st.Expires)
	}
	if o.has("sse") {
		if s, ok := l.stringValue(o.value("sse"), path+".sse"); ok {
			if s == SSEAES256 || s == SSEKMS {
				st.SSE = s
			} else {
				l.errorf(o.value("sse"), "%s.sse: %q: use AES256 or aws:kms%s", path, s, suggest(s, []string{SSEAES256, SSEKMS}))
			}
		}
	}
	if o.has("kms_key_id") {
		if s, ok := l.requiredString(o, "kms_key_id", path); ok {
			if st.SSE != SSEKMS {
				l.errorf(o.value("kms_key_id"), "%s.kms_key_id: set sse: aws:kms to use a KMS key", path)
			} else {
				st.KMSKeyID = s
			}
		}
	}
	if o.has("path_style") {
		st.PathStyle, _ = l.boolValue(o.value("path_style"), path+".path_style")
	}
	return st
}

// bucketProblem says what is wrong with an S3 bucket name, or "".
func bucketProblem(s string) string {
	if strings.HasPrefix(s, "s3://") || strings.HasPrefix(s, "arn:") {
		return fmt.Sprintf("%q: write the bucket's name alone (and the key's start in prefix)", s)
	}
	rule := fmt.Sprintf("%q is not an S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit", s)
	if len(s) < 3 || len(s) > 63 || strings.Contains(s, "..") {
		return rule
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && ((c != '.' && c != '-') || i == 0 || i == len(s)-1) {
			return rule
		}
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return fmt.Sprintf("%q: a bucket name is not an IP address", s)
	}
	return ""
}
