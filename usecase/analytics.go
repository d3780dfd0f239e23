package usecase

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/fetch"
	"github.com/scamgraph/scamgraph/intel"
)

// AnalyticsOptions tune the risk scores.
type AnalyticsOptions struct {
	// HalfLife is the age at which evidence counts half;
	// analytics.DefaultHalfLife when 0.
	HalfLife time.Duration
	// Now is the clock scores are computed at; time.Now when nil. A
	// replayed or historical world (the demo's is dated 2024) is scored as
	// of its own end with a fixed clock.
	Now func() time.Time
	// CacheTTL bounds how long a computed result is reused when no write
	// went through this service meanwhile (writes by another process
	// sharing the store are seen after at most this long); 30 s when 0.
	CacheTTL time.Duration
	// TriageTimeout bounds the graph-wide triage behind the risk list and
	// the rings; 5 minutes when 0. It runs apart from the request that
	// started it, so a request that gives up does not waste it: the next
	// one finds it done.
	TriageTimeout time.Duration
}

// analyticsState is the service's scoring parameters and its cache of
// results. Results are keyed by the reader's view (accessKey) and dropped
// whenever a write goes through the service, so a score is never older
// than the last write this process made, and never serves one reader's
// view to another.
type analyticsState struct {
	opts AnalyticsOptions
	gen  atomic.Uint64

	mu      sync.Mutex
	risks   map[string]cachedRisk
	triages map[string]*cachedTriage
}

type cachedRisk struct {
	gen  uint64
	at   time.Time
	risk analytics.Risk
	// countries are the other countries whose facts went into the score,
	// for the audit of a reader served from the cache.
	countries []intel.Region
}

// cachedTriage is one view's triage, computed once for concurrent callers.
type cachedTriage struct {
	gen  uint64
	at   time.Time
	done chan struct{}
	t    fetch.Triage
	err  error
	// rings are computed from t on first use.
	ringsOnce sync.Once
	rings     []analytics.Ring
}

// maxCachedRisks bounds the per-entity cache; past it the cache starts over.
const maxCachedRisks = 50000

func newAnalyticsState(o AnalyticsOptions) *analyticsState {
	if o.HalfLife == 0 {
		o.HalfLife = analytics.DefaultHalfLife
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CacheTTL == 0 {
		o.CacheTTL = 30 * time.Second
	}
	if o.TriageTimeout == 0 {
		o.TriageTimeout = 5 * time.Minute
	}
	return &analyticsState{opts: o, risks: map[string]cachedRisk{}, triages: map[string]*cachedTriage{}}
}

func (a *analyticsState) params() analytics.Params {
	p := analytics.DefaultParams(a.opts.Now())
	p.HalfLife = a.opts.HalfLife
	return p
}

// wrote drops every cached result.
func (a *analyticsState) wrote() {
	a.gen.Add(1)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.risks = map[string]cachedRisk{}
	a.triages = map[string]*cachedTriage{}
}

func (a *analyticsState) fresh(gen uint64, at time.Time) bool {
	return gen == a.gen.Load() && time.Since(at) < a.opts.CacheTTL
}

// writeCounter is the service's store for writes: every acknowledged
// write, whatever the entry point, drops the analytics cache.
type writeCounter struct {
	intel.Store
	state *analyticsState
}

// Upsert writes through and invalidates.
func (w *writeCounter) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	res, err := w.Store.Upsert(ctx, b)
	if err == nil {
		w.state.wrote()
	}
	return res, err
}

// accessKey names a reader's view: two callers with the same key see
// exactly the same facts (same agency, country, shared categories and
// granted facts), so they may share computed results.
func accessKey(a *intel.Access) string {
	if a.Unrestricted() {
		return "all"
	}
	h := sha256.New()
	for _, part := range []string{a.Agency, string(a.Country), categories(a.Shared),
		strings.Join(a.Granted, ","), strconv.Itoa(len(a.Granted))} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func categories(cs []intel.Category) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = string(c)
	}
	return strings.Join(parts, ",")
}
