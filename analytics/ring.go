package analytics

import (
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Ring is one community of the suspicious part of the graph: artefacts at
// MEDIUM risk or above, the infrastructure joining them (an IP address,
// a holder, a suspect, a presenting account used by two or more of them)
// and their set-up (the holders they are registered to, what their
// suspects use), with what an investigator wants first to know about it.
// Besides their links, members are tied by the sites their lines call
// from (see siteGroups) and by the victim reports naming them together
// (see coReportTies).
type Ring struct {
	// ID is derived from the smallest member id, so that a ring keeps its
	// id when recomputed as long as that member stays in it.
	ID string
	// Members are the member ids, sorted.
	Members []string
	// ByKind and ByCountry count the members; ByCountry leaves out members
	// of no known country.
	ByKind    map[intel.Kind]int
	ByCountry map[intel.Region]int
	// Cases are the distinct cases naming members (withdrawn reports left
	// out), and Losses their reported losses, exact, one per currency in
	// currency order.
	Cases  []string
	Losses []Money
	// First and Last are the earliest and latest fact among the members'
	// links read; zero when none is dated.
	First, Last time.Time
	// Suspects are the suspect members, sorted.
	Suspects []string
	// MostConnected ranks members by their links inside the ring.
	MostConnected []Ranked
}

// Ranked is a member and how connected it is: Degree counts distinct
// neighbours, Links the links to them.
type Ranked struct {
	ID     string
	Degree int
	Links  int
}

// Ring detection settings.
const (
	// ringFrom is the level a member must reach.
	ringFrom = LevelMedium
	// minRing is the smallest community reported as a ring.
	minRing = 3
	// topConnected is how many most-connected members a ring lists.
	topConnected = 5
)

// ringWeight is how strongly each kind of link ties two members, and the
// most one pair of members can get from it: infrastructure and suspects
// tie hardest; money and calls are shared across gangs more often.
var ringWeight = map[intel.LinkType]struct{ each, most float64 }{
	intel.LinkPresentedAs:    {3, 3},
	intel.LinkUses:           {3, 3},
	intel.LinkRegisteredTo:   {2, 2},
	intel.LinkRegisteredFrom: {1, 3},
	intel.LinkTransferred:    {1, 3},
	intel.LinkCalled:         {0.25, 1},
}

// usesIP is how strongly a suspect using an IP address ties to it: an
// address is a place's connection (an office's, a café's, a carrier's
// shared NAT), so using one says less than holding a phone or an account,
// and a suspect who runs one thing and was once seen on another gang's
// address stays with what they run.
var usesIP = struct{ each, most float64 }{1, 1}

// tie is how strongly l ties its two ends.
func tie(l *intel.Link) struct{ each, most float64 } {
	if l.Type == intel.LinkUses && kindOf(l.To) == intel.KindIPAddress {
		return usesIP
	}
	return ringWeight[l.Type]
}

// joins lists the link types through which a non-member joins the members
// it links: shared infrastructure and the suspects using it.
var joins = map[intel.LinkType]bool{intel.LinkRegisteredFrom: true, intel.LinkRegisteredTo: true,
	intel.LinkUses: true, intel.LinkPresentedAs: true}

// Rings finds the communities (Louvain, deterministic) of the suspicious
// part of n, given the risks of its entities. Its cost is that of the
// suspicious subgraph: near-linear in its links.
func Rings(n *Neighbourhood, risks map[string]Risk) []Ring {
	member := map[string]bool{}
	for id, r := range risks {
		if r.Level.Rank() >= ringFrom.Rank() && kindOf(id) != intel.KindCase {
			member[id] = true
		}
	}
	type pair struct{ a, b string }
	weight := map[pair]float64{}
	joiners := map[string]map[string][]intel.Link{}
	edges := map[pair][]intel.Link{}
	for id := range member {
		for _, l := range n.Links[id] {
			w, ok := ringWeight[l.Type]
			if ok {
				w = tie(&l)
			}
			x := other(&l, id)
			if !ok || kindOf(x) == intel.KindCase {
				continue
			}
			switch {
			case member[x]:
				p := pair{min(id, x), max(id, x)}
				if !containsLink(edges[p], l.ID) {
					edges[p] = append(edges[p], l)
					weight[p] = min(weight[p]+w.each, w.most)
				}
			case joins[l.Type]:
				if joiners[x] == nil {
					joiners[x] = map[string][]intel.Link{}
				}
				joiners[x][id] = append(joiners[x][id], l)
			}
		}
	}
	// A leaf (set-up attached to one member) follows that member into its
	// community rather than weighing in the division: a suspect's own
	// phone would otherwise hold the suspect in a community of two.
	leaf := map[string]string{}
	for x, at := range joiners {
		if len(at) < 2 && !attached(x, at) {
			continue
		}
		member[x] = true
		for id, ls := range at {
			if len(at) == 1 {
				leaf[x] = id
			}
			p := pair{min(id, x), max(id, x)}
			for _, l := range ls {
				if !containsLink(edges[p], l.ID) {
					edges[p] = append(edges[p], l)
					if len(at) > 1 {
						w := tie(&l)
						weight[p] = min(weight[p]+w.each, w.most)
					}
				}
			}
		}
	}
	sites := siteGroups(n, member)
	for p, w := range siteTies(sites) {
		weight[pair{p[0], p[1]}] += w
	}
	for p, w := range coReportTies(n, member) {
		weight[pair{p[0], p[1]}] += w
	}
	ids := make([]string, 0, len(member))
	for id := range member {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	g := newWeighted(len(ids))
	pairs := make([]pair, 0, len(weight))
	for p := range weight {
		pairs = append(pairs, p)
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].a != pairs[j].a {
			return pairs[i].a < pairs[j].a
		}
		return pairs[i].b < pairs[j].b
	})
	for _, p := range pairs {
		g.add(index[p.a], index[p.b], weight[p])
	}
	comm := louvain(g)
	mergeSites(comm, ids, index, sites)
	groups := map[int][]string{}
	for i, c := range comm {
		if anchor, ok := leaf[ids[i]]; ok {
			if a := index[anchor]; len(g.adj[a]) > 0 {
				groups[comm[a]] = append(groups[comm[a]], ids[i])
			}
		} else if len(g.adj[i]) > 0 {
			groups[c] = append(groups[c], ids[i])
		}
	}
	var rings []Ring
	for _, ms := range groups {
		if len(ms) < minRing {
			continue
		}
		var links []intel.Link
		in := map[string]bool{}
		for _, m := range ms {
			in[m] = true
		}
		for p, ls := range edges {
			if in[p.a] && in[p.b] {
				links = append(links, ls...)
			}
		}
		rings = append(rings, summarise(n, ms, links))
	}
	sort.Slice(rings, func(i, j int) bool {
		if len(rings[i].Members) != len(rings[j].Members) {
			return len(rings[i].Members) > len(rings[j].Members)
		}
		return rings[i].ID < rings[j].ID
	})
	return rings
}

// exactLoss is the loss a case reports, as the exact decimal it was
// recorded as; false when it reports none.
func exactLoss(n *Neighbourhood, caseID string) (*big.Rat, bool) {
	c, _ := n.Entity(caseID)
	x, ok := new(big.Rat).SetString(strings.TrimSpace(c.Attrs["loss"]))
	if !ok || x.Sign() <= 0 {
		return nil, false
	}
	return x, true
}

// attached reports whether x belongs with the one member it links (at):
// the holder a member artefact is registered to (the ID card or nominee
// behind a gang's SIMs or accounts), or an artefact a member suspect uses
// (their own phone, their chat account). Both are the gang's set-up even
// when nothing else links them.
func attached(x string, at map[string][]intel.Link) bool {
	for _, ls := range at {
		for _, l := range ls {
			if l.To == x && (l.Type == intel.LinkRegisteredTo || l.Type == intel.LinkUses && kindOf(l.From) == intel.KindSuspect) {
				return true
			}
		}
	}
	return false
}

func containsLink(ls []intel.Link, id string) bool {
	for _, l := range ls {
		if l.ID == id {
			return true
		}
	}
	return false
}

// RingID is the id of a ring whose smallest member id is smallest.
func RingID(smallest string) string {
	h := sha256.Sum256([]byte(smallest))
	return "ring-" + hex.EncodeToString(h[:8])
}

// summarise describes the ring of members ms joined by links.
func summarise(n *Neighbourhood, ms []string, links []intel.Link) Ring {
	sort.Strings(ms)
	r := Ring{ID: RingID(ms[0]), Members: ms, ByKind: map[intel.Kind]int{}, ByCountry: map[intel.Region]int{},
		Losses: []Money{}, Cases: []string{}, Suspects: []string{}}
	losses := balance{}
	cases := map[string]bool{}
	stamp := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if r.First.IsZero() || t.Before(r.First) {
			r.First = t
		}
		if t.After(r.Last) {
			r.Last = t
		}
	}
	for _, m := range ms {
		r.ByKind[kindOf(m)]++
		e, ok := n.Entity(m)
		if !ok {
			e = intel.Entity{ID: m, Kind: kindOf(m), Key: keyOf(m)}
		}
		if c := CountryOf(&e); c != "" {
			r.ByCountry[c]++
		}
		if kindOf(m) == intel.KindSuspect {
			r.Suspects = append(r.Suspects, m)
		}
		for _, c := range reportsOf(n, m) {
			if statusWeight(c.status) > 0 && !cases[c.caseID] {
				cases[c.caseID] = true
				r.Cases = append(r.Cases, c.caseID)
				if loss, ok := exactLoss(n, c.caseID); ok {
					losses.add(c.currcy, loss)
				}
				stamp(c.at)
			}
		}
	}
	for _, l := range links {
		start := l.ObservedAt
		if start.IsZero() {
			start = l.ValidFrom
		}
		stamp(start)
	}
	sort.Strings(r.Cases)
	r.Losses = moneyList(losses)
	r.MostConnected = MostConnected(links, topConnected)
	return r
}

// MostConnected ranks the entities of a set of links by how many distinct
// entities they are linked to, then by how many links, then by id: the
// hubs of a network an investigator opens first.
func MostConnected(links []intel.Link, first int) []Ranked {
	nbrs := map[string]map[string]bool{}
	count := map[string]int{}
	seen := map[string]bool{}
	for _, l := range links {
		if seen[l.ID] {
			continue
		}
		seen[l.ID] = true
		for _, end := range [][2]string{{l.From, l.To}, {l.To, l.From}} {
			if nbrs[end[0]] == nil {
				nbrs[end[0]] = map[string]bool{}
			}
			nbrs[end[0]][end[1]] = true
			count[end[0]]++
		}
	}
	out := make([]Ranked, 0, len(nbrs))
	for id, ns := range nbrs {
		out = append(out, Ranked{ID: id, Degree: len(ns), Links: count[id]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Degree != out[j].Degree {
			return out[i].Degree > out[j].Degree
		}
		if out[i].Links != out[j].Links {
			return out[i].Links > out[j].Links
		}
		return out[i].ID < out[j].ID
	})
	if first >= 0 && len(out) > first {
		out = out[:first]
	}
	return out
}

// CountryOf is the country an entity belongs to: the one its key names
// (intel.HomeCountry), or for an IP address the one it is placed in; ""
// when unknown.
func CountryOf(e *intel.Entity) intel.Region {
	if c := intel.HomeCountry(e); c != "" {
		return c
	}
	if c := e.Attrs["geoCountry"]; c != "" {
		return intel.Region(strings.ToUpper(c))
	}
	return ""
}
