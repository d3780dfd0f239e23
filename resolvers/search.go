package resolvers

import (
	"context"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

func (r *Resolver) search(ctx context.Context, text string, ks []model.EntityKind, first *int, after *string) (*model.SearchResult, error) {
	q := intel.SearchQuery{Text: text, Kinds: kinds(ks), Limit: intOr(first, intel.DefaultSearchLimit)}
	if after != nil {
		id, err := entityIDArg("after", *after)
		if err != nil {
			return nil, err
		}
		q.After = id
	}
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	res, err := r.Service.Search(ctx, c, q)
	if err != nil {
		return nil, err
	}
	out := &model.SearchResult{Entities: []model.Entity{}}
	for _, e := range res.Entities {
		out.Entities = append(out.Entities, entityModel(e))
	}
	if res.EndCursor != "" {
		out.EndCursor = &res.EndCursor
	}
	return out, nil
}
