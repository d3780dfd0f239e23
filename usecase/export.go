package usecase

import (
	"context"
	"slices"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// ringExportSeeds bounds the seeds of one expansion when a ring's links
// are read (intel.MaxSeeds).
const ringExportSeeds = intel.MaxSeeds

// ExportRing is ring id of the caller's view as a network to carry out of
// the service: its members and the links between them that the caller may
// see, audited as an export naming the members. A ring the view does not
// have is ENOTFOUND.
func (s *Service) ExportRing(ctx context.Context, c *Caller, id string) (g intel.Subgraph, err error) {
	r, err := s.Ring(ctx, c, id)
	if err == nil && r == nil {
		err = intel.Errorf(intel.ENOTFOUND, "ring", "no ring %q in what you may see", id)
	}
	if err != nil {
		c.finish(access.OpExport, err)
		return g, err
	}
	defer func() { c.finish(access.OpExport, err) }()
	if err = c.allow(access.OpExport); err != nil {
		return g, err
	}
	members := map[string]bool{}
	for _, m := range r.Members {
		members[m] = true
	}
	links := map[string]intel.Link{}
	for chunk := range slices.Chunk(r.Members, ringExportSeeds) {
		sub, err := c.view.Expand(ctx, intel.ExpandQuery{Seeds: chunk, Depth: 1, MaxNodes: intel.MaxNodesCap, MaxLinks: intel.MaxLinksCap})
		if err != nil {
			return intel.Subgraph{}, err
		}
		g.Truncated = g.Truncated || sub.Truncated
		for _, l := range sub.Links {
			if members[l.From] && members[l.To] {
				links[l.ID] = l
			}
		}
	}
	ents, err := c.view.GetEntities(ctx, r.Members)
	if err != nil {
		return intel.Subgraph{}, err
	}
	for _, m := range r.Members {
		if e, ok := ents[m]; ok {
			g.Nodes = append(g.Nodes, e)
		}
	}
	g.Links = sortedLinks(links)
	c.exported(r.Members...)
	return g, nil
}

// ExportTrail is the money trail q asks for, as a network to carry out of
// the service: the accounts it reaches and the transfers that can have
// carried the money, in the caller's view, audited as an export naming the
// origin.
func (s *Service) ExportTrail(ctx context.Context, c *Caller, q MoneyTrailQuery) (g intel.Subgraph, err error) {
	tr, err := s.MoneyTrail(ctx, c, q)
	if err != nil {
		c.finish(access.OpExport, err)
		return g, err
	}
	defer func() { c.finish(access.OpExport, err) }()
	if err = c.allow(access.OpExport); err != nil {
		return g, err
	}
	ids := make([]string, len(tr.Accounts))
	for i, a := range tr.Accounts {
		ids[i] = a.ID
	}
	ents, err := c.view.GetEntities(ctx, ids)
	if err != nil {
		return intel.Subgraph{}, err
	}
	for _, id := range ids {
		if e, ok := ents[id]; ok {
			g.Nodes = append(g.Nodes, e)
		}
	}
	links := map[string]intel.Link{}
	for _, h := range tr.Hops {
		links[h.Link.ID] = h.Link
	}
	// The hops come in time order; an export keeps that order, which is
	// also what a chart's timeline reads.
	seen := map[string]bool{}
	for _, h := range tr.Hops {
		if !seen[h.Link.ID] {
			seen[h.Link.ID] = true
			g.Links = append(g.Links, links[h.Link.ID])
		}
	}
	g.Truncated = tr.Truncated
	c.exported(q.From)
	return g, nil
}

func sortedLinks(m map[string]intel.Link) []intel.Link {
	out := make([]intel.Link, 0, len(m))
	for _, l := range m {
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b intel.Link) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}
