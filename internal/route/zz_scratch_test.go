package route

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hubrelay/hubrelay/internal/finding"
)

func TestScratch(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		items, errs := finding.Decode(f, data)
		fmt.Println(f, len(items), errs)
		for _, it := range items {
			x := it.Finding
			fmt.Printf("  id=%q acct=%q prod=%q comp=%q sev=%q region=%q ctl=%q status=%q wf=%q rs=%q types=%q res=%d gen=%q\n", x.ID, x.AccountID, x.ProductName, x.CompanyName, x.Severity.Label, x.Region, x.Compliance.SecurityControlID, x.Compliance.Status, x.Workflow, x.RecordState, x.Types, len(x.Resources), x.GeneratorID)
			for _, r := range x.Resources { fmt.Printf("    res %q %q\n", r.Type, r.ID) }
			fmt.Println("  event:", string(it.Event[:min(200, len(it.Event))]))
		}
	}
}
