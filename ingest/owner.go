package ingest

import (
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// Filing is what a record files under an agency's reference: a suspect
// record names a suspect by the filing agency's warrant number, a victim
// report its case by the reporting agency's case number. The reference's
// agency code says which agency describes the entity (and, through the code,
// which country its personal data belongs to: intel.HomeCountry).
//
// The mapping only says what a record would file; whether the record's
// agency may describe that entity is a rule, decided by the use-case layer
// (usecase's ownFiling) before the record is mapped.
type Filing struct {
	// Field is the record field that holds the reference: suspectRef or caseRef.
	Field string
	// Kind is the kind of entity the reference names: Suspect or Case.
	Kind intel.Kind
	// Key is the reference as stored, under its agency's code.
	Key string
	// Filer is the agency code the reference is filed under.
	Filer string
	// Agency is the record's own agency, as its provenance gives it.
	Agency string
	// Describes is whether the record describes the entity (a suspect's
	// names, documents, nationality or legal status; a victim report's
	// case), rather than only adding facts about what it uses.
	Describes bool
}

// FilingOf returns what r files, or false when it files nothing: a record of
// another type, or one the mapping rejects before it reads the reference
// (an unusable provenance, a missing reference, a suspect reference that
// cannot be read), so that the mapping's own answer comes first, as it did
// when the rule was checked inside the mapping.
func FilingOf(r Record) (Filing, bool) {
	typ := RecordType(strings.ToLower(strings.TrimSpace(string(r.Type))))
	if typ != TypeSuspectRecord && typ != TypeVictimReport {
		return Filing{}, false
	}
	b, err := newBuilder(typ, &r)
	if err != nil {
		return Filing{}, false
	}
	f := Filing{Field: "caseRef", Kind: intel.KindCase, Agency: b.prov.Agency, Describes: true}
	ref := r.CaseRef
	if typ == TypeSuspectRecord {
		f.Field, f.Kind, f.Describes, ref = "suspectRef", intel.KindSuspect, describesSuspect(&r), r.SuspectRef
	}
	if strings.TrimSpace(ref) == "" {
		return Filing{}, false
	}
	f.Key, f.Filer = filedRef(ref, b.prov.Agency)
	if typ == TypeSuspectRecord {
		if _, err := b.artefact(f.Field, f.Key, f.Kind); err != nil {
			return Filing{}, false
		}
	}
	return f, true
}

// filedRef puts an agency's own reference (a suspect's warrant number, a
// victim report's case number) under the agency that filed it: a reference
// that starts with an agency code ("KH-GDNP:W-2024-0042") is kept, one that
// does not gets the record's agency in front. filer is the agency code the
// key is filed under.
func filedRef(ref, agency string) (key, filer string) {
	ref = strings.TrimSpace(ref)
	if prefix, _, ok := strings.Cut(ref, ":"); ok && isAgencyCode(prefix) {
		return ref, prefix
	}
	return agency + ":" + ref, agency
}

// describesSuspect reports whether a suspect record says who the suspect
// is (names, documents, nationality, legal status), which only the filing
// agency may, rather than only what the suspect uses.
func describesSuspect(r *Record) bool {
	return len(r.Names) > 0 || len(r.Documents) > 0 || r.Nationality != "" || r.LegalStatus != ""
}

// isAgencyCode recognises codes like TH-CIB (intel.AgencyCountry defines the shape).
func isAgencyCode(s string) bool {
	_, ok := intel.AgencyCountry(s)
	return ok
}
