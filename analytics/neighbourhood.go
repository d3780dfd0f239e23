package analytics

import (
	"slices"

	"github.com/scamgraph/scamgraph/intel"
)

// Neighbourhood is the bounded subgraph a score is computed from, exactly
// as one reader sees it: every link in it is a fact the reader may see, so
// nothing computed from it can name, count or hint at a hidden one. The
// use cases fill it through the reader's view (usecase/risk.go says which
// links of which entities); the functions here only read it.
type Neighbourhood struct {
	// Entities are the entities the links reach, by id. They are shared
	// with what they were read into (a page, a memo) and never written
	// through: a score reaches hundreds of them, and keeping a pointer,
	// not a copy of each, was a tenth of what a score allocated.
	Entities map[string]*intel.Entity
	// Links are, per entity, the links fetched at it. The entity scored
	// has all its kinds of link; the others have those their own
	// evidence needs (reports, uses, transfers, registrations).
	Links map[string][]intel.Link
	// Sites are the callers listed at the cells and IMEIs the SIM-box
	// finding asked about (see AddSite), keyed "cell:" or "imei:" and
	// the site; like the links, only through calls the reader may see.
	Sites map[string]intel.SiteCallers

	// byType indexes Links by entity and type, built on first use.
	byType map[string]map[intel.LinkType][]intel.Link
	// stats keeps each entity's call statistics, built on first use (a
	// score asks for the same line's several times, see statsOf).
	stats map[string]callStats
	// mobiles remembers which numbers can be SIMs (see mobile).
	mobiles map[string]bool
	// answered keeps, per entity, its answered calls by the other party
	// (answeredWith): the reads a score plans and the score itself both
	// ask for the same entity's.
	answered map[string]map[string]int
}

// Read lists what n's contents came from: every entity whose
// links were read (n.Links) or that was reached (n.Entities), and every
// site whose callers were listed (n.Sites, see SiteKey). Whatever is
// computed from n alone stays true until a write touches one of them:
// a link at one of those entities, a change to one of them, or a call
// made from one of those sites.
func (n *Neighbourhood) Read() []string {
	out := make([]string, 0, len(n.Links)+len(n.Entities)+len(n.Sites))
	for id := range n.Links {
		out = append(out, id)
	}
	for id := range n.Entities {
		if _, ok := n.Links[id]; !ok {
			out = append(out, id)
		}
	}
	for site := range n.Sites {
		out = append(out, site)
	}
	return out
}

// changed forgets what was worked out from id's links, which have changed.
func (n *Neighbourhood) changed(id string) {
	delete(n.byType, id)
	delete(n.stats, id)
	delete(n.answered, id)
}

// NewNeighbourhood returns an empty neighbourhood.
func NewNeighbourhood() *Neighbourhood {
	return &Neighbourhood{Entities: map[string]*intel.Entity{}, Links: map[string][]intel.Link{}}
}

// Entity is the entity id, as read, and whether it was read.
func (n *Neighbourhood) Entity(id string) (intel.Entity, bool) {
	if e := n.Entities[id]; e != nil {
		return *e, true
	}
	return intel.Entity{}, false
}

// Reach records e, read at the far end of a link, unless an entity of
// its id already is; e is kept, not copied, and must not change after.
func (n *Neighbourhood) Reach(e *intel.Entity) {
	if _, ok := n.Entities[e.ID]; !ok {
		n.Entities[e.ID] = e
	}
}

// Add records links fetched at id, skipping links already recorded there.
// A score adds a few pages of a few dozen links each, so duplicates are
// looked for by scanning what is there up to smallAdd links and through a
// set past that, and the list grows once per call: Add is on the path of
// every score, and what it allocates is most of what a score costs.
func (n *Neighbourhood) Add(id string, links ...intel.Link) {
	have := n.Links[id]
	have = slices.Grow(have, len(links))
	if len(have)+len(links) <= smallAdd {
		for _, l := range links {
			if !slices.ContainsFunc(have, func(h intel.Link) bool { return h.ID == l.ID }) {
				have = append(have, l)
			}
		}
	} else {
		seen := make(map[string]bool, len(have)+len(links))
		for _, l := range have {
			seen[l.ID] = true
		}
		for _, l := range links {
			if !seen[l.ID] {
				seen[l.ID] = true
				have = append(have, l)
			}
		}
	}
	n.Links[id] = have
	n.changed(id)
}

// Adopt is Add for a slice the caller hands over and does not use again:
// an id with no links yet keeps it (less its duplicates, in order) as its
// own instead of a copy, which spares a score a second copy of every link
// it reads.
func (n *Neighbourhood) Adopt(id string, links []intel.Link) {
	if len(n.Links[id]) > 0 {
		n.Add(id, links...)
		return
	}
	kept := links[:0]
	var seen map[string]bool
	if len(links) > smallAdd {
		seen = make(map[string]bool, len(links))
	}
	for _, l := range links {
		if seen != nil {
			if seen[l.ID] {
				continue
			}
			seen[l.ID] = true
		} else if slices.ContainsFunc(kept, func(h intel.Link) bool { return h.ID == l.ID }) {
			continue
		}
		kept = append(kept, l)
	}
	n.Links[id] = kept
	n.changed(id)
}

// Share is Add for a slice that stays shared and read-only (a page a memo
// keeps for every score near it): an id with no links yet holds it as it
// is, clipped so that a later Add copies it instead of writing into it,
// when it has no duplicates; otherwise the links are added as by Add.
func (n *Neighbourhood) Share(id string, links []intel.Link) {
	n.ShareDistinct(id, links, !HasDuplicates(links))
}

// ShareDistinct is Share for a slice whose caller knows whether two of its
// links have the same id (distinct says they do not): a memo page is
// checked once when it is kept, not again by every score that shares it.
func (n *Neighbourhood) ShareDistinct(id string, links []intel.Link, distinct bool) {
	if len(n.Links[id]) > 0 || !distinct {
		n.Add(id, links...)
		return
	}
	n.Links[id] = slices.Clip(links)
	n.changed(id)
}

// ShareCalls is ShareDistinct for a page of id's calls with their
// statistics (CountCalls): when the page becomes id's links as it is, the
// statistics are id's, and they are kept so that no score counts them
// again; otherwise they are counted when asked for, as for any line.
func (n *Neighbourhood) ShareCalls(id string, calls []intel.Link, distinct bool, stats CallStats) {
	fresh := len(n.Links[id]) == 0 && distinct
	n.ShareDistinct(id, calls, distinct)
	if fresh {
		if n.stats == nil {
			n.stats = map[string]callStats{}
		}
		n.stats[id] = stats.s
	}
}

// HasDuplicates reports whether two of links have the same id.
func HasDuplicates(links []intel.Link) bool {
	if len(links) <= smallAdd {
		for i := range links {
			for j := range i {
				if links[i].ID == links[j].ID {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]bool, len(links))
	for i := range links {
		if seen[links[i].ID] {
			return true
		}
		seen[links[i].ID] = true
	}
	return false
}

// smallAdd is how many links Add checks for duplicates by scanning.
const smallAdd = 32

// linksOf returns the links at id of type t. Scoring asks for the same
// few lists many times, so they are indexed once per entity, into one
// array of the entity's links grouped by type; a Neighbourhood is
// therefore not safe for concurrent use.
func (n *Neighbourhood) linksOf(id string, t intel.LinkType) []intel.Link {
	idx, ok := n.byType[id]
	if !ok {
		if n.byType == nil {
			n.byType = map[string]map[intel.LinkType][]intel.Link{}
		}
		ls := n.Links[id]
		counts := map[intel.LinkType]int{}
		for i := range ls {
			counts[ls[i].Type]++
		}
		if len(counts) <= 1 {
			// One type: the list is its own index. Every caller only
			// ranges over what linksOf returns, and the list is clipped,
			// so nothing can write into it through the index.
			idx = make(map[intel.LinkType][]intel.Link, 1)
			if len(ls) > 0 {
				idx[ls[0].Type] = slices.Clip(ls)
			}
			n.byType[id] = idx
			return idx[t]
		}
		grouped := make([]intel.Link, len(ls))
		idx = make(map[intel.LinkType][]intel.Link, len(counts))
		off := 0
		for typ, c := range counts {
			idx[typ] = grouped[off : off : off+c]
			off += c
		}
		for i := range ls {
			idx[ls[i].Type] = append(idx[ls[i].Type], ls[i])
		}
		n.byType[id] = idx
	}
	return idx[t]
}

// other is the end of l that is not id.
func other(l *intel.Link, id string) string {
	if l.From == id {
		return l.To
	}
	return l.From
}

func kindOf(id string) intel.Kind {
	k, _, _ := intel.SplitEntityID(id)
	return k
}

func keyOf(id string) string {
	_, key, _ := intel.SplitEntityID(id)
	return key
}

// maxCited bounds the links and entities one reason or finding cites: the
// first ones make the point, and the counts say how many there are.
const maxCited = 20

func capped(ids []string) []string {
	if len(ids) > maxCited {
		return ids[:maxCited]
	}
	return ids
}
