package resolvers

import (
	"context"
	"errors"

	"github.com/vikstrous/dataloadgen"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/loaders"
	"github.com/scamgraph/scamgraph/usecase"
)

// entityRisk loads one entity's risk through the request's loader, so a
// list's risk fields are scored together. An entity the reader cannot see
// scores nothing.
func entityRisk(ctx context.Context, id string) (*model.Risk, error) {
	r, err := loaders.For(ctx).Risk.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return riskModel(analytics.Risk{Level: analytics.LevelNone}), nil
	}
	if err != nil {
		return nil, err
	}
	return riskModel(r), nil
}

func riskModel(r analytics.Risk) *model.Risk {
	out := &model.Risk{Score: r.Score, Level: model.RiskLevel(r.Level), Reasons: []*model.RiskReason{}, Findings: []*model.Finding{}}
	for _, x := range r.Reasons {
		reason := &model.RiskReason{Kind: model.ReasonKind(x.Kind), Points: x.Points, Text: x.Text,
			Entities: nonNil(x.Entities), Links: globalLinkIDs(x.Links)}
		if x.Finding != nil {
			reason.Finding = findingModel(*x.Finding)
		}
		out.Reasons = append(out.Reasons, reason)
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, findingModel(f))
	}
	return out
}

func findingModel(f analytics.Finding) *model.Finding {
	return &model.Finding{Kind: model.FindingKind(f.Kind), Subject: f.Subject, Text: f.Text, Day: optional(f.Day),
		Count: f.Count, Entities: nonNil(f.Entities), Links: globalLinkIDs(f.Links), At: optionalTime(f.At)}
}

// lookupRisk is the risk of the entity a lookup found.
func lookupRisk(ctx context.Context, l *model.Lookup) (*model.Risk, error) {
	if l.Entity == nil {
		return nil, nil
	}
	return entityRisk(ctx, l.Entity.GetID())
}

func (r *Resolver) riskList(ctx context.Context, kind *model.EntityKind, country *model.Region, level *model.RiskLevel, finding *model.FindingKind, first *int, after *string) (*model.RiskConnection, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	q := usecase.RiskListQuery{First: intOr(first, usecase.DefaultRiskPage)}
	if kind != nil {
		q.Kind = intel.Kind(*kind)
	}
	if country != nil {
		q.Country = intel.Region(*country)
	}
	if level != nil {
		q.Level = analytics.Level(*level)
	}
	if finding != nil {
		q.Finding = analytics.FindingKind(*finding)
	}
	if after != nil {
		q.After = *after
	}
	page, err := r.Service.RiskList(ctx, c, q)
	if err != nil {
		return nil, err
	}
	out := &model.RiskConnection{Edges: []*model.RiskEdge{}, PageInfo: &model.PageInfo{HasNextPage: page.HasNextPage},
		TotalCount: page.TotalCount, ComputedAt: page.ComputedAt, Stale: page.Stale}
	for _, it := range page.Items {
		out.Edges = append(out.Edges, &model.RiskEdge{Cursor: it.Cursor, Node: entityModel(it.Entity), Risk: riskModel(it.Risk)})
	}
	if n := len(page.Items); n > 0 {
		out.PageInfo.EndCursor = &page.Items[n-1].Cursor
	}
	return out, nil
}

func (r *Resolver) rings(ctx context.Context, first *int, after *string) (*model.RingConnection, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	a := ""
	if after != nil {
		a = *after
	}
	page, err := r.Service.Rings(ctx, c, intOr(first, 20), a)
	if err != nil {
		return nil, err
	}
	out := &model.RingConnection{Nodes: []*model.Ring{}, PageInfo: &model.PageInfo{HasNextPage: page.HasNextPage},
		TotalCount: page.TotalCount, ComputedAt: page.ComputedAt, Stale: page.Stale}
	for _, ring := range page.Rings {
		out.Nodes = append(out.Nodes, ringModel(ring))
	}
	if n := len(page.Rings); n > 0 {
		out.PageInfo.EndCursor = &page.Rings[n-1].ID
	}
	return out, nil
}

func (r *Resolver) ring(ctx context.Context, id string) (*model.Ring, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	ring, err := r.Service.Ring(ctx, c, id)
	if err != nil || ring == nil {
		return nil, err
	}
	return ringModel(*ring), nil
}

// ringModel maps a ring; members are stubs the Entity fields load
// through the request's loaders.
func ringModel(g analytics.Ring) *model.Ring {
	out := &model.Ring{ID: g.ID, Size: len(g.Members), Members: []model.Entity{}, MembersByKind: []*model.KindCount{},
		MembersByCountry: []*model.CountryCount{}, CaseCount: len(g.Cases), ReportedLosses: []*model.Money{},
		FirstActivity: optionalTime(g.First), LastActivity: optionalTime(g.Last), Suspects: []model.Entity{},
		MostConnected: rankedModels(g.MostConnected)}
	for _, m := range g.Members {
		out.Members = append(out.Members, stubEntity(m))
	}
	for _, k := range intel.Kinds {
		if n := g.ByKind[k]; n > 0 {
			out.MembersByKind = append(out.MembersByKind, &model.KindCount{Kind: model.EntityKind(k), Count: n})
		}
	}
	for _, reg := range []intel.Region{intel.RegionTH, intel.RegionKH} {
		if n := g.ByCountry[reg]; n > 0 {
			out.MembersByCountry = append(out.MembersByCountry, &model.CountryCount{Country: model.Region(reg), Count: n})
		}
	}
	for _, m := range g.Losses {
		out.ReportedLosses = append(out.ReportedLosses, moneyModel(m))
	}
	for _, s := range g.Suspects {
		out.Suspects = append(out.Suspects, stubEntity(s))
	}
	return out
}

func rankedModels(rs []analytics.Ranked) []*model.RankedEntity {
	out := make([]*model.RankedEntity, 0, len(rs))
	for _, x := range rs {
		out = append(out, &model.RankedEntity{Entity: stubEntity(x.ID), Degree: x.Degree, Links: x.Links})
	}
	return out
}

// mostConnected ranks a network answer's entities from its edges.
func mostConnected(n *model.Network, first *int) ([]*model.RankedEntity, error) {
	k := intOr(first, 10)
	if k < 0 {
		return nil, intel.Errorf(intel.EINVALID, "first", "must not be negative, got %d", k)
	}
	g := intel.Subgraph{Links: make([]intel.Link, 0, len(n.Edges))}
	for _, e := range n.Edges {
		g.Links = append(g.Links, intel.Link{ID: e.ID, From: e.Source, To: e.Target})
	}
	out := rankedModels(usecase.MostConnected(g, k))
	byID := map[string]model.Entity{}
	for _, node := range n.Nodes {
		byID[node.ID] = node.Entity
	}
	for _, r := range out {
		if e, ok := byID[r.Entity.GetID()]; ok {
			r.Entity = e
		}
	}
	return out, nil
}

func (r *Resolver) markReport(ctx context.Context, in model.MarkReportInput) ([]*model.Link, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	caseID, err := entityIDArg("input.case", in.Case)
	if err != nil {
		return nil, err
	}
	entityID, err := entityIDArg("input.entity", in.Entity)
	if err != nil {
		return nil, err
	}
	m := usecase.ReportMark{Case: caseID, Entity: entityID, Status: analytics.ReportStatus(in.Status)}
	if in.Note != nil {
		m.Note = *in.Note
	}
	links, err := r.Service.MarkReport(ctx, c, m)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Link, len(links))
	for i, l := range links {
		out[i] = linkModel(l)
	}
	return out, nil
}
