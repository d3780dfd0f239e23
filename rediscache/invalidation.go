package rediscache

import (
	"context"

	"github.com/scamgraph/scamgraph/intel"
)

// delChunk bounds the keys of one DEL command on a single Redis, so that a
// full batch (up to intel.MaxBatchItems items, five keys per link) does not
// become one enormous command.
const delChunk = 512

// Upsert writes through to the inner store and then deletes every cached
// value the batch may have changed: the entity and summary of every entity
// it names (its entities and both ends of each link, which may have been
// created as stubs and whose summaries count the new links) and each of its
// links. Deleting after the commit, together with the leases readers must
// hold to fill (lease.go), means no reader can put back a value this write
// replaced.
//
// The delete runs even when the caller's context has just ended, because
// the write may have committed anyway; only a batch the store rejected as
// invalid (which by contract wrote nothing) skips it. If Redis cannot be
// reached, the write still succeeds: the failure is counted and logged, and
// the stale values it could not delete expire within Options.TTL. That is
// the price of a cache that is optional.
func (c *Store) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	res, err := c.inner.Upsert(ctx, b)
	if intel.ErrorCode(err) == intel.EINVALID {
		return res, err
	}
	// Counted before returning, so that reads starting after this call
	// returns never share a store read that started before it (see load).
	defer c.writes.Add(1)
	c.invalidate(context.WithoutCancel(ctx), c.touchedKeys(b))
	return res, err
}

// touchedKeys lists, without repeats, the keys of every cached value the
// batch may change.
func (c *Store) touchedKeys(b intel.Batch) []string {
	seen := map[string]bool{}
	var keys []string
	add := func(letter, id string) {
		k := c.key(letter, id)
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	entity := func(id string) {
		add(letterEntity, id)
		add(letterSummary, id)
	}
	for _, e := range b.Entities {
		entity(e.ID)
	}
	for _, l := range b.Links {
		entity(l.From)
		entity(l.To)
		// The store stores the link under the id Normalize gives it; a
		// copy is normalised so that the caller's batch stays untouched.
		n := l
		n.Normalize()
		add(letterLink, n.ID)
	}
	return keys
}

// invalidate deletes keys in one round trip: chunked multi-key DELs on a
// single Redis, one DEL per key on Cluster or Ring, whose keys live on
// different nodes.
func (c *Store) invalidate(ctx context.Context, keys []string) {
	if len(keys) == 0 {
		return
	}
	_, err := callRedis(ctx, c.opts.InvalidationTimeout, func(ctx context.Context) (struct{}, error) {
		pipe := c.client.Pipeline()
		if c.sharded {
			for _, k := range keys {
				pipe.Del(ctx, k)
			}
		} else {
			for start := 0; start < len(keys); start += delChunk {
				pipe.Del(ctx, keys[start:min(start+delChunk, len(keys))]...)
			}
		}
		_, err := pipe.Exec(ctx)
		return struct{}{}, err
	})
	if err != nil {
		_ = c.cacheFailed(ctx, "Upsert", "invalidate", err)
	}
}
