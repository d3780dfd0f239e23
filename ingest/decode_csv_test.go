package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestCSVHeader(t *testing.T) {
	for _, tc := range []struct {
		name, in      string
		typ           RecordType
		field, reason string
	}{
		{"ErrEmpty", "", TypeCall, "", "the input is empty"},
		{"ErrUnknownColumn", "caller,calle\n", TypeCall, "calle", `did you mean "callee"`},
		{"ErrRepeatedColumn", "caller,Caller\n", TypeCall, "caller", "appears twice"},
		{"ErrEmptyColumn", "caller,,callee\n", TypeCall, "", "empty column name"},
		{"ErrNoTypeColumn", "caller,callee\n", "", "type", "no type column"},
		{"ErrUnknownType", "caller\n", "sms", "type", `unknown record type "sms"`},
		{"ErrHeaderNotCSV", "caller,\"callee\n", TypeCall, "", "header row is not valid CSV"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCSVDecoder(strings.NewReader(tc.in), tc.typ)
			assertRejected(t, err, tc.field, tc.reason)
		})
	}
}

func TestCSVDecoder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		typ   RecordType
		wants []want
	}{
		{"LinesAndOffsets", "recordId,cellId\na,x\n\nb,\"two\nlines\"\nc,z\n", TypeCall,
			[]want{{2, 20, "a", "", ""}, {4, 35, "b", "", ""}, {6, 39, "c", "", ""}}},
		{"HeaderCaseAndSpaces", " RecordID , CELLID \r\na,x\r\n", TypeCall,
			[]want{{2, 26, "a", "", ""}}},
		{"ByteOrderMark", "\ufeffrecordId\na\n", TypeCall,
			[]want{{2, 14, "a", "", ""}}},
		{"TypeColumnRequiredWithoutFileType", "type,recordId\ncall,a\n", "",
			[]want{{2, 21, "a", "", ""}}},
		{"ErrTypeDisagrees", "type,recordId\ntransfer,a\ncall,b\n,c\n", TypeCall,
			[]want{{2, 25, "a", "type", "read as call records"}, {3, 32, "b", "", ""}, {4, 35, "c", "", ""}}},
		{"ErrWidth", "recordId,caller\na\nb,x,y\nc,x\n", TypeCall,
			[]want{{2, 18, "", "", "has 1 columns"}, {3, 24, "", "", "has 3 columns"}, {4, 28, "c", "", ""}}},
		{"ErrNumber", "recordId,durationSec,port,confidence\na,1.5,,\nb,,x,\nc,,,high\nd,๖๐,5060,0.5\n", TypeCall,
			[]want{{2, 45, "a", "durationSec", `"1.5" is not a whole number`}, {3, 51, "b", "port", `"x" is not a whole number`},
				{4, 60, "c", "confidence", `"high" is not a number`}, {5, 78, "d", "", ""}}},
		{"ErrBool", "recordId,answered\na,Yes\nb,nope\n", TypeCall,
			[]want{{2, 24, "a", "", ""}, {3, 31, "b", "answered", `"nope" is not true or false`}}},
		{"ErrBareQuote", "recordId,caller\na,08\"1\nb,x\n", TypeCall,
			[]want{{2, 23, "", "", "line 2, column 5: bare \""}, {3, 27, "b", "", ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dec, err := NewCSVDecoder(strings.NewReader(tc.in), tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			checkRaws(t, mustDrain(t, dec), tc.wants)
		})
	}
}

func TestCSVCells(t *testing.T) {
	in := "type,names,documents,answered,durationSec,confidence,involved\n" +
		"victim_report, Zhang Wei | 张伟 ||,PASSPORT:E1|NATIONAL_ID:2,n,0,1,caller=081-234-5678|BankAccount:TH:004:1234567890|destination account=KBANK 123-4-56789-0|sip:a@b.example;transport=udp|chat=line:x\n"
	dec, err := NewCSVDecoder(strings.NewReader(in), "")
	if err != nil {
		t.Fatal(err)
	}
	raws := mustDrain(t, dec)
	want := Record{Type: TypeVictimReport, Names: []string{"Zhang Wei", "张伟"}, Documents: []string{"PASSPORT:E1", "NATIONAL_ID:2"},
		Answered: ptr(false), DurationSec: ptr(0), Confidence: ptr(1.0), Involved: []Involved{
			{Role: "caller", Identifier: "081-234-5678"},
			{Kind: "BankAccount", Identifier: "TH:004:1234567890"},
			{Role: "destination account", Identifier: "KBANK 123-4-56789-0"},
			{Identifier: "sip:a@b.example;transport=udp"},
			{Role: "chat", Identifier: "line:x"},
		}}
	if raws[0].Err != nil || !reflect.DeepEqual(raws[0].Record, want) {
		t.Fatalf("got %+v (%v)\nwant %+v", raws[0].Record, raws[0].Err, want)
	}
}

// TestCSVColumnsCoverRecord checks that every Record field is a CSV column,
// so that a field added to Record cannot be silently unreadable from CSV.
func TestCSVColumnsCoverRecord(t *testing.T) {
	rt := reflect.TypeFor[Record]()
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if _, ok := csvSetters[name]; !ok {
			t.Errorf("Record field %s (%s) has no CSV column", rt.Field(i).Name, name)
		}
	}
}

// TestCSVResume checks that an import can resume at any record's Offset:
// reading the header, then the input from that offset, gives exactly the
// records that follow.
func TestCSVResume(t *testing.T) {
	in := "\ufeffrecordId,cellId\na,x\nb,\"multi\nline\"\nc,y\nd,z\n"
	dec, err := NewCSVDecoder(strings.NewReader(in), TypeCall)
	if err != nil {
		t.Fatal(err)
	}
	all := mustDrain(t, dec)
	headerEnd := strings.Index(in, "\n") + 1
	for i, raw := range all {
		rest := in[:headerEnd] + in[raw.Offset:]
		dec, err := NewCSVDecoder(strings.NewReader(rest), TypeCall)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range mustDrain(t, dec) {
			ids = append(ids, r.Record.RecordID)
		}
		var want []string
		for _, r := range all[i+1:] {
			want = append(want, r.Record.RecordID)
		}
		if !reflect.DeepEqual(ids, want) {
			t.Errorf("resuming after %q: got %v, want %v", raw.Record.RecordID, ids, want)
		}
	}
}

func TestCSVLongLineIsFatal(t *testing.T) {
	in := "recordId\na\n" + strings.Repeat("x", maxLineBytes+1) + "\nb\n"
	dec, err := NewCSVDecoder(strings.NewReader(in), TypeCall)
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := dec.Next(); err != nil || raw.Record.RecordID != "a" {
		t.Fatalf("first record: %+v, %v", raw, err)
	}
	if _, err := dec.Next(); err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("got %v; want a fatal error for the long line", err)
	}
}

func TestCSVReadErrorIsFatal(t *testing.T) {
	broken := errors.New("network gone")
	dec, err := NewCSVDecoder(&failingReader{data: "recordId\na\nb", err: broken}, TypeCall)
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := dec.Next(); err != nil || raw.Record.RecordID != "a" {
		t.Fatalf("first record: %+v, %v", raw, err)
	}
	for i := 0; i < 2; i++ {
		if _, err := dec.Next(); !errors.Is(err, broken) {
			t.Fatalf("call %d: got %v; want the read error", i, err)
		}
	}
}

// BenchmarkDecodeCSV measures decoding call records from CSV (without
// mapping); the figure goes into the ingest throughput notes.
func BenchmarkDecodeCSV(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("recordId,agency,country,caller,callee,start,durationSec,answered,imei,cellId\n")
	const rows = 10000
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&buf, "CDR-%07d,TH-NBTC,TH,081-234-%04d,+66 89 123 %04d,2024-03-14 09:15:02,%d,true,352099001761481,TH-BKK-%d\n",
			i, i%10000, (i*7)%10000, i%600, i%97)
	}
	input := buf.Bytes()
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	records := 0
	for b.Loop() {
		dec, err := NewCSVDecoder(bytes.NewReader(input), TypeCall)
		if err != nil {
			b.Fatal(err)
		}
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
