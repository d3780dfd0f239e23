package usecase

import (
	"context"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/fetch"
	"github.com/scamgraph/scamgraph/intel"
)

// LookupResult is what an analyst's typed identifier resolves to: the
// parse (valid or with the reason it is not) and the entity, when the
// caller may see one under that key.
type LookupResult struct {
	Identifier intel.Identifier
	Region     intel.Region
	Entity     *intel.Entity
}

// Lookup parses what an analyst typed (in region, TH when empty; as kind,
// guessed when empty) and, when it is valid, reads the entity through the
// caller's view. An unreadable identifier is an answer, not an error, so
// that an explorer shows the reason in place.
func (s *Service) Lookup(ctx context.Context, c *Caller, input string, kind intel.Kind, region intel.Region) (LookupResult, error) {
	return s.lookup(ctx, c, input, kind, region, false)
}

// LookupWithRisk is Lookup for an answer that carries the entity's risk
// too (see Reader.Risks): unless the risk is cached, or the caller may
// not see it, the entity's read brings in the same round trip the page of
// its links that the score reads first (guard.Store.GetEntitiesKeeping),
// so that the risk costs no round trip of its own. The answer, the score,
// and what the audit records are the same as Lookup's and Risks' apart.
func (s *Service) LookupWithRisk(ctx context.Context, c *Caller, input string, kind intel.Kind, region intel.Region) (LookupResult, error) {
	return s.lookup(ctx, c, input, kind, region, true)
}

func (s *Service) lookup(ctx context.Context, c *Caller, input string, kind intel.Kind, region intel.Region, withRisk bool) (out LookupResult, err error) {
	defer func() { c.finish(access.OpLookup, err) }()
	if err = c.allow(access.OpLookup); err != nil {
		return out, err
	}
	if region == "" {
		region = intel.RegionTH
	}
	out.Region = region
	out.Identifier = s.identifiers.parse(input, region, kind)
	if !out.Identifier.Valid {
		return out, nil
	}
	id := intel.EntityID(out.Identifier.Kind, out.Identifier.Key)
	var found map[string]intel.Entity
	if withRisk && s.scoresAfresh(c, id) {
		found, err = c.view.GetEntitiesKeeping(ctx, []string{id}, fetch.OwnQuery())
	} else {
		found, err = c.view.GetEntities(ctx, []string{id})
	}
	if err != nil {
		return out, err
	}
	if e, ok := found[id]; ok {
		out.Entity = &e
	}
	return out, nil
}

// Reader is one caller's batch reads of the graph, for the per-request
// loaders: every relationship field of a GraphQL answer reads through it,
// so each read is checked and recorded like any other use case.
type Reader struct {
	s *Service
	c *Caller
}

// Reader returns c's batch reads.
func (s *Service) Reader(c *Caller) Reader { return Reader{s: s, c: c} }

// Entities reads entities by id; ids the caller may not see are absent.
func (r Reader) Entities(ctx context.Context, ids []string) (out map[string]intel.Entity, err error) {
	defer func() { r.c.finish(access.OpNodes, err) }()
	if err = r.c.allow(access.OpNodes); err != nil {
		return nil, err
	}
	return r.c.view.GetEntities(ctx, ids)
}

// Links reads links by id; links the caller may not see are absent.
func (r Reader) Links(ctx context.Context, ids []string) (out map[string]intel.Link, err error) {
	defer func() { r.c.finish(access.OpNodes, err) }()
	if err = r.c.allow(access.OpNodes); err != nil {
		return nil, err
	}
	return r.c.view.GetLinks(ctx, ids)
}

// Summaries reads the summaries of entities over what the caller may see.
func (r Reader) Summaries(ctx context.Context, ids []string) (out map[string]intel.Summary, err error) {
	defer func() { r.c.finish(access.OpSummaries, err) }()
	if err = r.c.allow(access.OpSummaries); err != nil {
		return nil, err
	}
	return r.c.view.Summaries(ctx, ids)
}

// Neighbours reads one page of links of each entity, with the filters of q.
func (r Reader) Neighbours(ctx context.Context, ids []string, q intel.NeighbourQuery) (out map[string]intel.NeighbourPage, err error) {
	defer func() { r.c.finish(access.OpLinks, err) }()
	if err = r.c.allow(access.OpLinks); err != nil {
		return nil, err
	}
	return r.c.view.NeighboursOf(ctx, ids, q)
}

// LegalStatus reads the legal-status steps of suspects (LegalStatus), for
// the loader behind Suspect.legalStatus.
func (r Reader) LegalStatus(ctx context.Context, suspectIDs []string) (map[string][]access.StatusStep, error) {
	return r.s.LegalStatus(ctx, r.c, suspectIDs)
}
