package pattern

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// importedEvent is a real Security Hub finding in its EventBridge
// "Security Hub Findings - Imported" envelope (testdata/SOURCES.md), ~3.5 KB.
func importedEvent(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile("testdata/18-eb-imported-securityhub-fsbp-ec2.7-failed.json")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

var benchProducts = []string{"GuardDuty", "Security Hub", "Inspector", "Macie", "Config",
	"IAM Access Analyzer", "Health", "Systems Manager Patch Manager", "Firewall Manager", "Detective"}

// routePattern returns the i-th pattern of a route set of n routes shaped
// like real rules: per account, per product, per severity band; every tenth
// route in three variants uses numeric, anything-but or prefix conditions.
func routePattern(i, n int) string {
	accounts := max(1, n/20)
	account := fmt.Sprintf("%012d", 111111111111+(i/20%accounts)*1000003)
	product := benchProducts[(i/4)%len(benchProducts)]
	severity := `"Severity":{"Label":["HIGH","CRITICAL"]}`
	if i%2 == 1 {
		severity = `"Severity":{"Label":["INFORMATIONAL","LOW","MEDIUM"]}`
	}
	productField := fmt.Sprintf(`"ProductName":[%q]`, product)
	if (i/2)%2 == 1 {
		productField = fmt.Sprintf(`"ProductFields":{"aws/securityhub/ProductName":[%q]}`, product)
	}
	extra := ""
	switch i % 10 {
	case 3:
		severity = `"Severity":{"Normalized":[{"numeric":[">=",70]}]}`
	case 5:
		extra = `,"Compliance":{"Status":[{"anything-but":"PASSED"}]}`
	case 7:
		extra = `,"GeneratorId":[{"prefix":"aws-foundational-security-best-practices/"},{"prefix":"arn:aws:securityhub:::ruleset/cis-aws"}]`
	}
	return fmt.Sprintf(`{"source":["aws.securityhub"],"detail-type":["Security Hub Findings - Imported"],`+
		`"detail":{"findings":{"AwsAccountId":[%q],%s,%s,"RecordState":["ACTIVE"],"Workflow":{"Status":["NEW"]}%s}}}`,
		account, productField, severity, extra)
}

func routeSet(tb testing.TB, n int) *Set[int] {
	tb.Helper()
	s := NewSet[int]()
	for i := range n {
		p, err := Compile([]byte(routePattern(i, n)))
		if err != nil {
			tb.Fatal(err)
		}
		s.Add(i, p)
	}
	return s
}

// TestRouteSetMatchesLikeSinglePatterns keeps the benchmark honest: the
// route set must match the event, and exactly where each pattern does.
func TestRouteSetMatchesLikeSinglePatterns(t *testing.T) {
	event := importedEvent(t)
	for _, n := range []int{10, 100, 1000} {
		s := routeSet(t, n)
		got, err := s.Match(event)
		if err != nil {
			t.Fatal(err)
		}
		var want []int
		for i := range n {
			p, _ := Compile([]byte(routePattern(i, n)))
			if ok, _ := p.Match(event); ok {
				want = append(want, i)
			}
		}
		if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("routes=%d: set %v, patterns %v", n, got, want)
		}
	}
}

func BenchmarkSetMatch(b *testing.B) {
	event := importedEvent(b)
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprintf("routes=%d", n), func(b *testing.B) {
			s := routeSet(b, n)
			if _, err := s.Match(event); err != nil { // build the snapshot
				b.Fatal(err)
			}
			b.SetBytes(int64(len(event)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Match(event); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPatternMatch(b *testing.B) {
	event := importedEvent(b)
	p, err := Compile([]byte(routePattern(1, 10)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Match(event); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	src := []byte(strings.Replace(routePattern(5, 10), `"RecordState"`,
		`"$or":[{"Types":[{"prefix":"Software and Configuration Checks"}]},{"Severity":{"Normalized":[{"numeric":[">",40,"<=",100]}]}}],"RecordState"`, 1))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSetBuild measures compiling a Set snapshot: the first Match after
// the routes were added.
func BenchmarkSetBuild(b *testing.B) {
	event := importedEvent(b)
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("routes=%d", n), func(b *testing.B) {
			patterns := make([]*Pattern, n)
			for i := range patterns {
				patterns[i] = mustCompile(b, routePattern(i, n))
			}
			b.ReportAllocs()
			for b.Loop() {
				s := NewSet[int]()
				for i, p := range patterns {
					s.Add(i, p)
				}
				if _, err := s.Match(event); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
