package resolvers

import (
	"context"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

func (r *Resolver) upsert(ctx context.Context, in model.UpsertInput) (*model.UpsertPayload, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	entities := make([]usecase.EntityItem, len(in.Entities))
	for i, e := range in.Entities {
		entities[i] = usecase.EntityItem{Endpoint: endpointItem(&model.EndpointInput{Kind: e.Kind, Identifier: e.Identifier, Region: e.Region}),
			Label: deref(e.Label), Attrs: attrMap(e.Attrs)}
	}
	links := make([]usecase.LinkItem, len(in.Links))
	for i, l := range in.Links {
		links[i] = usecase.LinkItem{Link: linkItem(l), From: endpointItem(l.From), To: endpointItem(l.To)}
	}
	res, err := r.Service.Upsert(ctx, c, entities, links)
	if err != nil {
		return nil, err
	}
	out := &model.UpsertPayload{Entities: []*model.ItemResult{}, Links: []*model.ItemResult{},
		Accepted: res.Accepted, Rejected: res.Rejected, LinksCreated: res.LinksCreated}
	for _, it := range res.Entities {
		out.Entities = append(out.Entities, itemResult(it, it.ID))
	}
	for _, it := range res.Links {
		out.Links = append(out.Links, itemResult(it, globalLinkID(it.ID)))
	}
	return out, nil
}

func itemResult(it usecase.ItemResult, id string) *model.ItemResult {
	if it.Err == nil {
		return &model.ItemResult{Index: it.Index, Status: model.ItemStatusAccepted, ID: &id}
	}
	code, field, reason := intel.ClientCode(it.Err), intel.ErrorField(it.Err), intel.ErrorMessage(it.Err)
	return &model.ItemResult{Index: it.Index, Status: model.ItemStatusRejected, Code: &code, Field: optional(field), Reason: &reason}
}

func endpointItem(in *model.EndpointInput) usecase.Endpoint {
	e := usecase.Endpoint{Kind: intel.Kind(in.Kind), Identifier: in.Identifier}
	if in.Region != nil {
		e.Region = intel.Region(*in.Region)
	}
	return e
}

// linkItem carries a link input's type, provenance and attributes over.
func linkItem(in *model.LinkInput) intel.Link {
	l := intel.Link{Type: intel.LinkType(in.Type), Attrs: attrMap(in.Attrs),
		Provenance: intel.Provenance{Agency: in.Agency, Country: intel.Region(in.Country), Confidence: in.Confidence}}
	l.EventKey = deref(in.EventKey)
	if in.ObservedAt != nil {
		l.ObservedAt = *in.ObservedAt
	}
	if in.ValidFrom != nil {
		l.ValidFrom = *in.ValidFrom
	}
	if in.ValidUntil != nil {
		l.ValidUntil = *in.ValidUntil
	}
	l.EvidenceRef, l.LegalBasis = deref(in.EvidenceRef), deref(in.LegalBasis)
	if in.Visibility != nil {
		l.Visibility = intel.Visibility(*in.Visibility)
	}
	return l
}

func attrMap(in []*model.AttrInput) map[string]string {
	out := map[string]string{}
	for _, a := range in {
		out[a.Key] = a.Value
	}
	return out
}
