package resolvers

import (
	"context"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

func (r *Resolver) retractFact(ctx context.Context, id, reason string) (*model.Link, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	_, linkID, err := parseGlobalID("id", id)
	if err == nil && linkID == "" {
		err = intel.Errorf(intel.EINVALID, "id", "%q is an entity id; retractFact takes a link id (Link:…)", id)
	}
	if err != nil {
		return nil, err
	}
	l, err := r.Service.Retract(ctx, c, linkID, reason)
	if err != nil {
		return nil, err
	}
	return linkModel(l), nil
}
