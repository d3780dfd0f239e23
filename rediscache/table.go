package rediscache

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// table is one kind of cached value, kept under its own key letter: entities
// ("e"), summaries ("s"), links ("l") and classified entities ("k"). Each is read
// the same way; only where misses come from differs.
type table[T any] struct {
	// letter names the table in keys: Prefix + letter + ":" + id.
	letter string
	// fetch reads ids from the inner store; ids it does not return are
	// not stored, and are never cached (see getMany).
	fetch func(ctx context.Context, ids []string) (map[string]T, error)
}

// key returns the Redis key of one id in table t.
func (c *Store) key(letter, id string) string {
	return c.opts.Prefix + letter + ":" + id
}

// getMany is cache-aside for a batch of ids: one MGET, then one inner-store
// read for all the misses together, whose results are written back in one
// pipeline. Ids the store does not hold are not cached ("not found" is never
// cached), so a write that creates them needs nothing more than the delete
// every write does. op names the Store method for the Observer.
//
// Every value handed out, hit or miss, is decoded from its cached encoding
// for this caller alone. That makes each result a deep copy, and makes a
// miss indistinguishable from the hit that follows it (down to nil versus
// empty slices, which a field-by-field copy can blur).
func getMany[T any](ctx context.Context, c *Store, op string, t *table[T], ids []string) (map[string]T, error) {
	ids = distinct(ids)
	out := make(map[string]T, len(ids))
	if len(ids) == 0 {
		return out, ctx.Err()
	}
	var cached []any
	useCache := c.readsUseRedis()
	if useCache {
		keys := make([]string, len(ids))
		for i, id := range ids {
			keys[i] = c.key(t.letter, id)
		}
		var err error
		cached, err = callRedis(ctx, c.opts.Timeout, func(ctx context.Context) ([]any, error) {
			return c.mget(ctx, keys)
		})
		if err != nil {
			useCache = false
			if err := c.cacheFailed(ctx, op, "get", err); err != nil {
				return nil, err
			}
		}
	}
	var missing []string
	for i, id := range ids {
		var v T
		if useCache {
			if s, ok := cached[i].(string); ok && decode(s, &v) {
				out[id] = v
				c.opts.Observer.CacheHit(op)
				continue
			}
		}
		missing = append(missing, id)
		c.opts.Observer.CacheMiss(op)
	}
	if len(missing) == 0 {
		return out, nil
	}
	fetched, err := load(ctx, c, t, missing, useCache)
	if err != nil {
		return nil, err
	}
	for id, s := range fetched {
		var v T
		if !decode(s, &v) {
			return nil, fmt.Errorf("rediscache: %s: value of %q does not decode", op, id)
		}
		out[id] = v
	}
	return out, nil
}

// load reads missing ids from the inner store so that concurrent callers
// asking for the same ids share one store read (singleflight), instead of
// all stampeding to the store when a hot key expires. The shared result is
// the encoded values, which are immutable strings.
//
// The flight key carries the count of writes this process has finished, so
// that a read which starts after an Upsert returned never joins a flight
// that read the store before that write: read-after-write holds within the
// process even though flights are shared.
func load[T any](ctx context.Context, c *Store, t *table[T], ids []string, useCache bool) (map[string]string, error) {
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	flight := t.letter + "\x00" + strconv.FormatUint(c.writes.Load(), 10) + "\x00" + strings.Join(sorted, "\x00")
	ch := c.flights.DoChan(flight, func() (any, error) {
		return readThrough(ctx, c, t, sorted, useCache)
	})
	select {
	case r := <-ch:
		if r.Err != nil && r.Shared && ctx.Err() == nil && isContextError(r.Err) {
			// The caller that led the flight gave up; this one has not, so
			// it reads for itself.
			return readThrough(ctx, c, t, sorted, useCache)
		}
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(map[string]string), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readThrough takes leases, reads the inner store and fills what it leased
// (see lease.go for why in that order), returning the encoded values of the
// ids the store holds. Errors from the inner store are returned as they
// are, so that the decorator stays invisible to callers.
func readThrough[T any](ctx context.Context, c *Store, t *table[T], ids []string, useCache bool) (map[string]string, error) {
	op := opOf(t.letter)
	var l lease
	if useCache {
		keys := make([]string, len(ids))
		for i, id := range ids {
			keys[i] = c.key(t.letter, id)
		}
		l = c.acquire(ctx, op, keys)
	}
	got, err := t.fetch(ctx, ids)
	values := make([]string, len(ids))
	encoded := make(map[string]string, len(got))
	for i, id := range ids {
		v, ok := got[id]
		if !ok || err != nil {
			continue
		}
		// Only a value JSON cannot represent fails here, which would be
		// a bug in the inner store; the read fails rather than hide it.
		if values[i], err = encode(v); err == nil {
			encoded[id] = values[i]
		}
	}
	// Ids without a value (not stored, or the read failed) give their
	// leases back, so that the next reader need not wait for them to expire.
	c.fill(ctx, op, l, values)
	if err != nil {
		return nil, err
	}
	return encoded, nil
}

// mget reads keys in one round trip: MGET on a single Redis; on a Cluster
// or Ring, whose keys live on several nodes, a pipeline of GETs, which the
// client splits by node.
func (c *Store) mget(ctx context.Context, keys []string) ([]any, error) {
	if !c.sharded {
		return c.client.MGet(ctx, keys...).Result()
	}
	pipe := c.client.Pipeline()
	cmds := make([]*redis.StringCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.Get(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil && !isMiss(err) {
		return nil, err
	}
	out := make([]any, len(keys))
	for i, cmd := range cmds {
		if s, err := cmd.Result(); err == nil {
			out[i] = s
		}
	}
	return out, nil
}

// opOf names, for the Observer, the read that fills a table. FindEntity
// shares the entity table and its fills are counted under GetEntities.
func opOf(letter string) string {
	switch letter {
	case letterEntity:
		return "GetEntities"
	case letterSummary:
		return "Summaries"
	case letterClassified:
		return "GetClassified"
	default:
		return "GetLinks"
	}
}

// distinct returns ids without repeats, in first-seen order.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
