package resolvers

import (
	"context"
	"strconv"
	"time"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

func (r *Resolver) network(ctx context.Context, seeds []string, depth *int, types []model.LinkType,
	ks []model.EntityKind, since, until *time.Time, limit *int) (*model.Network, error) {
	q := usecase.NetworkQuery{Depth: intOr(depth, 2), LinkTypes: linkTypes(types), Kinds: kinds(ks),
		Window: window(since, until), Limit: intOr(limit, intel.DefaultMaxNodes)}
	for i, s := range seeds {
		id, err := entityIDArg("seeds["+strconv.Itoa(i)+"]", s)
		if err != nil {
			return nil, err
		}
		q.Seeds = append(q.Seeds, id)
	}
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	// The full entity and link models are read and built only for a query
	// that asks for them (mostConnected names the nodes' entities): the
	// edges' ends and ids are all many front ends load.
	sel := selected(ctx)
	entities, links := sel.has("nodes.entity") || sel.has("mostConnected"), sel.has("edges.link")
	q.Bare = !entities && !links
	g, err := r.Service.Network(ctx, c, q)
	if err != nil {
		return nil, err
	}
	out := &model.Network{Nodes: []*model.NetworkNode{}, Edges: []*model.NetworkEdge{}, Truncated: g.Truncated,
		NodeCount: len(g.Nodes), EdgeCount: len(g.Links), MissingSeeds: nonNil(g.MissingSeeds)}
	for _, n := range g.Nodes {
		node := &model.NetworkNode{ID: n.ID, Kind: model.EntityKind(n.Kind), Label: n.Label}
		if entities {
			node.Entity = entityModel(n)
		}
		out.Nodes = append(out.Nodes, node)
	}
	for _, l := range g.Links {
		edge := &model.NetworkEdge{ID: globalLinkID(l.ID), Type: model.LinkType(l.Type), Source: l.From, Target: l.To}
		if links {
			edge.Link = linkModel(l)
		}
		out.Edges = append(out.Edges, edge)
	}
	return out, nil
}

func (r *Resolver) shortestPath(ctx context.Context, from, to string, maxDepth *int, types []model.LinkType,
	since, until *time.Time) (*model.Path, error) {
	fromID, err := entityIDArg("from", from)
	if err != nil {
		return nil, err
	}
	toID, err := entityIDArg("to", to)
	if err != nil {
		return nil, err
	}
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	p, err := r.Service.ShortestPath(ctx, c, intel.PathQuery{From: fromID, To: toID, MaxDepth: intOr(maxDepth, intel.DefaultPathDepth),
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
