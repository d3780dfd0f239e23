package ingest

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// want is what one Raw must hold: its line and offset, and for a bad line
// the field and a part of the reason.
type want struct {
	line     int
	offset   int64
	recordID string
	field    string
	reason   string
}

func checkRaws(t *testing.T, raws []Raw, wants []want) {
	t.Helper()
	if len(raws) != len(wants) {
		t.Fatalf("%d records, want %d: %+v", len(raws), len(wants), raws)
	}
	for i, w := range wants {
		r := raws[i]
		if r.Line != w.line || r.Offset != w.offset || r.Record.RecordID != w.recordID {
			t.Errorf("record %d: line %d offset %d id %q; want line %d offset %d id %q", i, r.Line, r.Offset, r.Record.RecordID, w.line, w.offset, w.recordID)
		}
		if w.reason == "" {
			if r.Err != nil {
				t.Errorf("record %d: %v", i, r.Err)
			}
			continue
		}
		assertRejected(t, r.Err, w.field, w.reason)
	}
}

func TestNDJSONDecoder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		wants []want
	}{
		{"BlankLinesSkipped", "\n" + `{"recordId":"a"}` + "\n  \n\t\n" + `{"recordId":"b"}` + "\n",
			[]want{{2, 18, "a", "", ""}, {5, 40, "b", "", ""}}},
		{"CRLF", `{"recordId":"a"}` + "\r\n" + `{"recordId":"b"}` + "\r\n",
			[]want{{1, 18, "a", "", ""}, {2, 36, "b", "", ""}}},
		{"NoFinalNewline", `{"recordId":"a"}` + "\n" + `{"recordId":"b"}`,
			[]want{{1, 17, "a", "", ""}, {2, 33, "b", "", ""}}},
		{"ByteOrderMark", "\ufeff" + `{"recordId":"a"}` + "\n",
			[]want{{1, 20, "a", "", ""}}},
		{"ErrUnknownField", `{"recordId":"a","callee":"1","calle":"2"}` + "\n" + `{"recordId":"b"}` + "\n",
			[]want{{1, 42, "a", "calle", `did you mean "callee"`}, {2, 59, "b", "", ""}}},
		{"ErrUnknownNestedField", `{"involved":[{"identifer":"x"}]}` + "\n",
			[]want{{1, 33, "", "identifer", `did you mean "identifier"`}}},
		{"ErrUnknownFieldFarFromAny", `{"colour":"red"}` + "\n",
			[]want{{1, 17, "", "colour", "see examples/README.md"}}},
		{"ErrWrongType", `{"recordId":"a","answered":"yes"}` + "\n",
			[]want{{1, 34, "a", "answered", "is a JSON string; want true or false"}}},
		{"ErrWrongTypeInList", `{"involved":[{"identifier":7}]}` + "\n",
			[]want{{1, 32, "", "involved.identifier", "want a string"}}},
		{"ErrFraction", `{"durationSec":1.5}` + "\n",
			[]want{{1, 20, "", "durationSec", "want a whole number"}}},
		{"ErrSyntax", `{"recordId":"a",,}` + "\n",
			[]want{{1, 19, "", "", "not valid JSON"}}},
		{"ErrNotObject", `"call"` + "\n" + `null` + "\n",
			[]want{{1, 7, "", "", "not a JSON object"}, {2, 12, "", "", "not a JSON object"}}},
		{"ErrTwoObjects", `{"recordId":"a"}{"recordId":"b"}` + "\n",
			[]want{{1, 33, "", "", "text after the JSON object"}}},
		{"ErrLineTooLong", `{"recordId":"` + strings.Repeat("x", maxLineBytes) + `"}` + "\n" + `{"recordId":"b"}` + "\n",
			[]want{{1, maxLineBytes + 16, "", "", "longer than"}, {2, maxLineBytes + 33, "b", "", ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkRaws(t, mustDrain(t, NewNDJSONDecoder(strings.NewReader(tc.in))), tc.wants)
		})
	}
}

func TestNDJSONDecodesEveryField(t *testing.T) {
	in := `{"type":"victim_report","agency":"A","country":"TH","confidence":0.5,"durationSec":3,"answered":false,` +
		`"names":["x","y"],"involved":[{"role":"caller","kind":"PhoneNumber","identifier":"081"}]}`
	raws := mustDrain(t, NewNDJSONDecoder(strings.NewReader(in)))
	got := raws[0].Record
	wantRec := Record{Type: TypeVictimReport, Agency: "A", Country: "TH", Confidence: ptr(0.5), DurationSec: ptr(3),
		Answered: ptr(false), Names: []string{"x", "y"}, Involved: []Involved{{Role: "caller", Kind: "PhoneNumber", Identifier: "081"}}}
	if raws[0].Err != nil || !reflect.DeepEqual(got, wantRec) {
		t.Fatalf("got %+v, %v", got, raws[0].Err)
	}
}

// failingReader returns its data, then an I/O error.
type failingReader struct {
	data string
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestNDJSONReadErrorIsFatal(t *testing.T) {
	broken := errors.New("disk on fire")
	dec := NewNDJSONDecoder(&failingReader{data: `{"recordId":"a"}` + "\n" + `{"reco`, err: broken})
	if raw, err := dec.Next(); err != nil || raw.Record.RecordID != "a" {
		t.Fatalf("first record: %+v, %v", raw, err)
	}
	for i := 0; i < 2; i++ {
		if _, err := dec.Next(); !errors.Is(err, broken) {
			t.Fatalf("call %d: got %v; want the read error", i, err)
		}
	}
}

// FuzzNDJSONMap feeds arbitrary input through the NDJSON decoder and Map,
// and asserts what the import relies on: no panic, lines and offsets that
// only grow and end at the input's length, every rejection an EINVALID
// error, and every accepted record a deterministic batch the stores accept.
func FuzzNDJSONMap(f *testing.F) {
	for _, r := range goodRecords() {
		f.Add(mustJSON(f, r))
	}
	f.Add("{\"type\":\"call\"}\n\n[1]\n{\"x\":1}{}\n")
	f.Add("\ufeff{\"type\":\"suspect\",\"agency\":\"A\",\"country\":\"KH\",\"suspectRef\":\"x\",\"uses\":[{\"identifier\":\"line:a\"}]}")
	f.Fuzz(func(t *testing.T, in string) {
		dec := NewNDJSONDecoder(strings.NewReader(in))
		lastLine, lastOffset := 0, int64(0)
		for {
			raw, err := dec.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("Next on in-memory input: %v", err)
			}
			if raw.Line <= lastLine || raw.Offset <= lastOffset || raw.Offset > int64(len(in)) {
				t.Fatalf("line %d offset %d after line %d offset %d (input %d bytes)", raw.Line, raw.Offset, lastLine, lastOffset, len(in))
			}
			lastLine, lastOffset = raw.Line, raw.Offset
			if raw.Err != nil {
				if intel.ErrorCode(raw.Err) != intel.EINVALID {
					t.Fatalf("decode error %v is not EINVALID", raw.Err)
				}
				continue
			}
			b, err := Map(raw.Record)
			if err != nil {
				if intel.ErrorCode(err) != intel.EINVALID || intel.ErrorField(err) == "" {
					t.Fatalf("Map error %#v lacks code or field", err)
				}
				continue
			}
			again, _ := Map(raw.Record)
			if !reflect.DeepEqual(b, again) {
				t.Fatalf("Map is not deterministic for %+v", raw.Record)
			}
			if err := b.Validate(); err != nil {
				t.Fatalf("mapped batch fails Validate: %v", err)
			}
		}
	})
}

func mustJSON(tb testing.TB, r Record) string {
	tb.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b) + "\n"
}

// BenchmarkDecodeNDJSON measures decoding call records from NDJSON (without
// mapping), for comparison with BenchmarkDecodeCSV.
func BenchmarkDecodeNDJSON(b *testing.B) {
	var buf strings.Builder
	r := callRecord()
	for i := 0; i < 10000; i++ {
		r.RecordID = "CDR-" + strconv.Itoa(i)
		buf.WriteString(mustJSON(b, r))
	}
	input := buf.String()
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	records := 0
	for b.Loop() {
		dec := NewNDJSONDecoder(strings.NewReader(input))
		for {
			raw, err := dec.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil || raw.Err != nil {
				b.Fatal(err, raw.Err)
			}
			records++
		}
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}
