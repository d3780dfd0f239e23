package ingest

import (
	"maps"
	"strings"
	"time"
	"unicode"

	"github.com/scamgraph/scamgraph/intel"
)

// Bounds on an identity document, of a subscriber or a suspect: a type
// code (NATIONAL_ID, PASSPORT, ...) and a number, both far shorter in life.
const (
	maxDocumentType   = 32
	maxDocumentNumber = 64
)

// mapSubscriber maps subscriber data: the number, SIP account, bank or chat
// account REGISTERED_TO the person who holds it.
//
// With an identity document, the person is keyed by intel.PersonKey of the
// document (issuing country taken as the record's country, type and
// number), so that every artefact opened with one document meets on one
// Person node, and the key itself shows no document. Without one (the VoIP
// users' address data the 2022 agreement exchanges has a name and an
// address only), the person is the holder of this artefact, keyed by
// intel.HolderKey: a resent record lands on the same node, and nothing is
// merged on a guess. Every REGISTERED_TO link names, in holderKey, the
// holder this record's name makes for the artefact, so that a record with a
// document finds its undocumented candidate (a Person of that key), and an
// analyst decides. A document that cannot be used is set aside with a
// warning and the holder kept the same way.
//
// The name, document number and address are personal data: they go into
// the Sensitive map of the link (the document number also into the
// person's), which readers who may not see personal data get masked, and
// never into a key, a label or an attribute.
func mapSubscriber(b *builder, r *Record) error {
	kind, err := parseKind("identifierKind", r.IdentifierKind)
	if err != nil {
		return err
	}
	artefact, err := b.artefact("identifier", r.Identifier, kind)
	if err != nil {
		return err
	}
	if err := allowedKind("identifier", intel.LinkRegisteredTo, artefact.Kind, true); err != nil {
		return err
	}
	name, address := strings.TrimSpace(r.Name), strings.TrimSpace(r.Address)
	docType, docNumber := subscriberDocument(b, r)
	if docType == "" && name == "" && address == "" {
		return missingErr("name", "who holds the artefact: an identity document (documentType and documentNumber), or at least the holder's name or address")
	}
	since, err := parseDay("registeredAt", r.RegisteredAt, b.prov.Country)
	if b.setAside(err) {
		since = time.Time{}
	}

	personal := map[string]string{}
	for k, v := range map[string]string{"name": name, "documentNumber": docNumber, "address": address} {
		if v != "" {
			personal[k] = v
		}
	}
	holder := intel.HolderKey(string(b.prov.Country), artefact.Key, name)
	var person intel.Entity
	linkAttrs := map[string]string{"holderKey": holder}
	if docType != "" {
		key := intel.PersonKey(string(b.prov.Country), docType, docNumber)
		person = intel.Entity{
			ID: intel.EntityID(intel.KindPerson, key), Kind: intel.KindPerson, Key: key,
			// The label shows only the end of the key's digest: enough to tell
			// people apart on a chart, nothing of who they are.
			Label: "Subscriber " + key[len(key)-4:],
			Attrs: map[string]string{"documentType": docType, intel.AttrDocumentCountry: string(b.prov.Country)},
			// Only what the key fixes is kept on the node: two records of
			// one document spelling the name or address otherwise would
			// each rewrite it, and a replay of both would change the node
			// twice while adding nothing. Each record's name and address
			// stay on its own link.
			Sensitive: map[string]string{"documentNumber": docNumber},
		}
		linkAttrs["documentType"] = docType
	} else {
		// The name and address, as this record spells them, stay on its
		// link, for the same reason as above.
		person = intel.Entity{
			ID: intel.EntityID(intel.KindPerson, holder), Kind: intel.KindPerson, Key: holder,
			Label:     "Holder " + holder[len(holder)-4:],
			Attrs:     map[string]string{"holderOf": artefact.ID, intel.AttrDocumentCountry: string(b.prov.Country)},
			Sensitive: map[string]string{},
		}
	}
	l := intel.Link{Type: intel.LinkRegisteredTo, Attrs: linkAttrs, Sensitive: maps.Clone(personal)}
	l.ValidFrom = since
	l.From = b.addEntity(artefact, origin{field: "identifier"})
	l.To = b.addEntity(person, origin{field: "documentNumber", keys: subscriberKeys})
	b.addLink(l, origin{field: "registeredAt"})
	return nil
}

// subscriberDocument reads the identity document of a subscriber record:
// its type and number, or two empty strings when the record has none or
// one that cannot be used (set aside with a warning: the holder is then
// kept without it).
func subscriberDocument(b *builder, r *Record) (docType, docNumber string) {
	docType, docNumber = normCode(r.DocumentType, true), documentNumber(r.DocumentNumber)
	var bad error
	switch {
	case docType == "" && docNumber == "":
		return "", ""
	case docType == "":
		bad = missingErr("documentType", "the type of the identity document (NATIONAL_ID, PASSPORT, ...) numbered in documentNumber, without which the document cannot be used")
	case !isCode(docType, maxDocumentType):
		bad = fieldErr("documentType", "%q is not a document type: letters, digits and '_' only, e.g. NATIONAL_ID or PASSPORT", r.DocumentType)
	case docNumber == "":
		bad = missingErr("documentNumber", "the number of the "+docType+" the artefact was registered with")
	case len(docNumber) > maxDocumentNumber:
		bad = fieldErr("documentNumber", "is %d bytes long, at most %d allowed", len(docNumber), maxDocumentNumber)
	}
	if b.setAside(bad) {
		return "", ""
	}
	return docType, docNumber
}

// subscriberKeys names the record fields behind a Person's attributes.
var subscriberKeys = map[string]string{
	"name": "name", "documentNumber": "documentNumber", "address": "address",
	"documentType": "documentType", "documentCountry": "country", "holderOf": "identifier",
}

// documentNumber writes a document number in one form (ASCII digits, upper
// case, without the spaces, dashes, dots and slashes it is printed with),
// so that "3-1012-00456-78-9" and "3101200456789" are one value wherever the
// number is kept, as they are one person in intel.PersonKey.
func documentNumber(s string) string {
	return strings.Map(func(c rune) rune {
		switch {
		case unicode.IsSpace(c), c == '-', c == '.', c == '/':
			return -1
		}
		return unicode.ToUpper(c)
	}, foldDecimal(strings.TrimSpace(s)))
}
