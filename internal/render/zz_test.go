package render
import "testing"
func TestZZMsgs(t *testing.T) {
	for _, o := range []Override{
		{Template: "a\nb\n{{ .View.Title }"},
		{Template: "a\nb\n{{ (.View.Title }}"},
		{Template: "a\nb\n{{ .View.Title }}}}"},
		{Template: "a\nb\n{{ }}"},
	} { t.Log(o.Validate()) }
}
