package fetch

import (
	"sync"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// Memo keeps, for one reader's view, the pages read around the entities
// scored: the evidence and transfers of the artefacts one link away and
// of the shared infrastructure, the calls of numbers sharing a holder
// or a site, and the callers listed at a site. They are the bulk of what a score reads and the same for every
// entity near them, so a score of one entity reads only its own links and
// finds the rest here. The entity scored is never served from a Memo: its
// own links are read afresh each time.
//
// A Memo holds facts exactly as one view sees them (masked, with only the
// links the reader may see) and MUST NOT be shared between views. A page
// a write may have changed is not served: with a Clock, a page is served
// only while no write since its read touched its entity or the entities
// at its far ends (or, for a site's callers, the site); without one, the
// caller drops the memo whenever a write may have changed what it holds.
// It is safe for concurrent use, and what it hands out is shared and
// read-only.
type Memo struct {
	mu    sync.RWMutex
	pages map[memoKey]memoPage
	max   int
	clock Clock
}

// Clock tells a memo which of its pages writes have touched since they
// were read.
type Clock interface {
	// Gen is the current generation of writes, taken before a read.
	Gen() uint64
	// Untouched reports whether no write since generation gen touched
	// self (an entity id, or a site's analytics.SiteKey) or any of far.
	Untouched(gen uint64, self string, far []intel.Entity) bool
}

type memoKey struct {
	group string
	id    string
}

// memoPage is one id's page: its links and, in the same order, the
// entities at their far ends. absent marks an id the reader may not see.
type memoPage struct {
	// gen is the generation the page's read began at, and self what it
	// was read at, for the Clock.
	gen    uint64
	self   string
	links  []intel.Link
	far    []intel.Entity
	absent bool
	// distinct says no two of links have the same id (see
	// analytics.Neighbourhood.ShareDistinct).
	distinct bool
	// calls are the statistics of a page of the "calls" group, counted
	// when it is kept (see analytics.Neighbourhood.ShareCalls).
	calls *analytics.CallStats
	// callers are a site's callers, for the "site:" groups.
	callers intel.SiteCallers
}

// NewMemo returns an empty memo holding at most max pages; past that it
// starts over, which bounds its memory whatever the graph. A nil clock
// serves every page it holds.
func NewMemo(max int, clock Clock) *Memo {
	return &Memo{pages: map[memoKey]memoPage{}, max: max, clock: clock}
}

// gen is the generation a read beginning now starts at.
func (m *Memo) gen() uint64 {
	if m == nil || m.clock == nil {
		return 0
	}
	return m.clock.Gen()
}

// Len is how many pages the memo holds.
func (m *Memo) Len() int {
	if m == nil {
		return 0
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.pages)
}

func (m *Memo) get(group, id string) (memoPage, bool) {
	if m == nil {
		return memoPage{}, false
	}
	m.mu.RLock()
	p, ok := m.pages[memoKey{group, id}]
	m.mu.RUnlock()
	if ok && m.clock != nil && !m.clock.Untouched(p.gen, p.self, p.far) {
		return memoPage{}, false
	}
	return p, ok
}

// put keeps pages of group, read from generation gen on (see gen).
func (m *Memo) put(group string, gen uint64, pages map[string]memoPage) {
	if m == nil || len(pages) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.pages)+len(pages) > m.max {
		m.pages = map[memoKey]memoPage{}
	}
	for id, p := range pages {
		p.gen = gen
		if p.self == "" {
			p.self = id
		}
		m.pages[memoKey{group, id}] = p
	}
}

// pageOf turns what a read returned for id into a memo page.
func pageOf(page intel.NeighbourPage, ok bool) memoPage {
	if !ok {
		return memoPage{absent: true}
	}
	p := memoPage{links: make([]intel.Link, len(page.Items)), far: make([]intel.Entity, len(page.Items))}
	for i, it := range page.Items {
		p.links[i], p.far[i] = it.Link, it.Entity
	}
	p.distinct = !analytics.HasDuplicates(p.links)
	return p
}
