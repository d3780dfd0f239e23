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
// entry is read only if the generation was read before the documents, so
// a read racing a change is never kept past it.
type termsCache struct {
	ttl     time.Duration
	gen     atomic.Uint64
	mu      sync.Mutex
	entries map[string]termsEntry
}

type termsEntry struct {
	gen   uint64
	until time.Time
	docs  *termsDocs
}

// termsDocs is what Terms reads of the backend for one key: the key's own
// document (empty when there is none), every agreement, and the grants of
// the key's agency.
type termsDocs struct {
	key        []Doc
	agreements []Agreement
	grants     []Grant
}

func newTermsCache(ttl time.Duration) *termsCache {
	return &termsCache{ttl: ttl, entries: map[string]termsEntry{}}
}

// generation is read before the documents a later put stamps.
func (c *termsCache) generation() uint64 { return c.gen.Load() }

// get returns the documents of key id if they were read under the current
// generation less than ttl ago.
func (c *termsCache) get(id string) (*termsDocs, bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	gen := c.gen.Load()
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if !ok || e.gen != gen || !time.Now().Before(e.until) {
		return nil, false
	}
	return e.docs, true
}

// put keeps d for key id, read under generation gen; a stale gen keeps
// nothing.
func (c *termsCache) put(id string, gen uint64, d *termsDocs) {
	if c.ttl <= 0 || len(d.key) == 0 || gen != c.gen.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxTermsEntries {
		c.entries = map[string]termsEntry{}
	}
	c.entries[id] = termsEntry{gen: gen, until: time.Now().Add(c.ttl), docs: d}
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
