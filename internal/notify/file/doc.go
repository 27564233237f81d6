// Package file is the destination that appends each message as one JSON
// object per line (JSON Lines, the record format of package stdout) to a
// file, for scripts and the demo.
//
// Settings: {path: hubrelay.jsonl, fsync: false}. The file is created with
// mode 0600 when missing; a relative path is relative to the working
// directory. It is opened for each write, so rotating it (moving it away)
// is safe: the next write creates it again.
package file
