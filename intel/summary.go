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
	// ReportCount counts the distinct cases (victim reports) that name the
	// entity through a REPORTED_IN link; for a case, the case itself.
	// Other facts are not reports, however many agencies contributed them.
	ReportCount int
	// Agencies are the distinct contributing agencies, sorted.
	Agencies []string
	// FirstSeen and LastSeen are the earliest and latest link start (event
	// time or start of validity); zero when no link has a known start.
	FirstSeen, LastSeen time.Time
	// Groups break the counts down by class of fact, for Summary.For.
	Groups []SummaryGroup
}

// SummaryGroup counts the links at an entity of one class: one type,
// contributing country, marking and agency. Whether a reader may see a link
// depends on nothing else (see Access.AllowsClass), so a store returns the
// groups and the API folds those the reader may see into the reader's
// Summary: counts never include a hidden fact, and a cached summary serves
// every reader.
type SummaryGroup struct {
	Type       LinkType
	Country    Region
	Visibility Visibility
	Agency     string
	Count      int
	// First and Last are the earliest and latest link start in Unix
	// milliseconds, math.MinInt64 when no link of the group has one.
	First, Last int64
	// EvidenceRefs are the group's distinct evidence references, sorted.
	EvidenceRefs []string
	// Cases are the distinct cases the group's REPORTED_IN links end at,
	// sorted; empty for other types.
	Cases []string
}

type groupKey struct {
	t       LinkType
	country Region
	v       Visibility
	agency  string
}

// SummaryBuilder accumulates a Summary group by group or link by link, so
// that every backend computes it with the same rules.
type SummaryBuilder struct {
	groups map[groupKey]*groupAcc
}

type groupAcc struct {
	count       int
	first, last int64
	refs        map[string]bool
	cases       map[string]bool
}

// NewSummaryBuilder starts an empty summary.
func NewSummaryBuilder() *SummaryBuilder {
	return &SummaryBuilder{groups: map[groupKey]*groupAcc{}}
}

// AddGroup adds a group of links.
func (b *SummaryBuilder) AddGroup(g SummaryGroup) {
	if g.Count <= 0 {
		return
	}
	k := groupKey{g.Type, g.Country, g.Visibility, g.Agency}
	acc, ok := b.groups[k]
	if !ok {
		acc = &groupAcc{first: math.MinInt64, last: math.MinInt64, refs: map[string]bool{}, cases: map[string]bool{}}
		b.groups[k] = acc
	}
	acc.count += g.Count
	if g.First != math.MinInt64 && (acc.first == math.MinInt64 || g.First < acc.first) {
		acc.first = g.First
	}
	if g.Last != math.MinInt64 && (acc.last == math.MinInt64 || g.Last > acc.last) {
		acc.last = g.Last
	}
	for _, r := range g.EvidenceRefs {
		acc.refs[r] = true
	}
	for _, c := range g.Cases {
		acc.cases[c] = true
	}
}

// Add adds one link.
func (b *SummaryBuilder) Add(l *Link) {
	start, _ := l.Span()
	g := SummaryGroup{Type: l.Type, Country: l.Country, Visibility: l.Visibility, Agency: l.Agency,
		Count: 1, First: start, Last: start, EvidenceRefs: []string{l.EvidenceRef}}
	if l.Type == LinkReportedIn {
		g.Cases = []string{l.To}
	}
	b.AddGroup(g)
}

// Summary returns the accumulated summary, with its groups in a fixed order.
func (b *SummaryBuilder) Summary() Summary {
	s := Summary{LinkCounts: map[LinkType]int{}, Agencies: []string{}, Groups: []SummaryGroup{}}
	reports := map[string]bool{}
	agencies := map[string]bool{}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for k, acc := range b.groups {
		g := SummaryGroup{Type: k.t, Country: k.country, Visibility: k.v, Agency: k.agency,
			Count: acc.count, First: acc.first, Last: acc.last, EvidenceRefs: []string{}, Cases: []string{}}
		for r := range acc.refs {
			g.EvidenceRefs = append(g.EvidenceRefs, r)
		}
		sort.Strings(g.EvidenceRefs)
		for c := range acc.cases {
			g.Cases = append(g.Cases, c)
			reports[c] = true
		}
		sort.Strings(g.Cases)
		s.Groups = append(s.Groups, g)
		s.LinkCounts[k.t] += acc.count
		s.LinkCount += acc.count
		agencies[k.agency] = true
		if acc.first != math.MinInt64 && acc.first < first {
			first = acc.first
		}
		if acc.last != math.MinInt64 && acc.last > last {
			last = acc.last
		}
	}
	sort.Slice(s.Groups, func(i, j int) bool {
		a, b := s.Groups[i], s.Groups[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Country != b.Country {
			return a.Country < b.Country
		}
		if a.Visibility != b.Visibility {
			return a.Visibility < b.Visibility
		}
		return a.Agency < b.Agency
	})
	s.ReportCount = len(reports)
	for a := range agencies {
		s.Agencies = append(s.Agencies, a)
	}
	sort.Strings(s.Agencies)
	if first != math.MaxInt64 {
		s.FirstSeen = time.UnixMilli(first).UTC()
		s.LastSeen = time.UnixMilli(last).UTC()
	}
	return s
}

// For folds the groups a reader may see, plus granted, the links at the
// entity an evidence request opened to the reader (links the class rule
// already allows are not counted twice), into the reader's Summary.
func (s Summary) For(a *Access, granted []Link) Summary {
	if a.Unrestricted() {
		return s.Clone()
	}
	b := NewSummaryBuilder()
	for _, g := range s.Groups {
		if a.AllowsClass(g.Type, g.Country, g.Visibility, g.Agency) {
			b.AddGroup(g)
		}
	}
	for i := range granted {
		l := &granted[i]
		if l.Retraction == nil && !a.AllowsClass(l.Type, l.Country, l.Visibility, l.Agency) {
			b.Add(l)
		}
	}
	return b.Summary()
}

// Clone returns a deep copy.
func (s Summary) Clone() Summary {
	counts := make(map[LinkType]int, len(s.LinkCounts))
	for t, n := range s.LinkCounts {
		counts[t] = n
	}
	s.LinkCounts = counts
	s.Agencies = cloneStrings(s.Agencies)
	if s.Groups != nil {
		groups := make([]SummaryGroup, len(s.Groups))
		for i, g := range s.Groups {
			g.EvidenceRefs = cloneStrings(g.EvidenceRefs)
			g.Cases = cloneStrings(g.Cases)
			groups[i] = g
		}
		s.Groups = groups
	}
	return s
}
