package resolvers

import (
	"context"
	"strconv"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// MaxUpsertItems bounds one mutation; bulk loads use the ingest path.
const MaxUpsertItems = 5000

// upsert checks every item on its own, writes the accepted ones in one
// batch, and reports each item. A rejected item contributes nothing to the
// batch, so it never half-writes.
//
// A key writes facts for its own agency only: a link naming another agency
// or country is rejected, since a fact's provenance decides who may see it.
func upsert(ctx context.Context, store intel.Store, in model.UpsertInput) (*model.UpsertPayload, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if n := len(in.Entities) + len(in.Links); n > MaxUpsertItems {
		return nil, intel.Errorf(intel.EINVALID, "input", "has %d items, at most %d allowed in one mutation", n, MaxUpsertItems)
	}
	out := &model.UpsertPayload{Entities: []*model.ItemResult{}, Links: []*model.ItemResult{}}
	var batch intel.Batch
	for i, ei := range in.Entities {
		e, err := entityFromInput(ei, "entities["+strconv.Itoa(i)+"]")
		out.Entities = append(out.Entities, itemResult(i, e.ID, err))
		if err == nil {
			batch.Entities = append(batch.Entities, e)
		}
	}
	for i, li := range in.Links {
		field := "links[" + strconv.Itoa(i) + "]"
		l, ends, err := linkFromInput(li, field)
		if err == nil {
			err = ownFact(req, field, &l)
		}
		out.Links = append(out.Links, itemResult(i, globalLinkID(l.ID), err))
		if err == nil {
			batch.Links = append(batch.Links, l)
			batch.Entities = append(batch.Entities, ends...)
		}
	}
	for _, r := range append(append([]*model.ItemResult{}, out.Entities...), out.Links...) {
		if r.Status == model.ItemStatusAccepted {
			out.Accepted++
		} else {
			out.Rejected++
		}
	}
	if out.Accepted == 0 {
		return out, nil
	}
	res, err := store.Upsert(ctx, batch)
	if err != nil {
		return nil, err
	}
	for _, e := range batch.Entities {
		req.Wrote(e.ID)
	}
	for _, l := range batch.Links {
		req.Wrote(l.From, l.To)
	}
	// Entity creation is not reported: an artefact that already existed may
	// be known only through facts the caller may not see.
	out.LinksCreated = res.LinksCreated
	return out, nil
}

func itemResult(i int, id string, err error) *model.ItemResult {
	if err == nil {
		return &model.ItemResult{Index: i, Status: model.ItemStatusAccepted, ID: &id}
	}
	code, field, reason := ClientCode(err), intel.ErrorField(err), intel.ErrorMessage(err)
	return &model.ItemResult{Index: i, Status: model.ItemStatusRejected, Code: &code, Field: optional(field), Reason: &reason}
}

// entityFromInput parses and checks one entity item; prefix is e.g. "entities[3]".
func entityFromInput(in *model.EntityInput, prefix string) (intel.Entity, error) {
	e, err := endpoint(&model.EndpointInput{Kind: in.Kind, Identifier: in.Identifier, Region: in.Region}, prefix+".")
	if err != nil {
		return e, err
	}
	if e.Kind == intel.KindSuspect || e.Kind == intel.KindPerson {
		// They carry personal data whose home and provenance only their
		// source records (ingest) can give.
		return e, intel.Errorf(intel.EINVALID, prefix+".kind", "%s entities are written through %s records (ingest), which carry their provenance",
			e.Kind, map[intel.Kind]string{intel.KindSuspect: "suspect", intel.KindPerson: "subscriber"}[e.Kind])
	}
	if in.Label != nil {
		e.Label = *in.Label
	}
	for _, a := range in.Attrs {
		e.Attrs[a.Key] = a.Value
	}
	return e, e.Validate(prefix)
}

// endpoint parses an identifier into an entity, naming the field on failure.
func endpoint(in *model.EndpointInput, prefix string) (intel.Entity, error) {
	region := intel.RegionTH
	if in.Region != nil {
		region = intel.Region(*in.Region)
	}
	e, err := intel.EntityFromIdentifier(intel.ParseIdentifier(in.Identifier, region, intel.Kind(in.Kind)))
	if err != nil {
		return e, intel.Errorf(intel.EINVALID, prefix+"identifier", "%s", intel.ErrorMessage(err))
	}
	return e, nil
}

// linkFromInput parses and checks one link item, returning the entities its
// ends parse to so that they are stored with their raw forms and diagnostics.
func linkFromInput(in *model.LinkInput, prefix string) (intel.Link, []intel.Entity, error) {
	from, err := endpoint(in.From, prefix+".from.")
	if err != nil {
		return intel.Link{}, nil, err
	}
	to, err := endpoint(in.To, prefix+".to.")
	if err != nil {
		return intel.Link{}, nil, err
	}
	l := intel.Link{Type: intel.LinkType(in.Type), From: from.ID, To: to.ID, Attrs: map[string]string{},
		Provenance: intel.Provenance{Agency: in.Agency, Country: intel.Region(in.Country), Confidence: in.Confidence}}
	if in.EventKey != nil {
		l.EventKey = *in.EventKey
	}
	if in.ObservedAt != nil {
		l.ObservedAt = *in.ObservedAt
	}
	if in.ValidFrom != nil {
		l.ValidFrom = *in.ValidFrom
	}
	if in.ValidUntil != nil {
		l.ValidUntil = *in.ValidUntil
	}
	if in.EvidenceRef != nil {
		l.EvidenceRef = *in.EvidenceRef
	}
	if in.LegalBasis != nil {
		l.LegalBasis = *in.LegalBasis
	}
	if in.Visibility != nil {
		l.Visibility = intel.Visibility(*in.Visibility)
	}
	for _, a := range in.Attrs {
		l.Attrs[a.Key] = a.Value
	}
	l.Normalize()
	if err := l.Validate(prefix); err != nil {
		return l, nil, err
	}
	return l, []intel.Entity{from, to}, nil
}

// ownFact rejects a link the caller's agency did not contribute.
func ownFact(req *guard.Request, field string, l *intel.Link) error {
	p := req.Principal.Agency
	if l.Agency != p.Code {
		return intel.Errorf(intel.EFORBIDDEN, field+".agency", "is %q, but this key writes for %s only", l.Agency, p.Code)
	}
	if l.Country != p.Country {
		return intel.Errorf(intel.EFORBIDDEN, field+".country", "is %q, but %s is an agency of %s", l.Country, p.Code, p.Country)
	}
	return nil
}
