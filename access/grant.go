package access

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Grant is what a fulfilled evidence request gives the requesting agency:
// the links and entities it may now see, and the sensitive fields it may
// see on them, whatever their visibility. All lists are sorted and distinct.
type Grant struct {
	RequestID string
	// Subject is the entity the request was about: the granted fields
	// are unmasked on it and on the granted links, nowhere else.
	Subject string
	// Agency is the requesting agency, the one the grant is for.
	Agency    string
	LinkIDs   []string
	EntityIDs []string
	Fields    []string
}

// maxGrantItems bounds one grant's lists: a grant is evidence for one
// case, not a bulk export.
const maxGrantItems = 10000

// grantsRecord is the stored list of one agency's grants. Keeping them in
// one document per agency makes GrantsFor, which the API calls for every
// request, a single lookup.
type grantsRecord struct {
	Grants []Grant `json:"grants"`
}

// AcknowledgeRequest records that the responding country's coordinator has
// taken up an OPEN request.
func (r *Registry) AcknowledgeRequest(ctx context.Context, p Principal, id string) (EvidenceRequest, error) {
	return r.answer(ctx, p, id, OpAcknowledgeEvidence, false, nil, func(req *EvidenceRequest, _ Agreement, now time.Time) (*Grant, error) {
		if req.Status != RequestOpen {
			return nil, intel.Errorf(intel.ECONFLICT, "id", "request %s is %s; only an OPEN request can be acknowledged", req.ID, req.Status)
		}
		req.Status, req.AcknowledgedAt, req.AcknowledgedBy = RequestAcknowledged, now, p.Key.ID
		return nil, nil
	})
}

// FulfilRequest answers a request with evidence: linkIDs (at least one, each
// of a category the request asked for), entityIDs, and the sensitive fields
// (a subset of those asked for) the requesting agency may now see. Evidence
// crosses the border only under an agreement in force, so the request's
// agreement must be active now. payload, when not nil, is the evidence to
// deliver into the graph (see Delivery): it is committed with the status
// and the grant, or not at all.
func (r *Registry) FulfilRequest(ctx context.Context, p Principal, id string, linkIDs, entityIDs []string, fields []string, payload []byte) (EvidenceRequest, error) {
	return r.fulfil(ctx, p, id, linkIDs, entityIDs, fields, payload, false)
}

// CheckFulfil runs every check of FulfilRequest and writes nothing, so that
// the evidence of an answer is stored only when the answer will be taken.
func (r *Registry) CheckFulfil(ctx context.Context, p Principal, id string, linkIDs, entityIDs []string, fields []string) error {
	_, err := r.fulfil(ctx, p, id, linkIDs, entityIDs, fields, nil, true)
	return err
}

func (r *Registry) fulfil(ctx context.Context, p Principal, id string, linkIDs, entityIDs []string, fields []string, payload []byte, dryRun bool) (EvidenceRequest, error) {
	links, err := distinctSorted("linkIds", linkIDs)
	if err != nil {
		return EvidenceRequest{}, err
	}
	if len(links) == 0 {
		return EvidenceRequest{}, intel.Errorf(intel.EINVALID, "linkIds", "must name at least one link; decline the request if there is nothing to give")
	}
	for i, l := range linkIDs {
		if _, ok := intel.LinkTypeOfID(l); !ok || len(l) > maxShortText {
			return EvidenceRequest{}, intel.Errorf(intel.EINVALID, fmt.Sprintf("linkIds[%d]", i), "%q is not a link id", l)
		}
	}
	entities, err := distinctSorted("entityIds", entityIDs)
	if err != nil {
		return EvidenceRequest{}, err
	}
	for i, e := range entityIDs {
		if err := checkEntityID(fmt.Sprintf("entityIds[%d]", i), e); err != nil {
			return EvidenceRequest{}, err
		}
	}
	names, err := checkFieldNames("fields", fields)
	if err != nil {
		return EvidenceRequest{}, err
	}
	var delivery *Delivery
	if payload != nil {
		delivery = &Delivery{RequestID: id, Payload: payload}
	}
	return r.answer(ctx, p, id, OpFulfilEvidence, dryRun, delivery, func(req *EvidenceRequest, ag Agreement, now time.Time) (*Grant, error) {
		if req.Status.answered() {
			return nil, intel.Errorf(intel.ECONFLICT, "id", "request %s was already answered (%s)", req.ID, req.Status)
		}
		if !ag.ActiveAt(now) {
			return nil, intel.Errorf(intel.EFORBIDDEN, "id", "agreement %s is not in force (%s); no evidence may cross under it", ag.ID, ag.Status)
		}
		for i, l := range linkIDs {
			t, _ := intel.LinkTypeOfID(l)
			spec, _ := t.Spec()
			if !containsCategory(req.Categories, spec.Category) {
				return nil, intel.Errorf(intel.EINVALID, fmt.Sprintf("linkIds[%d]", i),
					"is a %s link (%s); the request asked only for %v", t, spec.Category, req.Categories)
			}
		}
		for i, f := range fields {
			if !containsString(req.Fields, f) {
				return nil, intel.Errorf(intel.EINVALID, fmt.Sprintf("fields[%d]", i),
					"%q was not asked for (the request asked for %v)", f, req.Fields)
			}
		}
		req.Grant = Grant{RequestID: req.ID, Subject: req.EntityID, Agency: req.RequestingAgency, LinkIDs: links, EntityIDs: entities, Fields: names}
		req.Status, req.AnsweredAt, req.AnsweredBy = RequestFulfilled, now, p.Key.ID
		return &req.Grant, nil
	})
}

// DeclineRequest refuses an unanswered request, for the given reason.
func (r *Registry) DeclineRequest(ctx context.Context, p Principal, id, reason string) (EvidenceRequest, error) {
	if err := checkText("reason", reason, maxLongText, true); err != nil {
		return EvidenceRequest{}, err
	}
	return r.answer(ctx, p, id, OpDeclineEvidence, false, nil, func(req *EvidenceRequest, _ Agreement, now time.Time) (*Grant, error) {
		if req.Status.answered() {
			return nil, intel.Errorf(intel.ECONFLICT, "id", "request %s was already answered (%s)", req.ID, req.Status)
		}
		req.Status, req.AnsweredAt, req.AnsweredBy, req.DeclineReason = RequestDeclined, now, p.Key.ID, reason
		return nil, nil
	})
}

// answer is the read-modify-write of a request by the responding side: p
// must hold a COORDINATOR key of a coordinator of the request's agreement
// in the responding country. change edits the request and returns the
// grant to add to the requesting agency's list, if any; the request, that
// list and a WRITE audit entry are committed together, unless dryRun,
// which stops after every check. delivery, when not nil, is committed with
// them. (Which roles may answer is the use-case layer's rule.)
func (r *Registry) answer(ctx context.Context, p Principal, id, op string, dryRun bool, delivery *Delivery,
	change func(req *EvidenceRequest, ag Agreement, now time.Time) (*Grant, error)) (EvidenceRequest, error) {
	if err := checkRequestID(id); err != nil {
		return EvidenceRequest{}, err
	}
	return retry(ctx, func() (EvidenceRequest, error) {
		var req EvidenceRequest
		version, err := r.getDoc(ctx, collRequests, id, "id", "evidence request", &req)
		if err != nil {
			return EvidenceRequest{}, err
		}
		if !req.visibleTo(p.Agency.Country) {
			return EvidenceRequest{}, intel.Errorf(intel.ENOTFOUND, "id", "no evidence request with id %q", id)
		}
		if p.Agency.Country != req.RespondingCountry {
			return EvidenceRequest{}, intel.Errorf(intel.EFORBIDDEN, "id",
				"request %s is answered by %s's coordinators; %s made it", id, req.RespondingCountry, req.RequestingCountry)
		}
		var ag Agreement
		if _, err := r.getDoc(ctx, collAgreements, req.AgreementID, "agreementId", "agreement", &ag); err != nil {
			return EvidenceRequest{}, err
		}
		if !ag.IsCoordinator(p.Agency.Code) {
			return EvidenceRequest{}, intel.Errorf(intel.EFORBIDDEN, "id", "agency %s is not a coordinator of agreement %s", p.Agency.Code, ag.ID)
		}
		now := r.clock()
		grant, err := change(&req, ag, now)
		if err != nil || dryRun {
			return req, err
		}
		pt, err := put(collRequests, id, version, req)
		if err != nil {
			return EvidenceRequest{}, err
		}
		puts := []Put{pt}
		if delivery != nil {
			dp, err := put(collDeliveries, id, 0, delivery)
			if err != nil {
				return EvidenceRequest{}, err
			}
			puts = append(puts, dp)
		}
		entities := []string{req.EntityID}
		detail := fmt.Sprintf("evidence request %s from %s: %s", id, req.RequestingAgency, req.Status)
		audit := r.auditFor(ctx, principalActor(p), op, KindWrite, nil, "")
		if grant != nil {
			gp, err := r.addGrant(ctx, *grant)
			if err != nil {
				return EvidenceRequest{}, err
			}
			puts = append(puts, gp)
			entities = distinctStrings(append(entities, grant.EntityIDs...))
			detail += fmt.Sprintf(", granted %d links, %d entities, fields %v", len(grant.LinkIDs), len(grant.EntityIDs), grant.Fields)
			// The grant hands the responding country's data to the other side.
			audit.DataCountries = []intel.Region{req.RespondingCountry}
		}
		if req.Status == RequestDeclined {
			detail += ": " + req.DeclineReason
		}
		audit.Entities, audit.Detail = entities, clip(detail, maxLongText)
		if _, err := r.rec.Commit(ctx, puts, audit); err != nil {
			return EvidenceRequest{}, err
		}
		return req, nil
	})
}

// addGrant returns the write that adds g to its agency's grants.
func (r *Registry) addGrant(ctx context.Context, g Grant) (Put, error) {
	var rec grantsRecord
	docs, err := r.rec.Get(ctx, collGrants, []string{g.Agency})
	if err != nil {
		return Put{}, err
	}
	var version int64
	if len(docs) == 1 {
		version = docs[0].Version
		if rec, err = decodeOne[grantsRecord](collGrants, docs[0]); err != nil {
			return Put{}, err
		}
	}
	rec.Grants = append(rec.Grants, g)
	sort.Slice(rec.Grants, func(i, j int) bool { return rec.Grants[i].RequestID < rec.Grants[j].RequestID })
	return put(collGrants, g.Agency, version, rec)
}

// GrantsFor returns the grants of every fulfilled request made by agency,
// ordered by request id: what the API lets that agency see beyond the
// agreements' shared categories. Grants stay after their agreement ends:
// evidence once handed over is part of the requester's case file.
func (r *Registry) GrantsFor(ctx context.Context, agency string) ([]Grant, error) {
	if err := checkAgencyCode("agency", agency); err != nil {
		return nil, err
	}
	docs, err := r.rec.Get(ctx, collGrants, []string{agency})
	if err != nil || len(docs) == 0 {
		return []Grant{}, err
	}
	rec, err := decodeOne[grantsRecord](collGrants, docs[0])
	if err != nil {
		return nil, err
	}
	return rec.Grants, nil
}

// distinctSorted checks a list's length and returns it sorted and distinct.
func distinctSorted(field string, in []string) ([]string, error) {
	if len(in) > maxGrantItems {
		return nil, intel.Errorf(intel.EINVALID, field, "has %d entries, at most %d allowed", len(in), maxGrantItems)
	}
	return distinctStrings(in), nil
}

func distinctStrings(in []string) []string {
	out := append([]string{}, in...)
	sort.Strings(out)
	n := 0
	for i, s := range out {
		if i == 0 || s != out[n-1] {
			out[n] = s
			n++
		}
	}
	return out[:n]
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsCategory(list []intel.Category, c intel.Category) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}
