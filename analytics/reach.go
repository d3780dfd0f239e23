package analytics

import (
	"slices"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Arrival is when, and how few transfers from the origin, a trail's money
// can first have reached an account.
type Arrival struct {
	Depth int
	// First is the earliest moment the money can have arrived (FORWARD),
	// or the latest it can have left towards the origin (BACKWARD); zero
	// for the origin.
	First time.Time
}

// MoneyReach is the light pass of FollowMoney: which accounts the origin's
// money can reach over the given transfers, how soon and in how few hops,
// without the amounts. A transfer carries some of the money exactly when
// its sender had received some before it left, in a currency that can
// pay for the transfer's, so MoneyReach names exactly the accounts
// FollowTransfers would (their depths too); following a trail hop by hop, it decides where to
// read next at a fraction of the cost, and the amounts are worked out once
// at the end.
func MoneyReach(origin string, dir TrailDirection, transfers []Transfer, rates Rates) map[string]Arrival {
	edges := orient(transfers, dir)
	moved := map[string]bool{}
	for _, e := range edges {
		if e.src == origin && e.dst != origin {
			moved[e.t.Currency] = true
		}
	}
	held := map[string]map[string]bool{} // currencies that reached each account
	first := map[string]int64{}
	next := map[string][]flowEdge{}
	for i := 0; i < len(edges); {
		j := i
		for j < len(edges) && edges[j].at == edges[i].at {
			j++
		}
		var live []flowEdge
		for _, e := range edges[i:j] {
			if e.dst == origin {
				continue
			}
			if e.src == origin || (pays(held[e.src], e.t.Currency, rates) && pays(moved, e.t.Currency, rates)) {
				live = append(live, e)
			}
		}
		for _, e := range live {
			if held[e.dst] == nil {
				held[e.dst] = map[string]bool{}
				first[e.dst] = e.at
			}
			held[e.dst][e.t.Currency] = true
			next[e.src] = append(next[e.src], e)
		}
		i = j
	}
	out := map[string]Arrival{origin: {}}
	level := []string{origin}
	for d := 1; len(level) > 0; d++ {
		var nextLevel []string
		for _, a := range level {
			for _, e := range next[a] {
				if _, ok := out[e.dst]; !ok {
					at := first[e.dst]
					if dir == TrailBackward {
						at = -at
					}
					out[e.dst] = Arrival{Depth: d, First: time.UnixMilli(at).UTC()}
					nextLevel = append(nextLevel, e.dst)
				}
			}
		}
		slices.Sort(nextLevel)
		level = nextLevel
	}
	return out
}

// pays reports whether money held in any of the currencies can pay for a
// transfer in cur (the same currency, or both with a reference rate).
func pays(held map[string]bool, cur string, rates Rates) bool {
	if held[cur] {
		return true
	}
	if _, ok := rates[cur]; !ok {
		return false
	}
	for c := range held {
		if _, ok := rates[c]; ok {
			return true
		}
	}
	return false
}

// NextHop returns, from what MoneyReach found, the accounts to read next (not
// expanded yet, fewer than maxHops transfers from the origin, in id order)
// and the window their transfers must fall in to carry the money on: the
// caller's window narrowed to after the money first reached one of them
// (FORWARD) or before it last left one (BACKWARD). open is false when no
// transfer can follow.
func NextHop(reach map[string]Arrival, origin string, dir TrailDirection, expanded map[string]bool, maxHops int,
	w intel.TimeWindow) (frontier []string, next intel.TimeWindow, open bool) {
	for id, a := range reach {
		if !expanded[id] && a.Depth < maxHops {
			frontier = append(frontier, id)
		}
	}
	slices.Sort(frontier)
	if len(frontier) == 0 {
		return nil, w, false
	}
	if slices.Contains(frontier, origin) {
		return frontier, w, true
	}
	bound := reach[frontier[0]].First
	for _, id := range frontier[1:] {
		if f := reach[id].First; (dir == TrailForward && f.Before(bound)) || (dir == TrailBackward && f.After(bound)) {
			bound = f
		}
	}
	if dir == TrailForward && (w.Since.IsZero() || bound.After(w.Since)) {
		w.Since = bound
	}
	if u := bound.Add(time.Millisecond); dir == TrailBackward && (w.Until.IsZero() || u.Before(w.Until)) {
		w.Until = u
	}
	return frontier, w, w.Since.IsZero() || w.Until.IsZero() || w.Until.After(w.Since)
}
