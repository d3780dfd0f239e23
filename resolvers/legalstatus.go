package resolvers

import (
	"context"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

func (r *Resolver) legalStatus(ctx context.Context, suspectID string) ([]*model.LegalStatusStep, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	steps, err := r.Service.LegalStatus(ctx, c, []string{suspectID})
	if err != nil {
		return nil, err
	}
	out := []*model.LegalStatusStep{}
	for _, s := range steps[suspectID] {
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
