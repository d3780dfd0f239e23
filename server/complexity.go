package server

import (
	"time"

	"github.com/scamgraph/scamgraph/graph"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
)

// setComplexity prices the fields whose cost grows with an argument, so that
// the complexity limit rejects queries such as links(first: 500) nested in
// links(first: 500) before they run. Every other field costs 1.
func setComplexity(c *graph.ComplexityRoot) {
	links := func(child int, _ *model.Direction, _ []model.LinkType, _ []model.EntityKind, _, _ *time.Time, first *int, _ *string) int {
		// An oversized page is priced at the cap; the resolver then rejects it
		// with a message about `first` rather than about complexity.
		return 1 + child*min(orDefault(first, intel.DefaultPageSize), intel.MaxPageSize)
	}
	c.PhoneNumber.Links = links
	c.VoipAccount.Links = links
	c.IPAddress.Links = links
	c.BankAccount.Links = links
	c.Suspect.Links = links
	c.MessagingAccount.Links = links
	c.Case.Links = links
	c.Person.Links = links
	c.Query.Nodes = func(child int, ids []string) int { return 1 + child*len(ids) }
	c.Query.Network = func(child int, _ []string, _ *int, _ []model.LinkType, _ []model.EntityKind, _, _ *time.Time, limit *int) int {
		// Node and edge selections are paid once per 50 nodes asked for.
		return 10 + child*(1+orDefault(limit, intel.DefaultMaxNodes)/50)
	}
	c.Query.ShortestPath = func(child int, _, _ string, maxDepth *int, _ []model.LinkType, _, _ *time.Time) int {
		return 5 + child*orDefault(maxDepth, intel.DefaultPathDepth)
	}
	c.Mutation.Ingest = func(child int, records []*model.RecordInput) int {
		return child + len(records)/10
	}
	c.Mutation.Upsert = func(child int, in model.UpsertInput) int {
		return child + (len(in.Entities)+len(in.Links))/10
	}
}

func orDefault(p *int, def int) int {
	if p == nil || *p < 1 {
		return def
	}
	return *p
}
