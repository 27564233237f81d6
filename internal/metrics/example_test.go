package metrics_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/metrics"
)

func Example() {
	m := metrics.New()
	m.Received("http", 2)
	m.Delivery("slack-alerts", metrics.OutcomeDelivered, 800*time.Millisecond)

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for line := range strings.Lines(string(body)) {
		if strings.HasPrefix(line, "hubrelay_deliveries_total") || strings.HasPrefix(line, "hubrelay_findings_received_total") {
			fmt.Print(line)
		}
	}
	// Output:
	// hubrelay_deliveries_total{destination="slack-alerts",outcome="delivered"} 1
	// hubrelay_findings_received_total{source="http"} 2
}
