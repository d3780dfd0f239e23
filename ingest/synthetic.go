package ingest

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// SyntheticCalls is a Decoder that makes n call records on the fly, for
// load and fault tests: 50,000 Thai callers, 200,000 callees, one call a
// second from a fixed start, each with its own CDR id. It holds nothing in
// memory, so a million records cost nothing to keep.
//
// With Spellings set, the callees are a pool of 10,000 numbers rung in
// turn, as a call centre works through a list, and each record writes its
// numbers in one of the forms real feeds use (national, +66, 0066 grouped
// or run together, a carrier IDD, "(0)", Thai digits), a different one on
// each pass through the pool: past 10,000 records every callee arrives in
// several spellings, and a replay must still answer DUPLICATE for all.
type SyntheticCalls struct {
	N         int
	Spellings bool
	next      int
}

// SyntheticStart is the time of the first synthetic call.
var SyntheticStart = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// SyntheticCall returns record i of the synthetic stream.
func SyntheticCall(i int) Record {
	dur, answered := 30+i%600, i%5 != 0
	return Record{
		Type: TypeCall, Agency: "TH-NBTC", Country: "TH", EvidenceRef: "NBTC-CDR-2024-03",
		LegalBasis: "Emergency Decree on Technology Crime B.E. 2566", Visibility: "SHAREABLE",
		RecordID:    fmt.Sprintf("CDR-%09d", i),
		Caller:      fmt.Sprintf("08%d-%03d-%04d", 1+i%9, (i/9)%1000, (i*7)%10000%50000),
		Callee:      fmt.Sprintf("09%d-%03d-%04d", 1+(i*31)%9, (i*17)%1000, (i*13)%10000),
		Start:       SyntheticStart.Add(time.Duration(i) * time.Second).Format(time.RFC3339),
		DurationSec: &dur, Answered: &answered,
	}
}

// SyntheticSpelledCall is SyntheticCall(i) with its callee taken from the
// pool and its numbers spelled as SyntheticCalls describes.
func SyntheticSpelledCall(i int) Record {
	r := SyntheticCall(i)
	pass, callee := i/spelledPool, SyntheticCall(i%spelledPool).Callee
	r.Caller, r.Callee = spell(r.Caller, i), spell(callee, i%spelledPool+pass)
	return r
}

// spelledPool is how many callees SyntheticSpelledCall rings in turn.
const spelledPool = 10_000

// spell writes a national Thai number ("081-234-5678") in form i mod 7.
func spell(national string, i int) string {
	d := strings.ReplaceAll(national, "-", "")[1:] // the 9 digits after the trunk 0
	switch i % 7 {
	case 1:
		return "+66 " + d[:2] + " " + d[2:5] + " " + d[5:]
	case 2:
		return "0066 " + d[:2] + " " + d[2:5] + " " + d[5:]
	case 3:
		return "0066" + d
	case 4:
		return "001 66 " + d
	case 5:
		return "+66 (0)" + d[:2] + "-" + d[2:5] + "-" + d[5:]
	case 6:
		return strings.Map(func(c rune) rune { return c - '0' + '๐' }, "0"+d)
	}
	return national
}

// Next returns the next synthetic record, or io.EOF after N.
func (s *SyntheticCalls) Next() (Raw, error) {
	if s.next >= s.N {
		return Raw{}, io.EOF
	}
	i := s.next
	s.next++
	r := SyntheticCall(i)
	if s.Spellings {
		r = SyntheticSpelledCall(i)
	}
	return Raw{Line: i + 1, Offset: int64(i + 1), Record: r}, nil
}
