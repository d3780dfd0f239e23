package intel

import (
	"slices"
	"strings"
	"time"
)

// Access is what one reader may see of the graph, worked out for each
// request from the reader's agency and the agreements and evidence grants
// in force at that moment. Stores apply it inside their queries (a page,
// a count, an expansion or a path only ever contains facts it allows), and
// the API layer applies it to entities, summaries and personal data.
//
// The rule for one fact (a link), in the words of the 2022 agreement:
//   - a RESTRICTED fact is seen by its contributing agency alone;
//   - any other fact is seen by every agency of its contributing country;
//   - a SHAREABLE fact is also seen across the border while an agreement
//     covering its evidence category is active (Shared);
//   - a fact an evidence request was answered with is seen by the agency
//     that asked for it (Granted), whatever its marking.
//
// A nil *Access means no restriction. Only the service's own machinery
// (ingest's duplicate checks, the conformance suite, benchmarks that
// measure the rules' cost) reads that way; every API request carries one.
type Access struct {
	// All lifts every restriction.
	All bool
	// Agency and Country are the reader's.
	Agency  string
	Country Region
	// Shared are the evidence categories of the other country's SHAREABLE
	// facts opened to the reader by an agreement active now.
	Shared []Category
	// Granted are the ids of facts evidence requests granted the reader.
	Granted []string
	// GrantedFields are, per entity or link id, the personal-data fields an
	// answered evidence request unmasked for the reader.
	GrantedFields map[string][]string
	// AsOf, when set, asks for the graph as it was known at that moment:
	// facts stored by then, including those retracted since (see Current).
	// Zero reads the present, in which retracted facts are gone. Counts
	// (Summary) are always of the present.
	AsOf time.Time
}

// Unrestricted reports whether a sees everything.
func (a *Access) Unrestricted() bool { return a == nil || a.All }

// AllowsClass applies the rule to a class of facts: all facts of one type,
// contributing country, marking and agency are seen or hidden together,
// which is what lets a store count them without reading each one.
func (a *Access) AllowsClass(t LinkType, country Region, v Visibility, agency string) bool {
	spec, _ := t.Spec()
	return a.AllowsCategory(spec.Category, country, v, agency)
}

// AllowsCategory applies the rule to a fact of an evidence category that
// is not a link, such as a step of a suspect's legal status.
func (a *Access) AllowsCategory(c Category, country Region, v Visibility, agency string) bool {
	switch {
	case a.Unrestricted():
		return true
	case agency == a.Agency:
		return true
	case v == VisibilityRestricted:
		return false
	case country == a.Country:
		return true
	case v == VisibilityShareable:
		return c != "" && slices.Contains(a.Shared, c)
	}
	return false
}

// Allows applies the rule to one fact, which must also belong to the
// graph the reader asks for (Current): a retracted fact is gone for every
// reader, the unrestricted ones included.
func (a *Access) Allows(l *Link) bool {
	return a.Current(l) && (a.AllowsClass(l.Type, l.Country, l.Visibility, l.Agency) || a.granted(l.ID))
}

func (a *Access) granted(id string) bool {
	if a.Unrestricted() || len(a.Granted) == 0 {
		return false
	}
	_, ok := slices.BinarySearch(a.Granted, id)
	return ok
}

// Normalize sorts and de-duplicates the lists, so that equal accesses
// compare equal and Granted can be binary-searched.
func (a *Access) Normalize() {
	if a == nil {
		return
	}
	slices.Sort(a.Shared)
	a.Shared = slices.Compact(a.Shared)
	slices.Sort(a.Granted)
	a.Granted = slices.Compact(a.Granted)
	for id, fs := range a.GrantedFields {
		slices.Sort(fs)
		a.GrantedFields[id] = slices.Compact(fs)
	}
}

// SharedTypes lists the link types whose category is shared, for backends
// that filter by relationship type.
func (a *Access) SharedTypes() []string {
	out := []string{}
	if a == nil {
		return out
	}
	for _, s := range LinkSpecs {
		if slices.Contains(a.Shared, s.Category) {
			out = append(out, string(s.Type))
		}
	}
	return out
}

// FieldGranted reports whether an evidence request unmasked field of the
// entity or link with the given id for the reader.
func (a *Access) FieldGranted(id, field string) bool {
	if a == nil {
		return false
	}
	return slices.Contains(a.GrantedFields[id], field)
}

// ShowsPersonalData is the redaction rule: personal data whose home is
// country (see HomeCountry; a fact's is its contributing country) is shown
// to readers of that country, and to no other reader unless an answered
// evidence request granted the field (FieldGranted). Data of no known home
// is shown to no restricted reader.
func (a *Access) ShowsPersonalData(home Region) bool {
	return a.Unrestricted() || (home != "" && home == a.Country)
}

// Foreign reports whether data of country is the other country's for the
// reader, which makes reading it a cross-border read the audit records.
func (a *Access) Foreign(country Region) bool {
	return !a.Unrestricted() && country != a.Country
}

// OwnedByOther is the owner rule: a suspect or a case is described only by
// its filing agency's records (OwnerAgency), so for any other reader its
// description depends on seeing one of the owner's facts. It returns the
// owner and whether it is another agency than the reader's; an unrestricted
// reader and the owner itself see the description as stored.
func (a *Access) OwnedByOther(e *Entity) (owner string, other bool) {
	owner = OwnerAgency(e)
	return owner, owner != "" && !a.Unrestricted() && owner != a.Agency
}

// AttrDocumentCountry is the attribute that holds the country of the
// identity document a person was registered with: their home country (see
// HomeCountry).
const AttrDocumentCountry = "documentCountry"

// HomeCountry is the country whose law governs an entity's personal data:
// the country that issued a person's document, holds a bank account or
// numbered a phone line, or whose agency filed a suspect's record. It is
// read from the key wherever the key says it, so that no writer can move an
// entity's data to its own country by setting an attribute; a person's
// comes from the document country of the subscriber records that made it
// (part of its key's digest, and only ingest writes persons). Personal data
// of an entity without one is masked for every restricted reader.
func HomeCountry(e *Entity) Region {
	switch e.Kind {
	case KindPerson:
		return Region(e.Attrs[AttrDocumentCountry])
	case KindSuspect, KindCase:
		// Their keys start with the filing agency's code, whose first part
		// is its country (TH-CIB:S-0001).
		country, _, _ := strings.Cut(OwnerAgency(e), "-")
		return Region(country)
	case KindBankAccount:
		country, _, _ := strings.Cut(e.Key, ":")
		return Region(country)
	case KindPhoneNumber:
		switch {
		case strings.HasPrefix(e.Key, "+66"):
			return RegionTH
		case strings.HasPrefix(e.Key, "+855"):
			return RegionKH
		}
	}
	return ""
}

// OwnerAgency is the agency whose records alone describe an entity: the
// filing agency of a suspect or a case, named at the head of its key
// ("KH-GDNP:W-2024-0042"). Other agencies report facts about such an
// entity but never its names, attributes or documents. "" for other kinds.
func OwnerAgency(e *Entity) string {
	if e.Kind != KindSuspect && e.Kind != KindCase {
		return ""
	}
	agency, _, ok := strings.Cut(e.Key, ":")
	if _, code := AgencyCountry(agency); !ok || !code {
		return ""
	}
	return agency
}
