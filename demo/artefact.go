package demo

import (
	"fmt"
	"sort"

	"github.com/scamgraph/scamgraph/intel"
)

// artefact builds the entity for a key of the given kind, reading the key
// back through intel.ParseIdentifier so that the demo world can only hold
// keys the service itself would produce, and so that the descriptive
// attributes (number type, carrier, bank name, address scope, provider) are
// the ones the parser reports, not a second opinion of the demo. A key that
// does not read back as itself is a bug in the demo's tables and stops the
// generation.
func (w *world) artefact(kind intel.Kind, key string, region intel.Region) intel.Entity {
	id := intel.ParseIdentifier(key, region, kind)
	attrs := make(map[string]string, len(id.Attrs)+3)
	if !id.Valid || id.Key != key || id.Kind != kind {
		w.fail(fmt.Errorf("demo: %s key %q is not canonical (parsed as %q: %s)", kind, key, id.Key, id.Error))
	}
	for k, v := range id.Attrs {
		attrs[k] = v
	}
	for k, v := range map[string]string{"numberType": id.NumberType, "carrier": id.Carrier, "country": id.Country} {
		if v != "" {
			attrs[k] = v
		}
	}
	return intel.Entity{ID: intel.EntityID(kind, key), Kind: kind, Key: key, Attrs: attrs}
}

// phone builds a phone-number entity; markers are the caller-ID display
// markers its calls carried, and raw forms the spellings it was reported in.
func (w *world) phone(key string, markers []string, rawForms ...string) intel.Entity {
	e := w.artefact(intel.KindPhoneNumber, key, regionOfPhone(key))
	e.Markers = sorted(markers)
	e.RawForms = sorted(rawForms)
	return e
}

// regionOfPhone is the country whose analysts report a number.
func regionOfPhone(e164 string) intel.Region {
	if len(e164) > 4 && e164[:4] == "+855" {
		return intel.RegionKH
	}
	return intel.RegionTH
}

// account builds a bank-account entity.
func (w *world) account(key string, rawForms ...string) intel.Entity {
	region := intel.RegionTH
	if len(key) > 3 && key[:3] == "KH:" {
		region = intel.RegionKH
	}
	e := w.artefact(intel.KindBankAccount, key, region)
	e.RawForms = sorted(rawForms)
	return e
}

// sorted returns a sorted copy of s, or nil when s is empty: raw forms and
// markers are sets, and a store keeps them sorted.
func sorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
