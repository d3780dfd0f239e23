package peers

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/usecase"
)

// keyTTL is how long the keys the harness issues stay valid: longer than
// any run.
const keyTTL = 24 * time.Hour

// Keys are the bearer tokens the harness issued on one registry: the
// analyst who asks the read questions, and the enricher of the agency the
// synthetic call records come from, who ingests them.
type Keys struct {
	Analyst, Enricher string
}

// setUpRegistry registers the demo agencies and agreement and issues the
// harness's keys, as `serve --demo` does.
func setUpRegistry(ctx context.Context, reg *access.Registry) (Keys, error) {
	keys, err := demo.SetUpAccess(ctx, reg, keyTTL)
	if err != nil {
		return Keys{}, err
	}
	var k Keys
	for _, key := range keys {
		if key.Agency == "TH-CCIB" && key.Role == access.RoleAnalyst {
			k.Analyst = key.Token
		}
	}
	if _, k.Enricher, err = reg.CreateKey(ctx, "peerbench", "TH-NBTC", access.RoleEnricher, "peerbench", keyTTL); err != nil {
		return Keys{}, err
	}
	if k.Analyst == "" {
		return Keys{}, fmt.Errorf("the demo keys hold no TH-CCIB analyst")
	}
	return k, nil
}

// SeedNeo4j wipes the Neo4j database and loads the demo world at scale
// into it (what `scamgraph seed --store neo4j` loads at scale 1), then
// issues the keys. With reuse, a world whose entry points are already
// there is kept as it is. The returned store stays open for the expected
// answers.
func SeedNeo4j(ctx context.Context, uri string, scale float64, reuse bool) (*neo4jstore.Store, Keys, demo.Stats, error) {
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri})
	if err != nil {
		return nil, Keys{}, demo.Stats{}, err
	}
	fail := func(err error) (*neo4jstore.Store, Keys, demo.Stats, error) {
		s.Close()
		return nil, Keys{}, demo.Stats{}, err
	}
	var ids []string
	for _, p := range demo.EntryPoints() {
		ids = append(ids, p.ID())
	}
	found, err := s.GetEntities(ctx, ids)
	if err != nil {
		return fail(err)
	}
	if !reuse || len(found) < len(ids) {
		if err := s.DeleteAll(ctx); err != nil {
			return fail(err)
		}
		if _, err := demo.Load(ctx, s, demo.Config{Scale: scale}); err != nil {
			return fail(err)
		}
	}
	stats, err := countWorld(ctx, uri)
	if err != nil {
		return fail(err)
	}
	keys, err := setUpRegistry(ctx, access.New(s.AccessRecords(), time.Now))
	if err != nil {
		return fail(err)
	}
	return s, keys, stats, nil
}

// countWorld counts the entities and links in Neo4j.
func countWorld(ctx context.Context, uri string) (demo.Stats, error) {
	d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		return demo.Stats{}, err
	}
	defer d.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, d, `MATCH (n:Entity) WITH count(n) AS entities
MATCH (:Entity)-[r]->(:Entity) RETURN entities, count(r) AS links`, nil, neo4j.EagerResultTransformer)
	if err != nil || len(res.Records) != 1 {
		return demo.Stats{}, fmt.Errorf("counting the world: %v", err)
	}
	e, _ := res.Records[0].Get("entities")
	l, _ := res.Records[0].Get("links")
	return demo.Stats{Entities: int(e.(int64)), Links: int(l.(int64))}, nil
}

// SeedEmbedded loads the same world into a fresh embedded data directory,
// with its registry beside it, as `serve --demo --store embedded` would.
func SeedEmbedded(ctx context.Context, dir string, scale float64) (Keys, error) {
	s, err := embeddedstore.Open(dir)
	if err != nil {
		return Keys{}, err
	}
	if _, err := demo.Load(ctx, s, demo.Config{Scale: scale}); err != nil {
		s.Close()
		return Keys{}, err
	}
	if err := s.Close(); err != nil {
		return Keys{}, err
	}
	rec, err := embeddedstore.OpenAccessRecords(filepath.Join(dir, "access.db"))
	if err != nil {
		return Keys{}, err
	}
	defer rec.Close()
	return setUpRegistry(ctx, access.New(rec, time.Now))
}

// AccessOf is what the holder of token may see on store s: the same terms
// ScamGraph works out for each of its requests.
func AccessOf(ctx context.Context, s *neo4jstore.Store, token string) (*intel.Access, error) {
	svc := usecase.New(s, access.New(s.AccessRecords(), time.Now), usecase.Options{})
	c, err := svc.Authenticate(ctx, usecase.Credentials{Token: token, Purpose: "peer benchmark"})
	if err != nil {
		return nil, err
	}
	return c.Access(), nil
}

// Questions are the questions of every read workload with their expected
// answers, worked out once from Neo4j through ScamGraph's store.
type Questions struct {
	Hit      LookupQ
	Cold     []LookupQ
	Networks map[int]NetworkQ
	Path     PathQ
}

// networkLimit is the node cap of the network questions, ScamGraph's
// default.
const networkLimit = 500

// networkCandidates is how many phone numbers beside the entry points are
// tried as network seeds.
const networkCandidates = 60

// Ask works out the questions: the SIM-box hub for the cache hit, up to
// coldKeys distinct phone numbers for the cold lookups, for each depth the
// seed (among the demo entry points and the first phone numbers) with the
// largest network the cap does not cut, so that every target, capped or
// not, must find the same nodes, and a path
// between two entry points.
func Ask(ctx context.Context, uri string, s *neo4jstore.Store, a *intel.Access, coldKeys int) (Questions, error) {
	var q Questions
	d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		return q, err
	}
	defer d.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, d, `MATCH (n:Entity) WHERE n.kind = $kind
RETURN n.id AS id, n.key AS key, n.label AS label ORDER BY n.id LIMIT $n`,
		map[string]any{"kind": string(intel.KindPhoneNumber), "n": coldKeys}, neo4j.EagerResultTransformer)
	if err != nil {
		return q, err
	}
	for _, r := range res.Records {
		id, _ := r.Get("id")
		key, _ := r.Get("key")
		label, _ := r.Get("label")
		q.Cold = append(q.Cold, LookupQ{ID: id.(string), Kind: string(intel.KindPhoneNumber), Key: key.(string), Label: label.(string)})
	}
	// ScamGraph hides an entity known to the reader only through facts the
	// reader may not see, so the cold keys are those the reader may see.
	visible := q.Cold[:0]
	g := guard.New(s, a, &guard.Report{})
	for start := 0; start < len(q.Cold); start += 500 {
		chunk := q.Cold[start:min(start+500, len(q.Cold))]
		ids := make([]string, len(chunk))
		for i, l := range chunk {
			ids[i] = l.ID
		}
		found, err := g.GetEntities(ctx, ids)
		if err != nil {
			return q, err
		}
		for _, l := range chunk {
			if _, ok := found[l.ID]; ok {
				visible = append(visible, l)
			}
		}
	}
	q.Cold = visible
	if len(q.Cold) == 0 {
		return q, fmt.Errorf("the world holds no phone number the reader may see")
	}
	hub, err := s.FindEntity(ctx, demo.SIMBoxHub.Kind, demo.SIMBoxHub.Key)
	if err != nil {
		return q, err
	}
	q.Hit = LookupQ{ID: hub.ID, Kind: string(hub.Kind), Key: hub.Key, Label: hub.Label}

	q.Networks = map[int]NetworkQ{}
	var seeds []string
	for _, p := range demo.EntryPoints() {
		seeds = append(seeds, p.ID())
	}
	for _, l := range q.Cold[:min(len(q.Cold), networkCandidates)] {
		seeds = append(seeds, l.ID)
	}
	for depth := 1; depth <= 3; depth++ {
		var best *NetworkQ
		for _, seed := range seeds {
			sub, err := expand(ctx, s, a, seed, depth, networkLimit)
			if err != nil {
				return q, err
			}
			if sub.Truncated || (best != nil && len(sub.Nodes) <= len(best.Nodes)) {
				continue
			}
			nodes := nodeIDs(sub.Nodes)
			slices.Sort(nodes)
			best = &NetworkQ{Seed: seed, Depth: depth, Limit: networkLimit, Nodes: nodes}
		}
		if best == nil {
			return q, fmt.Errorf("every candidate seed's %d-hop network exceeds %d nodes", depth, networkLimit)
		}
		q.Networks[depth] = *best
	}

	// The README's question (the call centre's VoIP account to the
	// cash-out account) when the world joins them within 4 links; a world
	// of other proportions may not, and then the first pair of entry
	// points, in a fixed order, that it does join.
	pairs := [][2]string{{demo.VoipAccount.ID(), demo.CashOutAccount.ID()}}
	for _, f := range demo.EntryPoints() {
		for _, t := range demo.EntryPoints() {
			if f.ID() != t.ID() {
				pairs = append(pairs, [2]string{f.ID(), t.ID()})
			}
		}
	}
	for _, pair := range pairs {
		p, err := s.ShortestPath(ctx, intel.PathQuery{From: pair[0], To: pair[1], MaxDepth: 4, Access: a})
		if err != nil {
			return q, err
		}
		if p != nil && len(p.Links) >= 2 {
			q.Path = PathQ{From: pair[0], To: pair[1], Length: len(p.Links)}
			return q, nil
		}
	}
	return q, fmt.Errorf("no two entry points of the world are joined by 2 to 4 links the reader may see")
}

// Workloads are the read workloads over q, in report order.
func (q Questions) Workloads() []Workload {
	cold := q.Cold
	return []Workload{
		{Name: "lookup-hit", Floor: true, Question: func(int) any { return q.Hit }},
		{Name: "lookup-cold", Question: func(i int) any { return cold[i%len(cold)] }},
		{Name: "network-1hop", Question: func(int) any { return q.Networks[1] }},
		{Name: "network-2hop", Question: func(int) any { return q.Networks[2] }},
		{Name: "network-3hop", Question: func(int) any { return q.Networks[3] }},
		{Name: "shortestPath", Question: func(int) any { return q.Path }},
	}
}

// AskOff works out the answers of the rules-off targets (a and b) to the
// questions of q: they see everything, so a network may hold more nodes
// (and be cut by its cap, when only its size can be checked) and a path
// may be shorter. The lookups are the same.
func AskOff(ctx context.Context, s *neo4jstore.Store, q Questions) (Questions, error) {
	off := q
	a := OperatorAccess()
	off.Networks = map[int]NetworkQ{}
	for depth, nq := range q.Networks {
		sub, err := expand(ctx, s, a, nq.Seed, depth, nq.Limit)
		if err != nil {
			return off, err
		}
		nodes := nodeIDs(sub.Nodes)
		slices.Sort(nodes)
		off.Networks[depth] = NetworkQ{Seed: nq.Seed, Depth: depth, Limit: nq.Limit, Nodes: nodes, Truncated: sub.Truncated}
	}
	p, err := s.ShortestPath(ctx, intel.PathQuery{From: q.Path.From, To: q.Path.To, MaxDepth: 4, Access: a})
	if err != nil {
		return off, err
	}
	if p == nil {
		return off, fmt.Errorf("no path of at most 4 links from %s to %s with the rules off", q.Path.From, q.Path.To)
	}
	off.Path = PathQ{From: q.Path.From, To: q.Path.To, Length: len(p.Links)}
	return off, nil
}
