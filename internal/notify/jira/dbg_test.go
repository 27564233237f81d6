package jira

import (
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/render"
)

func TestDbg(t *testing.T) {
	base := fixture(t, fxEC28).Finding
	huge := hostileFinding(base, strings.Repeat(`<"&>`, 30_000))
	huge.ID = base.ID
	cfg := testConfig("https://example.atlassian.net")
	cfg.APIVersion = 2
	req, _ := BuildRequest(&notify.Message{Kind: notify.KindNew, Key: "k", Finding: huge}, cfg, renderOptions(render.English))
	s := req.Issue.Fields.Description.(string)
	t.Log(len(s), s[:300], "...", s[len(s)-600:])
}
