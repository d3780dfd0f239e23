package rediscache

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// result carries what one Redis call produced back from its goroutine.
type result[R any] struct {
	val R
	err error
}

// callRedis runs fn with a deadline of timeout and returns when fn does or
// the deadline passes, whichever comes first.
//
// go-redis only applies a context deadline to socket reads when the client
// was built with ContextTimeoutEnabled; otherwise a Redis that accepts
// connections but never answers holds the caller for the client's
// ReadTimeout (seconds). The client belongs to the caller, so rather than
// depend on how it was built, fn runs in its own goroutine and is abandoned
// at the deadline; it ends by itself within the client's own timeouts. An
// abandoned call is harmless: reads are discarded, a late fill is still
// checked against its lease, and a late delete only deletes.
func callRedis[R any](ctx context.Context, timeout time.Duration, fn func(ctx context.Context) (R, error)) (R, error) {
	var zero R
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	// The context is cancelled here, once the caller stops waiting, and
	// never by fn's goroutine: were fn to cancel it on return, a finished
	// call could race with its own cancellation in the select below.
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan result[R], 1)
	go func() {
		v, err := fn(ctx)
		done <- result[R]{v, err}
	}()
	select {
	case r := <-done:
		return r.val, r.err
	case <-ctx.Done():
		// A result that arrived together with the deadline still counts.
		select {
		case r := <-done:
			return r.val, r.err
		default:
			return zero, ctx.Err()
		}
	}
}

// errorLog reports Redis errors at most once per interval, with the number of
// errors it kept quiet about since the last report, so that an outage costs
// one log line per interval instead of one per request.
type errorLog struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// cacheFailed records a failed Redis call made for op and decides whether
// the caller may go on without the cache. It returns nil when the caller
// should carry on from the inner store (Redis is at fault), and the
// caller's own context error when that context ended: then nothing is
// counted, because a caller who gave up is not a Redis failure. A Redis
// failure also makes reads skip Redis for Options.RetryAfter.
func (c *Store) cacheFailed(ctx context.Context, op, action string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	c.readsResume.Store(time.Now().Add(c.opts.RetryAfter).UnixNano())
	c.opts.Observer.CacheError(op)
	c.errLog.mu.Lock()
	now := time.Now()
	if !c.errLog.last.IsZero() && now.Sub(c.errLog.last) < c.opts.LogInterval {
		c.errLog.suppressed++
		c.errLog.mu.Unlock()
		return nil
	}
	suppressed := c.errLog.suppressed
	c.errLog.last, c.errLog.suppressed = now, 0
	c.errLog.mu.Unlock()
	c.opts.Logger.Warn().Err(err).Str("op", op).Str("action", action).
		Int("suppressed", suppressed).Dur("interval", c.opts.LogInterval).
		Msg("rediscache: Redis failed; serving from the store")
	return nil
}

// readsUseRedis reports whether reads may try Redis, i.e. whether
// Options.RetryAfter has passed since the last Redis failure. Reads that
// may not are served from the inner store and counted as misses.
func (c *Store) readsUseRedis() bool {
	return time.Now().UnixNano() >= c.readsResume.Load()
}

// isNoScript reports whether Redis answered that it does not know a script
// by its hash (after a restart, a failover or SCRIPT FLUSH).
func isNoScript(err error) bool {
	return err != nil && redis.HasErrorPrefix(err, "NOSCRIPT")
}

// isMiss reports whether err only says that a key does not exist.
func isMiss(err error) bool {
	return errors.Is(err, redis.Nil)
}
