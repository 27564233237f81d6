package archive

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// BenchmarkVerify measures checking one link (key, expiry, HMAC).
func BenchmarkVerify(b *testing.B) {
	s := linkSigner{secret: []byte(testSecret)}
	sig := s.sign(testKey, 1795996800)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.verify(testKey, "1795996800", sig, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandler measures one download of a 1 MB report through the
// handler, signature check and file serving included.
func BenchmarkHandler(b *testing.B) {
	l, err := NewLocal(LocalOptions{Dir: b.TempDir(), BaseURL: "https://h.example.com", Secret: testSecret,
		Now: func() time.Time { return t0 }, Allow: prefixes(b, "192.0.2.0/24")})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	data := make([]byte, 1<<20)
	if err := l.Put(b.Context(), testKey, bytesReader(data), int64(len(data))); err != nil {
		b.Fatal(err)
	}
	link, _ := l.Link(b.Context(), testKey, time.Hour)
	u, _ := url.Parse(link)
	h := l.Handler()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, u.RequestURI(), nil)
		rec := &discardRecorder{header: http.Header{}}
		h.ServeHTTP(rec, req)
		if rec.code != http.StatusOK {
			b.Fatalf("status %d", rec.code)
		}
	}
}

// discardRecorder is a ResponseWriter that keeps only the status.
type discardRecorder struct {
	header http.Header
	code   int
}

func (d *discardRecorder) Header() http.Header { return d.header }
func (d *discardRecorder) WriteHeader(c int)   { d.code = c }
func (d *discardRecorder) Write(p []byte) (int, error) {
	if d.code == 0 {
		d.code = http.StatusOK
	}
	return len(p), nil
}

var _ io.Writer = (*discardRecorder)(nil)
