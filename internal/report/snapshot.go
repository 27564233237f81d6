package report

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Snapshot is what a report remembers of its open findings so that the
// next report of the project can tell what is new, what was resolved and
// how long the rest has been open: per finding its product ARN and Id, its
// account, control or rule, title, severity and first-seen time. Get one
// from Report.Snapshot, keep its MarshalBinary form (with the report run,
// in the store), and hand DecodeSnapshot's result to the next Collect as
// Options.Previous. A Snapshot is immutable and safe for concurrent use.
type Snapshot struct {
	at      time.Time
	strs    []string    // what the entries' syms name; strs[0] is ""
	entries []snapEntry // sorted by (product ARN, id), no two alike
}

// snapEntry is one finding of a Snapshot: 48 bytes and its Id.
type snapEntry struct {
	id                                  string
	first                               int64 // unix milliseconds; 0 when unknown
	productARN, account, control, title sym
	sev                                 severity
}

// compare orders e of s against a finding named by product ARN and Id.
func (s *Snapshot) compare(e *snapEntry, productARN, id string) int {
	if c := strings.Compare(s.strs[e.productARN], productARN); c != 0 {
		return c
	}
	return strings.Compare(e.id, id)
}

// At is the time of the report the snapshot was taken of.
func (s *Snapshot) At() time.Time { return s.at }

// Len is the number of open findings the snapshot holds.
func (s *Snapshot) Len() int { return len(s.entries) }

// The binary form: snapshotMagic, then a gzip stream of uvarints and
// strings (see MarshalBinary).
const (
	snapshotMagic = "HRSNAP\x01"
	// Bounds DecodeSnapshot holds data to, far above what a report of a
	// million findings needs, so that damaged or hostile data cannot make
	// it allocate without end.
	maxSnapshotEntries = 1 << 23
	maxSnapshotStrings = 1 << 23
	maxSnapshotString  = 1 << 16
	maxSnapshotBytes   = 1 << 30
)

// MarshalBinary encodes the snapshot compactly: "HRSNAP\x01" and a gzip
// stream holding the report time, a table of the distinct product ARNs,
// accounts, controls and titles, and per finding its Id, four table
// indexes, its severity and its first-seen time. 100,000 findings take
// about 1 MB. It never fails for a Snapshot made by this package.
func (s *Snapshot) MarshalBinary() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(snapshotMagic)
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	w := bufio.NewWriter(zw)
	var tmp [binary.MaxVarintLen64]byte
	putU := func(v uint64) { w.Write(tmp[:binary.PutUvarint(tmp[:], v)]) }
	putS := func(v int64) { w.Write(tmp[:binary.PutVarint(tmp[:], v)]) }
	putStr := func(v string) { putU(uint64(len(v))); w.WriteString(v) }

	// The string table holds the strings the entries use, index 0 "";
	// remap[k] is the table index of s.strs[k] plus one (0: not yet).
	remap := make([]uint64, len(s.strs))
	remap[0] = 1
	table := []string{""}
	for i := range s.entries {
		e := &s.entries[i]
		for _, k := range [...]sym{e.productARN, e.account, e.control, e.title} {
			if remap[k] == 0 {
				table = append(table, s.strs[k])
				remap[k] = uint64(len(table))
			}
		}
	}
	putS(s.at.UnixMilli())
	putU(uint64(len(table)))
	for _, v := range table {
		putStr(v)
	}
	putU(uint64(len(s.entries)))
	for i := range s.entries {
		e := &s.entries[i]
		putStr(e.id)
		putU(remap[e.productARN] - 1)
		putU(remap[e.account] - 1)
		putU(remap[e.control] - 1)
		putU(remap[e.title] - 1)
		w.WriteByte(byte(e.sev))
		putS(e.first)
	}
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// DecodeSnapshot reads what MarshalBinary wrote. Anything else (another
// format, a truncated or damaged blob, findings out of order, sizes past
// sane bounds) is an error saying what is wrong and where.
func DecodeSnapshot(data []byte) (*Snapshot, error) {
	if !bytes.HasPrefix(data, []byte(snapshotMagic[:6])) {
		return nil, errors.New("snapshot: not a hubrelay report snapshot (no HRSNAP header)")
	}
	if len(data) < len(snapshotMagic) || data[6] != snapshotMagic[6] {
		return nil, errors.New("snapshot: unsupported version")
	}
	zr, err := gzip.NewReader(bytes.NewReader(data[len(snapshotMagic):]))
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	d := &snapDecoder{r: bufio.NewReader(io.LimitReader(zr, maxSnapshotBytes+1))}
	s, err := d.snapshot()
	if err != nil {
		return nil, fmt.Errorf("snapshot: byte %d of the decompressed data: %w", d.n, err)
	}
	// Trailing data, or a gzip stream that does not check out.
	if _, err := d.r.ReadByte(); err != io.EOF {
		if err == nil {
			return nil, fmt.Errorf("snapshot: byte %d of the decompressed data: data after the last finding", d.n)
		}
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if d.n > maxSnapshotBytes {
		return nil, fmt.Errorf("snapshot: over %d MiB decompressed", maxSnapshotBytes>>20)
	}
	return s, nil
}

// snapDecoder reads the decompressed stream, counting bytes for errors.
type snapDecoder struct {
	r *bufio.Reader
	n int64
}

func (d *snapDecoder) ReadByte() (byte, error) {
	b, err := d.r.ReadByte()
	if err == nil {
		d.n++
	}
	return b, err
}

func (d *snapDecoder) uvarint(what string, limit uint64) (uint64, error) {
	v, err := binary.ReadUvarint(d)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, eofIsUnexpected(err))
	}
	if v > limit {
		return 0, fmt.Errorf("%s: %d is over the limit of %d", what, v, limit)
	}
	return v, nil
}

func (d *snapDecoder) varint(what string) (int64, error) {
	v, err := binary.ReadVarint(d)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, eofIsUnexpected(err))
	}
	return v, nil
}

func (d *snapDecoder) str(what string) (string, error) {
	n, err := d.uvarint(what+" length", maxSnapshotString)
	if err != nil {
		return "", err
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		return "", fmt.Errorf("%s: %w", what, eofIsUnexpected(err))
	}
	d.n += int64(n)
	return string(b), nil
}

func eofIsUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (d *snapDecoder) snapshot() (*Snapshot, error) {
	at, err := d.varint("report time")
	if err != nil {
		return nil, err
	}
	n, err := d.uvarint("string count", maxSnapshotStrings)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errors.New("string count: 0, want the empty string first")
	}
	table := make([]string, 0, min(n, 1<<16))
	for i := range n {
		v, err := d.str(fmt.Sprintf("string %d", i))
		if err != nil {
			return nil, err
		}
		if i == 0 && v != "" {
			return nil, errors.New("string 0: want the empty string")
		}
		table = append(table, v)
	}
	count, err := d.uvarint("finding count", maxSnapshotEntries)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{at: time.UnixMilli(at).UTC(), strs: table, entries: make([]snapEntry, 0, min(count, 1<<16))}
	for i := range count {
		var e snapEntry
		what := func(field string) string { return fmt.Sprintf("finding %d: %s", i, field) }
		if e.id, err = d.str(what("id")); err != nil {
			return nil, err
		}
		if e.id == "" {
			return nil, fmt.Errorf("%s: empty", what("id"))
		}
		for _, f := range []struct {
			name string
			into *sym
		}{{"product", &e.productARN}, {"account", &e.account}, {"control", &e.control}, {"title", &e.title}} {
			k, err := d.uvarint(what(f.name), uint64(len(table)-1))
			if err != nil {
				return nil, err
			}
			*f.into = sym(k)
		}
		b, err := d.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what("severity"), eofIsUnexpected(err))
		}
		if int(b) >= numSeverities {
			return nil, fmt.Errorf("%s: %d is no severity", what("severity"), b)
		}
		e.sev = severity(b)
		if e.first, err = d.varint(what("first seen")); err != nil {
			return nil, err
		}
		if k := len(s.entries); k > 0 && s.compare(&s.entries[k-1], table[e.productARN], e.id) >= 0 {
			return nil, fmt.Errorf("finding %d: out of order or repeated (findings are sorted by product ARN and Id)", i)
		}
		s.entries = append(s.entries, e)
	}
	return s, nil
}
