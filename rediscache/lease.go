package rediscache

import (
	"context"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// Why fills need leases.
//
// Cache-aside has a well-known race. A reader misses, reads the OLD value
// from the store, and is slow to write it to Redis; meanwhile a writer
// commits the NEW value to the store and deletes the cached key; then the
// reader's write lands and the old value is served until it expires.
// Deleting "harder" (before and after the write) narrows the window but
// does not close it, because the reader's write can land after any delete.
//
// This package closes it with leases, the scheme memcache uses:
//
//  1. A reader that misses first stores a lease in the value's own key:
//     SET key "~<unique token>" NX PX LeaseTTL. NX means it takes the
//     lease only if the key is empty (another reader's lease or a value
//     means "not mine to fill").
//  2. Only then does it read the inner store.
//  3. It fills with fillScript, which writes the value only if the key
//     still holds exactly its own token; the check and the write are one
//     atomic Lua step.
//  4. A writer deletes the key after its store write has committed
//     (invalidation.go). That deletes any lease along with any value.
//
// Why this is sound: if a reader read the old value, its store read (2)
// came before the writer's commit, so its lease (1) existed before the
// writer's delete (4), which removed it; the reader's token can no longer
// be in the key, because tokens are never reused, so its fill (3) writes
// nothing. A reader whose lease was taken after the delete reads the store
// after the commit, and so holds the new value. Expiry or eviction of a
// lease only turns a fill into a no-op: a missing key never matches a
// token. Nothing here depends on clocks or on how long a read takes.
//
// The cost is one extra round trip per miss (taking the lease), pipelined
// for all the ids of one call, and a fill that is a Lua call instead of a
// SET. Every key holds one value or one lease, so the scheme needs no
// second key and works unchanged on Redis Cluster.

// fillScript writes a value only over the caller's own lease.
// KEYS[1] is the cache key; ARGV[1] the caller's lease; ARGV[2] the encoded
// value, or "" to give the lease back unused; ARGV[3] the expiry in ms.
var fillScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
`)

// lease is what one read from the store holds while it runs: its token and
// which of its keys it won.
type lease struct {
	token string
	keys  []string
	held  []bool
}

// newToken returns a lease token no other reader, here or in another
// process, will ever hold: a random process id and a counter.
func (c *Store) newToken() string {
	return string(tagLease) + c.processID + "." + strconv.FormatUint(c.tokens.Add(1), 36)
}

// acquire takes the lease on every key that holds neither a value nor
// another reader's lease, in one round trip. When Redis fails the lease
// holds nothing, so nothing will be filled: the read still goes to the
// store, which is what fail-open means.
func (c *Store) acquire(ctx context.Context, op string, keys []string) lease {
	l := lease{token: c.newToken(), keys: keys}
	held, err := callRedis(ctx, c.opts.Timeout, func(ctx context.Context) ([]bool, error) {
		pipe := c.client.Pipeline()
		cmds := make([]*redis.BoolCmd, len(keys))
		for i, k := range keys {
			cmds[i] = pipe.SetNX(ctx, k, l.token, c.opts.LeaseTTL)
		}
		if _, err := pipe.Exec(ctx); err != nil && !isMiss(err) {
			return nil, err
		}
		held := make([]bool, len(keys))
		for i, cmd := range cmds {
			held[i] = cmd.Val()
		}
		return held, nil
	})
	if err != nil {
		_ = c.cacheFailed(ctx, op, "lease", err)
		return l
	}
	l.held = held
	return l
}

// fill writes the encoded values (by key index; "" gives the lease back)
// over the keys this lease still holds. Failures are counted and otherwise
// ignored: a value that was not cached will be read from the store again.
// It runs even if the caller has just gone (bounded by Options.Timeout), so
// that a finished store read is not wasted and leases are given back rather
// than left to expire.
func (c *Store) fill(ctx context.Context, op string, l lease, values []string) {
	ctx = context.WithoutCancel(ctx)
	var keys []string
	var args [][]any
	for i, held := range l.held {
		if held {
			expiry := c.opts.expiry()
			keys = append(keys, l.keys[i])
			args = append(args, []any{l.token, values[i], strconv.FormatInt(expiry.Milliseconds(), 10)})
		}
	}
	if len(keys) == 0 {
		return
	}
	_, err := callRedis(ctx, c.opts.Timeout, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, c.runFillScript(ctx, keys, args)
	})
	if err != nil {
		_ = c.cacheFailed(ctx, op, "fill", err)
	}
}

// runFillScript runs fillScript once per key in one pipeline, by hash; if a
// Redis node does not know the script yet (first use, restart, failover),
// the affected calls are sent again with the script's source, which also
// teaches it to that node.
func (c *Store) runFillScript(ctx context.Context, keys []string, args [][]any) error {
	pipe := c.client.Pipeline()
	cmds := make([]*redis.Cmd, len(keys))
	for i, k := range keys {
		cmds[i] = fillScript.EvalSha(ctx, pipe, []string{k}, args[i]...)
	}
	_, _ = pipe.Exec(ctx)
	var again []int
	for i, cmd := range cmds {
		if isNoScript(cmd.Err()) {
			again = append(again, i)
		}
	}
	if len(again) > 0 {
		pipe = c.client.Pipeline()
		for _, i := range again {
			cmds[i] = fillScript.Eval(ctx, pipe, []string{keys[i]}, args[i]...)
		}
		_, _ = pipe.Exec(ctx)
	}
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil && !isMiss(err) {
			return err
		}
	}
	return nil
}
