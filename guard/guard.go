// Package guard applies one reader's Access to a Store: it is the single
// place where the agreements' rules meet the data on the way to the API.
//
// A guard.Store is made per request, over the shared (possibly cached)
// store, and itself satisfies intel.Store so that the request's loaders
// batch through it unchanged. Facts are filtered inside the stores'
// queries (the Access travels in every traversal query), so pages, counts,
// expansions and paths never include a hidden fact; entities, summaries
// and links read by id are filtered here, from values that are the same for
// every reader and therefore safe to cache. Personal data the reader may
// not see is masked here too, and every mask and every fact of the other
// country handed out is noted in the request's Report for the response's
// extensions and the audit log.
package guard

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"sort"
	"sync"

	"github.com/scamgraph/scamgraph/intel"
)

// Store is one reader's view of an inner store.
type Store struct {
	inner  intel.Store
	access *intel.Access
	report *Report

	mu        sync.Mutex
	summaries map[string]intel.Summary     // raw, per request
	classes   map[string][]intel.FactClass // per request: what visibility is decided by
	absent    map[string]bool              // ids the inner store does not hold
	granted   []intel.Link                 // links evidence requests granted, loaded once
	grantedOK bool
	kept      map[string]keptPage // raw pages read ahead (GetEntitiesKeeping), per request
}

// keptPage is a page of the inner store read ahead for a later
// NeighboursOf with the same query.
type keptPage struct {
	q    intel.NeighbourQuery
	page intel.NeighbourPage
}

// New returns the view of inner that access allows. A nil or unrestricted
// access still masks nothing and hides nothing, but is reported the same.
func New(inner intel.Store, access *intel.Access, report *Report) *Store {
	if report == nil {
		report = &Report{}
	}
	access.Normalize()
	return &Store{inner: inner, access: access, report: report,
		summaries: map[string]intel.Summary{}, classes: map[string][]intel.FactClass{}, absent: map[string]bool{}}
}

// Fork returns the same view noting its reads and masks in report
// instead, and knowing what this view has read of summaries and fact
// classes so far: an analytic reading far more than its answer carries
// (see usecase's analysisView) then neither reads the request's entities
// again (the risk of a lookup decides the visibility of the entity the
// lookup has just read from what that read returned, one store round
// trip fewer) nor fills the request's audit with what it read on the way.
func (s *Store) Fork(report *Report) *Store {
	f := New(s.inner, s.access, report)
	s.mu.Lock()
	defer s.mu.Unlock()
	maps.Copy(f.summaries, s.summaries)
	maps.Copy(f.classes, s.classes)
	maps.Copy(f.absent, s.absent)
	f.granted, f.grantedOK = s.granted, s.grantedOK
	// The pages read ahead go to the fork: the analytic is what they were
	// read for, and one reader of each lets it mask them in place.
	f.kept, s.kept = s.kept, nil
	return f
}

// Access returns the rules the view applies.
func (s *Store) Access() *intel.Access { return s.access }

// read notes a read of country's data about ids for the audit when that
// data is foreign to the reader.
func (s *Store) read(country intel.Region, ids ...string) {
	if s.access.Foreign(country) {
		s.report.read(country, ids...)
	}
}

// Report returns the request's record of masks and cross-border facts.
func (s *Store) Report() *Report { return s.report }

// Upsert writes through: who may write what is decided before a write
// reaches the store (see the resolvers), not by reading rules.
func (s *Store) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	return s.inner.Upsert(ctx, b)
}

// Ping and Close concern the inner store.
func (s *Store) Ping(ctx context.Context) error { return s.inner.Ping(ctx) }

// Close does nothing: the view does not own the inner store.
func (s *Store) Close() error { return nil }

// rawSummaries returns the inner store's summaries of ids, reading each id
// at most once per request. A summary read also tells the entity's fact
// classes, which are kept so that deciding its visibility afterwards costs
// no further read.
func (s *Store) rawSummaries(ctx context.Context, ids []string) (map[string]intel.Summary, error) {
	out := make(map[string]intel.Summary, len(ids))
	var missing []string
	s.mu.Lock()
	for _, id := range ids {
		if sum, ok := s.summaries[id]; ok {
			out[id] = sum
		} else if !s.absent[id] {
			missing = append(missing, id)
		}
	}
	s.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	read, err := s.inner.Summaries(ctx, missing)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range missing {
		if sum, ok := read[id]; ok {
			s.summaries[id] = sum
			if _, known := s.classes[id]; !known {
				s.classes[id] = sum.Classes()
			}
			out[id] = sum
		} else {
			s.absent[id] = true
		}
	}
	return out, nil
}

// rawClasses returns the inner store's fact classes of ids, reading each
// id at most once per request. Classes are what visibility needs: reading
// them instead of whole summaries keeps a lookup of a hub with a thousand
// links as cheap as one of a number with two.
func (s *Store) rawClasses(ctx context.Context, ids []string) (map[string][]intel.FactClass, error) {
	out := make(map[string][]intel.FactClass, len(ids))
	var missing []string
	s.mu.Lock()
	for _, id := range ids {
		if cs, ok := s.classes[id]; ok {
			out[id] = cs
		} else if !s.absent[id] {
			missing = append(missing, id)
		}
	}
	s.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	read, err := s.inner.GetClassified(ctx, missing)
	if err != nil {
		return nil, err
	}
	s.keepClasses(missing, read)
	for id, ce := range read {
		out[id] = ce.Classes
	}
	return out, nil
}

// keepClasses remembers for the request the classes read of ids, and
// which of them the inner store does not hold.
func (s *Store) keepClasses(ids []string, read map[string]intel.ClassifiedEntity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if ce, ok := read[id]; ok {
			s.classes[id] = ce.Classes
		} else {
			s.absent[id] = true
		}
	}
}

// grantedLinks returns the links the reader's evidence grants name, read
// once per request; grants are few, so they are kept whole.
func (s *Store) grantedLinks(ctx context.Context) ([]intel.Link, error) {
	if s.access.Unrestricted() || len(s.access.Granted) == 0 {
		return nil, nil
	}
	s.mu.Lock()
	if s.grantedOK {
		defer s.mu.Unlock()
		return s.granted, nil
	}
	s.mu.Unlock()
	found, err := s.inner.GetLinks(ctx, s.access.Granted)
	if err != nil {
		return nil, err
	}
	links := make([]intel.Link, 0, len(found))
	for _, l := range found {
		links = append(links, l)
	}
	sort.Slice(links, func(i, j int) bool { return links[i].ID < links[j].ID })
	s.mu.Lock()
	defer s.mu.Unlock()
	s.granted, s.grantedOK = links, true
	return links, nil
}

// grantedAt returns the granted links with id at one end.
func grantedAt(links []intel.Link, id string) []intel.Link {
	var out []intel.Link
	for _, l := range links {
		if l.From == id || l.To == id {
			out = append(out, l)
		}
	}
	return out
}

// visible works out which of ids the reader may know about: an entity is
// visible when the reader may see at least one fact about it. An entity
// known only through hidden facts is, to the reader, as unknown as one
// never stored: its spellings, first sighting and attributes would tell
// otherwise. It reads the entities' fact classes, never their facts.
func (s *Store) visible(ctx context.Context, ids []string) (map[string]bool, error) {
	classes, err := s.rawClasses(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(classes))
	if s.access.Unrestricted() {
		for id := range classes {
			out[id] = true
		}
		return out, nil
	}
	granted, err := s.grantedLinks(ctx)
	if err != nil {
		return nil, err
	}
	for id, cs := range classes {
		mine := grantedAt(granted, id)
		// What makes an entity visible to a reader is a fact; when that
		// fact is the other country's, so is what the reader learns of
		// the entity (its spellings, its first sighting), and the read is
		// noted for the audit.
		for _, c := range cs {
			if c.Allowed(s.access) {
				out[id] = true
				s.read(c.Country, id)
			}
		}
		for _, l := range mine {
			out[id] = true
			s.read(l.Country, id)
		}
	}
	return out, nil
}

// GetEntities returns the entities among ids the reader may see, with
// personal data masked as the rules say. The entities and what decides
// their visibility come in one read of the inner store.
func (s *Store) GetEntities(ctx context.Context, ids []string) (map[string]intel.Entity, error) {
	read, err := s.inner.GetClassified(ctx, ids)
	if err != nil {
		return nil, err
	}
	return s.shown(ctx, ids, read)
}

// GetEntitiesKeeping is GetEntities reading in the same round trip the
// inner store's page of q at each of ids (GetClassifiedWithNeighbours),
// which the view keeps for the request: a NeighboursOf of the same query
// at those ids, by this view or by the next fork of it (which takes them),
// is answered from it once, and masked and noted for the audit then,
// exactly as if it were read then.
// A lookup whose risk is asked reads so the links the score reads first.
func (s *Store) GetEntitiesKeeping(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.Entity, error) {
	q.Access = s.access
	read, pages, err := s.inner.GetClassifiedWithNeighbours(ctx, ids, q)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.kept == nil {
		s.kept = map[string]keptPage{}
	}
	for id, p := range pages {
		s.kept[id] = keptPage{q: q, page: p}
	}
	s.mu.Unlock()
	return s.shown(ctx, ids, read)
}

// shown is what GetEntities returns of what the inner store read of ids.
func (s *Store) shown(ctx context.Context, ids []string, read map[string]intel.ClassifiedEntity) (map[string]intel.Entity, error) {
	s.keepClasses(ids, read)
	found := make(map[string]intel.Entity, len(read))
	for id, ce := range read {
		found[id] = ce.Entity
	}
	if len(found) == 0 {
		return found, nil
	}
	keep, err := s.visible(ctx, slices.Collect(maps.Keys(found)))
	if err != nil {
		return nil, err
	}
	var shown []intel.Entity
	for id, e := range found {
		if !keep[id] {
			delete(found, id)
			continue
		}
		shown = append(shown, e)
	}
	if err := s.present(ctx, shown); err != nil {
		return nil, err
	}
	for _, e := range shown {
		found[e.ID] = e
	}
	return found, nil
}

// FindEntity is GetEntities for one kind and key; an entity the reader may
// not see is as unknown as one never stored.
func (s *Store) FindEntity(ctx context.Context, kind intel.Kind, key string) (intel.Entity, error) {
	id := intel.EntityID(kind, key)
	found, err := s.GetEntities(ctx, []string{id})
	if err != nil {
		return intel.Entity{}, err
	}
	e, ok := found[id]
	if !ok {
		return intel.Entity{}, intel.Errorf(intel.ENOTFOUND, "key", "no %s with key %q", kind, key)
	}
	return e, nil
}

// GetLinks returns the links among ids the reader may see, masked.
func (s *Store) GetLinks(ctx context.Context, ids []string) (map[string]intel.Link, error) {
	found, err := s.inner.GetLinks(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, l := range found {
		if !s.access.Allows(&l) {
			delete(found, id)
			continue
		}
		found[id] = s.maskLink(l)
	}
	return found, nil
}

// Summaries counts, for each visible entity among ids, only the facts the
// reader may see.
func (s *Store) Summaries(ctx context.Context, ids []string) (map[string]intel.Summary, error) {
	// The summaries come first: they carry the classes visibility is
	// decided by, so deciding it then reads nothing more.
	sums, err := s.rawSummaries(ctx, ids)
	if err != nil {
		return nil, err
	}
	keep, err := s.visible(ctx, slices.Collect(maps.Keys(sums)))
	if err != nil {
		return nil, err
	}
	granted, err := s.grantedLinks(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]intel.Summary, len(keep))
	for id, sum := range sums {
		if !keep[id] {
			continue
		}
		v := sum.For(s.access, grantedAt(granted, id))
		if !s.access.Unrestricted() {
			for _, g := range v.Groups {
				s.read(g.Country, id)
			}
		}
		v.Groups = nil // which classes exist is for the rules, not the reader
		out[id] = v
	}
	return out, nil
}

// GetClassified returns the entities among ids the reader may see, as
// GetEntities shows them, each with the classes of the facts at it the
// reader may see: those the rule allows and those of the links evidence
// requests granted the reader.
func (s *Store) GetClassified(ctx context.Context, ids []string) (map[string]intel.ClassifiedEntity, error) {
	found, err := s.GetEntities(ctx, ids)
	if err != nil {
		return nil, err
	}
	return s.classified(ctx, found)
}

// GetClassifiedWithNeighbours is GetClassified and NeighboursOf, from one
// read of the inner store.
func (s *Store) GetClassifiedWithNeighbours(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.ClassifiedEntity, map[string]intel.NeighbourPage, error) {
	found, err := s.GetEntitiesKeeping(ctx, ids, q)
	if err != nil {
		return nil, nil, err
	}
	out, err := s.classified(ctx, found)
	if err != nil {
		return nil, nil, err
	}
	pages, err := s.NeighboursOf(ctx, ids, q)
	if err != nil {
		return nil, nil, err
	}
	return out, pages, nil
}

// classified adds to entities the reader may see the classes of the facts
// at them the reader may see.
func (s *Store) classified(ctx context.Context, found map[string]intel.Entity) (map[string]intel.ClassifiedEntity, error) {
	classes, err := s.rawClasses(ctx, slices.Collect(maps.Keys(found)))
	if err != nil {
		return nil, err
	}
	granted, err := s.grantedLinks(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]intel.ClassifiedEntity, len(found))
	for id, e := range found {
		var set intel.FactClassSet
		for _, c := range classes[id] {
			if c.Allowed(s.access) {
				set.AddClass(c)
			}
		}
		for _, l := range grantedAt(granted, id) {
			if l.Retraction == nil {
				set.Add(&l)
			}
		}
		out[id] = intel.ClassifiedEntity{Entity: e, Classes: set.Classes()}
	}
	return out, nil
}

// Neighbours serves one entity's page through NeighboursOf.
func (s *Store) Neighbours(ctx context.Context, q intel.NeighbourQuery) (intel.NeighbourPage, error) {
	return intel.NeighboursOfOne(ctx, s, q)
}

// NeighboursOf pages through the links the reader may see at each visible
// entity among ids.
func (s *Store) NeighboursOf(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.NeighbourPage, error) {
	keep, err := s.visible(ctx, ids)
	if err != nil {
		return nil, err
	}
	var shown []string
	for _, id := range ids {
		if keep[id] {
			shown = append(shown, id)
		}
	}
	if len(shown) == 0 {
		return map[string]intel.NeighbourPage{}, nil
	}
	q.Access = s.access
	pages, err := s.readNeighbours(ctx, shown, q)
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		for i := range p.Items {
			p.Items[i].Link = s.maskLink(p.Items[i].Link)
		}
		if err := s.presentEach(ctx, len(p.Items), func(i int) *intel.Entity { return &p.Items[i].Entity }); err != nil {
			return nil, err
		}
	}
	return pages, nil
}

// readNeighbours reads the inner store's pages of q at ids, taking those
// read ahead with the same query (GetEntitiesKeeping) instead, each once,
// so that the caller may mask them in place.
func (s *Store) readNeighbours(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.NeighbourPage, error) {
	pages := make(map[string]intel.NeighbourPage, len(ids))
	rest := ids
	s.mu.Lock()
	if len(s.kept) > 0 {
		rest = nil
		for _, id := range ids {
			k, ok := s.kept[id]
			if ok && sameQuery(k.q, q) {
				delete(s.kept, id)
				pages[id] = k.page
				continue
			}
			rest = append(rest, id)
		}
	}
	s.mu.Unlock()
	if len(rest) == 0 {
		return pages, nil
	}
	read, err := s.inner.NeighboursOf(ctx, rest, q)
	if err != nil {
		return nil, err
	}
	maps.Copy(pages, read)
	return pages, nil
}

// sameQuery reports whether a and b ask the same page of any one id.
func sameQuery(a, b intel.NeighbourQuery) bool {
	a.ID, b.ID = "", ""
	return reflect.DeepEqual(a, b)
}

// Expand grows the network from the visible seeds over facts the reader
// may see; seeds the reader may not see are reported missing, exactly as
// seeds never stored.
func (s *Store) Expand(ctx context.Context, q intel.ExpandQuery) (intel.Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return intel.Subgraph{}, err
	}
	keep, err := s.visible(ctx, q.Seeds)
	if err != nil {
		return intel.Subgraph{}, err
	}
	var seeds, hidden []string
	for _, id := range q.Seeds {
		if keep[id] {
			seeds = append(seeds, id)
		} else {
			hidden = append(hidden, id)
		}
	}
	if len(seeds) == 0 {
		slices.Sort(hidden)
		return intel.Subgraph{Nodes: []intel.Entity{}, Links: []intel.Link{}, MissingSeeds: slices.Compact(hidden)}, nil
	}
	q.Seeds, q.Access = seeds, s.access
	g, err := s.inner.Expand(ctx, q)
	if err != nil {
		return intel.Subgraph{}, err
	}
	g.MissingSeeds = append(g.MissingSeeds, hidden...)
	slices.Sort(g.MissingSeeds)
	g.MissingSeeds = slices.Compact(g.MissingSeeds)
	if err := s.present(ctx, g.Nodes); err != nil {
		return intel.Subgraph{}, err
	}
	for i := range g.Links {
		g.Links[i] = s.maskLink(g.Links[i])
	}
	return g, nil
}

// ShortestPath looks for a path over facts the reader may see only, so a
// path never runs through a hidden fact; an end the reader may not see is
// unknown.
func (s *Store) ShortestPath(ctx context.Context, q intel.PathQuery) (*intel.Path, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	keep, err := s.visible(ctx, []string{q.From, q.To})
	if err != nil {
		return nil, err
	}
	for _, end := range []struct{ field, id string }{{"from", q.From}, {"to", q.To}} {
		if !keep[end.id] {
			return nil, intel.Errorf(intel.ENOTFOUND, end.field, "no entity with id %q", end.id)
		}
	}
	q.Access = s.access
	p, err := s.inner.ShortestPath(ctx, q)
	if err != nil || p == nil {
		return p, err
	}
	if err := s.present(ctx, p.Nodes); err != nil {
		return nil, err
	}
	for i := range p.Links {
		p.Links[i] = s.maskLink(p.Links[i])
	}
	return p, nil
}

// Retract writes through, like Upsert: who may retract what is decided in
// the use-case layer.
func (s *Store) Retract(ctx context.Context, r intel.RetractRequest) (intel.Link, error) {
	return s.inner.Retract(ctx, r)
}
