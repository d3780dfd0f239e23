package embeddedstore

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// GetEntities returns deep copies of the stored entities among ids.
func (s *Store) GetEntities(ctx context.Context, ids []string) (map[string]intel.Entity, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]intel.Entity, len(ids))
	for _, id := range ids {
		if e, ok := s.entities[id]; ok {
			out[id] = e.Clone()
		}
	}
	return out, nil
}

// GetLinks returns deep copies of the stored links among ids.
func (s *Store) GetLinks(ctx context.Context, ids []string) (map[string]intel.Link, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]intel.Link, len(ids))
	for _, id := range ids {
		if l, ok := s.links[id]; ok {
			out[id] = l.Clone()
		}
	}
	return out, nil
}

// FindEntity looks an entity up by kind and canonical key.
func (s *Store) FindEntity(ctx context.Context, kind intel.Kind, key string) (intel.Entity, error) {
	if err := ctx.Err(); err != nil {
		return intel.Entity{}, err
	}
	id := intel.EntityID(kind, key)
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.entities[id]
	if !ok {
		return intel.Entity{}, intel.Errorf(intel.ENOTFOUND, "key", "no %s with key %q", kind, key)
	}
	return e.Clone(), nil
}

// Neighbours lists the links at one entity in the contract's order.
func (s *Store) Neighbours(ctx context.Context, q intel.NeighbourQuery) (intel.NeighbourPage, error) {
	return intel.NeighboursOfOne(ctx, s, q)
}

// NeighboursOf lists one page of links for each stored entity among ids.
func (s *Store) NeighboursOf(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.NeighbourPage, error) {
	if len(ids) == 0 {
		return map[string]intel.NeighbourPage{}, nil
	}
	q.ID = ids[0] // Normalize wants an id; each page below uses its own.
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]intel.NeighbourPage, len(ids))
	for _, id := range ids {
		if _, ok := s.entities[id]; ok {
			out[id] = s.page(id, &q)
		}
	}
	return out, nil
}

// page computes one entity's page; the caller holds the read lock.
func (s *Store) page(id string, q *intel.NeighbourQuery) intel.NeighbourPage {
	type hit struct {
		link  *intel.Link
		start int64
		out   bool
	}
	adjacent := s.adjacency[id]
	hits := make([]hit, 0, len(adjacent))
	for _, r := range adjacent {
		l := &r.Link
		out := l.From == id
		if (q.Direction == intel.DirectionOut && !out) || (q.Direction == intel.DirectionIn && out) {
			continue
		}
		far := l.To
		if !out {
			far = l.From
		}
		kind, _, _ := intel.SplitEntityID(far)
		if !intel.ContainsLinkType(q.LinkTypes, l.Type) || !intel.ContainsKind(q.Kinds, kind) || !q.Window.Matches(l) ||
			!q.Access.Allows(l) {
			continue
		}
		start, _ := l.Span()
		hits = append(hits, hit{link: l, start: start, out: out})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(b.start, a.start); c != 0 {
			return c
		}
		return strings.Compare(a.link.ID, b.link.ID)
	})
	page := intel.NeighbourPage{TotalCount: len(hits)}
	if q.SkipTotal {
		page.TotalCount = 0
	}
	at, after := q.AfterPosition()
	first := sort.Search(len(hits), func(i int) bool {
		h := hits[i]
		return h.start < at || (h.start == at && h.link.ID > after)
	})
	if n := min(q.First, len(hits)-first); n > 0 {
		page.Items = make([]intel.Neighbour, 0, n)
	}
	for _, h := range hits[first:] {
		if len(page.Items) == q.First {
			page.HasNextPage = true
			break
		}
		far := h.link.To
		if !h.out {
			far = h.link.From
		}
		link, entity, cursor := *h.link, s.entities[far].Entity, ""
		if !q.ReadOnly {
			link, entity = link.Clone(), entity.Clone()
			cursor = intel.EncodeCursor(h.start, h.link.ID)
		}
		page.Items = append(page.Items, intel.Neighbour{
			Link:     link,
			Entity:   entity,
			Outgoing: h.out,
			Cursor:   cursor,
		})
	}
	// A read-only reader pages on from the last item only (see
	// intel.NeighbourQuery.ReadOnly).
	if n := len(page.Items); q.ReadOnly && n > 0 {
		last := &page.Items[n-1]
		start, _ := last.Link.Span()
		last.Cursor = intel.EncodeCursor(start, last.Link.ID)
	}
	return page
}

// Summaries folds each entity's links into a Summary.
func (s *Store) Summaries(ctx context.Context, ids []string) (map[string]intel.Summary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]intel.Summary, len(ids))
	for _, id := range ids {
		if _, ok := s.entities[id]; !ok {
			continue
		}
		b := intel.NewSummaryBuilder()
		for _, r := range s.adjacency[id] {
			if r.Retraction == nil {
				b.Add(&r.Link)
			}
		}
		out[id] = b.Summary()
	}
	return out, nil
}

// GetClassified returns deep copies of the stored entities among ids with
// the classes of their links that are not retracted, which each entity's
// record keeps (see classes.go).
func (s *Store) GetClassified(ctx context.Context, ids []string) (map[string]intel.ClassifiedEntity, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]intel.ClassifiedEntity, len(ids))
	for _, id := range ids {
		if ce, ok := s.classifiedLocked(id); ok {
			out[id] = ce
		}
	}
	return out, nil
}

// classifiedLocked is a deep copy of entity id with its classes, if
// stored. s.mu is held.
func (s *Store) classifiedLocked(id string) (intel.ClassifiedEntity, bool) {
	e, ok := s.entities[id]
	if !ok {
		return intel.ClassifiedEntity{}, false
	}
	return intel.ClassifiedEntity{Entity: e.Clone(), Classes: e.classesCopy()}, true
}

// GetClassifiedWithNeighbours is GetClassified and NeighboursOf under one
// read lock.
func (s *Store) GetClassifiedWithNeighbours(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.ClassifiedEntity, map[string]intel.NeighbourPage, error) {
	if len(ids) == 0 {
		return map[string]intel.ClassifiedEntity{}, map[string]intel.NeighbourPage{}, nil
	}
	q.ID = ids[0] // Normalize wants an id; each page below uses its own.
	if err := q.Normalize(); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	found := make(map[string]intel.ClassifiedEntity, len(ids))
	pages := make(map[string]intel.NeighbourPage, len(ids))
	for _, id := range ids {
		ce, ok := s.classifiedLocked(id)
		if !ok {
			continue
		}
		found[id] = ce
		pages[id] = s.page(id, &q)
	}
	return found, pages, nil
}

// Expand runs the shared expansion algorithm over the in-memory graph.
func (s *Store) Expand(ctx context.Context, q intel.ExpandQuery) (intel.Subgraph, error) {
	return intel.ExpandNetwork(ctx, s, q)
}

// LinksAround serves one level of an expansion (see intel.NetworkSource).
func (s *Store) LinksAround(ctx context.Context, r intel.LevelRequest) ([]intel.Link, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	frontier := toSet(r.Frontier)
	done := toSet(r.Done)
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := map[*linkRecord]bool{}
	var picked []*intel.Link
	for _, id := range r.Frontier {
		for _, lr := range s.adjacency[id] {
			if seen[lr] {
				continue
			}
			seen[lr] = true
			if l := &lr.Link; r.Wants(l, frontier.has, done.has) {
				picked = append(picked, l)
			}
		}
	}
	sort.Slice(picked, func(i, j int) bool { return picked[i].ID < picked[j].ID })
	if len(picked) > r.Limit {
		picked = picked[:r.Limit]
	}
	out := make([]intel.Link, len(picked))
	for i, l := range picked {
		out[i] = l.Clone()
	}
	return out, nil
}

type idSet map[string]struct{}

func toSet(ids []string) idSet {
	s := make(idSet, len(ids))
	for _, id := range ids {
		s[id] = struct{}{}
	}
	return s
}

func (s idSet) has(id string) bool {
	_, ok := s[id]
	return ok
}

// Search scans every entity: the embedded store holds the graph in memory,
// and a scan of a few hundred thousand entities is milliseconds, so it
// keeps no index for it (the cost grows with the number of entities).
func (s *Store) Search(ctx context.Context, q intel.SearchQuery) ([]intel.Entity, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ids []string
	for id, e := range s.entities {
		if id > q.After && q.Matches(e.Entity) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	if len(ids) > q.Limit {
		ids = ids[:q.Limit]
	}
	found := make([]intel.Entity, len(ids))
	for i, id := range ids {
		found[i] = s.entities[id].Clone()
	}
	return found, ctx.Err()
}
