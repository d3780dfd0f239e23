package intel

import (
	"context"
	"slices"
)

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
	// Bare says the caller draws the network and needs of each entity only
	// its id, kind, key, label and home (AttrDocumentCountry, which decides
	// whose data a person is), and of each link only its id, type, ends
	// and country (whose data it is): a store may then leave out the rest
	// (attributes, personal data, provenance, raw forms, markers), which
	// is most of what a large network weighs. The entities and links are
	// the same.
	Bare bool
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
//
// It asks src for one level at a time; a backend for which each question
// is a round trip answers every level at once and hands them to
// ExpandLevels, which applies the same rule.
func ExpandNetwork(ctx context.Context, src NetworkSource, q ExpandQuery) (Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return Subgraph{}, err
	}
	seeds := sortedSet(q.Seeds)
	found, err := src.GetEntities(ctx, seeds)
	if err != nil {
		return Subgraph{}, err
	}
	x := newExpansion(&q, seeds, found)
	for x.more() {
		if err := ctx.Err(); err != nil {
			return Subgraph{}, err
		}
		links, err := src.LinksAround(ctx, x.request())
		if err != nil {
			return Subgraph{}, err
		}
		x.take(links)
	}
	if reached := x.unknown(found); len(reached) > 0 {
		more, err := src.GetEntities(ctx, reached)
		if err != nil {
			return Subgraph{}, err
		}
		for id, e := range more {
			found[id] = e
		}
	}
	return x.result(found), nil
}

// ExpandLevels applies ExpandNetwork's rule to levels a backend worked out
// in one go. found holds the stored seeds and at least every entity the
// levels reach. levels[i] MUST be exactly what LinksAround would return for
// level i+1 (same links, same order, same limit) given the levels before
// it; the backend MAY stop after the first level at which a cap is hit,
// since the expansion stops there too, and levels beyond that, or beyond
// the last non-empty one, are ignored.
func ExpandLevels(q ExpandQuery, found map[string]Entity, levels [][]Link) (Subgraph, error) {
	if err := q.Normalize(); err != nil {
		return Subgraph{}, err
	}
	x := newExpansion(&q, sortedSet(q.Seeds), found)
	for _, links := range levels {
		if !x.more() {
			break
		}
		x.take(links)
	}
	return x.result(found), nil
}

// expansion is ExpandNetwork's state between levels.
type expansion struct {
	q        *ExpandQuery
	g        Subgraph
	order    []string
	inSet    map[string]bool
	frontier []string
	done     []string
	level    int
}

// newExpansion starts from the stored seeds, in id order, as far as the
// node cap allows.
func newExpansion(q *ExpandQuery, seeds []string, found map[string]Entity) *expansion {
	x := &expansion{q: q, order: []string{}, inSet: map[string]bool{}}
	for _, id := range seeds {
		if _, ok := found[id]; !ok {
			x.g.MissingSeeds = append(x.g.MissingSeeds, id)
			continue
		}
		if len(x.order) >= q.MaxNodes {
			x.g.Truncated = true
			continue
		}
		x.order = append(x.order, id)
		x.inSet[id] = true
		x.frontier = append(x.frontier, id)
	}
	return x
}

// more reports whether another level is to be expanded.
func (x *expansion) more() bool {
	return x.level < x.q.Depth && len(x.frontier) > 0 && !x.g.Truncated
}

// request is the question for the next level.
func (x *expansion) request() LevelRequest {
	return LevelRequest{Frontier: x.frontier, Done: x.done, LinkTypes: x.q.LinkTypes, Kinds: x.q.Kinds,
		Window: x.q.Window, Limit: x.q.MaxLinks - len(x.g.Links) + 1, Access: x.q.Access}
}

// take keeps what the caps allow of one level's links.
func (x *expansion) take(links []Link) {
	x.level++
	var next []string
	for _, l := range links {
		if len(x.g.Links) >= x.q.MaxLinks {
			x.g.Truncated = true
			break
		}
		far := l.To
		if x.inSet[l.To] {
			far = l.From
		}
		if !x.inSet[far] {
			if len(x.order) >= x.q.MaxNodes {
				x.g.Truncated = true
				continue
			}
			x.order = append(x.order, far)
			x.inSet[far] = true
			next = append(next, far)
		}
		if len(x.g.Links) == cap(x.g.Links) {
			// Room for the rest of the level at once: a Link is large,
			// and doubling would copy each several times.
			x.g.Links = slices.Grow(x.g.Links, min(len(links), x.q.MaxLinks-len(x.g.Links)))
		}
		x.g.Links = append(x.g.Links, l)
	}
	x.done = append(x.done, x.frontier...)
	x.frontier = next
}

// unknown lists the entities kept that found does not hold yet.
func (x *expansion) unknown(found map[string]Entity) []string {
	var reached []string
	for _, id := range x.order {
		if _, ok := found[id]; !ok {
			reached = append(reached, id)
		}
	}
	return reached
}

// result is the subgraph, its nodes in the order the expansion reached them.
func (x *expansion) result(found map[string]Entity) Subgraph {
	g := x.g
	if len(x.order) > 0 {
		g.Nodes = make([]Entity, 0, len(x.order))
	}
	for _, id := range x.order {
		if e, ok := found[id]; ok {
			g.Nodes = append(g.Nodes, e)
		}
	}
	return g
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
