package ingest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

func suspectRecord() Record {
	return Record{Type: TypeSuspectRecord, Agency: "KH-GDNP", Country: "KH", SuspectRef: "KH-GDNP:W-2024-0042",
		Names: []string{"Zhang Wei", "张伟", "ចាង វ៉ី"}, Nationality: "cn", Documents: []string{"passport: E1234 5678"},
		LegalStatus: "wanted", LegalStatusAt: "2024-03-20",
		Uses: []Involved{{Role: "phone", Identifier: "012 345 678"}, {Role: "softphone", Identifier: "kh7781@voip.sunrise.example"}}}
}

func TestMapSuspect(t *testing.T) {
	t.Run("Mapped", func(t *testing.T) {
		b := MustMap(t, suspectRecord())
		s := entityOf(t, b, "Suspect:KH-GDNP:W-2024-0042")
		if s.Label != "Zhang Wei / 张伟 / ចាង វ៉ី" || len(s.RawForms) != 3 {
			t.Fatalf("label %q, raw forms %v", s.Label, s.RawForms)
		}
		wantAttrs := map[string]string{"nationality": "CN", "legalStatus": "WANTED", "legalStatusAt": "2024-03-19T17:00:00Z"}
		if !reflect.DeepEqual(s.Attrs, wantAttrs) {
			t.Fatalf("attrs %v; want %v", s.Attrs, wantAttrs)
		}
		if !reflect.DeepEqual(s.Sensitive, map[string]string{"document1": "PASSPORT:E12345678"}) {
			t.Fatalf("sensitive %v", s.Sensitive)
		}
		if len(b.Links) != 2 {
			t.Fatalf("%d links", len(b.Links))
		}
		for i, to := range []string{"PhoneNumber:+85512345678", "VoipAccount:sip:kh7781@voip.sunrise.example"} {
			l := b.Links[i]
			if l.Type != intel.LinkUses || l.From != s.ID || l.To != to || l.ValidFrom.IsZero() || l.EventKey != "" {
				t.Errorf("link %d: %+v", i, l)
			}
		}
	})
	t.Run("NoStatusDate", func(t *testing.T) {
		r := suspectRecord()
		r.LegalStatusAt = ""
		for _, l := range MustMap(t, r).Links {
			if !l.ValidFrom.IsZero() {
				t.Fatalf("validFrom %v", l.ValidFrom)
			}
		}
	})
	t.Run("DocumentsNotShown", func(t *testing.T) {
		b := MustMap(t, suspectRecord())
		for _, l := range b.Links {
			for _, v := range l.Attrs {
				if strings.Contains(v, "E1234") {
					t.Fatalf("document shown on link: %v", l.Attrs)
				}
			}
		}
	})
	runBadCases(t, suspectRecord, []badCase{
		{"ErrSuspectRefRequired", func(r *Record) { r.SuspectRef = "  " }, "suspectRef", "is required"},
		{"ErrSuspectRefBidi", func(r *Record) { r.SuspectRef = "W-1\u202e" }, "suspectRef", "bidirectional control"},
		{"ErrNamesTooLong", func(r *Record) { r.Names = []string{strings.Repeat("ก", 200), strings.Repeat("ข", 200)} }, "names", "at most 1024"},
	})
	// What describes the suspect or names a use is set aside when it
	// cannot be read; the file is kept.
	runWarnCases(t, suspectRecord, []badCase{
		{"WarnNameEmpty", func(r *Record) { r.Names[1] = " " }, "names[1]", "is empty"},
		{"WarnNationality", func(r *Record) { r.Nationality = "China" }, "nationality", "is not a country code"},
		{"WarnLegalStatus", func(r *Record) { r.LegalStatus = "JAILED" }, "legalStatus", `unknown legal status "JAILED"`},
		{"WarnStatusDateWithoutStatus", func(r *Record) { r.LegalStatus = "" }, "legalStatusAt", "without a usable legalStatus"},
		{"WarnDocumentShape", func(r *Record) { r.Documents = []string{"E12345678"} }, "documents[0]", "TYPE:NUMBER"},
		{"WarnDocumentType", func(r *Record) { r.Documents = []string{"PASSPORT:A1", "pass/port:E1"} }, "documents[1]", "document type"},
		{"WarnUsesGarbage", func(r *Record) { r.Uses[1].Identifier = "sip:@x" }, "uses[1].identifier", ""},
		{"WarnUsesKindNotAllowed", func(r *Record) { r.Uses[0].Kind = "Case" }, "uses[0].identifier", "is of kind Case"},
		{"WarnUsesRole", func(r *Record) { r.Uses[1].Role = "soft:phone" }, "uses[1].role", "is not a role"},
	})
}

// TestSuspectBelongsToItsFilingAgency: a reference is kept under the filing
// agency, the record says what it files (whether another agency may
// describe the suspect is usecase's rule), and a record that only adds
// uses leaves the suspect undescribed.
func TestSuspectBelongsToItsFilingAgency(t *testing.T) {
	r := suspectRecord()
	r.SuspectRef = "W-9"
	if b := MustMap(t, r); b.Entities[0].Kind != intel.KindSuspect || b.Entities[0].Key != r.Agency+":W-9" {
		t.Errorf("unprefixed reference stored as %q", b.Entities[0].Key)
	}
	f, ok := FilingOf(r)
	if want := (Filing{Field: "suspectRef", Kind: intel.KindSuspect, Key: r.Agency + ":W-9", Filer: r.Agency, Agency: r.Agency, Describes: true}); !ok || f != want {
		t.Errorf("filing %+v %v, want %+v", f, ok, want)
	}
	r = suspectRecord()
	r.Agency = "KH-MPTC"
	if f, ok := FilingOf(r); !ok || f.Filer != "KH-GDNP" || f.Agency != "KH-MPTC" || !f.Describes {
		t.Errorf("another agency's description files %+v %v", f, ok)
	}
	onlyUses(&r)
	if f, ok := FilingOf(r); !ok || f.Describes {
		t.Errorf("a uses record files %+v %v, want one that does not describe", f, ok)
	}
	b := MustMap(t, r)
	for _, e := range b.Entities {
		if e.Kind == intel.KindSuspect && (len(e.Attrs) > 0 || len(e.Sensitive) > 0 || e.Label != "") {
			t.Errorf("another agency's uses record describes the suspect: %+v", e)
		}
	}
	if len(b.Links) == 0 || b.Links[0].Agency != "KH-MPTC" {
		t.Errorf("uses not recorded as the sender's facts: %+v", b.Links)
	}
	for name, bad := range map[string]func(*Record){
		"NoRef":     func(r *Record) { r.SuspectRef = " " },
		"BadRef":    func(r *Record) { r.SuspectRef = "KH-GDNP:W\x01" },
		"BadAgency": func(r *Record) { r.Agency = "" },
		"OtherType": func(r *Record) { r.Type = TypeCall },
	} {
		r := suspectRecord()
		bad(&r)
		if f, ok := FilingOf(r); ok {
			t.Errorf("%s: files %+v; the mapping's own answer must come first", name, f)
		}
	}
}
