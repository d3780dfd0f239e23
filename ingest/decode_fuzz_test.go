package ingest_test

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// addExamples seeds a fuzz target with the example files of the README.
func addExamples(f *testing.F, names ...string) {
	for _, name := range names {
		b, err := os.ReadFile("../examples/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), uint8(0))
	}
}

// fuzzTypes picks the record type a file is declared to hold.
var fuzzTypes = append([]ingest.RecordType{""}, ingest.RecordTypes...)

// decodeAll reads every record of input in format and maps the good ones,
// checking what every caller of the decoders relies on: no panic, a
// malformed line comes back as a record with an EINVALID error (never as
// an error of Next, which is for I/O), and Map either gives a batch or
// fails with EINVALID.
func decodeAll(t *testing.T, format, input string, typ ingest.RecordType) {
	dec, err := ingest.NewDecoder(strings.NewReader(input), format, typ)
	if err != nil {
		if intel.ErrorCode(err) != intel.EINVALID {
			t.Fatalf("NewDecoder: %v", err)
		}
		return
	}
	for i := 0; ; i++ {
		raw, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			// A string reader has no I/O errors; only an overlong line, the
			// one input error Next itself reports, may end the stream.
			if intel.ErrorCode(err) != intel.EINVALID {
				t.Fatalf("record %d: Next: %v", i, err)
			}
			return
		}
		if raw.Err != nil {
			if intel.ErrorCode(raw.Err) != intel.EINVALID {
				t.Fatalf("line %d: decode error %v is not EINVALID", raw.Line, raw.Err)
			}
			continue
		}
		if _, err := ingest.Map(raw.Record); err != nil && intel.ErrorCode(err) != intel.EINVALID {
			t.Fatalf("line %d: Map: %v is not EINVALID", raw.Line, err)
		}
	}
}

// FuzzDecodeNDJSON feeds any text to the NDJSON decoder and the mapper.
func FuzzDecodeNDJSON(f *testing.F) {
	addExamples(f, "calls.ndjson", "malformed.ndjson", "mixed.ndjson", "subscribers.ndjson", "suspects.ndjson")
	f.Add(`{"type":"call","from":"0812345678"`, uint8(1))
	f.Fuzz(func(t *testing.T, input string, typeSel uint8) {
		decodeAll(t, ingest.FormatNDJSON, input, fuzzTypes[int(typeSel)%len(fuzzTypes)])
	})
}

// FuzzDecodeCSV feeds any text to the CSV decoder and the mapper.
func FuzzDecodeCSV(f *testing.F) {
	addExamples(f, "calls.csv", "malformed.csv", "subscribers.csv", "suspects.csv")
	f.Add("type,from\n\"call,\"0812", uint8(1))
	f.Fuzz(func(t *testing.T, input string, typeSel uint8) {
		decodeAll(t, ingest.FormatCSV, input, fuzzTypes[int(typeSel)%len(fuzzTypes)])
	})
}
