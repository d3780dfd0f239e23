// Package rediscache is a cache decorator for any intel.Store: it answers
// the hot point reads (entities by id or key, links by id, summaries,
// entities with their fact classes) from
// Redis and sends everything else, and every miss, to the store it wraps.
//
// It is cache-aside with a TTL, and it is built to be invisible: the same
// conformance suite that proves the stores runs against it. Three rules make
// that hold:
//   - Every write deletes the cached values it may change, after the store
//     has committed it, and readers can only fill a key over a lease taken
//     before their store read, so a slow reader can never put back a value
//     a write has replaced (lease.go explains why this is sound).
//   - "Not found" is never cached, so a write that creates something has
//     nothing to undo.
//   - Redis is optional: when it fails or is slow, reads are served from
//     the store and writes still succeed; the failure is counted and
//     logged at a bounded rate, never returned (failopen.go).
//
// Redis is reached through redis.UniversalClient, so a single node, Sentinel
// and Cluster all work; on Cluster every Redis command touches one key, so
// nothing depends on keys sharing a slot.
package rediscache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"

	"github.com/scamgraph/scamgraph/intel"
)

// The key letters of the cached tables.
const (
	letterEntity     = "e"
	letterSummary    = "s"
	letterLink       = "l"
	letterClassified = "k"
)

// Store is an intel.Store that caches another one in Redis. It is safe for
// concurrent use, like the store it wraps.
type Store struct {
	inner  intel.Store
	client redis.UniversalClient
	opts   Options
	// sharded is true when keys live on several Redis nodes, where a
	// multi-key command would cross slots.
	sharded bool

	// processID and tokens make lease tokens unique across processes.
	processID string
	tokens    atomic.Uint64
	// writes counts finished Upserts; it keeps reads that start after a
	// write out of flights that started before it (see load).
	writes  atomic.Uint64
	flights singleflight.Group
	errLog  errorLog
	// readsResume is when reads may use Redis again after a failure, in
	// Unix nanoseconds (see readsUseRedis).
	readsResume atomic.Int64

	entities   table[intel.Entity]
	summaries  table[intel.Summary]
	links      table[intel.Link]
	classified table[intel.ClassifiedEntity]
}

var _ intel.Store = (*Store)(nil)

// New wraps inner with a Redis cache reached through client. The caller
// keeps ownership of client: Close closes inner but not client, because one
// client is usually shared by the whole process (the readiness probe, other
// caches) and outlives any one store.
func New(inner intel.Store, client redis.UniversalClient, opts Options) *Store {
	c := &Store{inner: inner, client: client, opts: opts.withDefaults(), processID: randomID()}
	switch client.(type) {
	case *redis.ClusterClient, *redis.Ring:
		c.sharded = true
	}
	c.entities = table[intel.Entity]{letter: letterEntity, fetch: inner.GetEntities}
	c.summaries = table[intel.Summary]{letter: letterSummary, fetch: inner.Summaries}
	c.links = table[intel.Link]{letter: letterLink, fetch: inner.GetLinks}
	c.classified = table[intel.ClassifiedEntity]{letter: letterClassified, fetch: inner.GetClassified}
	return c
}

// randomID returns 64 random bits as text. crypto/rand does not fail on the
// platforms Go supports; should it, a fixed id still yields tokens unique
// within this process, and only cross-process uniqueness would weaken.
func randomID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "0"
	}
	return hex.EncodeToString(b[:])
}

// Ping checks the inner store only. The cache is optional: a service whose
// Redis is down still answers correctly, so Redis must not make it unready.
func (c *Store) Ping(ctx context.Context) error {
	return c.inner.Ping(ctx)
}

// CachePing checks Redis, within the read timeout, so that /readyz can
// report the cache's health beside the store's without failing on it.
func (c *Store) CachePing(ctx context.Context) error {
	_, err := callRedis(ctx, c.opts.Timeout, func(ctx context.Context) (string, error) {
		return c.client.Ping(ctx).Result()
	})
	if err != nil {
		return fmt.Errorf("rediscache: ping Redis: %w", err)
	}
	return nil
}

// Close closes the inner store. It does not close the Redis client, which
// the caller owns (see New).
func (c *Store) Close() error {
	return c.inner.Close()
}
