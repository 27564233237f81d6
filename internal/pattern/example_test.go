package pattern_test

import (
	"fmt"

	"github.com/hubrelay/hubrelay/internal/pattern"
)

func ExampleCompile() {
	p, err := pattern.Compile([]byte(`{
		"source": ["aws.securityhub"],
		"detail": {"findings": {
			"Severity": {"Label": ["HIGH", "CRITICAL"]},
			"Compliance": {"Status": [{"anything-but": "PASSED"}]}
		}}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	event := []byte(`{"source": "aws.securityhub", "detail": {"findings": [
		{"Severity": {"Label": "CRITICAL"}, "Compliance": {"Status": "FAILED"}}
	]}}`)
	ok, err := p.Match(event)
	fmt.Println(ok, err)

	_, err = pattern.Compile([]byte(`{"detail": {"findings": {"Severity": {"Label": [{"prefix": 3}]}}}}`))
	fmt.Println(err)
	// Output:
	// true <nil>
	// pattern: detail.findings.Severity.Label[0]: prefix wants a string or {"equals-ignore-case": string}, got 3
}

func ExampleSet() {
	routes := []struct{ name, pattern string }{
		{"critical", `{"detail": {"findings": {"Severity": {"Label": ["CRITICAL"]}}}}`},
		{"other-account", `{"detail": {"findings": {"AwsAccountId": ["222222222222"]}}}`},
		{"prod-account", `{"detail": {"findings": {"AwsAccountId": ["111111111111"]}}}`},
	}
	set := pattern.NewSet[string]()
	for _, r := range routes {
		p, err := pattern.Compile([]byte(r.pattern))
		if err != nil {
			fmt.Println(err)
			return
		}
		set.Add(r.name, p)
	}
	keys, err := set.Match([]byte(`{"detail": {"findings": [
		{"AwsAccountId": "111111111111", "Severity": {"Label": "CRITICAL"}}
	]}}`))
	fmt.Println(keys, err)
	// Output:
	// [critical prod-account] <nil>
}

func ExamplePattern_String() {
	p, _ := pattern.Compile([]byte(`{"source": ["a"], "detail": {"n": [{"numeric": [">", 0]}]}, "source": ["b"]}`))
	fmt.Println(p)
	// Output:
	// {"detail":{"n":[{"numeric":[">",0]}]},"source":["b"]}
}
