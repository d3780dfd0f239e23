package ingest

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/scamgraph/scamgraph/intel"
)

// legalStatuses is the path a suspect's case takes under the 2022
// agreement and the extradition treaty, from wanted to handed over.
var legalStatuses = []string{"WANTED", "LOCATED", "ARRESTED", "DEPORTATION_REQUESTED", "EXTRADITION_REQUESTED",
	"DEPORTED", "EXTRADITED"}

// mapSuspect maps a suspect file: a Suspect keyed by the agency's own
// reference (a suspect has no natural key), labelled with the names the
// file gives in every script, and one USES state link to each artefact the
// suspect is known to use, valid from the date of the legal status when
// there is one. Identity documents are personal data and go into the
// entity's Sensitive map only.
func mapSuspect(b *builder, r *Record) error {
	if strings.TrimSpace(r.SuspectRef) == "" {
		return missingErr("suspectRef", "the agency's own reference for the suspect, e.g. a warrant number")
	}
	ref, _ := filedRef(r.SuspectRef, b.prov.Agency)
	s, err := b.artefact("suspectRef", ref, intel.KindSuspect)
	if err != nil {
		return err
	}
	if !describesSuspect(r) && r.LegalStatusAt == "" {
		// A record that only adds the suspect's uses (what another agency
		// may send about a suspect it did not file: see Filing) leaves the
		// suspect as it stands.
		return mapSuspectUses(b, r, b.addEntity(s, origin{field: "suspectRef"}), time.Time{})
	}
	names, err := suspectNames(b, r.Names)
	if err != nil {
		return err
	}
	s.Label = strings.Join(names, " / ")
	s.RawForms = names
	keys := map[string]string{"label": "names", "rawForms": "names",
		"nationality": "nationality", "legalStatus": "legalStatus", "legalStatusAt": "legalStatusAt"}
	since := suspectStatus(b, r, &s)
	if err := suspectDocuments(b, r.Documents, &s, keys); err != nil {
		return err
	}
	suspectID := b.addEntity(s, origin{field: "suspectRef", keys: keys})
	return mapSuspectUses(b, r, suspectID, since)
}

// mapSuspectUses adds one USES link from the suspect to each artefact of
// the record, valid from since.
func mapSuspectUses(b *builder, r *Record, suspectID string, since time.Time) error {
	if n := len(r.Uses); n > maxListItems {
		return fieldErr("uses", "names %d artefacts, at most %d allowed in one record", n, maxListItems)
	}
	for i, u := range r.Uses {
		e, role, err := b.involved("uses", i, u, intel.LinkUses, false)
		if b.setAside(err) {
			continue
		}
		l := intel.Link{Type: intel.LinkUses, From: suspectID, Attrs: map[string]string{}}
		l.ValidFrom = since
		if role != "" {
			l.Attrs["role"] = role
		}
		l.To = b.addEntity(e, origin{field: indexed("uses", i, "identifier")})
		b.addLink(l, origin{field: "legalStatusAt", keys: map[string]string{"role": indexed("uses", i, "role")}})
	}
	return nil
}

// suspectNames trims the names and puts them in Unicode NFC, since Thai and
// Khmer typed on different keyboards can order the same marks differently,
// and drops repeats; an empty name is set aside.
func suspectNames(b *builder, in []string) ([]string, error) {
	if len(in) > maxNames {
		return nil, fieldErr("names", "has %d names, at most %d allowed", len(in), maxNames)
	}
	var names []string
	seen := map[string]bool{}
	for i, n := range in {
		n = norm.NFC.String(strings.TrimSpace(n))
		if n == "" {
			b.setAside(fieldErr(listItem("names", i), "is empty"))
			continue
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names, nil
}

// suspectStatus reads nationality and legal status into the entity's
// attributes, and returns the status date from which the suspect's uses
// are stated. None of them makes the file a suspect's, so an unusable one
// is set aside with a warning.
func suspectStatus(b *builder, r *Record, s *intel.Entity) time.Time {
	if n := strings.ToUpper(strings.TrimSpace(r.Nationality)); n != "" {
		if (len(n) != 2 && len(n) != 3) || strings.Trim(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			b.setAside(fieldErr("nationality", "%q is not a country code: write ISO 3166 alpha-2 or alpha-3, e.g. TH, KHM, CN", r.Nationality))
		} else {
			s.Attrs["nationality"] = n
		}
	}
	status := normCode(r.LegalStatus, true)
	if status != "" && !slices.Contains(legalStatuses, status) {
		b.setAside(fieldErr("legalStatus", "unknown legal status %q (want one of %s)", r.LegalStatus, strings.Join(legalStatuses, ", ")))
		status = ""
	}
	since, err := parseDay("legalStatusAt", r.LegalStatusAt, b.prov.Country)
	if b.setAside(err) {
		since = time.Time{}
	}
	if !since.IsZero() && status == "" {
		b.setAside(fieldErr("legalStatusAt", "is given without a usable legalStatus: say which status it dates"))
		since = time.Time{}
	}
	if status != "" {
		s.Attrs["legalStatus"] = status
	}
	if !since.IsZero() {
		s.Attrs["legalStatusAt"] = formatTime(since)
	}
	return since
}

// suspectDocuments keeps each identity document as "TYPE:NUMBER" under
// document1, document2, ... in the entity's Sensitive map, recording in
// keys which list item each came from; one it cannot read is set aside.
func suspectDocuments(b *builder, docs []string, s *intel.Entity, keys map[string]string) error {
	if len(docs) > maxDocuments {
		return fieldErr("documents", "has %d documents, at most %d allowed", len(docs), maxDocuments)
	}
	n := 0
	seen := map[string]bool{}
	for i, d := range docs {
		field := listItem("documents", i)
		typ, number, ok := strings.Cut(d, ":")
		typ, number = normCode(typ, true), documentNumber(number)
		var bad error
		switch {
		case !ok || number == "":
			bad = fieldErr(field, "%q is not a document: write TYPE:NUMBER, e.g. PASSPORT:N1234567", d)
		case !isCode(typ, maxDocumentType):
			bad = fieldErr(field, "%q does not start with a document type: letters, digits and '_' only, e.g. PASSPORT", d)
		case len(number) > maxDocumentNumber:
			bad = fieldErr(field, "the document number is %d bytes long, at most %d allowed", len(number), maxDocumentNumber)
		}
		if b.setAside(bad) {
			continue
		}
		doc := typ + ":" + number
		if seen[doc] {
			continue
		}
		seen[doc] = true
		n++
		key := "document" + strconv.Itoa(n)
		s.Sensitive[key] = doc
		keys[key] = field
	}
	return nil
}
