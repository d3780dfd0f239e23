package analytics

import (
	"fmt"
	"sort"

	"github.com/scamgraph/scamgraph/intel"
)

// Score computes the risk of entity id from the neighbourhood n, as of
// p.Now. Its own evidence counts in full: the reports naming it (distinct
// cases, decayed by age, redress applied), the suspects using it, and the
// telco and money patterns it shows. Then the artefacts near it count
// through concrete paths: a neighbour whose own evidence reaches MEDIUM
// lends a share of it by the link joining them (one hop), and an artefact
// sharing an IP address, a VoIP account or a holder with it lends a
// smaller share (two hops). Neighbours lend only their own evidence, never
// what they borrowed, so a score never feeds back into itself.
func Score(n *Neighbourhood, id string, p Params) Risk {
	reasons, confirmed := ownReasons(n, id, p, true)
	reasons = append(reasons, proximityReasons(n, id, p)...)
	return finish(reasons, confirmed)
}

// ownReasons is an entity's own evidence. The telco patterns need every
// call of the entity and are computed for the entity scored only
// (withCalls); a neighbour's calls are not fetched.
func ownReasons(n *Neighbourhood, id string, p Params, withCalls bool) ([]Reason, bool) {
	reasons, confirmed := reportReasons(n, id, p)
	reasons = append(reasons, suspectReasons(n, id, p)...)
	var findings []Finding
	if withCalls {
		findings = append(findings, TelcoFindings(n, id)...)
	} else if f := spoofing(n, id); f != nil {
		findings = append(findings, *f)
	}
	findings = append(findings, MuleFindings(n, id, p)...)
	for _, f := range findings {
		reasons = append(reasons, f.reason(p))
	}
	return reasons, confirmed
}

// ownScore is a neighbour's own evidence, combined, with its strongest
// reason for the path's explanation.
func ownScore(n *Neighbourhood, id string, p Params, memo map[string]ownResult) ownResult {
	if r, ok := memo[id]; ok {
		return r
	}
	reasons, confirmed := ownReasons(n, id, p, false)
	r := finish(reasons, confirmed)
	out := ownResult{score: r.Score, level: r.Level}
	if len(r.Reasons) > 0 {
		out.top = r.Reasons[0]
	}
	memo[id] = out
	return out
}

type ownResult struct {
	score int
	level Level
	top   Reason
}

// lendFrom is the score a neighbour's own evidence must reach to lend.
const lendFrom = mediumFrom

// oneHop is the share of a neighbour's score lent through each link type,
// and whether it is lent only when the link points at the entity scored
// (money received from a mule says something; money paid into one is what
// victims do).
var oneHop = map[intel.LinkType]struct {
	share    float64
	incoming bool
}{
	intel.LinkPresentedAs:    {0.8, false},
	intel.LinkRegisteredFrom: {0.5, false},
	intel.LinkTransferred:    {0.6, true},
	intel.LinkUses:           {0.5, false},
	intel.LinkRegisteredTo:   {0.5, false},
	intel.LinkCalled:         {0.4, false},
}

// minCallsLent is how many answered calls two numbers must share before
// one lends to the other: a victim called once by a scam line is a victim.
const minCallsLent = 3

// twoHop lists the links through which sharing an entity of a kind is
// shared infrastructure, with the share lent.
var twoHop = map[intel.LinkType]float64{
	intel.LinkRegisteredFrom: 0.5, // the same IP address
	intel.LinkRegisteredTo:   0.5, // the same holder
	intel.LinkPresentedAs:    0.5, // the same VoIP account, or the same presented number
}

// crowd is the degree past which shared infrastructure lends less: an
// address behind which hundreds register is a carrier's NAT, not a
// gang's compound.
const crowd = 20

// maxLenders bounds how many paths of each kind count.
const maxLenders = 3

func proximityReasons(n *Neighbourhood, id string, p Params) []Reason {
	memo := map[string]ownResult{}
	memo[id] = ownResult{} // never lend to oneself through a cycle
	var near, shared []Reason
	answered := answeredWith(n, id)
	seen := map[string]bool{}
	for _, l := range n.Links[id] {
		rule, ok := oneHop[l.Type]
		x := other(&l, id)
		if !ok || (rule.incoming && l.To != id) || seen[x] || kindOf(x) == intel.KindCase {
			continue
		}
		if l.Type == intel.LinkCalled && answered[x] < minCallsLent {
			continue
		}
		seen[x] = true
		if o := ownScore(n, x, p, memo); o.score >= lendFrom {
			pts := float64(o.score) * rule.share
			near = append(near, Reason{Kind: ReasonProximity, Points: round(pts),
				Text:     fmt.Sprintf("%s link with %s %s (own score %d: %s)", l.Type, kindOf(x), keyOf(x), o.score, o.top.Text),
				Entities: []string{id, x}, Links: capped(append([]string{l.ID}, o.top.Links...))})
		}
	}
	hubs := map[string]bool{}
	for _, l := range n.Links[id] {
		share, ok := twoHop[l.Type]
		y := other(&l, id)
		if !ok || hubs[y] {
			continue
		}
		hubs[y] = true
		var around []intel.Link
		for _, m := range n.linksOf(y, l.Type) {
			if other(&m, y) != id {
				around = append(around, m)
			}
		}
		if len(around) > crowd {
			share *= float64(crowd) / float64(len(around))
		}
		best := Reason{}
		for _, m := range around {
			z := other(&m, y)
			if z == id || kindOf(z) == intel.KindCase {
				continue
			}
			o := ownScore(n, z, p, memo)
			if o.score < lendFrom {
				continue
			}
			pts := round(float64(o.score) * share)
			if pts > best.Points {
				best = Reason{Kind: ReasonSharedInfrastructure, Points: pts,
					Text:     fmt.Sprintf("shares %s %s with %s (own score %d: %s)", kindOf(y), keyOf(y), keyOf(z), o.score, o.top.Text),
					Entities: []string{id, y, z}, Links: capped(append([]string{l.ID, m.ID}, o.top.Links...))}
			}
		}
		if best.Points > 0 {
			shared = append(shared, best)
		}
	}
	return append(strongest(near), strongest(shared)...)
}

func strongest(rs []Reason) []Reason {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Points != rs[j].Points {
			return rs[i].Points > rs[j].Points
		}
		return rs[i].Text < rs[j].Text
	})
	if len(rs) > maxLenders {
		rs = rs[:maxLenders]
	}
	return rs
}
