package intel

import "strings"

// EntityFromIdentifier turns a parsed identifier into the entity to store:
// the canonical key, the raw text as first raw form, the markers, and the
// diagnostics worth keeping (number type, carrier, country, kind extras).
// The API and the ingest path both build entities this way, so a number
// entered by hand and one fed in bulk carry the same attributes.
//
// What describes only one way of writing the artefact (SightingAttrs: the
// international prefix dialled, an extension, a port, a SIP transport) is
// left out: an entity's attributes replace each other key by key, so two
// records writing one number with two prefixes would each overwrite the
// other's, and a replay of both would change the entity twice while adding
// nothing. The raw forms keep every spelling, prefix and extension included.
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
		if !SightingAttrs[k] {
			e.Attrs[k] = v
		}
	}
	for k, v := range map[string]string{"numberType": id.NumberType, "carrier": id.Carrier, "country": id.Country} {
		if v != "" {
			e.Attrs[k] = v
		}
	}
	return e, nil
}

// SightingAttrs are the Identifier attributes that say how one record wrote
// an artefact rather than what the artefact is. They belong to the record
// (a registration keeps its port on the link) and to the raw forms, never to
// the entity many records share.
var SightingAttrs = map[string]bool{"idd": true, "extension": true, "port": true, "transport": true, "secure": true}
