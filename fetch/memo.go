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
// links the reader may see) and MUST NOT be shared between views; the
// caller drops it whenever a write may have changed what it holds. It is
// safe for concurrent use, and what it hands out is shared and read-only.
type Memo struct {
	mu    sync.RWMutex
	pages map[memoKey]memoPage
	max   int
}

type memoKey struct {
	group string
	id    string
}

// memoPage is one id's page: its links and, in the same order, the
// entities at their far ends. absent marks an id the reader may not see.
type memoPage struct {
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
// starts over, which bounds its memory whatever the graph.
func NewMemo(max int) *Memo {
	return &Memo{pages: map[memoKey]memoPage{}, max: max}
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
	defer m.mu.RUnlock()
	p, ok := m.pages[memoKey{group, id}]
	return p, ok
}

func (m *Memo) put(group string, pages map[string]memoPage) {
	if m == nil || len(pages) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.pages)+len(pages) > m.max {
		m.pages = map[memoKey]memoPage{}
	}
	for id, p := range pages {
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
