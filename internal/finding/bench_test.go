package finding

import (
	"bytes"
	"testing"
)

// BenchmarkDecode decodes one ~3.5 KB "Security Hub Findings - Imported"
// event, the common case for the HTTP, SQS and Lambda sources.
func BenchmarkDecode(b *testing.B) {
	event := readFixture(b, asffImported)
	b.SetBytes(int64(len(event)))
	b.ReportAllocs()
	for b.Loop() {
		items, errs := Decode("bench", event)
		if len(items) != 1 || len(errs) != 0 {
			b.Fatal("decode failed")
		}
	}
}

// BenchmarkDecodeBareFinding decodes a bare ASFF finding, which also builds
// its envelope.
func BenchmarkDecodeBareFinding(b *testing.B) {
	data := readFixture(b, asffBare)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		items, errs := Decode("bench", data)
		if len(items) != 1 || len(errs) != 0 {
			b.Fatal("decode failed")
		}
	}
}

// BenchmarkDecodeJSONLines decodes 100 compact events, one per line.
func BenchmarkDecodeJSONLines(b *testing.B) {
	line := compact(b, readFixture(b, asffImported))
	data := bytes.Repeat(append(line, '\n'), 100)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		items, errs := Decode("bench", data)
		if len(items) != 100 || len(errs) != 0 {
			b.Fatal("decode failed")
		}
	}
}
