package resolvers

import (
	"context"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
)

// lookup parses what an analyst typed and, when it is valid, loads the
// entity. An unreadable identifier is an answer (valid: false, error: why),
// not a GraphQL error, so that an explorer shows the reason in place.
func lookup(ctx context.Context, identifier string, kind *model.EntityKind, region *model.Region) (*model.Lookup, error) {
	r := intel.RegionTH
	if region != nil {
		r = intel.Region(*region)
	}
	var k intel.Kind
	if kind != nil {
		k = intel.Kind(*kind)
	}
	id := intel.ParseIdentifier(identifier, r, k)
	out := &model.Lookup{
		Input: identifier, Valid: id.Valid, Region: model.Region(r), Markers: nonNil(id.Markers),
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
	e, err := loadEntity(ctx, intel.EntityID(id.Kind, id.Key))
	if err != nil {
		return nil, err
	}
	out.Entity = e
	return out, nil
}
