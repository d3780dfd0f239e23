package usecase

import (
	"context"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// MaxUpsertItems bounds one upsert; bulk loads use the ingest path.
const MaxUpsertItems = 5000

// Endpoint names an entity as a caller types it.
type Endpoint struct {
	Kind       intel.Kind
	Identifier string
	// Region is the default region of national numbers and bank
	// accounts; TH when empty.
	Region intel.Region
}

// EntityItem is one entity to write: an artefact and its description.
type EntityItem struct {
	Endpoint
	Label string
	Attrs map[string]string
}

// LinkItem is one fact to write: Link carries the type, provenance and
// attributes (its From and To are filled in from the endpoints).
type LinkItem struct {
	Link     intel.Link
	From, To Endpoint
}

// ItemResult is what happened to one item: accepted under ID, or refused
// with Err (a domain error naming the item's field).
type ItemResult struct {
	Index int
	ID    string
	Err   error
}

// UpsertResult reports each entity and link item, in input order.
type UpsertResult struct {
	Entities, Links []ItemResult
	Accepted        int
	Rejected        int
	// LinksCreated counts the facts that were new; entity creation is not
	// reported, since an artefact that already existed may be known only
	// through facts the caller may not see.
	LinksCreated int
}

// Upsert checks every item on its own, writes the accepted ones in one
// batch, and reports each item. A refused item contributes nothing to the
// batch, so it never half-writes. Facts are the caller's agency's own
// (ownFact).
func (s *Service) Upsert(ctx context.Context, c *Caller, entities []EntityItem, links []LinkItem) (out UpsertResult, err error) {
	defer func() { c.finish(access.OpUpsert, err) }()
	if err = c.allow(access.OpUpsert); err != nil {
		return out, err
	}
	if n := len(entities) + len(links); n > MaxUpsertItems {
		return out, intel.Errorf(intel.EINVALID, "input", "has %d items, at most %d allowed in one mutation", n, MaxUpsertItems)
	}
	var batch intel.Batch
	for i, item := range entities {
		e, err := entityOf(item, fieldAt("entities", i))
		out.Entities = append(out.Entities, ItemResult{Index: i, ID: e.ID, Err: err})
		if err == nil {
			batch.Entities = append(batch.Entities, e)
		}
	}
	for i, item := range links {
		field := fieldAt("links", i)
		l, ends, err := linkOf(item, field)
		if err == nil {
			err = c.ownFact(field, &l.Agency, (*string)(&l.Country))
		}
		out.Links = append(out.Links, ItemResult{Index: i, ID: l.ID, Err: err})
		if err == nil {
			batch.Links = append(batch.Links, l)
			batch.Entities = append(batch.Entities, ends...)
		}
	}
	for _, r := range append(append([]ItemResult{}, out.Entities...), out.Links...) {
		if r.Err == nil {
			out.Accepted++
		} else {
			out.Rejected++
		}
	}
	if out.Accepted == 0 {
		return out, nil
	}
	res, err := s.store.Upsert(ctx, batch)
	if err != nil {
		return UpsertResult{}, err
	}
	for _, e := range batch.Entities {
		c.wrote(e.ID)
	}
	out.LinksCreated = res.LinksCreated
	return out, nil
}

// entityOf parses and checks one entity item; field is e.g. "entities[3]".
func entityOf(in EntityItem, field string) (intel.Entity, error) {
	e, err := endpointOf(in.Endpoint, field)
	if err != nil {
		return e, err
	}
	if e.Kind == intel.KindSuspect || e.Kind == intel.KindPerson {
		// They carry personal data whose home and provenance only their
		// source records (ingest) can give.
		return e, intel.Errorf(intel.EINVALID, join(field, "kind"), "%s entities are written through %s records (ingest), which carry their provenance",
			e.Kind, map[intel.Kind]string{intel.KindSuspect: "suspect", intel.KindPerson: "subscriber"}[e.Kind])
	}
	if in.Label != "" {
		e.Label = in.Label
	}
	for k, v := range in.Attrs {
		e.Attrs[k] = v
	}
	return e, e.Validate(field)
}

// endpointOf parses an identifier into an entity, naming the field on failure.
func endpointOf(in Endpoint, field string) (intel.Entity, error) {
	region := in.Region
	if region == "" {
		region = intel.RegionTH
	}
	e, err := intel.EntityFromIdentifier(intel.ParseIdentifier(in.Identifier, region, in.Kind))
	if err != nil {
		return e, intel.Errorf(intel.EINVALID, join(field, "identifier"), "%s", intel.ErrorMessage(err))
	}
	return e, nil
}

// linkOf parses and checks one link item, returning the entities its ends
// parse to so that they are stored with their raw forms and diagnostics.
func linkOf(in LinkItem, field string) (intel.Link, []intel.Entity, error) {
	from, err := endpointOf(in.From, join(field, "from"))
	if err != nil {
		return intel.Link{}, nil, err
	}
	to, err := endpointOf(in.To, join(field, "to"))
	if err != nil {
		return intel.Link{}, nil, err
	}
	l := in.Link
	l.From, l.To = from.ID, to.ID
	l.Normalize()
	if err := l.Validate(field); err != nil {
		return l, nil, err
	}
	return l, []intel.Entity{from, to}, nil
}
