package resolvers

import (
	"context"
	"strconv"
	"time"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// linksPerNode sets the edge cap from the node limit: link-analysis front
// ends think in nodes, and a network has a few times more edges than nodes.
const linksPerNode = 4

func network(ctx context.Context, seeds []string, depth *int, types []model.LinkType,
	ks []model.EntityKind, since, until *time.Time, limit *int) (*model.Network, error) {
	q := intel.ExpandQuery{Depth: intOr(depth, 2), LinkTypes: linkTypes(types), Kinds: kinds(ks),
		Window: window(since, until), MaxNodes: intOr(limit, intel.DefaultMaxNodes)}
	if q.MaxNodes < 1 || q.MaxNodes > intel.MaxNodesCap {
		return nil, intel.Errorf(intel.EINVALID, "limit", "must be between 1 and %d, got %d", intel.MaxNodesCap, q.MaxNodes)
	}
	q.MaxLinks = min(q.MaxNodes*linksPerNode, intel.MaxLinksCap)
	for i, s := range seeds {
		id, err := entityIDArg("seeds["+strconv.Itoa(i)+"]", s)
		if err != nil {
			return nil, err
		}
		q.Seeds = append(q.Seeds, id)
	}
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	g, err := req.Store.Expand(ctx, q)
	if err != nil {
		return nil, err
	}
	if err := needPurpose(req, g.Links); err != nil {
		return nil, err
	}
	out := &model.Network{Nodes: []*model.NetworkNode{}, Edges: []*model.NetworkEdge{}, Truncated: g.Truncated,
		NodeCount: len(g.Nodes), EdgeCount: len(g.Links), MissingSeeds: nonNil(g.MissingSeeds)}
	for _, n := range g.Nodes {
		out.Nodes = append(out.Nodes, &model.NetworkNode{ID: n.ID, Kind: model.EntityKind(n.Kind), Label: n.Label,
			Entity: entityModel(n)})
	}
	for _, l := range g.Links {
		out.Edges = append(out.Edges, &model.NetworkEdge{ID: globalLinkID(l.ID), Type: model.LinkType(l.Type),
			Source: l.From, Target: l.To, Link: linkModel(l)})
	}
	return out, nil
}

func shortestPath(ctx context.Context, from, to string, maxDepth *int, types []model.LinkType,
	since, until *time.Time) (*model.Path, error) {
	fromID, err := entityIDArg("from", from)
	if err != nil {
		return nil, err
	}
	toID, err := entityIDArg("to", to)
	if err != nil {
		return nil, err
	}
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	p, err := req.Store.ShortestPath(ctx, intel.PathQuery{From: fromID, To: toID, MaxDepth: intOr(maxDepth, intel.DefaultPathDepth),
		LinkTypes: linkTypes(types), Window: window(since, until)})
	if err != nil || p == nil {
		return nil, err
	}
	out := &model.Path{Nodes: []model.Entity{}, Links: []*model.Link{}, Length: len(p.Links)}
	for _, n := range p.Nodes {
		out.Nodes = append(out.Nodes, entityModel(n))
	}
	for _, l := range p.Links {
		out.Links = append(out.Links, linkModel(l))
	}
	return out, nil
}

// needPurpose refuses a network that crosses the border when the caller
// gave no purpose: the agreement shares evidence for investigations, and
// the audit log must say which one a bulk read of the other country's
// facts served.
func needPurpose(req *guard.Request, links []intel.Link) error {
	if req.Purpose != "" || req.Access.Unrestricted() {
		return nil
	}
	for _, l := range links {
		if l.Country != req.Access.Country {
			return intel.Errorf(intel.EFORBIDDEN, "X-Purpose",
				"this network includes %s facts; a network across the border needs a purpose: send the X-Purpose header with the case reference it serves", l.Country)
		}
	}
	return nil
}
