package rediscache

import (
	"context"

	"github.com/scamgraph/scamgraph/intel"
)

// delChunk bounds the keys of one DEL command on a single Redis, so that a
// full batch (up to intel.MaxBatchItems items, seven keys per link) does not
// become one enormous command.
const delChunk = 512

// Upsert writes through to the inner store and then deletes every cached
// value the batch may have changed: the entity, summary and classified entity
// of every entity it names (its entities and both ends of each link, which may have been
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

// touchedKeys lists the keys of every cached value the batch may change.
// Entity ids are de-duplicated (a hub number is the end of many links);
// a link id repeated within one batch just deletes its key twice.
func (c *Store) touchedKeys(b intel.Batch) []string {
	ids := make(map[string]struct{}, len(b.Entities)+2*len(b.Links))
	for _, e := range b.Entities {
		ids[e.ID] = struct{}{}
	}
	for _, l := range b.Links {
		ids[l.From] = struct{}{}
		ids[l.To] = struct{}{}
	}
	keys := make([]string, 0, 3*len(ids)+len(b.Links))
	for id := range ids {
		keys = append(keys, c.key(letterEntity, id), c.key(letterSummary, id), c.key(letterClassified, id))
	}
	for _, l := range b.Links {
		// A link sent without an id is stored under the one Normalize
		// gives it; a copy is normalised so the caller's batch stays
		// untouched. A link with a wrong id fails validation and writes
		// nothing.
		if l.ID == "" {
			l.Normalize()
		}
		keys = append(keys, c.key(letterLink, l.ID))
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

// Retract writes through to the inner store and then deletes what the
// retraction changes, as Upsert does: the link and the entity, summary and
// classified entity of both its ends, whose counts no longer include it. Traversals are not
// cached, so pages, expansions and paths see it at the next request.
func (c *Store) Retract(ctx context.Context, r intel.RetractRequest) (intel.Link, error) {
	l, err := c.inner.Retract(ctx, r)
	if code := intel.ErrorCode(err); code == intel.EINVALID || code == intel.ENOTFOUND {
		return l, err
	}
	defer c.writes.Add(1)
	if err == nil {
		c.invalidate(context.WithoutCancel(ctx), c.touchedKeys(intel.Batch{Links: []intel.Link{l}}))
	} else {
		// The retraction may have committed; only its link's key is known.
		c.invalidate(context.WithoutCancel(ctx), []string{c.key(letterLink, r.LinkID)})
	}
	return l, err
}
