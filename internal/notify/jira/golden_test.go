package jira

import (
	"path/filepath"
	"testing"

	"github.com/hubrelay/hubrelay/internal/notify/notifytest"
	"github.com/hubrelay/hubrelay/internal/render"
)

// TestGoldenRequests builds every sample message in both languages for Jira
// Cloud (REST API v3, ADF) and the main shapes for Jira Data Center (REST
// API v2, wiki markup), and compares the requests with testdata/golden.
// Run with -update to rewrite them, then read the diff.
func TestGoldenRequests(t *testing.T) {
	for _, lang := range []render.Language{render.Japanese, render.English} {
		for _, version := range []int{3, 2} {
			for _, s := range samples(t) {
				if version == 2 && !wikiSample(s.name) {
					continue
				}
				name := string(lang) + "-v" + string(rune('0'+version)) + "-" + s.name
				t.Run(name, func(t *testing.T) {
					cfg := testConfig("https://example.atlassian.net")
					if version == 2 {
						cfg = serverConfig("https://jira.example.com")
					}
					req, err := BuildRequest(s.msg, cfg, renderOptions(lang))
					if err != nil {
						t.Fatal(err)
					}
					checkRequestPayload(t, req)
					notifytest.Golden(t, filepath.Join("testdata", "golden", name+".txt"), []byte(describe(t, req)))
				})
			}
		}
	}
}

// wikiSample picks the samples worth a wiki markup golden file of their own.
func wikiSample(name string) bool {
	switch name {
	case "new-ec2.8", "new-guardduty", "reminder", "resolved", "digest":
		return true
	}
	return false
}
