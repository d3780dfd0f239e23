package rediscache

import (
	"math/rand/v2"
	"time"

	"github.com/rs/zerolog"
)

// Defaults for the zero values of Options. They suit one service talking to a
// Redis on the same network: hot answers stay for minutes, and a Redis that
// does not answer within a tenth of a second is treated as down for that call.
const (
	DefaultPrefix              = "scamgraph:v3:"
	DefaultTTL                 = 10 * time.Minute
	DefaultJitter              = 0.1
	DefaultTimeout             = 100 * time.Millisecond
	DefaultInvalidationTimeout = time.Second
	DefaultLeaseTTL            = 10 * time.Second
	DefaultRetryAfter          = time.Second
	DefaultLogInterval         = 30 * time.Second
)

// Options tune the cache. Every zero value means the default above, so that
// Options{} is a sensible configuration and a config file only names what it
// changes.
type Options struct {
	// Prefix starts every key the cache writes, so that several deployments
	// (or an old and a new encoding) can share one Redis without meeting.
	Prefix string
	// TTL bounds how long a value stays cached. It is also the longest a
	// value can stay stale when Redis could not be reached to invalidate it
	// after a write.
	TTL time.Duration
	// Jitter is the fraction of TTL by which each key's expiry is shortened
	// at random, so that keys filled together do not all expire together and
	// send one wave of misses to the store. Zero means DefaultJitter; a
	// negative value turns jitter off. Values of 1 or more are capped below 1.
	Jitter float64
	// Timeout bounds each Redis call on the read path. When it passes, the
	// read is served from the inner store as if Redis were down.
	Timeout time.Duration
	// InvalidationTimeout bounds the deletion of cached values after a write.
	// It is longer than Timeout because a failed invalidation leaves a stale
	// value for up to TTL, while a failed read only costs a store read.
	InvalidationTimeout time.Duration
	// LeaseTTL bounds how long a reader's claim to fill a key lasts (see
	// lease.go). It must exceed a slow store read: a fill whose lease has
	// expired is dropped, which is safe but wastes the read.
	LeaseTTL time.Duration
	// RetryAfter is how long reads leave Redis alone after a Redis call
	// failed, so that an outage costs one Timeout per interval instead of
	// one per read. Writes never skip Redis: they always try to delete
	// what they changed (see invalidation.go).
	RetryAfter time.Duration
	// LogInterval is the shortest time between two log lines about Redis
	// errors, so that a Redis outage does not flood the log.
	LogInterval time.Duration
	// Logger receives the rate-limited Redis error reports. Its zero value
	// logs nothing.
	Logger zerolog.Logger
	// Observer counts hits, misses and errors; nil counts nothing.
	Observer Observer
}

// Observer receives cache events so that the server can export them, e.g.
// as Prometheus counters, without this package depending on a metrics
// library. op is the Store method name ("GetEntities", "FindEntity",
// "GetLinks", "Summaries", "GetClassified", "Upsert"). Hits and misses are counted per id,
// not per call, so that the hit ratio means what an operator expects.
// Implementations must be safe for concurrent use and fast: they are called
// on every read.
type Observer interface {
	// CacheHit records one id answered from Redis.
	CacheHit(op string)
	// CacheMiss records one id that had to be read from the inner store.
	CacheMiss(op string)
	// CacheError records one failed Redis call; the caller was still served.
	CacheError(op string)
}

// noObserver is the Observer used when none is configured.
type noObserver struct{}

func (noObserver) CacheHit(string)   {}
func (noObserver) CacheMiss(string)  {}
func (noObserver) CacheError(string) {}

// withDefaults returns o with every unset field given its default.
func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	switch {
	case o.Jitter == 0:
		o.Jitter = DefaultJitter
	case o.Jitter < 0:
		o.Jitter = 0
	case o.Jitter >= 1:
		o.Jitter = 0.99
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.InvalidationTimeout <= 0 {
		o.InvalidationTimeout = DefaultInvalidationTimeout
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = DefaultRetryAfter
	}
	if o.LogInterval <= 0 {
		o.LogInterval = DefaultLogInterval
	}
	if o.Observer == nil {
		o.Observer = noObserver{}
	}
	return o
}

// expiry returns the lifetime of one new cached value: TTL shortened by a
// random part of up to Jitter·TTL. Shortening rather than lengthening keeps
// TTL an upper bound, which is what the staleness promise above relies on.
func (o Options) expiry() time.Duration {
	span := int64(float64(o.TTL) * o.Jitter)
	if span <= 0 {
		return o.TTL
	}
	return o.TTL - time.Duration(rand.Int64N(span+1))
}
