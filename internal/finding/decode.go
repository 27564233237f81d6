package finding

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Decode reads every finding in data, which holds one or more JSON documents
// (a single document of any layout, or JSON Lines, or documents one after
// another), each of them an EventBridge event, a bare ASFF or OCSF finding, a
// GetFindings or GetFindingsV2 response, or an array of those. source names
// data in items and errors ("-" for standard input).
//
// It returns every finding it could read, in input order, and one *Error per
// part it could not: a bad document, event or finding never discards the
// others. Item.Event and Finding.Raw share memory with data, so data must not
// be modified while they are in use. Decode is safe for concurrent use.
func Decode(source string, data []byte) ([]Item, []error) {
	d := &decoder{source: source, data: data, lines: newLineIndex(data)}
	d.run()
	return d.items, d.errs
}

// DecodeFindings decodes data as Decode does but returns only the
// findings: no Item.Event is built for a finding that arrived without an
// event (a bare finding, a GetFindings page), which is a sixth of the
// work for callers that do not match events, such as reports. Finding.Raw
// shares memory with data.
func DecodeFindings(source string, data []byte) ([]*Finding, []error) {
	d := &decoder{source: source, data: data, lines: newLineIndex(data), noEvents: true}
	d.run()
	out := make([]*Finding, len(d.items))
	for i := range d.items {
		out[i] = d.items[i].Finding
	}
	return out, d.errs
}

// DecodeReader reads r to its end (standard input, a request body) and
// decodes it as Decode does. A read error is reported as one more *Error
// after whatever was read has been decoded. Calls are independent; r itself
// must not be read by anyone else meanwhile.
func DecodeReader(source string, r io.Reader) ([]Item, []error) {
	data, err := io.ReadAll(r)
	items, errs := Decode(source, data)
	if err != nil {
		errs = append(errs, &Error{Source: source, Err: fmt.Errorf("read: %w", err)})
	}
	return items, errs
}

// DecodePath decodes a file, or every *.json, *.jsonl and *.ndjson file
// below a directory (extensions in any case), walked in lexical order. A
// file named explicitly is decoded whatever its extension. Item.Source is
// the file's path as given (joined below a directory). A file that cannot be
// read is one *Error; the other files are still decoded. DecodePath is safe
// for concurrent use.
func DecodePath(path string) ([]Item, []error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, []error{&Error{Source: path, Err: withoutPath(err)}}
	}
	if !info.IsDir() {
		return decodeFile(path)
	}
	var items []Item
	var errs []error
	walkErr := filepath.WalkDir(path, func(p string, entry fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, &Error{Source: p, Err: withoutPath(err)})
			return nil // WalkDir skips what it could not read
		}
		if entry.IsDir() || !isFindingFile(p) {
			return nil
		}
		fileItems, fileErrs := decodeFile(p)
		items = append(items, fileItems...)
		errs = append(errs, fileErrs...)
		return nil
	})
	if walkErr != nil {
		errs = append(errs, &Error{Source: path, Err: walkErr})
	}
	return items, errs
}

func decodeFile(path string) ([]Item, []error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []error{&Error{Source: path, Err: withoutPath(err)}}
	}
	return Decode(path, data)
}

// withoutPath drops the path from a *fs.PathError, since Error.Source
// already names it: "open: permission denied" instead of repeating the path.
func withoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// isFindingFile reports whether a directory walk should read the file.
func isFindingFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json", ".jsonl", ".ndjson":
		return true
	}
	return false
}
