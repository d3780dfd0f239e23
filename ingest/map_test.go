package ingest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// MustMap maps r and fails the test on an error.
func MustMap(tb testing.TB, r Record) intel.Batch {
	tb.Helper()
	b, err := Map(r)
	if err != nil {
		tb.Fatalf("Map: %v", err)
	}
	return b
}

// badCase is a record that must be rejected against field, with a message
// containing reason.
type badCase struct {
	name   string
	edit   func(r *Record)
	field  string
	reason string
}

// runBadCases applies each case to a fresh good record and checks the rejection.
func runBadCases(t *testing.T, good func() Record, cases []badCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := good()
			tc.edit(&r)
			_, err := Map(r)
			assertRejected(t, err, tc.field, tc.reason)
		})
	}
}

// runWarnCases applies each case to a fresh good record and checks that
// the record is kept, with a set-aside warning against field whose reason
// contains reason.
func runWarnCases(t *testing.T, good func() Record, cases []badCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := good()
			tc.edit(&r)
			m, err := MapRecord(r)
			if err != nil {
				t.Fatalf("rejected (%v); want it kept with a warning on %q", err, tc.field)
			}
			assertWarned(t, m.Warnings, WarningSetAside, tc.field, tc.reason)
		})
	}
}

// assertWarned checks that the first warning of ws is of code, for field,
// with a reason that contains reason (a field set aside may take another
// with it: a status date without its status).
func assertWarned(t *testing.T, ws []Warning, code WarningCode, field, reason string) {
	t.Helper()
	if len(ws) == 0 || ws[0].Code != code || ws[0].Field != field || !strings.Contains(ws[0].Reason, reason) {
		t.Fatalf("warnings %+v; want one %s on %q containing %q", ws, code, field, reason)
	}
}

// assertRejected checks that err is an EINVALID *intel.Error for field
// whose message contains reason.
func assertRejected(t *testing.T, err error, field, reason string) {
	t.Helper()
	switch {
	case err == nil:
		t.Fatalf("accepted; want rejection of %q (%s)", field, reason)
	case intel.ErrorCode(err) != intel.EINVALID:
		t.Fatalf("code %q (%v); want %q", intel.ErrorCode(err), err, intel.EINVALID)
	case intel.ErrorField(err) != field:
		t.Fatalf("field %q (%v); want %q", intel.ErrorField(err), err, field)
	case !strings.Contains(intel.ErrorMessage(err), reason):
		t.Fatalf("message %q does not contain %q", intel.ErrorMessage(err), reason)
	}
}

func ptr[T any](v T) *T { return &v }

// linkOf returns the only link of b.
func linkOf(t *testing.T, b intel.Batch) intel.Link {
	t.Helper()
	if len(b.Links) != 1 {
		t.Fatalf("got %d links, want 1: %+v", len(b.Links), b.Links)
	}
	return b.Links[0]
}

// entityOf returns the entity of b with the given id.
func entityOf(t *testing.T, b intel.Batch, id string) intel.Entity {
	t.Helper()
	for _, e := range b.Entities {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no entity %s in %+v", id, b.Entities)
	return intel.Entity{}
}

// goodRecords is one valid record of every type.
func goodRecords() map[RecordType]Record {
	return map[RecordType]Record{
		TypeCall: callRecord(), TypeRegistration: registrationRecord(), TypeCallerID: callerIDRecord(),
		TypeSubscriber: subscriberRecord(), TypeTransfer: transferRecord(), TypeVictimReport: victimRecord(),
		TypeSuspectRecord: suspectRecord(),
	}
}

func TestMapProvenance(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		for typ, r := range goodRecords() {
			r.Confidence, r.Visibility = nil, ""
			for _, l := range MustMap(t, r).Links {
				if l.Confidence != 1 || l.Visibility != intel.VisibilityDomestic {
					t.Errorf("%s: confidence %v, visibility %q; want 1, DOMESTIC", typ, l.Confidence, l.Visibility)
				}
			}
		}
	})
	t.Run("CopiedToEveryLink", func(t *testing.T) {
		for typ, r := range goodRecords() {
			r.Agency, r.Country, r.EvidenceRef, r.LegalBasis = " KH-MPTC ", strings.ToLower(r.Country), "REQ-1", "TH-KH MOU 2022"
			onlyUses(&r)
			r.Confidence, r.Visibility = ptr(0.75), "shareable"
			for _, l := range MustMap(t, r).Links {
				want := intel.Provenance{Agency: "KH-MPTC", Country: intel.Region(strings.ToUpper(r.Country)), EvidenceRef: "REQ-1",
					LegalBasis: "TH-KH MOU 2022", Confidence: 0.75, Visibility: intel.VisibilityShareable,
					ObservedAt: l.ObservedAt, ValidFrom: l.ValidFrom, ValidUntil: l.ValidUntil}
				if l.Provenance != want {
					t.Errorf("%s: provenance %+v; want %+v", typ, l.Provenance, want)
				}
			}
		}
	})
	runBadCases(t, callRecord, []badCase{
		{"ErrTypeRequired", func(r *Record) { r.Type = "" }, "type", "is required"},
		{"ErrTypeUnknown", func(r *Record) { r.Type = "sms" }, "type", `unknown record type "sms"`},
		{"ErrAgencyRequired", func(r *Record) { r.Agency = " " }, "agency", "is required"},
		{"ErrAgencyWithSpace", func(r *Record) { r.Agency = "TH CCIB" }, "agency", "no spaces"},
		{"ErrAgencyTooLong", func(r *Record) { r.Agency = strings.Repeat("A", 65) }, "agency", "at most 64"},
		{"ErrCountryRequired", func(r *Record) { r.Country = "" }, "country", "is required"},
		{"ErrCountryUnknown", func(r *Record) { r.Country = "LA" }, "country", `unknown country "LA"`},
		{"ErrConfidenceAboveOne", func(r *Record) { r.Confidence = ptr(2.0) }, "confidence", "between 0 and 1"},
		{"ErrConfidenceNegative", func(r *Record) { r.Confidence = ptr(-0.1) }, "confidence", "between 0 and 1"},
		{"ErrVisibilityUnknown", func(r *Record) { r.Visibility = "PUBLIC" }, "visibility", `unknown visibility "PUBLIC"`},
		{"ErrRecordIDControl", func(r *Record) { r.RecordID = "CDR\x001" }, "recordId", "control character"},
		{"ErrRecordIDTooLong", func(r *Record) { r.RecordID = strings.Repeat("9", 257) }, "recordId", "at most 256"},
		// The batch check runs last, and its fields are turned back into record fields.
		{"ErrEvidenceRefTooLong", func(r *Record) { r.EvidenceRef = strings.Repeat("x", 1025) }, "evidenceRef", "at most 1024"},
		{"ErrCellIDTooLong", func(r *Record) { r.CellID = strings.Repeat("x", 1025) }, "cellId", "at most 1024"},
		{"ErrLegalBasisNotUTF8", func(r *Record) { r.LegalBasis = "\xff" }, "legalBasis", "not valid UTF-8"},
	})
}

// TestMapDeterministic maps every sample record twice and checks the
// batches are identical, and that they pass the stores' own check.
func TestMapDeterministic(t *testing.T) {
	for _, rec := range sampleRecords(t) {
		first := MustMap(t, rec)
		again := MustMap(t, rec)
		if !reflect.DeepEqual(first, again) {
			t.Fatalf("mapping %+v twice differs:\n%+v\n%+v", rec, first, again)
		}
		checked := first.Clone()
		if err := checked.Validate(); err != nil {
			t.Fatalf("batch of %+v fails Validate: %v", rec, err)
		}
		if !reflect.DeepEqual(checked, first) {
			t.Fatalf("Validate changed the batch of %+v: it was not normalised", rec)
		}
	}
}

// TestMapAgencyMakesFact checks that the same event reported by two
// agencies is two facts, while the entities stay one.
//
// A victim report is left out: its case is the reporting agency's own (see
// TestCaseBelongsToItsReportingAgency), so another agency cannot report it.
func TestMapAgencyMakesFact(t *testing.T) {
	for typ, r := range goodRecords() {
		if typ == TypeVictimReport {
			continue
		}
		t.Run(string(typ), func(t *testing.T) {
			a := MustMap(t, r)
			r.Agency = "TH-OTHER"
			onlyUses(&r)
			b := MustMap(t, r)
			for i := range a.Links {
				if a.Links[i].ID == b.Links[i].ID {
					t.Errorf("link %d has the same id %s for two agencies", i, a.Links[i].ID)
				}
			}
			for i := range a.Entities {
				if a.Entities[i].ID != b.Entities[i].ID {
					t.Errorf("entity %d is %s for one agency and %s for the other", i, a.Entities[i].ID, b.Entities[i].ID)
				}
			}
		})
	}
}

func TestMapRecordTypeCase(t *testing.T) {
	r := callRecord()
	r.Type = " Call "
	if got, want := MustMap(t, r), MustMap(t, callRecord()); !reflect.DeepEqual(got, want) {
		t.Fatalf("type %q maps differently from %q", r.Type, TypeCall)
	}
}

func TestRecordField(t *testing.T) {
	b := &builder{typ: TypeVictimReport, entities: map[string]int{}, links: map[string]bool{}}
	b.addEntity(intel.Entity{ID: "Case:C-1", Kind: intel.KindCase, Key: "C-1"}, origin{field: "caseRef", keys: caseKeys})
	b.addEntity(intel.Entity{ID: "PhoneNumber:+66812345678", Kind: intel.KindPhoneNumber, Key: "+66812345678"},
		origin{field: "involved[0].identifier"})
	b.addLink(intel.Link{Type: intel.LinkReportedIn, From: "PhoneNumber:+66812345678", To: "Case:C-1", EventKey: "k"},
		origin{field: "reportedAt", keys: map[string]string{"role": "involved[0].role"}})
	for batchField, want := range map[string]string{
		"entities[0].attrs.scamType": "scamType",
		"entities[0].label":          "caseRef",
		"entities[1].rawForms":       "involved[0].identifier",
		"links[0].from":              "involved[0].identifier",
		"links[0].to":                "caseRef",
		"links[0].observedAt":        "reportedAt",
		"links[0].attrs.role":        "involved[0].role",
		"links[0].eventKey":          "recordId",
		"links[0].evidenceRef":       "evidenceRef",
		"batch":                      "involved",
	} {
		if got := b.recordField(batchField); got != want {
			t.Errorf("recordField(%q) = %q; want %q", batchField, got, want)
		}
	}
}

func TestDecimalDigit(t *testing.T) {
	for in, want := range map[string]string{"๐๑๒๓๔๕๖๗๘๙": "0123456789", "០១២៣៤៥៦៧៨៩": "0123456789",
		"٣٤": "34", "１２": "12", "𝟘𝟙𝟡": "019", "12a": "12a"} {
		if got := foldDecimal(in); got != want {
			t.Errorf("foldDecimal(%q) = %q; want %q", in, got, want)
		}
	}
}

// onlyUses turns a record into one another agency than the filing one may
// send: a suspect record gives only the suspect's uses, without describing
// it; a victim report goes under the sender's own case reference.
func onlyUses(r *Record) {
	switch r.Type {
	case TypeSuspectRecord:
		r.Names, r.Documents, r.Nationality, r.LegalStatus, r.LegalStatusAt = nil, nil, "", "", ""
	case TypeVictimReport:
		if _, ref, ok := strings.Cut(r.CaseRef, ":"); ok {
			r.CaseRef = ref
		}
	}
}
