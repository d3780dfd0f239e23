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
		if !reflect.DeepEqual(l.Sensitive, personal) || !reflect.DeepEqual(l.Attrs, map[string]string{"documentType": "NATIONAL_ID",
			"holderKey": intel.HolderKey("TH", "+66923456789", "นายประเสริฐ ทองดี")}) {
			t.Fatalf("link sensitive %v, attrs %v", l.Sensitive, l.Attrs)
		}
		p := entityOf(t, b, l.To)
		if !reflect.DeepEqual(p.Sensitive, map[string]string{"documentNumber": "3101200456789"}) || p.Attrs["documentType"] != "NATIONAL_ID" {
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
	t.Run("WithoutDocumentTheHolderIsKept", func(t *testing.T) {
		r := subscriberRecord()
		r.DocumentType, r.DocumentNumber = "", ""
		m, err := MapRecord(r)
		if err != nil || len(m.Warnings) != 0 {
			t.Fatalf("rejected or warned: %v %+v", err, m.Warnings)
		}
		l := linkOf(t, m.Batch)
		holder := intel.HolderKey("TH", "+66923456789", "นายประเสริฐ ทองดี")
		if l.Type != intel.LinkRegisteredTo || l.From != "PhoneNumber:+66923456789" || l.To != "Person:"+holder || l.Attrs["holderKey"] != holder {
			t.Fatalf("link %s %s → %s, attrs %v", l.Type, l.From, l.To, l.Attrs)
		}
		if want := map[string]string{"name": "นายประเสริฐ ทองดี", "address": "99/9 หมู่ 4 ต.ตัวอย่าง"}; !reflect.DeepEqual(l.Sensitive, want) {
			t.Fatalf("link sensitive %v", l.Sensitive)
		}
		p := entityOf(t, m.Batch, l.To)
		if p.Kind != intel.KindPerson || p.Attrs["holderOf"] != "PhoneNumber:+66923456789" || len(p.Sensitive) != 0 {
			t.Fatalf("holder %+v", p)
		}
		// Resent, in another spelling, it is the same holder.
		r.Identifier, r.Name = "092-345-6789", "  นายประเสริฐ   ทองดี "
		if again := linkOf(t, MustMap(t, r)); again.To != l.To {
			t.Fatalf("resent record made holder %s, first %s", again.To, l.To)
		}
		// A record with the document names the holder as its candidate,
		// and stays a person of its own.
		withDoc := linkOf(t, MustMap(t, subscriberRecord()))
		if withDoc.Attrs["holderKey"] != holder || withDoc.To == l.To {
			t.Fatalf("documented record: to %s, holderKey %q; want its own person naming %s", withDoc.To, withDoc.Attrs["holderKey"], holder)
		}
		// Another holder of the same name for another number is another person.
		r.Identifier = "092-345-6780"
		if other := linkOf(t, MustMap(t, r)); other.To == l.To {
			t.Fatal("two numbers' holders of one name were merged")
		}
	})
	t.Run("NoPersonalDataOutsideSensitiveWithoutDocument", func(t *testing.T) {
		r := subscriberRecord()
		r.DocumentType, r.DocumentNumber = "", ""
		for _, e := range MustMap(t, r).Entities {
			public := append([]string{e.ID, e.Key, e.Label}, e.RawForms...)
			for _, v := range e.Attrs {
				public = append(public, v)
			}
			for _, s := range public {
				if strings.Contains(s, "ประเสริฐ") || strings.Contains(s, "หมู่") {
					t.Fatalf("entity %s shows personal data in %q", e.ID, s)
				}
			}
		}
	})
	runBadCases(t, subscriberRecord, []badCase{
		{"ErrIdentifierRequired", func(r *Record) { r.Identifier = "" }, "identifier", "is required"},
		{"ErrIdentifierKindUnknown", func(r *Record) { r.IdentifierKind = "Phone" }, "identifierKind", `unknown kind "Phone"`},
		{"ErrIdentifierIsIP", func(r *Record) { r.Identifier = "203.0.113.9" }, "identifier", "is of kind IPAddress"},
		{"ErrIdentifierWrongKind", func(r *Record) { r.IdentifierKind = "BankAccount" }, "identifier", ""},
		{"ErrNoHolder", func(r *Record) { r.DocumentType, r.DocumentNumber, r.Name, r.Address = "", "", "", "" }, "name", "who holds the artefact"},
		{"ErrNameTooLong", func(r *Record) { r.Name = strings.Repeat("ก", 400) }, "name", "at most 1024"},
	})
	// A document that cannot be used is set aside; the holder is kept.
	runWarnCases(t, subscriberRecord, []badCase{
		{"WarnDocumentNumberRequired", func(r *Record) { r.DocumentNumber = " - " }, "documentNumber", "is required"},
		{"WarnDocumentTypeRequired", func(r *Record) { r.DocumentType = "" }, "documentType", "is required"},
		{"WarnDocumentTypeGarbage", func(r *Record) { r.DocumentType = "ID/card" }, "documentType", "is not a document type"},
		{"WarnRegisteredAtUnreadable", func(r *Record) { r.RegisteredAt = "01/12/2023" }, "registeredAt", "is not a time"},
	})
}
