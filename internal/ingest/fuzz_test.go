package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hubrelay/hubrelay/internal/store"
	"github.com/hubrelay/hubrelay/internal/store/storetest"
)

// FuzzBody feeds arbitrary request bodies through decode, route and a
// real SQLite store. Whatever the body, Body returns nil, an *InputError
// or (never, here) an *UnavailableError; it never panics, and the counts
// add up.
func FuzzBody(f *testing.F) {
	for _, dir := range []string{"../../examples/samples", "../finding/testdata"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for i, p := range paths {
			if i >= 12 {
				break
			}
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Add([]byte("{\"detail-type\":\"Security Hub Findings - Imported\",\"source\":\"aws.securityhub\",\"detail\":{\"findings\":[{}]}}"))
	st := storetest.Open(f, store.DialectSQLite)
	in := newIngester(f, st)
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := in.Body(context.Background(), "fuzz", body)
		var ie *InputError
		switch {
		case err == nil:
			if res.Findings == 0 {
				t.Fatalf("nil error for a body with no findings")
			}
		case errors.As(err, &ie):
			if ie.Accepted != res.Findings {
				t.Fatalf("InputError.Accepted %d, Result.Findings %d", ie.Accepted, res.Findings)
			}
		default:
			t.Fatalf("unexpected error %T: %v", err, err)
		}
		if res.Unmatched+res.Suppressed+res.Stale > res.Findings {
			t.Fatalf("counts exceed findings: %+v", res)
		}
	})
}
