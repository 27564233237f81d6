package render

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCatalogComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)
	keys := MessageKeys()
	if len(keys) == 0 {
		t.Fatal("empty catalog")
	}
	for _, key := range keys {
		en, ja := Translate(English, key), Translate(Japanese, key)
		if strings.TrimSpace(en) == "" || strings.TrimSpace(ja) == "" {
			t.Errorf("%s: a language is missing (en %q, ja %q)", key, en, ja)
		}
		if got, want := strings.Join(verbs.FindAllString(ja, -1), ","), strings.Join(verbs.FindAllString(en, -1), ","); got != want {
			t.Errorf("%s: Japanese has verbs %q, English %q", key, got, want)
		}
	}
}

func TestTranslate(t *testing.T) {
	tests := []struct {
		lang Language
		key  MessageKey
		args []any
		want string
	}{
		{Japanese, MsgSeverity, nil, "重要度"},
		{English, MsgSeverity, nil, "Severity"},
		{Japanese, MsgAccount, nil, "AWSアカウント"},
		{Japanese, MsgDescription, nil, "検出内容"},
		{Japanese, MsgRemediation, nil, "推奨対応"},
		{Japanese, MsgOpenInSecurityHub, nil, "Security Hubで開く"},
		{Japanese, MsgAndMore, []any{12}, "他 12 件"},
		{English, MsgAndMore, []any{12}, "and 12 more"},
		{Japanese, MsgTruncated, nil, "（省略されました）"},
		{Japanese, MsgDigestSeverityCount, []any{"高", 3}, "高: 3 件"},
		{"de", MsgSeverity, nil, "Severity"},
		{Japanese, "no_such_key", nil, "no_such_key"},
	}
	for _, tt := range tests {
		if got := Translate(tt.lang, tt.key, tt.args...); got != tt.want {
			t.Errorf("Translate(%s, %s) = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
}

func TestParseLanguageAndDefaults(t *testing.T) {
	for in, want := range map[string]Language{"ja": Japanese, "en": English, "": English} {
		if got, err := ParseLanguage(in); err != nil || got != want {
			t.Errorf("ParseLanguage(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseLanguage("jp"); err == nil || !strings.Contains(err.Error(), `language "jp": must be "ja" or "en"`) {
		t.Errorf("ParseLanguage(jp): %v", err)
	}
	if err := (Options{Language: "ja", MaxResources: -1}).Validate(); err == nil {
		t.Error("negative MaxResources accepted")
	}
	if err := (Options{TopN: -1}).Validate(); err == nil {
		t.Error("negative TopN accepted")
	}
	if err := (Options{Language: "ja", MaxResources: 3, TopN: 5}).Validate(); err != nil {
		t.Error(err)
	}
	if got := DefaultLocation(English); got.String() != "UTC" {
		t.Errorf("English default zone %s", got)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no zone database")
	}
	for _, at := range []time.Time{time.Date(2018, 10, 8, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)} {
		want := at.In(tokyo).Format(time.RFC3339 + " MST")
		if got := at.In(DefaultLocation(Japanese)).Format(time.RFC3339 + " MST"); got != want {
			t.Errorf("Japanese default zone gives %s, Asia/Tokyo %s", got, want)
		}
	}
}
