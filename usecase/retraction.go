package usecase

import (
	"context"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// Retract withdraws a fact the caller's agency contributed (a number
// attributed to the wrong subscriber, a report withdrawn), with the reason
// for it. From the next request on, the fact is gone from every reader's
// pages, counts, expansions and paths; it stays stored with its
// retraction, so the audit names it and a reader asking as of an earlier
// moment (X-As-Of) still sees what was known then. Retracting a retracted
// fact changes nothing and answers the first retraction.
//
// The audit entry names the fact's two ends and, in its detail, the fact
// and the reason.
func (s *Service) Retract(ctx context.Context, c *Caller, linkID, reason string) (out intel.Link, err error) {
	defer func() { c.finish(access.OpRetractFact, err) }()
	if err = c.allow(access.OpRetractFact); err != nil {
		return out, err
	}
	req := intel.RetractRequest{LinkID: linkID, Agency: c.Agency(), Reason: reason}
	req.Normalize(time.Now())
	if err = req.Validate(); err != nil {
		return out, err
	}
	found, err := s.store.GetLinks(ctx, []string{req.LinkID})
	if err != nil {
		return out, err
	}
	l, ok := found[req.LinkID]
	if !ok {
		return out, intel.Errorf(intel.ENOTFOUND, "id", "no link with id %q", req.LinkID)
	}
	if err = c.ownRetraction(&l); err != nil {
		return out, err
	}
	req.At = time.Time{} // the store's clock decides when
	out, err = s.store.Retract(ctx, req)
	if err != nil {
		return intel.Link{}, err
	}
	c.wrote(out.From, out.To)
	c.note("retracted " + out.ID + ": " + strings.TrimSpace(out.Retraction.Reason))
	return out, nil
}
