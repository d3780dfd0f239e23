package resolvers

import (
	"context"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
)

// legalStatus lists the steps of a suspect's legal status the caller may
// see: each step is a fact of the suspect-identity category with its own
// agency, country and marking, and passes the same rule as a link.
func (r *Resolver) legalStatus(ctx context.Context, suspectID string) ([]*model.LegalStatusStep, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	steps, err := r.Registry.StatusSteps(ctx, []string{suspectID})
	if err != nil {
		return nil, err
	}
	out := []*model.LegalStatusStep{}
	for _, s := range steps[suspectID] {
		if req.Access.AllowsCategory(intel.CategorySuspectIdentity, s.Country, s.Visibility, s.Agency) {
			out = append(out, statusStepModel(s))
			if !req.Access.Unrestricted() {
				req.Report.Read(s.Country, req.Access.Country, suspectID)
			}
		}
	}
	return out, nil
}

// recordLegalStatus records a step for the caller's agency. The suspect
// must be one the caller can see: a step about a suspect one knows nothing
// of would be a blind write, and its error would reveal the suspect exists.
func (r *Resolver) recordLegalStatus(ctx context.Context, in model.LegalStatusInput) (*model.LegalStatusStep, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id, err := entityIDArg("input.suspectId", in.SuspectID)
	if err != nil {
		return nil, err
	}
	if kind, _, _ := intel.SplitEntityID(id); kind != intel.KindSuspect {
		return nil, intel.Errorf(intel.EINVALID, "input.suspectId", "%q is a %s, not a Suspect", id, kind)
	}
	found, err := req.Store.GetEntities(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if _, ok := found[id]; !ok {
		return nil, intel.Errorf(intel.ENOTFOUND, "input.suspectId", "no suspect with id %q", id)
	}
	step := access.StatusStep{SuspectID: id, Status: access.LegalStatus(in.Status), At: in.At,
		Visibility: intel.VisibilityDomestic, LegalBasis: deref(in.LegalBasis), Note: deref(in.Note)}
	if in.Visibility != nil {
		step.Visibility = intel.Visibility(*in.Visibility)
	}
	saved, err := r.Registry.AddStatusStep(ctx, req.Principal, step)
	if err != nil {
		return nil, err
	}
	req.Wrote(id)
	return statusStepModel(saved), nil
}

func statusStepModel(s access.StatusStep) *model.LegalStatusStep {
	return &model.LegalStatusStep{ID: s.ID, Status: model.LegalStatus(s.Status), At: s.At, Agency: s.Agency,
		Country: model.Region(s.Country), Visibility: model.Visibility(s.Visibility),
		LegalBasis: optional(s.LegalBasis), Note: optional(s.Note)}
}
