package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// examplesDir holds the sample files that examples/README.md documents.
const examplesDir = "../examples"

// sampleTypes are the per-type sample files, each in NDJSON and CSV, by
// base name and the type of their records.
var sampleTypes = []struct {
	base string
	typ  RecordType
}{
	{"calls", TypeCall}, {"voip_registrations", TypeRegistration}, {"voip_caller_id", TypeCallerID},
	{"subscribers", TypeSubscriber}, {"transfers", TypeTransfer}, {"victim_reports", TypeVictimReport},
	{"suspects", TypeSuspectRecord},
}

// MustDecodeFile reads every Raw of an example file.
func MustDecodeFile(tb testing.TB, name string, typ RecordType) []Raw {
	tb.Helper()
	f, err := os.Open(filepath.Join(examplesDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	format := strings.TrimPrefix(filepath.Ext(name), ".")
	dec, err := NewDecoder(f, format, typ)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return mustDrain(tb, dec)
}

func mustDrain(tb testing.TB, dec Decoder) []Raw {
	tb.Helper()
	var out []Raw
	for {
		raw, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			tb.Fatalf("Next: %v", err)
		}
		out = append(out, raw)
	}
}

// sampleRecords returns every record of the well-formed sample files.
func sampleRecords(tb testing.TB) []Record {
	var out []Record
	for _, s := range sampleTypes {
		for _, name := range []string{s.base + ".ndjson", s.base + ".csv"} {
			for _, raw := range MustDecodeFile(tb, name, s.typ) {
				out = append(out, raw.Record)
			}
		}
	}
	for _, raw := range MustDecodeFile(tb, "mixed.ndjson", "") {
		out = append(out, raw.Record)
	}
	return out
}

func TestSampleFiles(t *testing.T) {
	files := map[string]RecordType{"mixed.ndjson": ""}
	for _, s := range sampleTypes {
		files[s.base+".ndjson"], files[s.base+".csv"] = "", s.typ
	}
	for name, typ := range files {
		t.Run(name, func(t *testing.T) {
			raws := MustDecodeFile(t, name, typ)
			if n := len(raws); n < 5 || n > 20 {
				t.Errorf("%d records, want 5 to 20", n)
			}
			info, err := os.Stat(filepath.Join(examplesDir, name))
			if err != nil {
				t.Fatal(err)
			}
			for i, raw := range raws {
				if raw.Err != nil {
					t.Fatalf("line %d: %v", raw.Line, raw.Err)
				}
				if _, err := Map(raw.Record); err != nil {
					t.Fatalf("line %d: %v", raw.Line, err)
				}
				if i > 0 && (raw.Line <= raws[i-1].Line || raw.Offset <= raws[i-1].Offset) {
					t.Fatalf("record %d: line %d at %d after line %d at %d", i, raw.Line, raw.Offset, raws[i-1].Line, raws[i-1].Offset)
				}
			}
			if last := raws[len(raws)-1].Offset; last != info.Size() {
				t.Errorf("last offset %d, file size %d", last, info.Size())
			}
		})
	}
}

// TestSampleTwins checks that each CSV sample, which spells the events of
// its NDJSON twin differently, maps to exactly the same links: the natural
// keys do not depend on spelling or format.
func TestSampleTwins(t *testing.T) {
	for _, s := range sampleTypes {
		t.Run(s.base, func(t *testing.T) {
			a, b := MustDecodeFile(t, s.base+".ndjson", ""), MustDecodeFile(t, s.base+".csv", s.typ)
			if len(a) != len(b) {
				t.Fatalf("%d NDJSON records, %d CSV records", len(a), len(b))
			}
			for i := range a {
				la, lb := MustMap(t, a[i].Record).Links, MustMap(t, b[i].Record).Links
				if !reflect.DeepEqual(la, lb) {
					t.Errorf("record %d maps differently:\nndjson %+v\ncsv    %+v", i, la, lb)
				}
			}
		})
	}
}

// TestSamplesConsistent checks that the samples describe one network:
// every artefact a suspect uses or a victim report names appears in some
// other sample file too.
func TestSamplesConsistent(t *testing.T) {
	seenIn := map[string]map[string]bool{} // entity id → files
	for _, name := range []string{"calls.ndjson", "voip_registrations.ndjson", "voip_caller_id.ndjson", "subscribers.ndjson",
		"transfers.ndjson", "victim_reports.ndjson", "suspects.ndjson", "mixed.ndjson"} {
		for _, raw := range MustDecodeFile(t, name, "") {
			for _, e := range MustMap(t, raw.Record).Entities {
				if seenIn[e.ID] == nil {
					seenIn[e.ID] = map[string]bool{}
				}
				seenIn[e.ID][name] = true
			}
		}
	}
	for _, name := range []string{"victim_reports.ndjson", "suspects.ndjson"} {
		for _, raw := range MustDecodeFile(t, name, "") {
			for _, l := range MustMap(t, raw.Record).Links {
				artefact := l.From
				if l.Type == intel.LinkUses {
					artefact = l.To
				}
				if len(seenIn[artefact]) < 2 {
					t.Errorf("%s line %d: %s appears in no other sample", name, raw.Line, artefact)
				}
			}
		}
	}
}

// outcome is what must become of one line of a malformed sample.
type outcome struct {
	line   int
	field  string
	reason string // "" means the record is accepted
	// warned: the record is stored, with a warning on field for reason
	// (set aside, or ambiguous when ambiguous is set).
	warned, ambiguous bool
}

func TestMalformedSamples(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  RecordType
		want []outcome
	}{
		{"malformed.ndjson", "", []outcome{
			{1, "", "", false, false},
			{2, "", "not valid JSON: the object is not closed", false, false},
			{3, "calle", `did you mean "callee"`, false, false},
			{4, "caller", "letters are not part of a phone number", false, false},
			{5, "start", "is required", false, false},
			{6, "confidence", "between 0 and 1", false, false},
			{7, "type", `unknown record type "sms"`, false, false},
			{9, "", "", false, false},
			{10, "durationSec", "is a JSON string; want a whole number", false, false},
			{11, "", "text after the JSON object", false, false},
			{12, "involved[1].identifier", "the line handle is empty", true, false},
			{13, "amount", "a comma may only separate thousands", false, false},
			{14, "start", "looks like a Buddhist-era year", false, false},
			{15, "", "", false, false},
			{16, "", "not a JSON object", false, false},
			{17, "legalStatus", `unknown legal status "JAILED"`, true, false},
			{18, "documentNumber", "is required", true, false},
			{19, "callee", "is the caller's own number", false, false},
			{20, "", "", false, false},
		}},
		{"malformed-fields.ndjson", "", []outcome{
			{1, "involved[1].identifier", "too short for a Thai number", true, false},
			{2, "", "", false, false},
			{3, "documentNumber", "is required", true, false},
			{4, "caller", "can be read as +3612345678 or +33612345678", true, true},
			{5, "imei", "has 11 digits", true, false},
			{6, "port", "sourceIp was written with port 5062", true, false},
		}},
		{"malformed.csv", TypeCall, []outcome{
			{2, "", "", false, false},
			{3, "callee", "letters are not part of a phone number", false, false},
			{4, "start", "is required", false, false},
			{5, "confidence", "between 0 and 1", false, false},
			{6, "durationSec", `"12s" is not a whole number`, false, false},
			{7, "answered", `"maybe" is not true or false`, false, false},
			{8, "type", `is "transfer", but this input was read as call records`, false, false},
			{9, "", "has 5 columns, but the header has 12", false, false},
			{10, "", `bare " in non-quoted-field`, false, false},
			{11, "", "", false, false},
			{13, "callerIdMarker", `"+699" is not a display marker`, true, false},
			{14, "", "", false, false},
			{15, "country", `unknown country "LA"`, false, false},
			{16, "", `extraneous or missing " in quoted-field`, false, false},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raws := MustDecodeFile(t, tc.name, tc.typ)
			if len(raws) != len(tc.want) {
				t.Fatalf("%d records, want %d", len(raws), len(tc.want))
			}
			for i, want := range tc.want {
				raw := raws[i]
				t.Run(fmt.Sprintf("Line%d", want.line), func(t *testing.T) {
					if raw.Line != want.line {
						t.Fatalf("record %d is on line %d, want %d", i, raw.Line, want.line)
					}
					err := raw.Err
					var m Mapped
					if err == nil {
						m, err = MapRecord(raw.Record)
					}
					if want.warned {
						if err != nil {
							t.Fatalf("rejected (%v); want it stored with a warning", err)
						}
						code := WarningSetAside
						if want.ambiguous {
							code = WarningAmbiguous
						}
						assertWarned(t, m.Warnings, code, want.field, want.reason)
						return
					}
					if want.reason == "" {
						if err != nil {
							t.Fatalf("rejected: %v", err)
						}
						return
					}
					assertRejected(t, err, want.field, want.reason)
				})
			}
		})
	}
}

func TestNewDecoder(t *testing.T) {
	t.Run("ErrUnknownFormat", func(t *testing.T) {
		_, err := NewDecoder(strings.NewReader(""), "xml", "")
		assertRejected(t, err, "format", `unknown input format "xml"`)
	})
	t.Run("ErrUnknownType", func(t *testing.T) {
		_, err := NewDecoder(strings.NewReader(""), "ndjson", "sms")
		assertRejected(t, err, "type", `unknown record type "sms"`)
	})
	t.Run("TypedNDJSON", func(t *testing.T) {
		in := `{"agency":"TH-NBTC"}` + "\n" + `{"type":"CALL"}` + "\n" + `{"type":"transfer"}` + "\n"
		dec, err := NewDecoder(strings.NewReader(in), "NDJSON", TypeCall)
		if err != nil {
			t.Fatal(err)
		}
		raws := mustDrain(t, dec)
		if raws[0].Err != nil || raws[0].Record.Type != TypeCall || raws[1].Err != nil {
			t.Fatalf("typed records: %+v", raws[:2])
		}
		assertRejected(t, raws[2].Err, "type", "read as call records")
	})
}

// countingReader counts what a decoder has taken from its input.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// rowSource writes n rows on demand, never holding more than one.
type rowSource struct {
	header string
	row    func(i int) string
	n, i   int
	buf    bytes.Buffer
}

func (s *rowSource) Read(p []byte) (int, error) {
	for s.buf.Len() < len(p) && s.i <= s.n {
		if s.i == 0 {
			s.buf.WriteString(s.header)
		} else {
			s.buf.WriteString(s.row(s.i))
		}
		s.i++
	}
	if s.buf.Len() == 0 {
		return 0, io.EOF
	}
	return s.buf.Read(p)
}

// TestDecodersStream reads a million rows and checks that neither decoder
// ever reads further ahead of the record it returns than its buffer: input
// of any size streams through in constant memory.
func TestDecodersStream(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 20_000
	}
	const maxAhead = 128 << 10
	for _, tc := range []struct {
		name   string
		header string
		row    func(i int) string
		open   func(io.Reader) (Decoder, error)
	}{
		{"NDJSON", "", func(i int) string {
			return fmt.Sprintf(`{"type":"call","agency":"TH-NBTC","country":"TH","recordId":"C%d","caller":"081-234-5678","callee":"089-123-4567","start":"2024-03-14 09:15:02"}`+"\n", i)
		}, func(r io.Reader) (Decoder, error) { return NewNDJSONDecoder(r), nil }},
		{"CSV", "recordId,caller,callee,start\n", func(i int) string {
			return fmt.Sprintf("C%d,081-234-5678,089-123-4567,2024-03-14 09:15:02\n", i)
		}, func(r io.Reader) (Decoder, error) { return NewCSVDecoder(r, TypeCall) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &countingReader{r: &rowSource{header: tc.header, row: tc.row, n: n}}
			dec, err := tc.open(src)
			if err != nil {
				t.Fatal(err)
			}
			count := 0
			for {
				raw, err := dec.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil || raw.Err != nil {
					t.Fatalf("record %d: %v %v", count, err, raw.Err)
				}
				count++
				if ahead := src.n - raw.Offset; ahead > maxAhead {
					t.Fatalf("record %d: read %d bytes ahead of it", count, ahead)
				}
			}
			if count != n {
				t.Fatalf("%d records, want %d", count, n)
			}
		})
	}
}
