package source_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/hubrelay/hubrelay/internal/source"
)

func ExampleNewHTTP() {
	ingest := func(ctx context.Context, body []byte) (any, error) {
		// Decode, route and commit here; return once committed.
		return map[string]int{"findings": 1}, nil
	}
	events := source.NewHTTP(source.HTTPConfig{APIKey: "example-key"}, ingest, nil, nil)

	mux := http.NewServeMux()
	mux.Handle(events.Path(), events)
	mux.Handle("/healthz", source.Liveness())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/events", strings.NewReader(`{"detail-type":"Security Hub Findings - Imported"}`))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("x-api-key", "example-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(resp.StatusCode, " ", string(body))
	// Output: 202 {"findings":1}
}
