package usecase

import (
	"context"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// linksPerNode sets the edge cap from the node limit: link-analysis front
// ends think in nodes, and a network has a few times more edges than nodes.
const linksPerNode = 4

// NetworkQuery asks for the subgraph around seeds, Depth hops out. Limit
// caps the nodes (1 to intel.MaxNodesCap) and sets the edge cap from it.
// Both are taken as given: the API's defaults are its own.
type NetworkQuery struct {
	Seeds     []string
	Depth     int
	LinkTypes []intel.LinkType
	Kinds     []intel.Kind
	Window    intel.TimeWindow
	Limit     int
	// Bare asks for the network as drawn: its entities' ids, kinds and
	// labels and its links' ids, types and ends (see intel.ExpandQuery.Bare).
	Bare bool
}

// Network expands the caller's view around the seeds. A network that
// crosses the border needs a purpose (needPurpose).
func (s *Service) Network(ctx context.Context, c *Caller, in NetworkQuery) (g intel.Subgraph, err error) {
	return s.network(ctx, c, access.OpNetwork, in)
}

// ExportNetwork is Network for a copy that leaves the service as a file:
// the same view, the same rules, audited as an export.
func (s *Service) ExportNetwork(ctx context.Context, c *Caller, in NetworkQuery) (intel.Subgraph, error) {
	g, err := s.network(ctx, c, access.OpExport, in)
	if err == nil {
		c.exported(in.Seeds...)
	}
	return g, err
}

func (s *Service) network(ctx context.Context, c *Caller, op string, in NetworkQuery) (g intel.Subgraph, err error) {
	defer func() { c.finish(op, err) }()
	if err = c.allow(op); err != nil {
		return g, err
	}
	q := intel.ExpandQuery{Seeds: in.Seeds, Depth: in.Depth, LinkTypes: in.LinkTypes, Kinds: in.Kinds,
		Window: in.Window, MaxNodes: in.Limit, Bare: in.Bare && op != access.OpExport}
	if q.MaxNodes < 1 || q.MaxNodes > intel.MaxNodesCap {
		return g, intel.Errorf(intel.EINVALID, "limit", "must be between 1 and %d, got %d", intel.MaxNodesCap, q.MaxNodes)
	}
	q.MaxLinks = min(q.MaxNodes*linksPerNode, intel.MaxLinksCap)
	// The expansion reads into a report of its own, merged only when the
	// answer goes out: a network refused for want of a purpose was never
	// shown, so the audit must not list it as read.
	scratch := &guard.Report{}
	g, err = guard.New(s.reads, c.access, scratch).Expand(ctx, q)
	if err != nil {
		return g, err
	}
	if err = c.needPurpose(g.Links); err != nil {
		return intel.Subgraph{}, err
	}
	c.report.Merge(scratch)
	return g, nil
}

// ShortestPath finds the shortest path in the caller's view; nil when none.
func (s *Service) ShortestPath(ctx context.Context, c *Caller, q intel.PathQuery) (p *intel.Path, err error) {
	defer func() { c.finish(access.OpShortest, err) }()
	if err = c.allow(access.OpShortest); err != nil {
		return nil, err
	}
	return c.view.ShortestPath(ctx, q)
}
