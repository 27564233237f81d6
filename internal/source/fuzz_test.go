package source

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// referenceAuthorized is what the source must accept, written plainly.
func referenceAuthorized(authorization, apiKey string) bool {
	if apiKey == testAPIKey {
		return true
	}
	if len(authorization) >= 6 && strings.EqualFold(authorization[:6], "Basic ") {
		dec, err := base64.StdEncoding.DecodeString(authorization[6:])
		if err == nil && string(dec) == testUser+":"+testPassword {
			return true
		}
	}
	return len(authorization) >= 7 && strings.EqualFold(authorization[:7], "Bearer ") &&
		strings.TrimLeft(authorization[7:], " ") == testBearer
}

// FuzzHTTP sends arbitrary credentials, content types and bodies, with and
// without a Content-Length. The handler checks that it only ever sees
// authorized, non-empty, size-bounded bodies; bad input never gets a 5xx.
func FuzzHTTP(f *testing.F) {
	seeds := []struct {
		authorization, apiKey, contentType string
		body                               []byte
		chunked                            bool
	}{
		{"", testAPIKey, "application/json", []byte(`{"detail":{"findings":[]}}`), false},
		{"", testAPIKey, "", []byte(`{}`), true},
		{basic(testUser, testPassword), "", "application/json; charset=UTF-8", []byte(`[1,2]`), false},
		{"basic " + base64.StdEncoding.EncodeToString([]byte(testUser+":"+testPassword)), "", "", []byte(`1`), false},
		{"Bearer " + testBearer, "", "", []byte(`{"a":`), false},
		{"BEARER   " + testBearer, "", "application/json", []byte(`null`), true},
		{"Bearer " + testBearer + " ", "", "", []byte(`{}`), false},
		{basic(testUser, testPassword+"x"), testAPIKey + "x", "", []byte(`{}`), false},
		{"Basic !!!", "", "", []byte(`{}`), false},
		{"", testAPIKey, "text/plain", []byte(`{}`), false},
		{"", testAPIKey, "application/json; charset=latin1", []byte(`{}`), false},
		{"", testAPIKey, "application/json;;", []byte(`{}`), false},
		{"", testAPIKey, "", nil, false},
		{"", testAPIKey, "", bytes.Repeat([]byte("a"), testMaxBody+1), false},
		{"", testAPIKey, "", bytes.Repeat([]byte(" "), testMaxBody*4), true},
		{"", "", "", []byte(`{}`), false},
	}
	for _, s := range seeds {
		f.Add(s.authorization, s.apiKey, s.contentType, s.body, s.chunked)
	}
	f.Fuzz(func(t *testing.T, authorization, apiKey, contentType string, body []byte, chunked bool) {
		var called []byte
		handler := func(ctx context.Context, got []byte) (any, error) {
			if called != nil {
				t.Fatal("handler called twice for one request")
			}
			called = append([]byte{}, got...)
			if len(got) == 0 || len(got) > testMaxBody {
				t.Fatalf("handler got a %d-byte body; limit %d", len(got), testMaxBody)
			}
			if !json.Valid(got) {
				return nil, &inputErr{msg: "request body: not JSON"}
			}
			return map[string]int{"bytes": len(got)}, nil
		}
		s := NewHTTP(testConfig(), handler, nil, nil)

		var rd io.Reader = bytes.NewReader(body)
		if chunked {
			rd = io.MultiReader(bytes.NewReader(body))
		}
		req := httptest.NewRequest(http.MethodPost, DefaultPath, rd)
		if chunked {
			req.ContentLength = -1
		}
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		if apiKey != "" {
			req.Header.Set("X-Api-Key", apiKey)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)

		authorized := referenceAuthorized(authorization, apiKey)
		switch rec.Code {
		case http.StatusAccepted, http.StatusBadRequest, http.StatusUnauthorized,
			http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		default:
			t.Fatalf("status %d for client input: %s", rec.Code, rec.Body)
		}
		if authorized != (rec.Code != http.StatusUnauthorized) {
			t.Fatalf("authorized = %v but status %d (authorization %q, api key %q)", authorized, rec.Code, authorization, apiKey)
		}
		if called != nil {
			if !authorized || !bytes.Equal(called, body) {
				t.Fatalf("handler got %q; authorized %v, sent %q", called, authorized, body)
			}
		} else if rec.Code == http.StatusAccepted {
			t.Fatal("202 without calling the handler")
		}
		if authorized && rec.Code != http.StatusUnsupportedMediaType {
			switch {
			case len(body) == 0 && rec.Code != http.StatusBadRequest,
				len(body) > testMaxBody && rec.Code != http.StatusRequestEntityTooLarge,
				len(body) > 0 && len(body) <= testMaxBody && called == nil:
				t.Fatalf("%d-byte body answered %d, handler called %v", len(body), rec.Code, called != nil)
			}
		}
		var answer map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("answer is not a JSON object: %v: %q", err, rec.Body)
		}
		if msg, _ := answer["error"].(string); rec.Code >= 400 && msg == "" {
			t.Fatalf("status %d without an error message: %q", rec.Code, rec.Body)
		}
		for _, secret := range []string{testAPIKey, testPassword, testBearer} {
			if strings.Contains(rec.Body.String(), secret) {
				t.Fatalf("answer holds a secret: %q", rec.Body)
			}
		}
	})
}
