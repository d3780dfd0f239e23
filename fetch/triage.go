package fetch

import (
	"context"
	"sort"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// seedQueries are the facts that make an entity a seed: a victim report
// names it, a suspect uses it, or it is a VoIP account's presented caller
// ID (or the account presenting one). Everything else a triage finds is
// reached from them.
var seedQueries = []intel.LinkedQuery{
	{LinkTypes: []intel.LinkType{intel.LinkReportedIn}, End: intel.EndFrom},
	{LinkTypes: []intel.LinkType{intel.LinkUses}, End: intel.EndTo},
	{LinkTypes: []intel.LinkType{intel.LinkPresentedAs}, End: intel.EndAny},
}

// Seeds lists the seeds the reader may see, sorted.
func Seeds(ctx context.Context, src Source) ([]string, error) {
	var out []string
	for _, q := range seedQueries {
		for {
			page, err := src.LinkedEntities(ctx, q)
			if err != nil {
				return nil, err
			}
			out = append(out, page.IDs...)
			if !page.HasNextPage || len(page.IDs) == 0 {
				break
			}
			q.After = page.IDs[len(page.IDs)-1]
		}
	}
	sort.Strings(out)
	return unique(out), nil
}

// Rounds bounds how far a triage walks out from its seeds: each round
// scores the entities the previous one reached from its risky entities.
const Rounds = 3

// Triage is the graph-wide computation behind the triage list and the
// rings: the risk of every entity reachable from the seeds through risky
// entities, and the neighbourhoods it was computed over.
type Triage struct {
	Risks map[string]analytics.Risk
	// Graph holds every neighbourhood read, merged, for the rings.
	Graph *analytics.Neighbourhood
}

// RunTriage scores the seeds, then, round by round, what the risky ones
// lead to (see analytics.Reach), until nothing new is reached or Rounds
// rounds are done. Its cost grows with the suspicious part of the graph
// (the seeds and what they reach), not with the whole graph.
func RunTriage(ctx context.Context, src Source, p analytics.Params) (Triage, error) {
	return RunTriageWith(ctx, src, p, nil)
}

// RunTriageWith is RunTriage reading around the entities it scores
// through memo (see NeighbourhoodWith).
func RunTriageWith(ctx context.Context, src Source, p analytics.Params, memo *Memo) (Triage, error) {
	seeds, err := Seeds(ctx, src)
	if err != nil {
		return Triage{}, err
	}
	t := Triage{Risks: map[string]analytics.Risk{}, Graph: analytics.NewNeighbourhood()}
	todo := seeds
	victimsRead := map[string]bool{}
	for round := 0; round < Rounds && len(todo) > 0; round++ {
		n, err := NeighbourhoodWith(ctx, src, todo, memo)
		if err != nil {
			return Triage{}, err
		}
		t.Graph.Merge(n)
		var risky, lines []string
		for _, id := range todo {
			if kindOf(id) == intel.KindCase {
				continue
			}
			r := analytics.Score(n, id, p)
			t.Risks[id] = r
			if r.Level.Rank() >= analytics.LevelLow.Rank() {
				risky = append(risky, id)
			}
			if r.Level.Rank() >= analytics.LevelMedium.Rank() {
				lines = append(lines, id)
			}
		}
		reach := analytics.Reach(n, risky)
		co, err := coCallers(ctx, src, n, lines, victimsRead)
		if err != nil {
			return Triage{}, err
		}
		var next []string
		for _, id := range append(reach, co...) {
			if _, done := t.Risks[id]; !done && kindOf(id) != intel.KindCase {
				next = append(next, id)
			}
		}
		todo = next
	}
	return t, nil
}

// coCallers reads the incoming calls of the victims of the lines (MEDIUM
// and above)
// not read before and returns the other lines that called several of them.
func coCallers(ctx context.Context, src Source, n *analytics.Neighbourhood, risky []string, read map[string]bool) ([]string, error) {
	var victims []string
	for _, id := range analytics.Callees(n, risky) {
		if !read[id] {
			read[id] = true
			victims = append(victims, id)
		}
	}
	if len(victims) == 0 {
		return nil, nil
	}
	v := &reader{src: src, n: analytics.NewNeighbourhood()}
	if err := v.readIn(ctx, victims, callTypes, AroundSize); err != nil {
		return nil, err
	}
	return analytics.CoCallers(v.n, victims), nil
}

func kindOf(id string) intel.Kind {
	k, _, _ := intel.SplitEntityID(id)
	return k
}
