package apitest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/loaders"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
	"github.com/scamgraph/scamgraph/rediscache"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/servicetest"
	"github.com/scamgraph/scamgraph/usecase"
)

// backend is one way of running the service: a store, maybe behind Redis.
type backend struct {
	name  string
	store intel.Store
	cache *rediscache.Store
}

// MustRedis connects to the Redis named by REDIS_URL. A run that cannot
// reach it fails; without REDIS_URL the test skips unless services are
// required (servicetest).
func MustRedis(t testing.TB) redis.UniversalClient {
	t.Helper()
	return connectRedis(t, servicetest.Env(t, "REDIS_URL"))
}

// optionalRedis is MustRedis for a test over every backend: without
// REDIS_URL (and services not required) it reports false, and the test
// runs over the backends without the cache.
func optionalRedis(t testing.TB) (redis.UniversalClient, bool) {
	t.Helper()
	url, ok := servicetest.Lookup(t, "REDIS_URL")
	if !ok {
		return nil, false
	}
	return connectRedis(t, url), true
}

func connectRedis(t testing.TB, url string) redis.UniversalClient {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{opts.Addr}, DB: opts.DB})
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis at %s: %v", url, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// mustBackends loads the demo world at the given scale into the embedded
// store and into Neo4j, and returns each with and without the Redis cache.
func mustBackends(t testing.TB, scale float64) []backend {
	t.Helper()
	return everyBackend(t, func(_ string, s intel.Store) {
		if _, err := demo.Load(context.Background(), s, demo.Config{Scale: scale}); err != nil {
			t.Fatal(err)
		}
	})
}

// everyBackend opens an empty embedded store and an empty Neo4j, fills each
// with fill (given the backend's name), and returns each with and without the Redis cache. Without
// NEO4J_URI or REDIS_URL (and services not required: the quick loop) the
// backends that need them are left out, said so in the log, and the test
// runs over the rest.
func everyBackend(t testing.TB, fill func(name string, s intel.Store)) []backend {
	t.Helper()
	emb, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	stores := []backend{{name: "embedded", store: emb}}
	if neo4jtest.Configured(t) {
		stores = append(stores, backend{name: "neo4j", store: neo4jtest.Open(t)})
	}
	for _, b := range stores {
		fill(b.name, b.store)
	}
	client, ok := optionalRedis(t)
	if !ok {
		return stores
	}
	prefix := fmt.Sprintf("apitest:%d:", time.Now().UnixNano())
	var out []backend
	for _, b := range stores {
		c := rediscache.New(b.store, client, rediscache.Options{Prefix: prefix + b.name + ":", TTL: time.Minute})
		out = append(out, b, backend{name: b.name + "+redis", store: c, cache: c})
	}
	return out
}

// serve runs the real handler over a backend on loopback, with a fresh
// registry of the demo agencies and keys. Requests that carry no key of
// their own are sent with the Thai demo analyst's.
func serve(t testing.TB, b backend) *httptest.Server {
	ts, _, _ := serveWithKeys(t, b, rulesOn)
	return ts
}

// serveWithKeys is serve that also returns the registry and the demo keys.
func serveWithKeys(t testing.TB, b backend, mode rulesMode) (*httptest.Server, *access.Registry, []demo.Key) {
	return serveAs(t, b, "TH-CCIB", access.RoleAnalyst, mode)
}

// serveAs is serveWithKeys whose default key is the demo key of agency and role.
func serveAs(t testing.TB, b backend, agency string, role access.Role, mode rulesMode) (*httptest.Server, *access.Registry, []demo.Key) {
	reg, keys := accesstest.Registry(t)
	return serveWith(t, b, reg, keys, agency, role, mode)
}

// serveWith is serveAs over a given registry.
func serveWith(t testing.TB, b backend, reg *access.Registry, keys []demo.Key, agency string, role access.Role, mode rulesMode) (*httptest.Server, *access.Registry, []demo.Key) {
	t.Helper()
	var cache server.CachePinger
	if b.cache != nil {
		cache = b.cache
	}
	svc := usecase.New(b.store, reg, usecase.Options{})
	srv := server.New(server.DefaultConfig(), svc, cache, zerolog.Nop(), server.NewMetrics())
	h := srv.Handler()
	if mode == rulesBypassed {
		h = unguarded(svc, srv, agency, role)
	}
	ts := httptest.NewServer(accesstest.WithKey(h, demo.KeyFor(keys, agency, role)))
	t.Cleanup(ts.Close)
	return ts, reg, keys
}

// rulesMode says whether a test server applies the sharing rules.
type rulesMode int

const (
	rulesOn rulesMode = iota
	// rulesBypassed serves the GraphQL endpoint without the access rules,
	// so that a benchmark can measure what they cost: see unguarded.
	rulesBypassed
)

// unguarded is the benchmark's own stack without the rules: the GraphQL
// handler with all the server wraps it in but the rules (server.Framed:
// limits, access log, request id), every request made by the operator of agency (an
// unrestricted view, no key to check, no terms to read, nothing
// cross-border to audit). Production has no such switch; only this test
// builds it.
func unguarded(svc *usecase.Service, srv *server.Server, agency string, role access.Role) http.Handler {
	country, _ := intel.AgencyCountry(agency)
	gql := srv.GraphQL()
	return srv.Framed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := svc.Operator(access.Agency{Code: agency, Country: country}, role)
		ctx := loaders.With(usecase.WithCaller(r.Context(), c), loaders.New(svc.Reader(c)))
		gql.ServeHTTP(w, r.WithContext(ctx))
	}))
}
