package intel

import "context"

// Limits on network expansion. They keep one request from pulling the whole
// graph into memory; a capped answer says so with Truncated.
const (
	MaxExpandDepth  = 4
	MaxSeeds        = 100
	DefaultMaxNodes = 500
	MaxNodesCap     = 5000
	DefaultMaxLinks = 2000
	MaxLinksCap     = 20000
)

// ExpandQuery asks for the network around seed entities.
type ExpandQuery struct {
	Seeds []string
	// Depth is how many links away from a seed to go, 1 to MaxExpandDepth.
	Depth     int
	LinkTypes []LinkType
	// Kinds restricts which entities may join beyond the seeds; empty means any.
	Kinds  []Kind
	Window TimeWindow
	// MaxNodes and MaxLinks cap the answer (defaults apply when 0).
	MaxNodes, MaxLinks int
	// Access limits the links followed to those the reader may see (nil:
	// all). Seeds are taken as given: the caller checks the reader may see them.
	Access *Access
}

// Subgraph is a set of entities and the links among them, in the order the
// expansion reached them.
type Subgraph struct {
	Nodes []Entity
	Links []Link
	// Truncated is true when a cap stopped the expansion before it was complete.
	Truncated bool
	// MissingSeeds lists seeds that are not stored.
	MissingSeeds []string
}

// Normalize applies defaults and checks the query.
func (q *ExpandQuery) Normalize() error {
	if len(q.Seeds) == 0 {
		return Errorf(EINVALID, "seeds", "must name at least one entity")
	}
	if len(q.Seeds) > MaxSeeds {
		return Errorf(EINVALID, "seeds", "has %d entries, at most %d allowed", len(q.Seeds), MaxSeeds)
	}
	if q.Depth == 0 {
		q.Depth = 2
	}
	if q.Depth < 1 || q.Depth > MaxExpandDepth {
		return Errorf(EINVALID, "depth", "must be between 1 and %d, got %d", MaxExpandDepth, q.Depth)
	}
	if q.MaxNodes == 0 {
		q.MaxNodes = DefaultMaxNodes
	}
	if q.MaxNodes < 1 || q.MaxNodes > MaxNodesCap {
		return Errorf(EINVALID, "maxNodes", "must be between 1 and %d, got %d", MaxNodesCap, q.MaxNodes)
	}
	if q.MaxLinks == 0 {
		q.MaxLinks = DefaultMaxLinks
	}
	if q.MaxLinks < 0 || q.MaxLinks > MaxLinksCap {
		return Errorf(EINVALID, "maxLinks", "must be between 0 and %d, got %d", MaxLinksCap, q.MaxLinks)
	}
	if err := validateFilters(q.LinkTypes, q.Kinds); err != nil {
		return err
	}
	return q.Window.Validate("window")
}

// LevelRequest asks a backend for the links that one level of an expansion
// may follow.
type LevelRequest struct {
	// Frontier are the entities reached at the previous level.
	Frontier []string
	// Done are the entities of all earlier levels; links touching them were
	// already considered and MUST be left out.
	Done      []string
	LinkTypes []LinkType
	Kinds     []Kind
	Window    TimeWindow
	// Limit is the most links to return.
	Limit int
	// Access limits the links to those the reader may see (nil: all).
	Access *Access
}

// Wants reports whether a link qualifies for r, for backends that filter in
// Go: one end in the frontier, no end done, type and window matching, and
// each end either in the frontier or of an allowed kind.
func (r *LevelRequest) Wants(l *Link, inFrontier, inDone func(string) bool) bool {
	if !inFrontier(l.From) && !inFrontier(l.To) {
		return false
	}
	if inDone(l.From) || inDone(l.To) {
		return false
	}
	if !ContainsLinkType(r.LinkTypes, l.Type) || !r.Window.Matches(l) || !r.Access.Allows(l) {
		return false
	}
	for _, end := range []string{l.From, l.To} {
		if inFrontier(end) {
			continue
		}
		k, _, _ := SplitEntityID(end)
		if !ContainsKind(r.Kinds, k) {
			return false
		}
	}
	return true
}

// NetworkSource is what ExpandNetwork needs from a backend.
type NetworkSource interface {
	GetEntities(ctx context.Context, ids []string) (map[string]Entity, error)
	// LinksAround returns the links that qualify for r (see Wants), sorted
	// by id ascending, at most r.Limit of them.
	LinksAround(ctx context.Context, r LevelRequest) ([]Link, error)
}

// ExpandNetwork is the one expansion algorithm every backend runs, so that
// they agree on the answer even when it is truncated. It goes level by level;
// within a level it takes links in id order, adding the far end of each
// while the node cap allows and each link while the link cap allows. Once a
// cap is hit it finishes the level and stops, with Truncated set.
func ExpandNetwork(ctx context.Context, src NetworkSource, q ExpandQuery) (Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return Subgraph{}, err
	}
	seeds := sortedSet(q.Seeds)
	found, err := src.GetEntities(ctx, seeds)
	if err != nil {
		return Subgraph{}, err
	}
	var g Subgraph
	order := []string{}
	inSet := map[string]bool{}
	var frontier []string
	for _, id := range seeds {
		if _, ok := found[id]; !ok {
			g.MissingSeeds = append(g.MissingSeeds, id)
			continue
		}
		if len(order) >= q.MaxNodes {
			g.Truncated = true
			continue
		}
		order = append(order, id)
		inSet[id] = true
		frontier = append(frontier, id)
	}
	var done []string
	for level := 1; level <= q.Depth && len(frontier) > 0 && !g.Truncated; level++ {
		if err := ctx.Err(); err != nil {
			return Subgraph{}, err
		}
		links, err := src.LinksAround(ctx, LevelRequest{
			Frontier: frontier, Done: done, LinkTypes: q.LinkTypes, Kinds: q.Kinds,
			Window: q.Window, Limit: q.MaxLinks - len(g.Links) + 1, Access: q.Access,
		})
		if err != nil {
			return Subgraph{}, err
		}
		var next []string
		for _, l := range links {
			if len(g.Links) >= q.MaxLinks {
				g.Truncated = true
				break
			}
			far := l.To
			if inSet[l.To] {
				far = l.From
			}
			if !inSet[far] {
				if len(order) >= q.MaxNodes {
					g.Truncated = true
					continue
				}
				order = append(order, far)
				inSet[far] = true
				next = append(next, far)
			}
			g.Links = append(g.Links, l)
		}
		done = append(done, frontier...)
		frontier = next
	}
	var reached []string
	for _, id := range order {
		if _, ok := found[id]; !ok {
			reached = append(reached, id)
		}
	}
	if len(reached) > 0 {
		more, err := src.GetEntities(ctx, reached)
		if err != nil {
			return Subgraph{}, err
		}
		for id, e := range more {
			found[id] = e
		}
	}
	for _, id := range order {
		if e, ok := found[id]; ok {
			g.Nodes = append(g.Nodes, e)
		}
	}
	return g, nil
}

// Shortest-path limits.
const (
	DefaultPathDepth = 4
	MaxPathDepth     = 6
)

// PathQuery asks for a shortest path between two entities.
type PathQuery struct {
	From, To  string
	MaxDepth  int
	LinkTypes []LinkType
	Window    TimeWindow
	// Access limits the path to links the reader may see (nil: all), so
	// that no path runs through a hidden fact. The ends are taken as given.
	Access *Access
}

// Path alternates entities and links: Nodes[i] and Nodes[i+1] are joined by
// Links[i], in either direction.
type Path struct {
	Nodes []Entity
	Links []Link
}

// Normalize applies defaults and checks the query.
func (q *PathQuery) Normalize() error {
	if q.From == "" {
		return Errorf(EINVALID, "from", "must not be empty")
	}
	if q.To == "" {
		return Errorf(EINVALID, "to", "must not be empty")
	}
	if q.MaxDepth == 0 {
		q.MaxDepth = DefaultPathDepth
	}
	if q.MaxDepth < 1 || q.MaxDepth > MaxPathDepth {
		return Errorf(EINVALID, "maxDepth", "must be between 1 and %d, got %d", MaxPathDepth, q.MaxDepth)
	}
	if err := validateFilters(q.LinkTypes, nil); err != nil {
		return err
	}
	return q.Window.Validate("window")
}
