package analytics

import (
	"sort"

	"github.com/scamgraph/scamgraph/intel"
)

// Lenders says what a score of ids needs read beyond their own links, once
// those are in n: the artefacts one link away whose own evidence may lend
// to them (lenders), and the shared infrastructure (hubs: IP addresses,
// holders, VoIP accounts and presented numbers) whose other users may.
// It follows the same rules as Score, so nothing read goes unused and
// nothing Score uses goes unread.
func Lenders(n *Neighbourhood, ids []string) (lenders, hubs []string) {
	for _, id := range ids {
		answered := answeredWith(n, id)
		for _, l := range n.Links[id] {
			x := other(&l, id)
			if kindOf(x) == intel.KindCase {
				continue
			}
			if rule, ok := oneHop[l.Type]; ok && (!rule.incoming || l.To == id) &&
				(l.Type != intel.LinkCalled || answered[x] >= minCallsLent) {
				lenders = append(lenders, x)
			}
			if _, ok := twoHop[l.Type]; ok {
				hubs = append(hubs, x)
			}
		}
	}
	return sortedUnique(lenders), sortedUnique(hubs)
}

// Sharers says, once the hubs' links are in n, which artefacts share a hub
// with ids (sharers) and which of them are numbers sharing a holder, whose
// calls the SIM-box signature reads (lines).
func Sharers(n *Neighbourhood, ids []string) (sharers, lines []string) {
	for _, id := range ids {
		for _, l := range n.Links[id] {
			if _, ok := twoHop[l.Type]; !ok {
				continue
			}
			y := other(&l, id)
			for _, m := range n.linksOf(y, l.Type) {
				z := other(&m, y)
				if z == id || kindOf(z) == intel.KindCase {
					continue
				}
				sharers = append(sharers, z)
				if l.Type == intel.LinkRegisteredTo && kindOf(z) == intel.KindPhoneNumber && kindOf(id) == intel.KindPhoneNumber {
					lines = append(lines, z)
				}
			}
		}
	}
	return sortedUnique(sharers), sortedUnique(lines)
}

// answeredWith counts id's answered calls by the other party, once per
// neighbourhood until id's links change; callers only read what it returns.
func answeredWith(n *Neighbourhood, id string) map[string]int {
	if out, ok := n.answered[id]; ok {
		return out
	}
	out := map[string]int{}
	for _, l := range n.linksOf(id, intel.LinkCalled) {
		if l.Attrs["answered"] == "true" {
			out[other(&l, id)]++
		}
	}
	if n.answered == nil {
		n.answered = map[string]map[string]int{}
	}
	n.answered[id] = out
	return out
}

func sortedUnique(ids []string) []string {
	sort.Strings(ids)
	return compact(ids)
}

// Reach lists what a triage scores next from risky entities: everything
// one link away that the risk could concern, except cases, the senders of
// money they received (victims pay mules; that makes them victims) and
// numbers that only exchanged a few calls with them (people called by a
// scam line are its victims). The other lines of a risky line's SIM box
// are reached too, whatever joins them (see simBox).
func Reach(n *Neighbourhood, risky []string) []string {
	var out []string
	for _, id := range risky {
		answered := answeredWith(n, id)
		for _, l := range n.Links[id] {
			x := other(&l, id)
			switch {
			case kindOf(x) == intel.KindCase:
			case l.Type == intel.LinkTransferred && l.To == id:
			case l.Type == intel.LinkCalled && answered[x] < minCallsLent:
			default:
				out = append(out, x)
			}
		}
	}
	sharers, _ := Sharers(n, risky)
	return sortedUnique(append(append(out, sharers...), BoxMates(n, risky)...))
}

// Merge adds what o holds to n.
func (n *Neighbourhood) Merge(o *Neighbourhood) {
	for _, e := range o.Entities {
		n.Reach(e)
	}
	for id, ls := range o.Links {
		n.Add(id, ls...)
	}
	for k, c := range o.Sites {
		if n.Sites == nil {
			n.Sites = map[string]intel.SiteCallers{}
		}
		n.Sites[k] = c
	}
}

// Callees lists the numbers risky lines called: their likely victims.
func Callees(n *Neighbourhood, risky []string) []string {
	var out []string
	for _, id := range risky {
		if kindOf(id) != intel.KindPhoneNumber && kindOf(id) != intel.KindVoipAccount {
			continue
		}
		for _, l := range n.linksOf(id, intel.LinkCalled) {
			if l.From == id {
				out = append(out, l.To)
			}
		}
	}
	return sortedUnique(out)
}

// minSharedVictims is how many of the same victims another line must have
// called to be looked at.
const minSharedVictims = 2

// CoCallers lists, from the incoming calls of victims (read into v), the
// other lines that called at least minSharedVictims of them: where a
// triage looks for the lines of a SIM box no report or suspect names.
// Being found this way is no evidence in itself; the line's own score
// decides.
func CoCallers(v *Neighbourhood, victims []string) []string {
	reached := map[string]map[string]bool{}
	for _, victim := range victims {
		for _, l := range v.linksOf(victim, intel.LinkCalled) {
			if l.To != victim {
				continue
			}
			if reached[l.From] == nil {
				reached[l.From] = map[string]bool{}
			}
			reached[l.From][victim] = true
		}
	}
	var out []string
	for caller, vs := range reached {
		if len(vs) >= minSharedVictims {
			out = append(out, caller)
		}
	}
	return sortedUnique(out)
}
