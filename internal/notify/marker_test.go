package notify

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
)

func TestMarker(t *testing.T) {
	tests := []struct {
		name, key, want string
	}{
		// SHA-256("abc") is the FIPS 180-2 test vector ba7816bf8f01cfea….
		{"published vector", "abc", "hubrelay-ba7816bf8f01cfea"},
		{"empty key has none", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Marker(tt.key); got != tt.want {
				t.Errorf("Marker(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
	t.Run("stable, distinct and safe everywhere", func(t *testing.T) {
		seen := map[string]string{}
		for i := range 1000 {
			key := fmt.Sprintf("arn:aws:securityhub:ap-northeast-1:111111111111:finding/%d|route|dest|episode-1", i)
			m := Marker(key)
			if m != Marker(key) {
				t.Fatalf("Marker(%q) differs between calls", key)
			}
			if other, dup := seen[m]; dup {
				t.Fatalf("keys %q and %q share marker %s", key, other, m)
			}
			seen[m] = key
			hexDigits, ok := strings.CutPrefix(m, "hubrelay-")
			if !ok || len(hexDigits) != 16 || strings.Trim(hexDigits, "0123456789abcdef") != "" {
				t.Fatalf("marker %q is not hubrelay- and 16 lower-case hex digits", m)
			}
			if !slices.Equal(Markers("x "+m+" y"), []string{m}) {
				t.Fatalf("Markers does not find %q", m)
			}
		}
	})
}

func TestMarkers(t *testing.T) {
	a, b := Marker("a"), Marker("b")
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"none", "no marker here", nil},
		{"last line", "description\n\nhubrelay: " + a, []string{a}},
		{"html comment", "<!-- hubrelay:delivery " + a + " -->", []string{a}},
		{"two, repeated", a + "," + b + "\n" + a, []string{a, b}},
		{"digit too many", a + "0", nil},
		{"letter before", "x" + a, nil},
		{"upper case is not one", strings.ToUpper(a), nil},
		{"too short", a[:len(a)-1], nil},
		{"punctuation around", "(" + a + ").", []string{a}},
		{"Japanese around", "課題" + a + "です", []string{a}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Markers(tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Markers(%q) = %q, want %q", tt.text, got, tt.want)
			}
			for _, m := range []string{a, b} {
				if want := slices.Contains(tt.want, m); HasMarker(tt.text, m) != want {
					t.Errorf("HasMarker(%q, %s) = %v, want %v", tt.text, m, !want, want)
				}
			}
		})
	}
	if HasMarker("anything", "") {
		t.Error("an empty marker is carried")
	}
}

// TestMessageValidateAttempt covers Message.Attempt: 0 (unknown) and
// positive counts are valid, a negative one is named.
func TestMessageValidateAttempt(t *testing.T) {
	f := &finding.Finding{ID: "arn:aws:securityhub:us-east-1:111111111111:subscription/x/finding/1"}
	for _, tt := range []struct {
		attempt int
		wantErr string
	}{
		{0, ""},
		{1, ""},
		{7, ""},
		{-1, "message: attempt -1 is negative"},
	} {
		t.Run(fmt.Sprint(tt.attempt), func(t *testing.T) {
			err := (&Message{Kind: KindNew, Finding: f, Attempt: tt.attempt}).Validate()
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Validate = %v, want nil", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// FuzzMarkers checks that every marker Markers reports is a marker that
// text carries (HasMarker agrees, and it appears in text), reported once,
// and that a key's marker set between spaces in any text is found.
//
//	go test -run=^$ -fuzz=FuzzMarkers -fuzztime=60s ./internal/notify
func FuzzMarkers(f *testing.F) {
	for _, seed := range []struct{ text, key string }{
		{"", ""},
		{"hubrelay: " + Marker("k"), "k"},
		{"hubrelay-0123456789abcdef0 hubrelay-0123456789ABCDEF", "x"},
		{"<!-- hubrelay:delivery hubrelay-ffffffffffffffff -->", "arn:aws:securityhub:…/finding/1"},
		{"\xff\xfehubrelay-0123456789abcdef\x00", "\xff"},
		{strings.Repeat("hubrelay-", 100), "日本語のキー"},
	} {
		f.Add(seed.text, seed.key)
	}
	f.Fuzz(func(t *testing.T, text, key string) {
		got := Markers(text)
		seen := map[string]bool{}
		for _, m := range got {
			if seen[m] {
				t.Fatalf("Markers(%q) repeats %s", text, m)
			}
			seen[m] = true
			if !strings.Contains(text, m) || !HasMarker(text, m) {
				t.Fatalf("Markers(%q) reports %s, which the text does not carry", text, m)
			}
		}
		m := Marker(key)
		if key == "" {
			if m != "" {
				t.Fatalf("Marker(\"\") = %q", m)
			}
			return
		}
		with := text + " " + m + " " + text
		if !HasMarker(with, m) || !slices.Contains(Markers(with), m) {
			t.Fatalf("marker %s between spaces is not found in %q", m, with)
		}
	})
}
