package main

import (
	"os"
	"os/exec"
	"testing"
)

// TestBuildsForLambda builds the function as it is deployed: Linux on
// arm64 (Graviton), no cgo, without the RPC entry point of the go1.x
// runtime (provided.al2023 calls the Runtime API). A cold build cache
// makes it take minutes; -short skips it.
func TestBuildsForLambda(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiling for Lambda is slow with a cold build cache")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	cmd := exec.Command(goBin, "build", "-tags", "lambda.norpc", "-o", os.DevNull, ".")
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc: %v\n%s", err, out)
	}
}
