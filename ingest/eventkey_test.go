package ingest

import (
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

func TestEventKey(t *testing.T) {
	b := &builder{typ: TypeCall, prov: intel.Provenance{Agency: "TH:NBTC%"}}
	for _, tc := range []struct {
		name, recordID string
		parts          []string
		want           string
	}{
		{"NaturalParts", "", []string{"+66812345678", "+66891234567", "1710126135000"}, "call:TH%3ANBTC%25:+66812345678|+66891234567|1710126135000"},
		{"PartsEscaped", "", []string{"a|b", "c%d"}, "call:TH%3ANBTC%25:a%7Cb|c%25d"},
		{"RecordID", "CDR:1", []string{"x", "y"}, "call:TH%3ANBTC%25:CDR:1"},
		{"RecordIDNeverLooksNatural", "x|y", []string{"x", "y"}, "call:TH%3ANBTC%25:x%7Cy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.recordID = tc.recordID
			if got := b.eventKey(tc.parts...); got != tc.want {
				t.Fatalf("eventKey = %q; want %q", got, tc.want)
			}
		})
	}
	t.Run("ItemKeyWithRecordID", func(t *testing.T) {
		b := &builder{typ: TypeVictimReport, prov: intel.Provenance{Agency: "TH-CCIB"}, recordID: "R-1"}
		if got := b.itemEventKey([]string{"TH-CCIB:1"}, "caller", "+66812345678"); got != "victim_report:TH-CCIB:R-1|caller|+66812345678" {
			t.Fatalf("itemEventKey = %q", got)
		}
	})
}

func TestParseTime(t *testing.T) {
	utc := func(s string) time.Time { v, _ := time.Parse(time.RFC3339Nano, s); return v }
	for _, tc := range []struct {
		name, in string
		day      bool
		want     time.Time
	}{
		{"RFC3339Offset", "2024-03-14T09:15:02+07:00", false, utc("2024-03-14T02:15:02Z")},
		{"RFC3339Z", "2024-03-14T02:15:02Z", false, utc("2024-03-14T02:15:02Z")},
		{"FractionTruncatedToMillis", "2024-03-14T02:15:02.123456Z", false, utc("2024-03-14T02:15:02.123Z")},
		{"LocalWithSpace", "2024-03-14 09:15:02", false, utc("2024-03-14T02:15:02Z")},
		{"LocalWithT", "2024-03-14T09:15:02", false, utc("2024-03-14T02:15:02Z")},
		{"SpaceWithOffset", "2024-03-14 09:15:02+07:00", false, utc("2024-03-14T02:15:02Z")},
		{"DateWhereDayOK", "2024-03-14", true, utc("2024-03-13T17:00:00Z")},
		{"Empty", "  ", false, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readTime("t", tc.in, intel.RegionKH, tc.day)
			if err != nil || !got.Equal(tc.want) || (!got.IsZero() && got.Location() != time.UTC) {
				t.Fatalf("readTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
	for _, tc := range []struct{ name, in, reason string }{
		{"ErrDateForEvent", "2024-03-14", "is not a time"},
		{"ErrDayFirst", "14/03/2024 09:15:02", "is not a time"},
		{"ErrBuddhistYear", "2567-03-14T09:15:02+07:00", "Common Era year 2024"},
		{"ErrYearRange", "1970-01-01T00:00:00Z", "out of range"},
		{"ErrNoSeconds", "2024-03-14 09:15", "is not a time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseTime("start", tc.in, intel.RegionTH)
			assertRejected(t, err, "start", tc.reason)
		})
	}
}
