package render

import (
	"testing"
	"time"

	"github.com/hubrelay/hubrelay/internal/finding"
)

func TestZZTime(t *testing.T) {
	fd := hostileFinding()
	fd.Description = fd.Description[:2000]
	for _, lang := range []Language{Japanese, English} {
		opts := Options{Language: lang, MaxResources: 1}
		start := time.Now()
		view := NewView(fd, opts)
		digest := NewDigestView([]*finding.Finding{fd, fd}, opts)
		t.Log("views", time.Since(start))
		for _, kind := range Kinds() {
			tmpl, _ := LoadTemplate(kind, "", opts)
			var data any = view
			if kind.Digest() {
				data = digest
			}
			start := time.Now()
			tmpl.Execute(data)
			t.Log(kind, time.Since(start))
		}
	}
}
