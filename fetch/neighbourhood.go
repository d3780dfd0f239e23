// Package fetch reads, through one reader's view, the bounded subgraphs
// the analytics compute over: the neighbourhood of the entities being
// scored and, for the graph-wide analytics, their seeds. It holds no rule
// of its own: the view it reads through (a guard.Store) decides what the
// reader may see, and package analytics decides what the facts mean.
//
// A neighbourhood costs a constant number of store round trips whatever
// the number of entities scored (three levels, each a few NeighboursOf
// calls over all ids at once, in chunks of ChunkSize), so a list of N
// entities with their risk costs O(1) round trips, not O(N).
package fetch

import (
	"context"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// Source is what fetching reads: a reader's view of the graph.
type Source interface {
	GetEntities(ctx context.Context, ids []string) (map[string]intel.Entity, error)
	NeighboursOf(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.NeighbourPage, error)
	LinkedEntities(ctx context.Context, q intel.LinkedQuery) (intel.LinkedPage, error)
	CallersAt(ctx context.Context, q intel.SiteQuery) (map[string]intel.SiteCallers, error)
}

// Bounds of one neighbourhood. They keep a score's cost bounded whatever
// the entity: a SIM-box hub with thousands of calls is judged on its
// latest CallPages × PageSize calls, which is far past the thresholds.
const (
	// ChunkSize is the most ids one NeighboursOf call carries.
	ChunkSize = 500
	// PageSize is the page read per entity scored and per kind of link.
	PageSize = 500
	// CallPages is how many pages of calls an entity scored is read to.
	CallPages = 4
	// AroundSize is the page read per neighbour.
	AroundSize = 200
)

// The groups of link types read together.
var (
	evidenceTypes = []intel.LinkType{intel.LinkReportedIn, intel.LinkUses, intel.LinkPresentedAs,
		intel.LinkRegisteredFrom, intel.LinkRegisteredTo}
	callTypes     = []intel.LinkType{intel.LinkCalled}
	transferTypes = []intel.LinkType{intel.LinkTransferred}
)

// Neighbourhood reads what scoring ids needs: every kind of link at each
// id (calls up to CallPages pages), then the evidence and transfers of the
// artefacts one link away that may lend to it, then those of the
// artefacts sharing infrastructure with it (and, for numbers sharing a
// holder, their calls, for the SIM-box signature), and for the lines
// among ids that call like a SIM box's, the other lines at their sites
// (see boxes).
func Neighbourhood(ctx context.Context, src Source, ids []string) (*analytics.Neighbourhood, error) {
	return NeighbourhoodWith(ctx, src, ids, nil)
}

// NeighbourhoodWith is Neighbourhood reading what lies around ids through
// memo first (see Memo), and keeping there what it had to read; a nil memo
// reads everything. The ids' own links are always read: most entities
// have fewer than PageSize links, and one call reads all of them; only
// the busier ones are read again kind by kind, as their bounds say.
func NeighbourhoodWith(ctx context.Context, src Source, ids []string, memo *Memo) (*analytics.Neighbourhood, error) {
	ids = unique(ids)
	// The entities first: the view learns there which ids the reader may
	// see, and the reads below find that out from it instead of again.
	found, err := src.GetEntities(ctx, ids)
	if err != nil {
		return nil, err
	}
	n := analytics.NewNeighbourhood()
	for _, e := range found {
		n.Reach(&e)
	}
	n, _, err = fill(ctx, &reader{src: src, n: n, memo: memo}, ids)
	return n, err
}

// Scoring is NeighbourhoodWith without reading the entities of ids, which
// a score does not need: it returns, in their stead, the ids the reader
// may see (those the view answered for), sorted.
func Scoring(ctx context.Context, src Source, ids []string, memo *Memo) (*analytics.Neighbourhood, []string, error) {
	return fill(ctx, &reader{src: src, n: analytics.NewNeighbourhood(), memo: memo}, unique(ids))
}

// fill reads the links of ids and what lies around them into r's
// neighbourhood; visible are the ids the view answered for.
func fill(ctx context.Context, r *reader, ids []string) (n *analytics.Neighbourhood, visible []string, err error) {
	n = r.n
	busy, visible, err := r.readOwn(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	if len(busy) > 0 {
		g, gctx := errgroup.WithContext(ctx)
		g.Go(func() error { return r.read(gctx, busy, evidenceTypes, PageSize, 1) })
		g.Go(func() error { return r.read(gctx, busy, callTypes, PageSize, CallPages) })
		g.Go(func() error { return r.read(gctx, busy, transferTypes, PageSize, 1) })
		if err := g.Wait(); err != nil {
			return nil, nil, err
		}
	}
	lenders, hubs := analytics.Lenders(n, ids)
	if err := r.around(ctx, append(lenders, hubs...), nil); err != nil {
		return nil, nil, err
	}
	sharers, lines := analytics.Sharers(n, ids)
	if err := r.around(ctx, sharers, lines); err != nil {
		return nil, nil, err
	}
	if err := r.boxes(ctx, ids, lines); err != nil {
		return nil, nil, err
	}
	return n, visible, nil
}

// ownTypes are every kind of link a score reads at the entity scored.
var ownTypes = append(append(append([]intel.LinkType{}, evidenceTypes...), callTypes...), transferTypes...)

// OwnQuery is the query of the page of its own links that scoring reads
// first at every entity scored (see readOwn): a view that read it ahead
// for an entity (guard.Store.GetEntitiesKeeping) answers it from there.
func OwnQuery() intel.NeighbourQuery {
	return intel.NeighbourQuery{Direction: intel.DirectionBoth, LinkTypes: ownTypes, First: PageSize, SkipTotal: true, ReadOnly: true}
}

// readOwn reads one page of PageSize links of every kind scoring uses at
// each id. An id whose links all fit is complete: each kind has fewer
// than its bound, so the page holds exactly what reading kind by kind
// would. The others (busy) are returned unrecorded, to be read kind by
// kind. visible are the ids the view answered for.
func (r *reader) readOwn(ctx context.Context, ids []string) (busy, visible []string, err error) {
	var mu sync.Mutex
	err = r.inChunks(ctx, ids, OwnQuery(), func(_ context.Context, chunk []string, got map[string]intel.NeighbourPage) error {
		var whole, seen, more []string
		for _, id := range chunk {
			page, ok := got[id]
			if ok {
				seen = append(seen, id)
			}
			if ok && page.HasNextPage {
				more = append(more, id)
				delete(got, id)
				continue
			}
			whole = append(whole, id)
		}
		r.record(got, whole)
		mu.Lock()
		defer mu.Unlock()
		busy, visible = append(busy, more...), append(visible, seen...)
		return nil
	})
	slices.Sort(busy)
	slices.Sort(visible)
	return busy, visible, err
}

// inChunks asks NeighboursOf q at ids, ChunkSize ids a call and
// parallelChunks calls at a time, and hands each chunk's answer to use.
// One chunk (a lookup's score, say) is read in the calling goroutine: on
// a busy machine every goroutine handed work waits its turn to run, and
// one read has nothing to overlap with.
func (r *reader) inChunks(ctx context.Context, ids []string, q intel.NeighbourQuery,
	use func(ctx context.Context, chunk []string, got map[string]intel.NeighbourPage) error) error {
	if len(ids) <= ChunkSize {
		if len(ids) == 0 {
			return nil
		}
		got, err := r.src.NeighboursOf(ctx, ids, q)
		if err != nil {
			return err
		}
		return use(ctx, ids, got)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelChunks)
	for start := 0; start < len(ids); start += ChunkSize {
		chunk := ids[start:min(start+ChunkSize, len(ids))]
		g.Go(func() error {
			got, err := r.src.NeighboursOf(gctx, chunk, q)
			if err != nil {
				return err
			}
			return use(gctx, chunk, got)
		})
	}
	return g.Wait()
}

// reader fills one neighbourhood.
type reader struct {
	src  Source
	mu   sync.Mutex
	n    *analytics.Neighbourhood
	memo *Memo
}

// around reads the evidence and transfers of ids, and the calls of lines,
// through the memo when there is one (see aroundReads and run).
func (r *reader) around(ctx context.Context, ids, lines []string) error {
	return run(ctx, r.aroundReads(ids, lines))
}

// aroundReads records, in the calling goroutine, what the memo holds of
// the evidence and transfers of ids and the calls of lines, and returns
// the reads left over.
func (r *reader) aroundReads(ids, lines []string) []func(context.Context) error {
	ids, lines = r.unread(unique(ids)), r.unread(unique(lines))
	var reads []func(context.Context) error
	for _, a := range []struct {
		group string
		ids   []string
		types []intel.LinkType
	}{{"evidence", ids, evidenceTypes}, {"transfers", ids, transferTypes}, {"calls", lines, callTypes}} {
		if miss := r.fromMemo(a.group, a.ids); len(miss) > 0 {
			reads = append(reads, func(ctx context.Context) error { return r.readAround(ctx, a.group, miss, a.types) })
		}
	}
	return reads
}

// run runs reads, concurrently when there are several; a single one runs
// in the calling goroutine (see inChunks), and none costs nothing: a score
// whose surroundings the memo holds hands no work to other goroutines,
// which on a busy machine would each wait their turn to run.
func run(ctx context.Context, reads []func(context.Context) error) error {
	switch len(reads) {
	case 0:
		return nil
	case 1:
		return reads[0](ctx)
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, read := range reads {
		g.Go(func() error { return read(gctx) })
	}
	return g.Wait()
}

// fromMemo records what the memo holds of group at ids and returns the
// ids it does not hold.
func (r *reader) fromMemo(group string, ids []string) (miss []string) {
	for _, id := range ids {
		p, ok := r.memo.get(group, id)
		if !ok {
			miss = append(miss, id)
			continue
		}
		r.recordMemo(id, p)
	}
	return miss
}

// readAround reads one page of AroundSize links of types at ids, which
// the memo does not hold, and keeps there what was read.
func (r *reader) readAround(ctx context.Context, group string, ids []string, types []intel.LinkType) error {
	if r.memo == nil {
		return r.read(ctx, ids, types, AroundSize, 1)
	}
	q := intel.NeighbourQuery{Direction: intel.DirectionBoth, LinkTypes: types, First: AroundSize, SkipTotal: true, ReadOnly: true}
	gen := r.memo.gen()
	return r.inChunks(ctx, ids, q, func(_ context.Context, chunk []string, got map[string]intel.NeighbourPage) error {
		r.record(got, chunk)
		keep := make(map[string]memoPage, len(chunk))
		for _, id := range chunk {
			page, ok := got[id]
			p := pageOf(page, ok)
			if group == "calls" && !p.absent {
				stats := analytics.CountCalls(id, p.links)
				p.calls = &stats
			}
			keep[id] = p
		}
		r.memo.put(group, gen, keep)
		return nil
	})
}

// recordMemo adds a page the memo held to the neighbourhood.
func (r *reader) recordMemo(id string, p memoPage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.absent {
		if _, seen := r.n.Links[id]; !seen {
			r.n.Links[id] = nil
		}
		return
	}
	for i := range p.far {
		r.n.Reach(&p.far[i])
	}
	if p.calls != nil {
		r.n.ShareCalls(id, p.links, p.distinct, *p.calls)
		return
	}
	r.n.ShareDistinct(id, p.links, p.distinct)
}

// unread leaves out ids whose links are already in the neighbourhood.
func (r *reader) unread(ids []string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, id := range ids {
		if _, ok := r.n.Links[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// read reads the links of types at ids, chunk by chunk (a few chunks at
// a time), and records them with the entities at their far ends; ids with
// more than one page (the busiest lines) are read on, one call each, up
// to pages pages.
func (r *reader) read(ctx context.Context, ids []string, types []intel.LinkType, size, pages int) error {
	q := intel.NeighbourQuery{Direction: intel.DirectionBoth, LinkTypes: types, First: size, SkipTotal: true, ReadOnly: true}
	return r.inChunks(ctx, ids, q, func(ctx context.Context, chunk []string, got map[string]intel.NeighbourPage) error {
		for _, id := range r.record(got, chunk) {
			if err := r.more(ctx, id, types, size, pages-1, got[id]); err != nil {
				return err
			}
		}
		return nil
	})
}

// parallelChunks is how many chunks of one read are in flight at once.
const parallelChunks = 4

// readIn reads one page of the incoming links of types at ids.
func (r *reader) readIn(ctx context.Context, ids []string, types []intel.LinkType, size int) error {
	for start := 0; start < len(ids); start += ChunkSize {
		chunk := ids[start:min(start+ChunkSize, len(ids))]
		q := intel.NeighbourQuery{Direction: intel.DirectionIn, LinkTypes: types, First: size, SkipTotal: true, ReadOnly: true}
		got, err := r.src.NeighboursOf(ctx, chunk, q)
		if err != nil {
			return err
		}
		r.record(got, chunk)
	}
	return nil
}

// more reads up to pages further pages of one id's links.
func (r *reader) more(ctx context.Context, id string, types []intel.LinkType, size, pages int, last intel.NeighbourPage) error {
	for ; pages > 0 && last.HasNextPage && len(last.Items) > 0; pages-- {
		q := intel.NeighbourQuery{Direction: intel.DirectionBoth, LinkTypes: types, First: size,
			After: last.Items[len(last.Items)-1].Cursor, SkipTotal: true, ReadOnly: true}
		got, err := r.src.NeighboursOf(ctx, []string{id}, q)
		if err != nil {
			return err
		}
		last = got[id]
		r.record(got, []string{id})
	}
	return nil
}

// record adds pages to the neighbourhood and returns the ids with more.
func (r *reader) record(got map[string]intel.NeighbourPage, ids []string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var more []string
	for _, id := range ids {
		page, ok := got[id]
		if !ok {
			if _, seen := r.n.Links[id]; !seen {
				r.n.Links[id] = nil
			}
			continue
		}
		links := make([]intel.Link, len(page.Items))
		for i := range page.Items {
			links[i] = page.Items[i].Link
			r.n.Reach(&page.Items[i].Entity)
		}
		r.n.Adopt(id, links)
		if page.HasNextPage {
			more = append(more, id)
		}
	}
	return more
}

func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
