package rediscache_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/conformance"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
	"github.com/scamgraph/scamgraph/rediscache"
	"github.com/scamgraph/scamgraph/servicetest"
)

var (
	sharedClient redis.UniversalClient
	clientErr    error
	clientOnce   sync.Once
)

// MustClient returns the test binary's one client for the Redis named by
// REDIS_URL (`make services` starts one). A run that cannot reach Redis
// fails; without REDIS_URL the test skips unless services are required
// (servicetest), so CI can never pass without it.
func MustClient(t testing.TB) redis.UniversalClient {
	t.Helper()
	url := servicetest.Env(t, "REDIS_URL")
	clientOnce.Do(func() {
		var opt *redis.Options
		opt, clientErr = redis.ParseURL(url)
		if clientErr != nil {
			return
		}
		sharedClient = redis.NewUniversalClient(&redis.UniversalOptions{
			Addrs: []string{opt.Addr}, DB: opt.DB, Username: opt.Username, Password: opt.Password,
			TLSConfig: opt.TLSConfig,
		})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		clientErr = sharedClient.Ping(ctx).Err()
	})
	if clientErr != nil {
		t.Fatalf("Redis at %s: %v", url, clientErr)
	}
	return sharedClient
}

// MustPrefix returns a key prefix that no other test, run or package uses,
// so that tests can share one Redis database without flushing it under each
// other, and deletes the prefix's keys when the test ends.
func MustPrefix(t testing.TB, client redis.UniversalClient) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	prefix := "scamgraph-test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("list test keys: %v", err)
			return
		}
		// One DEL per key, so that the clean-up also works where keys
		// live in different cluster slots.
		pipe := client.Pipeline()
		for _, k := range keys {
			pipe.Del(ctx, k)
		}
		if _, err := pipe.Exec(ctx); err != nil && len(keys) > 0 {
			t.Errorf("delete test keys: %v", err)
		}
	})
	return prefix
}

// MustOpen opens an embedded store in dir and closes it when the test ends.
func MustOpen(t testing.TB, dir string) *embeddedstore.Store {
	t.Helper()
	s, err := embeddedstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// cache is one cache under test with what tests look at around it.
type cache struct {
	*rediscache.Store
	inner  *countingStore
	client redis.UniversalClient
	prefix string
}

// storeOpener opens an empty store of one backend for one test.
type storeOpener func(t testing.TB) intel.Store

// openEmbedded opens an empty embedded store.
func openEmbedded(t testing.TB) intel.Store { return MustOpen(t, t.TempDir()) }

// openNeo4j empties the Neo4j of `make services` and opens it.
func openNeo4j(t testing.TB) intel.Store { return neo4jtest.Open(t) }

// onEveryStore runs a cache test over each backend the cache decorates in
// production: the embedded store and Neo4j. The cache must behave the
// same over both; Neo4j's answers (its ordering, its empty values, its
// errors) are the ones an embedded-only run would never show it.
func onEveryStore(t *testing.T, run func(t *testing.T, open storeOpener)) {
	t.Run("embedded", func(t *testing.T) { run(t, openEmbedded) })
	t.Run("neo4j", func(t *testing.T) { run(t, openNeo4j) })
}

// MustCache wraps a fresh store that open makes with the cache under a
// fresh prefix.
func MustCache(t testing.TB, open storeOpener, opts rediscache.Options) cache {
	t.Helper()
	client := MustClient(t)
	if opts.Prefix == "" {
		opts.Prefix = MustPrefix(t, client)
	}
	// A Redis failure in a test that expects a working Redis is worth
	// seeing in the output. (Tests of the log itself call New directly.)
	opts.Logger = zerolog.New(zerolog.NewTestWriter(t))
	inner := &countingStore{Store: open(t)}
	return cache{Store: rediscache.New(inner, client, opts), inner: inner, client: client, prefix: opts.Prefix}
}

// Key returns the Redis key of a cached value: letter "e" for entities,
// "s" for summaries, "l" for links, "k" for classified entities.
func (c cache) Key(letter, id string) string { return c.prefix + letter + ":" + id }

func TestConformance(t *testing.T) {
	client := MustClient(t)
	t.Run("embedded", func(t *testing.T) { conformanceOverEmbedded(t, client) })
	t.Run("neo4j", func(t *testing.T) { conformanceOverNeo4j(t, client) })
}

// conformanceOverNeo4j runs the suite over the cache in front of Neo4j.
// A restart closes the cache and its store and opens a new driver over the
// same database, while Redis keeps what was cached.
func conformanceOverNeo4j(t *testing.T, client redis.UniversalClient) {
	var mu sync.Mutex
	prefixes := map[intel.Store]string{}
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) intel.Store {
			prefix := MustPrefix(t, client)
			c := rediscache.New(neo4jtest.Open(t), client, rediscache.Options{Prefix: prefix})
			mu.Lock()
			prefixes[c] = prefix
			mu.Unlock()
			return c
		},
		Reopen: func(t *testing.T, s intel.Store) intel.Store {
			mu.Lock()
			prefix := prefixes[s]
			mu.Unlock()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return rediscache.New(neo4jtest.Reopen(t), client, rediscache.Options{Prefix: prefix})
		},
	})
}

// conformanceOverEmbedded runs the suite over the cache in front of the
// embedded store.
func conformanceOverEmbedded(t *testing.T, client redis.UniversalClient) {
	type opened struct{ dir, prefix string }
	var mu sync.Mutex
	stores := map[intel.Store]opened{}
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) intel.Store {
			o := opened{dir: t.TempDir(), prefix: MustPrefix(t, client)}
			c := rediscache.New(MustOpen(t, o.dir), client, rediscache.Options{Prefix: o.prefix})
			mu.Lock()
			stores[c] = o
			mu.Unlock()
			return c
		},
		// A restart of the service: the store is closed and opened again
		// on the same data, while Redis, which outlives the service, keeps
		// what was cached before.
		Reopen: func(t *testing.T, s intel.Store) intel.Store {
			mu.Lock()
			o := stores[s]
			mu.Unlock()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return rediscache.New(MustOpen(t, o.dir), client, rediscache.Options{Prefix: o.prefix})
		},
	})
}

// TestConformanceWithRedisDown runs the whole suite with a client whose
// Redis refuses every connection: fail-open means the decorator is still a
// correct store, only without its cache.
func TestConformanceWithRedisDown(t *testing.T) {
	client := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"127.0.0.1:1"}, MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	dirs := map[intel.Store]string{}
	var mu sync.Mutex
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) intel.Store {
			dir := t.TempDir()
			c := rediscache.New(MustOpen(t, dir), client, rediscache.Options{})
			mu.Lock()
			dirs[c] = dir
			mu.Unlock()
			return c
		},
		Reopen: func(t *testing.T, s intel.Store) intel.Store {
			mu.Lock()
			dir := dirs[s]
			mu.Unlock()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return rediscache.New(MustOpen(t, dir), client, rediscache.Options{})
		},
	})
}

func BenchmarkStore(b *testing.B) {
	conformance.Bench(b, func(b *testing.B) intel.Store {
		return MustCache(b, openEmbedded, rediscache.Options{}).Store
	})
}

// countingStore counts the reads that reach the store it wraps, so that
// tests can tell a cache hit from a miss without timing anything. hold,
// when set, is called after a read and before it returns, so that a test
// can pause a reader that already has its answer.
type countingStore struct {
	intel.Store
	mu      sync.Mutex
	calls   map[string]int
	lastIDs map[string][]string
	hold    func(op string)
}

func (s *countingStore) count(op string, ids []string) {
	s.mu.Lock()
	if s.calls == nil {
		s.calls, s.lastIDs = map[string]int{}, map[string][]string{}
	}
	s.calls[op]++
	s.lastIDs[op] = append([]string(nil), ids...)
	hold := s.hold
	s.mu.Unlock()
	if hold != nil {
		hold(op)
	}
}

// Calls returns how many times op reached the inner store.
func (s *countingStore) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// LastIDs returns the ids of the last op that reached the inner store.
func (s *countingStore) LastIDs(op string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastIDs[op]
}

// Hold installs (or, with nil, removes) the hook that pauses reads.
func (s *countingStore) Hold(fn func(op string)) {
	s.mu.Lock()
	s.hold = fn
	s.mu.Unlock()
}

func (s *countingStore) GetEntities(ctx context.Context, ids []string) (map[string]intel.Entity, error) {
	got, err := s.Store.GetEntities(ctx, ids)
	s.count("GetEntities", ids)
	return got, err
}

func (s *countingStore) GetClassified(ctx context.Context, ids []string) (map[string]intel.ClassifiedEntity, error) {
	got, err := s.Store.GetClassified(ctx, ids)
	s.count("GetClassified", ids)
	return got, err
}

func (s *countingStore) GetLinks(ctx context.Context, ids []string) (map[string]intel.Link, error) {
	got, err := s.Store.GetLinks(ctx, ids)
	s.count("GetLinks", ids)
	return got, err
}

func (s *countingStore) FindEntity(ctx context.Context, kind intel.Kind, key string) (intel.Entity, error) {
	got, err := s.Store.FindEntity(ctx, kind, key)
	s.count("FindEntity", []string{intel.EntityID(kind, key)})
	return got, err
}

func (s *countingStore) Summaries(ctx context.Context, ids []string) (map[string]intel.Summary, error) {
	got, err := s.Store.Summaries(ctx, ids)
	s.count("Summaries", ids)
	return got, err
}

// quietRedisLog drops go-redis's own log lines. The fail-open tests make
// its pool report every refused dial on stderr, which would bury the test
// output; what matters there is what this package counts and logs.
type quietRedisLog struct{}

func (quietRedisLog) Printf(context.Context, string, ...any) {}

func TestMain(m *testing.M) {
	redis.SetLogger(quietRedisLog{})
	os.Exit(m.Run())
}
