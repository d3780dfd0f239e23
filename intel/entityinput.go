package intel

import "strings"

// EntityFromIdentifier turns a parsed identifier into the entity to store:
// the canonical key, the raw text as first raw form, the markers, and the
// diagnostics worth keeping (number type, carrier, country, kind extras).
// The API and the ingest path both build entities this way, so a number
// entered by hand and one fed in bulk carry the same attributes.
func EntityFromIdentifier(id Identifier) (Entity, error) {
	if !id.Valid {
		if id.Err != nil {
			return Entity{}, id.Err
		}
		return Entity{}, Errorf(EINVALID, "identifier", "%s", id.Error)
	}
	e := Entity{
		ID: EntityID(id.Kind, id.Key), Kind: id.Kind, Key: id.Key,
		Markers: append([]string(nil), id.Markers...),
		Attrs:   map[string]string{},
	}
	if raw := strings.TrimSpace(id.Input); raw != "" && raw != id.Key {
		e.RawForms = []string{raw}
	}
	for k, v := range id.Attrs {
		e.Attrs[k] = v
	}
	for k, v := range map[string]string{"numberType": id.NumberType, "carrier": id.Carrier, "country": id.Country} {
		if v != "" {
			e.Attrs[k] = v
		}
	}
	return e, nil
}
