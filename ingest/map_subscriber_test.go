package ingest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

func subscriberRecord() Record {
	return Record{Type: TypeSubscriber, Agency: "TH-NBTC", Country: "TH", Identifier: "+66 92 345 6789",
		Name: "นายประเสริฐ ทองดี", DocumentType: "national id", DocumentNumber: "3-1012-00456-78-9",
		Address: "99/9 หมู่ 4 ต.ตัวอย่าง", RegisteredAt: "2023-12-01"}
}

func TestMapSubscriber(t *testing.T) {
	t.Run("Mapped", func(t *testing.T) {
		b := MustMap(t, subscriberRecord())
		l := linkOf(t, b)
		key := intel.PersonKey("TH", "NATIONAL_ID", "3101200456789")
		if l.Type != intel.LinkRegisteredTo || l.From != "PhoneNumber:+66923456789" || l.To != "Person:"+key {
			t.Fatalf("link %s %s → %s", l.Type, l.From, l.To)
		}
		personal := map[string]string{"name": "นายประเสริฐ ทองดี", "documentNumber": "3101200456789", "address": "99/9 หมู่ 4 ต.ตัวอย่าง"}
		if !reflect.DeepEqual(l.Sensitive, personal) || !reflect.DeepEqual(l.Attrs, map[string]string{"documentType": "NATIONAL_ID"}) {
			t.Fatalf("link sensitive %v, attrs %v", l.Sensitive, l.Attrs)
		}
		p := entityOf(t, b, l.To)
		if !reflect.DeepEqual(p.Sensitive, personal) || p.Attrs["documentType"] != "NATIONAL_ID" {
			t.Fatalf("person sensitive %v, attrs %v", p.Sensitive, p.Attrs)
		}
		if p.Label != "Subscriber "+key[len(key)-4:] {
			t.Fatalf("person label %q", p.Label)
		}
		if l.ValidFrom.IsZero() || l.EventKey != "" {
			t.Fatalf("validFrom %v, event key %q", l.ValidFrom, l.EventKey)
		}
	})
	t.Run("NoPersonalDataOutsideSensitive", func(t *testing.T) {
		b := MustMap(t, subscriberRecord())
		for _, e := range b.Entities {
			public := append([]string{e.ID, e.Key, e.Label}, e.RawForms...)
			for _, v := range e.Attrs {
				public = append(public, v)
			}
			for _, s := range public {
				for _, secret := range []string{"ประเสริฐ", "3101200456789", "3-1012", "หมู่"} {
					if strings.Contains(s, secret) {
						t.Fatalf("entity %s shows %q in %q", e.ID, secret, s)
					}
				}
			}
		}
	})
	t.Run("OneDocumentOnePerson", func(t *testing.T) {
		a := MustMap(t, subscriberRecord())
		r := subscriberRecord()
		r.Identifier, r.IdentifierKind, r.DocumentType, r.DocumentNumber = "กรุงไทย 678-0-12345-6", "bankaccount", "NATIONAL_ID", "3 1012 00456 78 9"
		b := MustMap(t, r)
		if linkOf(t, a).To != linkOf(t, b).To {
			t.Fatalf("one document, two persons: %s and %s", linkOf(t, a).To, linkOf(t, b).To)
		}
	})
	runBadCases(t, subscriberRecord, []badCase{
		{"ErrIdentifierRequired", func(r *Record) { r.Identifier = "" }, "identifier", "is required"},
		{"ErrIdentifierKindUnknown", func(r *Record) { r.IdentifierKind = "Phone" }, "identifierKind", `unknown kind "Phone"`},
		{"ErrIdentifierIsIP", func(r *Record) { r.Identifier = "203.0.113.9" }, "identifier", "is of kind IPAddress"},
		{"ErrIdentifierWrongKind", func(r *Record) { r.IdentifierKind = "BankAccount" }, "identifier", ""},
		{"ErrDocumentNumberRequired", func(r *Record) { r.DocumentNumber = " - " }, "documentNumber", "is required"},
		{"ErrDocumentTypeRequired", func(r *Record) { r.DocumentType = "" }, "documentType", "is required"},
		{"ErrDocumentTypeGarbage", func(r *Record) { r.DocumentType = "ID/card" }, "documentType", "is not a document type"},
		{"ErrRegisteredAtUnreadable", func(r *Record) { r.RegisteredAt = "01/12/2023" }, "registeredAt", "is not a time"},
		{"ErrNameTooLong", func(r *Record) { r.Name = strings.Repeat("ก", 400) }, "name", "at most 1024"},
	})
}
