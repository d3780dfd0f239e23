package access

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// TermsTTL is how long the Registry reuses what it read of one key's terms
// (the key, the agreements, the grants) before reading them again.
//
// Every API request is decided by its terms, so reading them afresh cost
// every request one round trip to the backend, which on Neo4j was as dear
// as the read it served. Every change made through the Registry (a key
// revoked, an agreement suspended, evidence granted) drops what it holds
// before the change is acknowledged, so a change made through this process
// takes effect on the very next request. Only a change made through
// another process sharing the backend (another replica on one Neo4j, the
// CLI beside a running server) can go unseen, and for at most TermsTTL.
// Expiry needs no invalidation: a key's expiry and an agreement's window
// are checked against each request's own time, never cached.
const TermsTTL = 500 * time.Millisecond

// maxTermsEntries bounds the cache: one entry per key in use. Only keys
// that exist are kept, so random ids sent by a stranger cannot grow it;
// when full, it starts over.
const maxTermsEntries = 4096

// termsCache keeps, per key id, the documents a request's terms are made
// of, already decoded, each stamped with the generation it was read under.
// A change bumps the generation, which retires every entry at once; an
// entry is kept only if the generation was read before the documents, so
// a read racing a change is never kept past it.
//
// Under load many requests of one key arrive together, so two more things
// keep the backend out of their way. Concurrent misses of one key under one
// generation share one read (a request waits for a read that began before
// it, under the generation it sees, so it sees every change acknowledged
// before it). And an entry past half its life is read again in the
// background by the first request to notice, while requests go on using it:
// the terms a request is decided by are still never older than ttl, but a
// busy key's requests never wait for the read.
type termsCache struct {
	ttl     time.Duration
	gen     atomic.Uint64
	mu      sync.Mutex
	entries map[string]*termsEntry
	flights map[termsFlightKey]*termsFlight
}

type termsEntry struct {
	gen  uint64
	read time.Time
	docs *termsDocs
	// refreshing is set by the request that starts the background read.
	refreshing atomic.Bool
}

type termsFlightKey struct {
	id  string
	gen uint64
}

// termsFlight is one read of a key's terms that concurrent misses share.
type termsFlight struct {
	done chan struct{}
	docs *termsDocs
	err  error
}

// termsDocs is what Terms reads of the backend for one key: the key's own
// record, decoded (nil when there is none), every agreement, and the
// grants of the key's agency.
type termsDocs struct {
	rec        *keyRecord
	agreements []Agreement
	grants     []Grant
}

func newTermsCache(ttl time.Duration) *termsCache {
	return &termsCache{ttl: ttl, entries: map[string]*termsEntry{}, flights: map[termsFlightKey]*termsFlight{}}
}

// termsRefreshTimeout bounds a shared read of terms: it outlives the
// request that began it, so it must not linger on a backend that does not
// answer.
const termsRefreshTimeout = 10 * time.Second

// load returns the terms documents of key id: from the cache while they
// are younger than ttl, otherwise read by read (shared with concurrent
// misses). A cached entry past half its life starts one background read.
func (c *termsCache) load(ctx context.Context, id string, read func(context.Context, string) (*termsDocs, error)) (*termsDocs, error) {
	if c.ttl <= 0 {
		return read(ctx, id)
	}
	gen := c.gen.Load()
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && e.gen == gen {
		age := time.Since(e.read)
		if age < c.ttl {
			if age >= c.ttl/2 && e.refreshing.CompareAndSwap(false, true) {
				c.refresh(ctx, id, gen, read)
			}
			return e.docs, nil
		}
	}
	return c.fetch(ctx, id, gen, read)
}

// fetch reads key id's documents under generation gen, joining a read of
// the same key and generation already in flight, and keeps what it read.
// The read runs on its own, so that it does not stop because the request
// that began it ended while others wait for it; each caller waits only as
// long as its own context allows.
func (c *termsCache) fetch(ctx context.Context, id string, gen uint64, read func(context.Context, string) (*termsDocs, error)) (*termsDocs, error) {
	k := termsFlightKey{id: id, gen: gen}
	c.mu.Lock()
	f, ok := c.flights[k]
	if !ok {
		f = &termsFlight{done: make(chan struct{})}
		c.flights[k] = f
		go c.run(context.WithoutCancel(ctx), k, f, read)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.docs, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// run is one shared read; it keeps what it read if no change came meanwhile.
func (c *termsCache) run(ctx context.Context, k termsFlightKey, f *termsFlight, read func(context.Context, string) (*termsDocs, error)) {
	ctx, cancel := context.WithTimeout(ctx, termsRefreshTimeout)
	defer cancel()
	start := time.Now()
	f.docs, f.err = read(ctx, k.id)
	c.mu.Lock()
	delete(c.flights, k)
	if f.err == nil && f.docs.rec != nil && k.gen == c.gen.Load() {
		if len(c.entries) >= maxTermsEntries {
			clear(c.entries)
		}
		// The entry's age counts from before the read, so that what it
		// holds is never older than its age says.
		c.entries[k.id] = &termsEntry{gen: k.gen, read: start, docs: f.docs}
	}
	c.mu.Unlock()
	close(f.done)
}

// refresh starts a shared read of key id in the background, unless one is
// in flight.
func (c *termsCache) refresh(ctx context.Context, id string, gen uint64, read func(context.Context, string) (*termsDocs, error)) {
	k := termsFlightKey{id: id, gen: gen}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.flights[k]; ok {
		return
	}
	f := &termsFlight{done: make(chan struct{})}
	c.flights[k] = f
	go c.run(context.WithoutCancel(ctx), k, f, read)
}

// invalidate retires every entry.
func (c *termsCache) invalidate() {
	c.gen.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}

// invalidatingRecords is the Registry's backend with every document write
// retiring the terms cache once the write has returned, so that whoever
// the write was acknowledged to sees it on the next request.
type invalidatingRecords struct {
	Records
	terms *termsCache
}

func (r invalidatingRecords) Commit(ctx context.Context, puts []Put, audit *AuditEntry) (AuditEntry, error) {
	if len(puts) > 0 {
		defer r.terms.invalidate()
	}
	return r.Records.Commit(ctx, puts, audit)
}
