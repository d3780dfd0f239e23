package ingest

import (
	"reflect"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

func victimRecord() Record {
	return Record{Type: TypeVictimReport, Agency: "TH-CCIB", Country: "TH", CaseRef: "TH-CCIB:2567-000123",
		ReportedAt: "2024-03-15 14:00:00", ScamType: "Hybrid Investment", Loss: "99,999.50", Currency: "THB",
		Involved: []Involved{
			{Role: "caller", Identifier: "+698 92 345 6789"},
			{Role: "contact", Identifier: "line:luckytrade88"},
			{Role: "destination account", Kind: "BankAccount", Identifier: "SCB 409-2-71234-5"},
		}}
}

func TestMapVictimReport(t *testing.T) {
	t.Run("Mapped", func(t *testing.T) {
		b := MustMap(t, victimRecord())
		c := entityOf(t, b, "Case:TH-CCIB:2567-000123")
		want := map[string]string{"scamType": "hybrid_investment", "loss": "99999.50", "currency": "THB", "reportedAt": "2024-03-15T07:00:00Z"}
		if !reflect.DeepEqual(c.Attrs, want) {
			t.Fatalf("case attrs %v; want %v", c.Attrs, want)
		}
		if len(b.Links) != 3 {
			t.Fatalf("%d links, want 3", len(b.Links))
		}
		for i, from := range []string{"PhoneNumber:+66923456789", "MessagingAccount:line:luckytrade88", "BankAccount:TH:014:4092712345"} {
			l := b.Links[i]
			if l.Type != intel.LinkReportedIn || l.From != from || l.To != c.ID || !l.ObservedAt.Equal(b.Links[0].ObservedAt) {
				t.Errorf("link %d: %s %s → %s at %v", i, l.Type, l.From, l.To, l.ObservedAt)
			}
		}
		if got := b.Links[2].Attrs["role"]; got != "destination_account" {
			t.Errorf("role %q", got)
		}
		if got := b.Links[2].EventKey; got != "victim_report:TH-CCIB:TH-CCIB:2567-000123|destination_account|TH:014:4092712345" {
			t.Errorf("event key %q", got)
		}
	})
	t.Run("RepeatedArtefactStatedOnce", func(t *testing.T) {
		r := victimRecord()
		r.Involved = append(r.Involved, Involved{Role: "caller", Identifier: "092-345-6789"}, Involved{Role: "sms_sender", Identifier: "092-345-6789"})
		b := MustMap(t, r)
		if len(b.Links) != 4 || len(b.Entities) != 4 {
			t.Fatalf("%d links, %d entities; want 4 and 4", len(b.Links), len(b.Entities))
		}
		caller := entityOf(t, b, "PhoneNumber:+66923456789")
		if !reflect.DeepEqual(caller.RawForms, []string{"+698 92 345 6789", "092-345-6789"}) {
			t.Fatalf("raw forms %v", caller.RawForms)
		}
	})
	t.Run("ZeroLoss", func(t *testing.T) {
		r := victimRecord()
		r.Loss = "0"
		if c := entityOf(t, MustMap(t, r), "Case:TH-CCIB:2567-000123"); c.Attrs["loss"] != "0" {
			t.Fatalf("attrs %v", c.Attrs)
		}
	})
	t.Run("OneBadIdentifierIsSetAside", func(t *testing.T) {
		r := victimRecord()
		r.Involved[1].Identifier = "081-234-56"
		m, err := MapRecord(r)
		if err != nil {
			t.Fatalf("rejected: %v", err)
		}
		assertWarned(t, m.Warnings, WarningSetAside, "involved[1].identifier", "too short")
		if len(m.Batch.Links) != 2 || m.Batch.Links[0].From != "PhoneNumber:+66923456789" || m.Batch.Links[1].From != "BankAccount:TH:014:4092712345" {
			t.Fatalf("links %+v; want the caller's and the account's", m.Batch.Links)
		}
		if len(m.Batch.Entities) != 3 {
			t.Fatalf("%d entities, want the case and the two good artefacts", len(m.Batch.Entities))
		}
	})
	// The case reference and date make the record.
	runBadCases(t, victimRecord, []badCase{
		{"ErrCaseRefRequired", func(r *Record) { r.CaseRef = "" }, "caseRef", "is required"},
		{"ErrCaseRefControl", func(r *Record) { r.CaseRef = "TH\x01" }, "caseRef", "control character"},
		{"ErrReportedAtRequired", func(r *Record) { r.ReportedAt = "" }, "reportedAt", "is required"},
		{"ErrTooManyInvolved", func(r *Record) { r.Involved = make([]Involved, maxListItems+1) }, "involved", "at most 500"},
	})
	// Everything else is set aside, and the case kept.
	runWarnCases(t, victimRecord, []badCase{
		{"WarnScamTypeUnknown", func(r *Record) { r.ScamType = "lottery" }, "scamType", `unknown scam type "lottery"`},
		{"WarnLossWithoutCurrency", func(r *Record) { r.Currency = "" }, "currency", "is required"},
		{"WarnLossNegative", func(r *Record) { r.Loss = "-5" }, "loss", "negative"},
		{"WarnInvolvedRequired", func(r *Record) { r.Involved = nil }, "involved", "at least one"},
		{"WarnInvolvedGarbage", func(r *Record) { r.Involved[1].Identifier = "line:" }, "involved[1].identifier", "handle is empty"},
		{"WarnInvolvedMissing", func(r *Record) { r.Involved[0].Identifier = "" }, "involved[0].identifier", "is required"},
		{"WarnInvolvedKindUnknown", func(r *Record) { r.Involved[2].Kind = "Wallet" }, "involved[2].kind", `unknown kind "Wallet"`},
		{"WarnInvolvedKindNotAllowed", func(r *Record) { r.Involved[2].Kind = "Suspect" }, "involved[2].identifier", "is of kind Suspect"},
		{"WarnInvolvedRole", func(r *Record) { r.Involved[0].Role = "caller?" }, "involved[0].role", "is not a role"},
	})
}

// TestCaseBelongsToItsReportingAgency: a case reference is filed under the
// reporting agency, and a report naming another agency's case says so
// (usecase's ownFiling refuses it: TestOwnFiling).
func TestCaseBelongsToItsReportingAgency(t *testing.T) {
	r := goodRecords()[TypeVictimReport]
	r.CaseRef = "2567-9"
	b := MustMap(t, r)
	for _, e := range b.Entities {
		if e.Kind == intel.KindCase && e.Key != r.Agency+":2567-9" {
			t.Errorf("unprefixed case stored as %q", e.Key)
		}
	}
	r = goodRecords()[TypeVictimReport]
	r.Agency = "KH-GDNP"
	if f, ok := FilingOf(r); !ok || f.Field != "caseRef" || f.Kind != intel.KindCase || f.Filer == "KH-GDNP" || !f.Describes {
		t.Errorf("another agency's report of the case files %+v %v", f, ok)
	}
}
