package usecase

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// Service runs the operations of ScamGraph for a caller. It is safe for
// concurrent use and holds no per-request state: that lives in the Caller.
type Service struct {
	// store is the shared store every write goes to (through the cache,
	// when there is one, so that writes clear what they touch).
	store intel.Store
	// reads is what callers' views read; the same store unless Options
	// say otherwise.
	reads    intel.Store
	registry *access.Registry
	logger   zerolog.Logger
	// analytics holds the scoring parameters and the results cache that
	// every write through the service invalidates (see risk.go).
	analytics *analyticsState
	// identifiers remembers what lookups' inputs read as.
	identifiers identifiers
}

// Options tune a Service. The zero value is ready to use.
type Options struct {
	// Logger receives the use cases' notices (an evidence delivery left pending, say).
	Logger zerolog.Logger
	// Analytics tune the risk scores; the zero value takes the defaults.
	Analytics AnalyticsOptions
	// EntityMemoTTL, when not 0, has the callers' views read entities and
	// their fact classes through an in-process memo (see entityMemo), reused
	// while no write went through this service and for at most this long.
	EntityMemoTTL time.Duration
}

// DefaultEntityMemoTTL is the entity memo's TTL serve runs with: under a
// steady stream of requests for the same entities nearly every one is
// answered from memory, and a write by another process sharing the store
// is seen within two seconds.
const DefaultEntityMemoTTL = 2 * time.Second

// New returns the service over store (written and read) and registry (keys,
// agreements, grants, audit).
func New(store intel.Store, registry *access.Registry, opts Options) *Service {
	state := newAnalyticsState(opts.Analytics)
	counted := &writeCounter{Store: store, state: state}
	reads := store
	if opts.EntityMemoTTL > 0 {
		reads = newEntityMemo(store, state, opts.EntityMemoTTL)
	}
	return &Service{store: counted, reads: reads, registry: registry, logger: opts.Logger, analytics: state,
		identifiers: newIdentifiers()}
}

// Registry is the registry the service checks callers against; the
// command line's key and agreement commands use it directly, acting with
// the operator's authority.
func (s *Service) Registry() *access.Registry { return s.registry }

// Ping reports whether the store answers, for readiness.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }
