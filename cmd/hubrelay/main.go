// Command hubrelay routes AWS Security Hub findings to the people who must act
// on them. See the README for the subcommands and their exit codes.
package main

import (
	"os"
	_ "time/tzdata" // time zones load on images without a zone database
)

func main() {
	os.Exit(run(os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr}))
}
