package ingest

import (
	"maps"
	"strings"
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
// account REGISTERED_TO the person whose identity document opened it.
//
// The person is keyed by intel.PersonKey of the document (issuing country
// taken as the record's country, type and number), so that every artefact
// opened with one document meets on one Person node, and the key itself
// shows no document. The name, document number and address are personal
// data: they go into the Sensitive maps of the person and of the link,
// which readers who may not see personal data get masked, and never into a
// key, a label or an attribute.
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
	docType := normCode(r.DocumentType, true)
	switch {
	case docType == "":
		return missingErr("documentType", "the type of the identity document (NATIONAL_ID, PASSPORT, ...), which with documentNumber identifies the person")
	case !isCode(docType, maxDocumentType):
		return fieldErr("documentType", "%q is not a document type: letters, digits and '_' only, e.g. NATIONAL_ID or PASSPORT", r.DocumentType)
	}
	docNumber := documentNumber(r.DocumentNumber)
	if docNumber == "" {
		return missingErr("documentNumber", "the number of the identity document the artefact was registered with; "+
			"without it the subscriber cannot be told apart from anyone else of the same name")
	}
	since, err := parseDay("registeredAt", r.RegisteredAt, b.prov.Country)
	if err != nil {
		return err
	}

	if len(docNumber) > maxDocumentNumber {
		return fieldErr("documentNumber", "is %d bytes long, at most %d allowed", len(docNumber), maxDocumentNumber)
	}
	personal := map[string]string{}
	for k, v := range map[string]string{"name": r.Name, "documentNumber": docNumber, "address": r.Address} {
		if v = strings.TrimSpace(v); v != "" {
			personal[k] = v
		}
	}
	key := intel.PersonKey(string(b.prov.Country), docType, docNumber)
	person := intel.Entity{
		ID: intel.EntityID(intel.KindPerson, key), Kind: intel.KindPerson, Key: key,
		// The label shows only the end of the key's digest: enough to tell
		// people apart on a chart, nothing of who they are.
		Label:     "Subscriber " + key[len(key)-4:],
		Attrs:     map[string]string{"documentType": docType, "documentCountry": string(b.prov.Country)},
		Sensitive: personal,
	}
	l := intel.Link{Type: intel.LinkRegisteredTo,
		Attrs: map[string]string{"documentType": docType}, Sensitive: maps.Clone(personal)}
	l.ValidFrom = since
	l.From = b.addEntity(artefact, origin{field: "identifier"})
	l.To = b.addEntity(person, origin{field: "documentNumber", keys: subscriberKeys})
	b.addLink(l, origin{field: "registeredAt"})
	return nil
}

// subscriberKeys names the record fields behind a Person's attributes.
var subscriberKeys = map[string]string{
	"name": "name", "documentNumber": "documentNumber", "address": "address",
	"documentType": "documentType", "documentCountry": "country",
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
