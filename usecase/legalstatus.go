package usecase

import (
	"context"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// LegalStatus lists, per suspect, the steps of its legal status the caller
// may see: each step is a fact of the suspect-identity category with its
// own agency, country and marking, and passes the same rule as a link.
func (s *Service) LegalStatus(ctx context.Context, c *Caller, suspectIDs []string) (out map[string][]access.StatusStep, err error) {
	defer func() { c.finish(access.OpLegalStatus, err) }()
	if err = c.allow(access.OpLegalStatus); err != nil {
		return nil, err
	}
	steps, err := s.registry.StatusSteps(ctx, suspectIDs)
	if err != nil {
		return nil, err
	}
	out = make(map[string][]access.StatusStep, len(steps))
	for id, list := range steps {
		for _, st := range list {
			if !c.access.AllowsCategory(intel.CategorySuspectIdentity, st.Country, st.Visibility, st.Agency) {
				continue
			}
			out[id] = append(out[id], st)
			if c.access.Foreign(st.Country) {
				c.report.Read(st.Country, id)
			}
		}
	}
	return out, nil
}

// RecordLegalStatus records a step for the caller's agency. The suspect
// must be one the caller can see: a step about a suspect one knows nothing
// of would be a blind write, and its error would reveal the suspect exists.
func (s *Service) RecordLegalStatus(ctx context.Context, c *Caller, step access.StatusStep) (saved access.StatusStep, err error) {
	defer func() { c.finish(access.OpRecordLegalStatus, err) }()
	if err = c.allow(access.OpRecordLegalStatus); err != nil {
		return saved, err
	}
	if kind, _, _ := intel.SplitEntityID(step.SuspectID); kind != intel.KindSuspect {
		return saved, intel.Errorf(intel.EINVALID, "input.suspectId", "%q is a %s, not a Suspect", step.SuspectID, kind)
	}
	found, err := c.view.GetEntities(ctx, []string{step.SuspectID})
	if err != nil {
		return saved, err
	}
	if _, ok := found[step.SuspectID]; !ok {
		return saved, intel.Errorf(intel.ENOTFOUND, "input.suspectId", "no suspect with id %q", step.SuspectID)
	}
	if step.Visibility == "" {
		step.Visibility = intel.VisibilityDomestic
	}
	saved, err = s.registry.AddStatusStep(ctx, c.Principal, step)
	if err != nil {
		return saved, err
	}
	c.wrote(step.SuspectID)
	return saved, nil
}
