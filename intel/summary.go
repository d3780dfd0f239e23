package intel

import (
	"math"
	"sort"
	"time"
)

// Summary is what an analyst wants to know about an entity at a glance:
// how connected it is, how many separate reports mention it, who reported
// it, and when it was first and last seen.
type Summary struct {
	// LinkCounts counts links at the entity by type, both directions.
	LinkCounts map[LinkType]int
	// LinkCount is the sum of LinkCounts.
	LinkCount int
	// ReportCount counts distinct (agency, evidence reference) pairs among
	// the links: separate reports, not separate rows.
	ReportCount int
	// Agencies are the distinct contributing agencies, sorted.
	Agencies []string
	// FirstSeen and LastSeen are the earliest and latest link start (event
	// time or start of validity); zero when no link has a known start.
	FirstSeen, LastSeen time.Time
}

// SummaryBuilder accumulates a Summary link by link, so that both stores
// compute it with the same rules.
type SummaryBuilder struct {
	counts   map[LinkType]int
	reports  map[string]bool
	agencies map[string]bool
	first    int64
	last     int64
}

// NewSummaryBuilder starts an empty summary.
func NewSummaryBuilder() *SummaryBuilder {
	return &SummaryBuilder{counts: map[LinkType]int{}, reports: map[string]bool{}, agencies: map[string]bool{},
		first: math.MaxInt64, last: math.MinInt64}
}

// AddCount adds n links of type t whose starts range over [first, last]
// (math.MinInt64 for unknown) from the given agencies and reports (each
// report as agency + "\x00" + evidence reference).
func (b *SummaryBuilder) AddCount(t LinkType, n int, first, last int64, agencies, reports []string) {
	b.counts[t] += n
	for _, a := range agencies {
		b.agencies[a] = true
	}
	for _, r := range reports {
		b.reports[r] = true
	}
	if first != math.MinInt64 && first < b.first {
		b.first = first
	}
	if last != math.MinInt64 && last > b.last {
		b.last = last
	}
}

// Add adds one link.
func (b *SummaryBuilder) Add(l *Link) {
	start, _ := l.Span()
	b.AddCount(l.Type, 1, start, start, []string{l.Agency}, []string{ReportKey(l.Agency, l.EvidenceRef)})
}

// ReportKey names one report for ReportCount.
func ReportKey(agency, evidenceRef string) string { return agency + "\x00" + evidenceRef }

// Summary returns the accumulated summary.
func (b *SummaryBuilder) Summary() Summary {
	s := Summary{LinkCounts: map[LinkType]int{}, ReportCount: len(b.reports), Agencies: []string{}}
	for t, n := range b.counts {
		if n > 0 {
			s.LinkCounts[t] = n
			s.LinkCount += n
		}
	}
	for a := range b.agencies {
		s.Agencies = append(s.Agencies, a)
	}
	sort.Strings(s.Agencies)
	if b.first != math.MaxInt64 {
		s.FirstSeen = time.UnixMilli(b.first).UTC()
		s.LastSeen = time.UnixMilli(b.last).UTC()
	}
	return s
}

// Clone returns a deep copy.
func (s Summary) Clone() Summary {
	counts := make(map[LinkType]int, len(s.LinkCounts))
	for t, n := range s.LinkCounts {
		counts[t] = n
	}
	s.LinkCounts = counts
	s.Agencies = cloneStrings(s.Agencies)
	return s
}
