package usecase

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
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
	// through this service changed what it was computed from (writes by
	// another process sharing the store are seen after at most this
	// long); 30 s when 0.
	CacheTTL time.Duration
	// TriageWait is how long a request for the risk list or the rings
	// waits, after a write, for the newer triage before it is answered
	// from the last one (saying so); 2 s when 0.
	TriageWait time.Duration
	// AroundTTL bounds how long the pages read around scored entities (the
	// evidence of their neighbours and of shared infrastructure, see
	// fetch.Memo) are reused when no write went through this service; 30 s
	// when 0. A score still reads the entity's own links afresh: this
	// keeps what is the same for every entity near them.
	AroundTTL time.Duration
	// TriageTimeout bounds the graph-wide triage behind the risk list and
	// the rings; 5 minutes when 0. It runs in the background, apart from
	// the request that started it: once a view has a complete triage,
	// requests are answered from it (saying when it was computed) while
	// a newer one computes after a write or CacheTTL.
	TriageTimeout time.Duration
}

// analyticsState is the service's scoring parameters and its cache of
// results. Results are keyed by the reader's view (accessKey), so that
// one reader's view is never served to another, and are never older than
// the last write this process made that could change them: a write makes
// the triages stale, and a cached score, or a page a memo keeps, stays
// only while no write touched what it was read from (see touchedAt).
type analyticsState struct {
	opts AnalyticsOptions
	// gen counts the writes; it moves only with touchMu held.
	gen atomic.Uint64

	mu      sync.Mutex
	risks   map[string]cachedRisk
	triages map[string]*triageSlot
	memos   map[string]*cachedMemo

	// touchMu guards touchedAt and floor; it is taken after mu, never
	// before, and alone by the memos (see Untouched).
	touchMu sync.RWMutex
	// touchedAt is, for every entity and site a write touched (see
	// touchedBy), the generation of the last such write, and floor the
	// generation of the last write that touched everything or after
	// which touchedAt started over: a result computed from a read that
	// began at generation g still holds if g >= floor and nothing it read
	// was touched after g. An enrichment job's writes then leave the
	// scores and the memos of the rest of the graph as they were.
	touchedAt map[string]uint64
	floor     uint64
}

// maxTouched bounds touchedAt; past it, it starts over, and every result
// computed before is stale.
const maxTouched = 1 << 20

// cachedMemo is one view's fetch.Memo with the time it was started at.
type cachedMemo struct {
	at   time.Time
	memo *fetch.Memo
}

// Bounds of the memos: pages per view, and views kept.
const (
	maxMemoPages = 40000
	maxMemos     = 32
)

// memo returns the view's memo, a fresh one when AroundTTL made the last
// one stale (writes by another process are not seen otherwise); the
// pages a write of this process touched it no longer serves.
func (a *analyticsState) memo(key string) *fetch.Memo {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.memoLocked(key)
}

// memoLocked is memo for a caller holding a.mu.
func (a *analyticsState) memoLocked(key string) *fetch.Memo {
	m, ok := a.memos[key]
	if !ok || time.Since(m.at) >= a.opts.AroundTTL {
		if len(a.memos) >= maxMemos {
			a.memos = map[string]*cachedMemo{}
		}
		m = &cachedMemo{at: time.Now(), memo: fetch.NewMemo(maxMemoPages, a)}
		a.memos[key] = m
	}
	return m.memo
}

type cachedRisk struct {
	// gen is the generation the score's reads began at, and read what
	// they came from (analytics.Neighbourhood.Read), shared by the scores
	// of one read.
	gen  uint64
	read []string
	at   time.Time
	risk analytics.Risk
	// countries are the other countries whose facts went into the score,
	// for the audit of a reader served from the cache.
	countries []intel.Region
}

// triageSlot is one view's triage: the last complete one, served until a
// newer one is complete (stale-while-revalidate), and the one computing,
// shared by every request of the view (single flight).
type triageSlot struct {
	last    *cachedTriage
	running *cachedTriage
}

// cachedTriage is one computation of a view's triage with its rings.
type cachedTriage struct {
	gen uint64
	// at is when the computation started: the triage shows the facts
	// stored by then.
	at   time.Time
	done chan struct{}
	t    fetch.Triage
	// rings are computed from t right after it, in the background too.
	rings []analytics.Ring
	err   error
	// took is how long the computation took.
	took time.Duration
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
	if o.TriageWait == 0 {
		o.TriageWait = 2 * time.Second
	}
	if o.AroundTTL == 0 {
		o.AroundTTL = 30 * time.Second
	}
	if o.TriageTimeout == 0 {
		o.TriageTimeout = 5 * time.Minute
	}
	return &analyticsState{opts: o, risks: map[string]cachedRisk{}, triages: map[string]*triageSlot{},
		memos: map[string]*cachedMemo{}, touchedAt: map[string]uint64{}}
}

func (a *analyticsState) params() analytics.Params {
	p := analytics.DefaultParams(a.opts.Now())
	p.HalfLife = a.opts.HalfLife
	return p
}

// wrote records a write that touched t (everything when t is nil): it
// makes every triage stale (the last one is served until the next is
// complete), and the cached scores and memo pages read from what t holds.
func (a *analyticsState) wrote(t touched) {
	a.touchMu.Lock()
	defer a.touchMu.Unlock()
	g := a.gen.Add(1)
	if t == nil || len(a.touchedAt)+len(t) > maxTouched {
		a.touchedAt = map[string]uint64{}
		a.floor = g
	}
	for x := range t {
		a.touchedAt[x] = g
	}
}

func (a *analyticsState) fresh(gen uint64, at time.Time) bool {
	return gen == a.gen.Load() && time.Since(at) < a.opts.CacheTTL
}

// untouched says whether no write since generation gen touched any of
// keys or the entities far.
func (a *analyticsState) untouched(gen uint64, keys []string, far []intel.Entity) bool {
	if gen == a.gen.Load() {
		return true
	}
	a.touchMu.RLock()
	defer a.touchMu.RUnlock()
	if gen < a.floor {
		return false
	}
	for _, x := range keys {
		if a.touchedAt[x] > gen {
			return false
		}
	}
	for i := range far {
		if a.touchedAt[far[i].ID] > gen {
			return false
		}
	}
	return true
}

// Gen and Untouched make the state the memos' fetch.Clock.
func (a *analyticsState) Gen() uint64 { return a.gen.Load() }

func (a *analyticsState) Untouched(gen uint64, self string, far []intel.Entity) bool {
	return a.untouched(gen, []string{self}, far)
}

// touched is what one write touched: the entities it wrote or linked, and
// the sites its calls were made from (analytics.SiteKey).
type touched map[string]struct{}

// touchedBy is what a batch touches.
func touchedBy(b intel.Batch) touched {
	t := touched{}
	for i := range b.Entities {
		t[b.Entities[i].ID] = struct{}{} // Validate holds it to EntityID(Kind, Key)
	}
	for i := range b.Links {
		t.link(&b.Links[i])
	}
	return t
}

// link adds the ends of l and the sites it names.
func (t touched) link(l *intel.Link) {
	t[l.From], t[l.To] = struct{}{}, struct{}{}
	for _, site := range analytics.SitesOf(l) {
		t[site] = struct{}{}
	}
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
	// A failed batch may yet have been written (its acknowledgement lost),
	// so it counts too.
	w.state.wrote(touchedBy(b))
	return res, err
}

// Retract writes through and invalidates: a withdrawn fact leaves every
// score, finding and ring at the next request, as it leaves every other
// answer.
func (w *writeCounter) Retract(ctx context.Context, r intel.RetractRequest) (intel.Link, error) {
	l, err := w.Store.Retract(ctx, r)
	if err != nil {
		// It may yet have gone through; which link it was is not known.
		w.state.wrote(nil)
		return l, err
	}
	t := touched{}
	t.link(&l)
	w.state.wrote(t)
	return l, err
}

// accessKey names a reader's view: two callers with the same key see
// exactly the same facts (same agency, country, shared categories,
// granted facts and unmasked fields, at the same moment), so they may
// share computed results. A reader asking for the graph as it was known
// at some moment sees retracted facts the present does not, so the moment
// is part of the view, for an unrestricted reader too.
func accessKey(a *intel.Access) string {
	if a.Unrestricted() && (a == nil || a.AsOf.IsZero()) {
		return "all"
	}
	asOf := ""
	if !a.AsOf.IsZero() {
		asOf = a.AsOf.UTC().Format(time.RFC3339Nano)
	}
	fields := make([]string, 0, len(a.GrantedFields))
	for id, fs := range a.GrantedFields {
		fs = slices.Clone(fs)
		slices.Sort(fs)
		fields = append(fields, id+"="+strings.Join(fs, ","))
	}
	slices.Sort(fields)
	h := sha256.New()
	for _, part := range []string{strconv.FormatBool(a.All), a.Agency, string(a.Country), categories(a.Shared),
		strings.Join(a.Granted, ","), strconv.Itoa(len(a.Granted)), strings.Join(fields, ";"), asOf} {
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
