package finding

import (
	"strings"
	"testing"
	"time"
)

// TestParseTimestamp covers every form the ASFF documents, plus the
// boundaries it sets (9 fraction digits, offsets up to 18:00).
func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		in         string
		want       string // RFC 3339 in UTC with nanoseconds; "" means an error
		wantOffset int    // seconds east of UTC
		errPart    string
	}{
		{in: "2019-01-31T23:00:00Z", want: "2019-01-31T23:00:00Z"},
		{in: "2019-01-31T23:00:00.123456789Z", want: "2019-01-31T23:00:00.123456789Z"},
		{in: "2020-08-06T02:18:23.076Z", want: "2020-08-06T02:18:23.076Z"},
		{in: "2024-01-04T15:25:10+17:59", want: "2024-01-03T21:26:10Z", wantOffset: 17*3600 + 59*60},
		{in: "2024-01-04T15:25:10-1759", want: "2024-01-05T09:24:10Z", wantOffset: -(17*3600 + 59*60)},
		{in: "2024-01-04T15:25:10.123456789+17:59", want: "2024-01-03T21:26:10.123456789Z", wantOffset: 17*3600 + 59*60},
		{in: "2022-02-07T23:51:26.938789-05:00", want: "2022-02-08T04:51:26.938789Z", wantOffset: -5 * 3600},
		{in: "2021-05-01T13:55:09.692022+00:00", want: "2021-05-01T13:55:09.692022Z"},
		{in: "2024-01-04T15:25:10+09", want: "2024-01-04T06:25:10Z", wantOffset: 9 * 3600},
		{in: "2024-11-15T21:39:26.337224100Z", want: "2024-11-15T21:39:26.3372241Z"},
		{in: "2024-02-29t01:02:03z", want: "2024-02-29T01:02:03Z"},
		{in: "2024-01-04T15:25:10+18:00", want: "2024-01-03T21:25:10Z", wantOffset: 18 * 3600},
		{in: "2024-01-04T15:25:10+18:01", errPart: "beyond +/-18:00"},
		{in: "2019-01-31T23:00:00.1234567890Z", errPart: "1 to 9 digits"},
		{in: "2019-01-31T23:00:00.Z", errPart: "1 to 9 digits"},
		{in: "2019-01-31T23:00:00", errPart: "too short"},
		{in: "2019-01-31T23:00:00 ", errPart: "want Z or an offset"},
		{in: "2019-01-31 23:00:00Z", errPart: "want YYYY-MM-DDTHH:MM:SS"},
		{in: "2023-02-29T00:00:00Z", errPart: "out of range"},
		{in: "2023-01-01T24:00:00Z", errPart: "out of range"},
		{in: "2023-01-01T00:00:60Z", errPart: "out of range"},
		{in: "2023-01-01T00:00:00+5:00", errPart: "bad offset"},
		{in: "2023-01-01T00:00:00+05:0a", errPart: "bad offset"},
		{in: "2023-01-01T00:00:00+05:60", errPart: "bad offset"},
		{in: "+123-01-01T00:00:00Z", errPart: "want YYYY-MM-DDTHH:MM:SS"},
		{in: "1700000000000", errPart: "too short"},
		{in: "", errPart: "too short"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseTimestamp(tt.in)
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), tt.errPart) {
					t.Fatalf("parseTimestamp(%q) = %v, %v; want an error containing %q", tt.in, got, err, tt.errPart)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseTimestamp(%q): %v", tt.in, err)
			}
			if s := got.UTC().Format(time.RFC3339Nano); s != tt.want {
				t.Errorf("parseTimestamp(%q) = %s, want %s", tt.in, s, tt.want)
			}
			if _, off := got.Zone(); off != tt.wantOffset {
				t.Errorf("offset %d, want %d", off, tt.wantOffset)
			}
		})
	}
}

// TestEpochMillis covers OCSF epoch-millisecond times.
func TestEpochMillis(t *testing.T) {
	tests := []struct {
		ms   float64
		want string
	}{
		{1753153354272, "2025-07-22T03:02:34.272Z"},
		{0, "1970-01-01T00:00:00Z"},
		{1731706766337.5, "2024-11-15T21:39:26.3375Z"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := epochMillis(tt.ms).Format(time.RFC3339Nano); got != tt.want {
				t.Errorf("epochMillis(%v) = %s, want %s", tt.ms, got, tt.want)
			}
		})
	}
}
