package resolvers

import (
	"context"
	"errors"

	"github.com/vikstrous/dataloadgen"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/loaders"
	"github.com/scamgraph/scamgraph/usecase"
)

// legalStatus serves Suspect.legalStatus through the request's loader, so
// that a list of suspects costs one read of the registry.
func (r *Resolver) legalStatus(ctx context.Context, suspectID string) ([]*model.LegalStatusStep, error) {
	steps, err := loaders.For(ctx).LegalStatus.Load(ctx, suspectID)
	if err != nil && !errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, err
	}
	out := []*model.LegalStatusStep{}
	for _, s := range steps {
		out = append(out, statusStepModel(s))
	}
	return out, nil
}

func (r *Resolver) recordLegalStatus(ctx context.Context, in model.LegalStatusInput) (*model.LegalStatusStep, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	id, err := entityIDArg("input.suspectId", in.SuspectID)
	if err != nil {
		return nil, err
	}
	step := access.StatusStep{SuspectID: id, Status: access.LegalStatus(in.Status), At: in.At,
		LegalBasis: deref(in.LegalBasis), Note: deref(in.Note)}
	if in.Visibility != nil {
		step.Visibility = intel.Visibility(*in.Visibility)
	}
	saved, err := r.Service.RecordLegalStatus(ctx, c, step)
	if err != nil {
		return nil, err
	}
	return statusStepModel(saved), nil
}

func statusStepModel(s access.StatusStep) *model.LegalStatusStep {
	return &model.LegalStatusStep{ID: s.ID, Status: model.LegalStatus(s.Status), At: s.At, Agency: s.Agency,
		Country: model.Region(s.Country), Visibility: model.Visibility(s.Visibility),
		LegalBasis: optional(s.LegalBasis), Note: optional(s.Note)}
}
