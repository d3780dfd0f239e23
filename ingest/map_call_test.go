package ingest

import (
	"reflect"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

func callRecord() Record {
	return Record{Type: TypeCall, Agency: "TH-NBTC", Country: "TH", EvidenceRef: "NBTC-CDR-2024-03-B07",
		Caller: "+698 92 345 6789", Callee: "081-234-5678", Start: "2024-03-11T10:02:15+07:00",
		DurationSec: ptr(412), Answered: ptr(true), IMEI: "35-209900-176148-1", IMSI: "520031234567890", CellID: "KH-BAVET-0231"}
}

func TestMapCall(t *testing.T) {
	t.Run("Mapped", func(t *testing.T) {
		b := MustMap(t, callRecord())
		l := linkOf(t, b)
		want := map[string]string{"durationSec": "412", "answered": "true", "imei": "352099001761481",
			"imsi": "520031234567890", "cellId": "KH-BAVET-0231", "callerIdMarker": "+698"}
		if l.Type != intel.LinkCalled || l.From != "PhoneNumber:+66923456789" || l.To != "PhoneNumber:+66812345678" {
			t.Fatalf("link %s %s → %s", l.Type, l.From, l.To)
		}
		if !reflect.DeepEqual(l.Attrs, want) {
			t.Fatalf("attrs %v; want %v", l.Attrs, want)
		}
		if !l.ObservedAt.Equal(time.Date(2024, 3, 11, 3, 2, 15, 0, time.UTC)) {
			t.Fatalf("observedAt %v", l.ObservedAt)
		}
		if l.EventKey != "call:TH-NBTC:+66923456789|+66812345678|1710126135000" {
			t.Fatalf("event key %q", l.EventKey)
		}
		caller := entityOf(t, b, l.From)
		if !reflect.DeepEqual(caller.Markers, []string{"+698"}) || !reflect.DeepEqual(caller.RawForms, []string{"+698 92 345 6789"}) {
			t.Fatalf("caller markers %v, raw forms %v", caller.Markers, caller.RawForms)
		}
		if caller.Attrs["numberType"] != "MOBILE" || caller.Attrs["carrier"] == "" {
			t.Fatalf("caller attrs %v: the parser's diagnostics are lost", caller.Attrs)
		}
	})
	t.Run("MarkerFieldMarksCaller", func(t *testing.T) {
		r := callRecord()
		r.Caller, r.CallerIDMarker = "085-222-3344", "697"
		b := MustMap(t, r)
		l := linkOf(t, b)
		if l.Attrs["callerIdMarker"] != "+697" || !reflect.DeepEqual(entityOf(t, b, l.From).Markers, []string{"+697"}) {
			t.Fatalf("marker not kept: attrs %v, caller %+v", l.Attrs, entityOf(t, b, l.From))
		}
	})
	t.Run("SameCallInTwoSpellings", func(t *testing.T) {
		r := callRecord()
		r.Caller, r.CallerIDMarker, r.Callee, r.Start, r.IMEI = "0066 92 345 6789", "+698", "๐๘๑-๒๓๔-๕๖๗๘", "2024-03-11 10:02:15", "352099001761481"
		if got, want := linkOf(t, MustMap(t, r)), linkOf(t, MustMap(t, callRecord())); !reflect.DeepEqual(got, want) {
			t.Fatalf("same call, different link:\n%+v\n%+v", got, want)
		}
	})
	t.Run("SIPCaller", func(t *testing.T) {
		r := callRecord()
		r.Caller, r.Country = "<sip:agent05@voip.sunrise.example;transport=udp>", "KH"
		r.Callee = "+66 81 234 5678"
		if l := linkOf(t, MustMap(t, r)); l.From != "VoipAccount:sip:agent05@voip.sunrise.example" {
			t.Fatalf("caller %s", l.From)
		}
	})
	t.Run("RecordIDNamesEvent", func(t *testing.T) {
		r := callRecord()
		r.RecordID = "CDR|7"
		if k := linkOf(t, MustMap(t, r)).EventKey; k != "call:TH-NBTC:CDR%7C7" {
			t.Fatalf("event key %q", k)
		}
	})
	runBadCases(t, callRecord, []badCase{
		{"ErrCallerRequired", func(r *Record) { r.Caller = "" }, "caller", "is required"},
		{"ErrCallerGarbage", func(r *Record) { r.Caller = "08l-234-56" }, "caller", "letters are not part of a phone number"},
		{"ErrCalleeGarbage", func(r *Record) { r.Callee = "garbage-number" }, "callee", "letters"},
		{"ErrCalleeSIP", func(r *Record) { r.Callee = "sip:x@voip.example" }, "callee", "is a VoIP account"},
		{"ErrCalleeIsCaller", func(r *Record) { r.Callee = "092-345-6789" }, "callee", "is the caller's own number"},
		{"ErrStartRequired", func(r *Record) { r.Start = "" }, "start", "is required"},
		{"ErrStartUnreadable", func(r *Record) { r.Start = "14/03/2024 09:15" }, "start", "is not a time"},
		{"ErrStartDateOnly", func(r *Record) { r.Start = "2024-03-14" }, "start", "is not a time"},
		{"ErrStartBuddhistYear", func(r *Record) { r.Start = "2567-03-14 09:15:02" }, "start", "Common Era year 2024"},
	})
	// What describes the call without making it one is set aside.
	runWarnCases(t, callRecord, []badCase{
		{"WarnDurationNegative", func(r *Record) { r.DurationSec = ptr(-1) }, "durationSec", "between 0 and 86400"},
		{"WarnIMEIShort", func(r *Record) { r.IMEI = "3520990017" }, "imei", "has 10 digits"},
		{"WarnIMEILetters", func(r *Record) { r.IMEI = "35209900176148X" }, "imei", `character 'X'`},
		{"WarnIMSILong", func(r *Record) { r.IMSI = "5200312345678901" }, "imsi", "has 16 digits"},
		{"WarnMarkerUnknown", func(r *Record) { r.CallerIDMarker = "+699" }, "callerIdMarker", "not a display marker"},
		{"WarnMarkerContradicts", func(r *Record) { r.CallerIDMarker = "+697" }, "callerIdMarker", "written with +698"},
	})
}

// BenchmarkMapCall measures Map on a typical call record; the figure goes
// into the ingest throughput notes.
func BenchmarkMapCall(b *testing.B) {
	r := callRecord()
	r.RecordID = "CDR-TH-0000101"
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := Map(r); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}
