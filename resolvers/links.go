package resolvers

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/loaders"
)

// entityLinks serves the `links` field of every entity type.
func entityLinks(ctx context.Context, id string, direction *model.Direction, types []model.LinkType,
	ks []model.EntityKind, since, until *time.Time, first *int, after *string) (*model.LinkConnection, error) {
	q := intel.NeighbourQuery{ID: id, Direction: intel.DirectionBoth, LinkTypes: linkTypes(types), Kinds: kinds(ks),
		Window: window(since, until), First: intOr(first, intel.DefaultPageSize)}
	if direction != nil {
		q.Direction = intel.Direction(*direction)
	}
	if after != nil {
		q.After = *after
	}
	// Check here too, so a bad argument is reported even before a batch runs.
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	page, err := loaders.For(ctx).Neighbours(ctx, q)
	if err != nil {
		return nil, err
	}
	return connectionModel(page), nil
}

// entitySummary serves the `summary` field of every entity type.
func entitySummary(ctx context.Context, id string) (*model.EntitySummary, error) {
	s, err := loaders.For(ctx).Summary.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return summaryModel(intel.NewSummaryBuilder().Summary()), nil
	}
	if err != nil {
		return nil, err
	}
	return summaryModel(s), nil
}

// loadEntity loads one entity through the request's loader; nil when unknown.
func loadEntity(ctx context.Context, id string) (model.Entity, error) {
	e, err := loaders.For(ctx).Entity.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return entityModel(e), nil
}

// linkEnd loads the entity at one end of a link. A link's ends always exist
// (the store creates them), so a missing one is an internal error.
func linkEnd(ctx context.Context, stub model.Entity) (model.Entity, error) {
	e, err := loadEntity(ctx, stub.GetID())
	if err == nil && e == nil {
		return nil, errors.New("link end " + stub.GetID() + " is not stored")
	}
	return e, err
}

// loadNodes resolves global ids to entities and links, nil for unknown ones.
// Every id is queued with its loader before any is awaited, so the whole
// list costs one store call per kind of node.
func loadNodes(ctx context.Context, field string, ids []string) ([]model.Node, error) {
	l := loaders.For(ctx)
	thunks := make([]func() (model.Node, error), len(ids))
	for i, id := range ids {
		name := field
		if len(ids) > 1 || field == "ids" {
			name = field + "[" + strconv.Itoa(i) + "]"
		}
		entityID, linkID, err := parseGlobalID(name, id)
		if err != nil {
			return nil, err
		}
		if entityID != "" {
			load := l.Entity.LoadThunk(ctx, entityID)
			thunks[i] = func() (model.Node, error) {
				e, err := load()
				if err != nil {
					return nil, err
				}
				return entityModel(e).(model.Node), nil
			}
			continue
		}
		load := l.Link.LoadThunk(ctx, linkID)
		thunks[i] = func() (model.Node, error) {
			link, err := load()
			if err != nil {
				return nil, err
			}
			return linkModel(link), nil
		}
	}
	out := make([]model.Node, len(ids))
	for i, thunk := range thunks {
		n, err := thunk()
		if errors.Is(err, dataloadgen.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
