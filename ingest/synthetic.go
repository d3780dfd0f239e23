package ingest

import (
	"fmt"
	"io"
	"time"
)

// SyntheticCalls is a Decoder that makes n call records on the fly, for
// load and fault tests: 50,000 Thai callers, 200,000 callees, one call a
// second from a fixed start, each with its own CDR id. It holds nothing in
// memory, so a million records cost nothing to keep.
type SyntheticCalls struct {
	N    int
	next int
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

// Next returns the next synthetic record, or io.EOF after N.
func (s *SyntheticCalls) Next() (Raw, error) {
	if s.next >= s.N {
		return Raw{}, io.EOF
	}
	i := s.next
	s.next++
	return Raw{Line: i + 1, Offset: int64(i + 1), Record: SyntheticCall(i)}, nil
}
