package archive_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/hubrelay/hubrelay/internal/report/archive"
)

// A report is kept in a local directory and handed out as a signed link
// that the Handler serves for seven days.
func ExampleLocal() {
	dir, _ := os.MkdirTemp("", "reports")
	defer os.RemoveAll(dir)
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	l, err := archive.NewLocal(archive.LocalOptions{
		Dir:     dir,
		BaseURL: "https://hubrelay.example.com",
		Secret:  "example-secret-0123456789abcdef0123456789",
		Now:     func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()

	ctx := context.Background()
	key, _ := archive.Key("system-a", now, "csv")
	body := "account,severity,title\r\n111111111111,HIGH,S3 bucket is public\r\n"
	if err := l.Put(ctx, key, strings.NewReader(body), int64(len(body))); err != nil {
		fmt.Println(err)
		return
	}
	link, _ := l.Link(ctx, key, 7*24*time.Hour)
	fmt.Println(link)

	rec := httptest.NewRecorder()
	l.Handler().ServeHTTP(rec, httptest.NewRequest("GET", link, nil))
	got, _ := io.ReadAll(rec.Body)
	fmt.Println(rec.Code, rec.Header().Get("Content-Disposition"))
	fmt.Printf("%q\n", got)
	// Output:
	// https://hubrelay.example.com/reports/system-a/2026-11-23.csv?exp=1795996800&sig=v6Q7ZdBL6AXPX51K5S_4lGIJY78m2_U-1RO18I1ju6Y
	// 200 attachment; filename="system-a-security-report-2026-11-23.csv"; filename*=UTF-8''system-a-security-report-2026-11-23.csv
	// "account,severity,title\r\n111111111111,HIGH,S3 bucket is public\r\n"
}
