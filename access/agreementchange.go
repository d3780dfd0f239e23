package access

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// maxExtensions is how often a term may be extended: the MOU allows one
// extension, agreed in writing.
const maxExtensions = 1

// ExtendAgreement proposes moving the end of agreement id's term to
// newUntil: later than the current end, by at most three years, once in
// the agreement's life, and never for a revoked agreement. The extension
// takes effect when both parties approved it: the proposing admin's
// country approves at once, the other with ApproveAgreement. A tool
// (by not a key) records an extension both parties signed, at once.
func (r *Registry) ExtendAgreement(ctx context.Context, id string, newUntil time.Time, by string) (Agreement, error) {
	newUntil = normTime(newUntil)
	if newUntil.IsZero() {
		return Agreement{}, intel.Errorf(intel.EINVALID, "validUntil", "is required")
	}
	return r.changeAgreement(ctx, by, id, OpExtendAgreement, func(a *Agreement, who actor) (AgreementEvent, error) {
		if a.Status == AgreementRevoked {
			return AgreementEvent{}, intel.Errorf(intel.ECONFLICT, "id", "agreement %s is revoked; a revoked agreement cannot be extended", a.ID)
		}
		if a.Extensions >= maxExtensions {
			return AgreementEvent{}, intel.Errorf(intel.ECONFLICT, "id", "agreement %s was already extended; the term may be extended only once", a.ID)
		}
		if !newUntil.After(a.ValidUntil) {
			return AgreementEvent{}, intel.Errorf(intel.EINVALID, "validUntil", "must be after the current end of term, %s", a.ValidUntil.Format(time.RFC3339))
		}
		if limit := a.ValidUntil.AddDate(maxTermYears, 0, 0); newUntil.After(limit) {
			return AgreementEvent{}, intel.Errorf(intel.EINVALID, "validUntil", "extends the term by more than %d years (at most to %s)", maxTermYears, limit.Format(time.RFC3339))
		}
		a.PendingUntil = newUntil
		a.PendingApprovals = []intel.Region{intel.RegionTH, intel.RegionKH}
		if who.country != "" {
			a.PendingApprovals = []intel.Region{who.country}
		}
		ev := AgreementEvent{Action: ActionExtended, Reason: fmt.Sprintf("extension to %s proposed", newUntil.Format(time.RFC3339))}
		applyExtension(a, &ev)
		return ev, nil
	})
}

// applyExtension puts a pending extension into effect once both parties
// approved it.
func applyExtension(a *Agreement, ev *AgreementEvent) {
	if a.PendingUntil.IsZero() || !bothParties(a.PendingApprovals) {
		return
	}
	ev.Reason = fmt.Sprintf("term extended from %s to %s", a.ValidUntil.Format(time.RFC3339), a.PendingUntil.Format(time.RFC3339))
	a.ValidUntil, a.PendingUntil, a.PendingApprovals = a.PendingUntil, time.Time{}, nil
	a.Extensions++
}

// ApproveAgreement records the approval of party (the approving admin's
// country): of the terms of a new agreement, or of a proposed extension.
//
// until, when not zero, is the end of term the approver agrees to; an
// approval of an extension must give it, so that an approval never applies
// to terms proposed after the approver read them.
func (r *Registry) ApproveAgreement(ctx context.Context, by, id string, party intel.Region, until time.Time) (Agreement, error) {
	until = normTime(until)
	if err := checkRegion("country", party); err != nil {
		return Agreement{}, err
	}
	return r.changeAgreement(ctx, by, id, OpApproveAgreement, func(a *Agreement, who actor) (AgreementEvent, error) {
		if who.country != "" && who.country != party {
			return AgreementEvent{}, intel.Errorf(intel.EFORBIDDEN, "country", "an admin of %s approves for %s only", who.country, who.country)
		}
		if a.Status == AgreementRevoked {
			return AgreementEvent{}, intel.Errorf(intel.ECONFLICT, "id", "agreement %s is revoked", a.ID)
		}
		ev := AgreementEvent{Action: ActionApproved}
		switch {
		case !a.Approved():
			if !until.IsZero() && !until.Equal(a.ValidUntil) {
				return AgreementEvent{}, intel.Errorf(intel.ECONFLICT, "validUntil", "the agreement runs to %s, not %s", a.ValidUntil.Format(time.RFC3339), until.Format(time.RFC3339))
			}
			if slices.Contains(a.Approvals, party) {
				return AgreementEvent{}, intel.Errorf(intel.ECONFLICT, "id", "%s already approved agreement %s; it waits for the other party", party, a.ID)
			}
			a.Approvals = sortedRegions(append(a.Approvals, party))
			ev.Reason = fmt.Sprintf("terms approved by %s", party)
		case !a.PendingUntil.IsZero():
			if !until.Equal(a.PendingUntil) {
				return AgreementEvent{}, intel.Errorf(intel.ECONFLICT, "validUntil", "the extension waiting for approval runs to %s; approve it by naming that end of term",
					a.PendingUntil.Format(time.RFC3339))
			}
			if slices.Contains(a.PendingApprovals, party) {
				return AgreementEvent{}, intel.Errorf(intel.ECONFLICT, "id", "%s already approved the extension of %s", party, a.ID)
			}
			a.PendingApprovals = sortedRegions(append(a.PendingApprovals, party))
			ev.Reason = fmt.Sprintf("extension approved by %s", party)
			applyExtension(a, &ev)
		default:
			return AgreementEvent{}, intel.Errorf(intel.ECONFLICT, "id", "agreement %s has nothing waiting for approval", a.ID)
		}
		return ev, nil
	})
}

// SuspendAgreement stops sharing under an ACTIVE agreement until it is
// resumed; the reason is required and kept in the history.
func (r *Registry) SuspendAgreement(ctx context.Context, by, id, reason string) (Agreement, error) {
	return r.setAgreementStatus(ctx, by, id, AgreementSuspended, reason)
}

// ResumeAgreement makes a SUSPENDED agreement ACTIVE again; the reason is
// optional.
func (r *Registry) ResumeAgreement(ctx context.Context, by, id, reason string) (Agreement, error) {
	return r.setAgreementStatus(ctx, by, id, AgreementActive, reason)
}

// RevokeAgreement ends an ACTIVE or SUSPENDED agreement for good; the
// reason is required. Grants already fulfilled under it stay recorded.
func (r *Registry) RevokeAgreement(ctx context.Context, by, id, reason string) (Agreement, error) {
	return r.setAgreementStatus(ctx, by, id, AgreementRevoked, reason)
}

// setAgreementStatus applies one transition: ACTIVE to SUSPENDED and back,
// and ACTIVE or SUSPENDED to REVOKED.
func (r *Registry) setAgreementStatus(ctx context.Context, by, id string, to AgreementStatus, reason string) (Agreement, error) {
	if to != AgreementActive && strings.TrimSpace(reason) == "" {
		return Agreement{}, intel.Errorf(intel.EINVALID, "reason", "is required to suspend or revoke an agreement")
	}
	if err := checkText("reason", reason, maxLongText, false); err != nil {
		return Agreement{}, err
	}
	op := map[AgreementStatus]string{AgreementActive: OpResumeAgreement, AgreementSuspended: OpSuspendAgreement,
		AgreementRevoked: OpRevokeAgreement}[to]
	return r.changeAgreement(ctx, by, id, op, func(a *Agreement, who actor) (AgreementEvent, error) {
		from := a.Status
		allowed := from == AgreementActive && (to == AgreementSuspended || to == AgreementRevoked) ||
			from == AgreementSuspended && (to == AgreementActive || to == AgreementRevoked)
		if !allowed {
			return AgreementEvent{}, intel.Errorf(intel.ECONFLICT, "id", "agreement %s is %s and cannot become %s", a.ID, from, to)
		}
		// Either party may stop sharing; only the party that stopped it
		// may start it again.
		// A suspension recorded by a tool (the operator, acting for both)
		// names no party, and only a tool may lift it.
		if to == AgreementActive && who.country != "" && who.country != a.SuspendedBy {
			if a.SuspendedBy == "" {
				return AgreementEvent{}, intel.Errorf(intel.EFORBIDDEN, "id", "agreement %s was suspended by the operator for both parties; only the operator can resume it", a.ID)
			}
			return AgreementEvent{}, intel.Errorf(intel.EFORBIDDEN, "id", "agreement %s was suspended by %s; only %s can resume it", a.ID, a.SuspendedBy, a.SuspendedBy)
		}
		switch to {
		case AgreementSuspended:
			a.SuspendedBy = who.country
		case AgreementActive:
			a.SuspendedBy = ""
		}
		a.Status = to
		action := map[AgreementStatus]string{AgreementActive: ActionResumed, AgreementSuspended: ActionSuspended,
			AgreementRevoked: ActionRevoked}[to]
		return AgreementEvent{Action: action, Reason: reason}, nil
	})
}

// changeAgreement is the read-modify-write of one agreement: change edits
// it and returns the history event to add; the agreement and an ADMIN audit
// entry are committed together.
func (r *Registry) changeAgreement(ctx context.Context, by, id, op string, change func(*Agreement, actor) (AgreementEvent, error)) (Agreement, error) {
	if !validAgreementID(id) {
		return Agreement{}, intel.Errorf(intel.EINVALID, "id", "%q is not an agreement id", id)
	}
	who, err := r.byActor(ctx, by)
	if err != nil {
		return Agreement{}, err
	}
	return retry(ctx, func() (Agreement, error) {
		var a Agreement
		version, err := r.getDoc(ctx, collAgreements, id, "id", "agreement", &a)
		if err != nil {
			return Agreement{}, err
		}
		ev, err := change(&a, who)
		if err != nil {
			return Agreement{}, err
		}
		now := r.clock()
		ev.At, ev.By = now, by
		a.History = append(a.History, ev)
		a.UpdatedAt = now
		p, err := put(collAgreements, id, version, a)
		if err != nil {
			return Agreement{}, err
		}
		detail := fmt.Sprintf("agreement %s %s", id, ev.Action)
		if ev.Reason != "" {
			detail += ": " + ev.Reason
		}
		if _, err := r.rec.Commit(ctx, []Put{p}, r.agreementAudit(ctx, who, op, detail)); err != nil {
			return Agreement{}, err
		}
		return a, nil
	})
}

// agreementAudit is the audit entry of a change to an agreement. It names
// both countries as concerned, so that each side's auditors find every
// change to what the other may see of its data (auditLog(dataCountry:)).
func (r *Registry) agreementAudit(ctx context.Context, who actor, op, detail string) *AuditEntry {
	e := r.auditFor(ctx, who, op, KindAdmin, nil, detail)
	e.DataCountries = []intel.Region{intel.RegionKH, intel.RegionTH}
	return e
}

func sortedRegions(rs []intel.Region) []intel.Region {
	out := slices.Clone(rs)
	slices.Sort(out)
	return slices.Compact(out)
}
