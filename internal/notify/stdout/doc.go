// Package stdout is the destination that writes each message as one JSON
// object per line (JSON Lines) to the program's standard output, for
// scripts and the demo. Its record format is shared with package file.
//
// Settings: {} or {pretty: true} (indented objects, for reading by eye).
package stdout
