// Package examples holds the example configurations (one per seed scenario)
// and the published sample findings that `hubrelay demo` runs without an AWS
// account. The files are embedded so the binary carries them.
package examples

import (
	"embed"
	"io/fs"
)

//go:embed *.yaml samples/*.json samples/SOURCES.md
var files embed.FS

// FS returns the embedded examples: the *.yaml configs at the root and the
// sample findings under samples/. The result is read-only and safe for
// concurrent use.
func FS() fs.FS { return files }

// DemoConfig is the name, within FS, of the config `hubrelay demo` uses.
const DemoConfig = "demo.yaml"

// SamplesDir is the directory, within FS, that holds the sample findings.
const SamplesDir = "samples"
