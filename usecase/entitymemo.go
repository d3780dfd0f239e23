package usecase

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// entityMemo is the store the callers' views read through when
// Options.EntityMemoTTL is set: it answers GetClassified (an entity with
// the classes of its facts, what every lookup and every entity a view
// shows is decided by) and GetLinks (the links evidence requests granted a
// reader, which its view reads on every request) from memory when the same
// id was read since the last write through this service and no longer ago
// than the TTL. On Neo4j a repeated lookup then costs no round trip, as it
// costs none on the embedded store, whose graph is in memory anyway.
//
// What it keeps is the store's raw answer, the same for every reader
// (a view applies the reader's rules to it afterwards), so one memo
// serves every caller; it hands out deep copies, since a view masks what
// it is given in place. Every write through the service moves the write
// generation on and so drops everything the memo holds; writes by another
// process sharing the store (a second replica, an import run from the
// command line against Neo4j) are seen after at most the TTL.
type entityMemo struct {
	intel.Store
	entities memoTable[intel.ClassifiedEntity]
	links    memoTable[intel.Link]
}

func newEntityMemo(inner intel.Store, state *analyticsState, ttl time.Duration) *entityMemo {
	return &entityMemo{Store: inner,
		entities: memoTable[intel.ClassifiedEntity]{state: state, ttl: ttl, read: inner.GetClassified, clone: cloneClassified},
		links:    memoTable[intel.Link]{state: state, ttl: ttl, read: inner.GetLinks, clone: intel.Link.Clone}}
}

// GetClassified answers what the memo holds, fresh, and reads the rest in
// one call of the inner store.
func (m *entityMemo) GetClassified(ctx context.Context, ids []string) (map[string]intel.ClassifiedEntity, error) {
	return m.entities.get(ctx, ids)
}

// GetLinks answers what the memo holds, fresh, and reads the rest in one
// call of the inner store.
func (m *entityMemo) GetLinks(ctx context.Context, ids []string) (map[string]intel.Link, error) {
	return m.links.get(ctx, ids)
}

// memoTable is one read by ids kept in memory: each id's answer, or
// absent for an id the store does not hold, with the write generation it
// was read at and when.
type memoTable[T any] struct {
	state *analyticsState
	ttl   time.Duration
	read  func(context.Context, []string) (map[string]T, error)
	clone func(T) T

	mu      sync.RWMutex
	entries map[string]memoEntry[T]
}

type memoEntry[T any] struct {
	v      T
	absent bool
	gen    uint64
	at     time.Time
}

// maxMemoEntries bounds each table; past it the table starts over, which
// bounds its memory whatever the graph.
const maxMemoEntries = 100000

func (m *memoTable[T]) get(ctx context.Context, ids []string) (map[string]T, error) {
	gen, now := m.state.gen.Load(), time.Now()
	out := make(map[string]T, len(ids))
	var missing []string
	m.mu.RLock()
	for _, id := range ids {
		e, ok := m.entries[id]
		switch {
		case !ok || e.gen != gen || now.Sub(e.at) >= m.ttl:
			missing = append(missing, id)
		case !e.absent:
			out[id] = m.clone(e.v)
		}
	}
	m.mu.RUnlock()
	if len(missing) == 0 {
		return out, nil
	}
	read, err := m.read(ctx, missing)
	if err != nil {
		return nil, err
	}
	// The generation is the one read before the store was asked: should
	// a write land meanwhile, what was read is already stale to the next
	// request, which reads again.
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil || len(m.entries)+len(missing) > maxMemoEntries {
		m.entries = make(map[string]memoEntry[T], len(missing))
	}
	for _, id := range missing {
		v, ok := read[id]
		m.entries[id] = memoEntry[T]{v: v, absent: !ok, gen: gen, at: now}
		if ok {
			out[id] = m.clone(v)
		}
	}
	return out, nil
}

func cloneClassified(ce intel.ClassifiedEntity) intel.ClassifiedEntity {
	return intel.ClassifiedEntity{Entity: ce.Entity.Clone(), Classes: slices.Clone(ce.Classes)}
}
