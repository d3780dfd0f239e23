package resolvers

import (
	"context"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// lookup parses what an analyst typed and, when it is valid, loads the
// entity. An unreadable identifier is an answer (valid: false, error: why),
// not a GraphQL error, so that an explorer shows the reason in place.
func (r *Resolver) lookup(ctx context.Context, identifier string, kind *model.EntityKind, region *model.Region) (*model.Lookup, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var k intel.Kind
	if kind != nil {
		k = intel.Kind(*kind)
	}
	var reg intel.Region
	if region != nil {
		reg = intel.Region(*region)
	}
	lookup := r.Service.Lookup
	if firstLevel(ctx).has("risk") {
		lookup = r.Service.LookupWithRisk
	}
	res, err := lookup(ctx, c, identifier, k, reg)
	if err != nil {
		return nil, err
	}
	id := res.Identifier
	out := &model.Lookup{
		Input: identifier, Valid: id.Valid, Region: model.Region(res.Region), Markers: nonNil(id.Markers),
		NumberType: optional(id.NumberType), Carrier: optional(id.Carrier), Country: optional(id.Country),
		Attrs: attrModels(id.Attrs),
	}
	if id.Kind != "" {
		mk := model.EntityKind(id.Kind)
		out.Kind = &mk
	}
	if !id.Valid {
		out.Error = optional(id.Error)
		return out, nil
	}
	out.Key = &id.Key
	if res.Entity != nil {
		out.Entity = entityModel(*res.Entity)
	}
	return out, nil
}
