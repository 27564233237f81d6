package notifytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// update is the -update flag of every test binary that imports
// notifytest: `go test ./internal/notify/slack -update` rewrites that
// package's golden files. Tests must not define their own -update flag.
var update = flag.Bool("update", false, "rewrite golden files under testdata/ with the current output")

// Golden compares got with the golden file at path (relative to the test's
// package directory, normally "testdata/<name>.golden"). With -update it
// writes got to path instead, creating directories as needed. A mismatch
// fails the test and names the first line that differs.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %s: %v", path, err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("golden: %s does not exist; run the test with -update to create it", path)
	}
	if err != nil {
		t.Fatalf("golden: %s: %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("golden: %s differs (run with -update to accept):\n%s", path, firstDifference(string(want), string(got)))
	}
}

// GoldenJSON marshals v as indented JSON with a final newline and compares
// it with the golden file at path, as Golden does.
func GoldenJSON(t testing.TB, path string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatalf("golden: %s: marshal: %v", path, err)
	}
	Golden(t, path, buf.Bytes())
}

// firstDifference describes where want and got first differ, by line.
func firstDifference(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + describeLine(w, i < len(wl)) + "\n  got:  " + describeLine(g, i < len(gl))
		}
	}
	return "(no line differs; the files differ in line endings or a final newline)"
}

func describeLine(s string, present bool) string {
	if !present {
		return "(end of file)"
	}
	return strconv.Quote(s)
}
