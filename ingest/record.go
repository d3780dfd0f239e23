// Package ingest turns what enrichment jobs and partner agencies hold —
// call records, VoIP registrations and caller-ID use, subscriber data, bank
// transfers, victim reports, suspect files — into entities and links with
// provenance, and writes them in batches at the speed of the store. Every
// record has a natural event key, so a resent record changes nothing, and a
// bad record is reported with its line, field and reason without stopping
// the rest of its batch.
package ingest

// RecordType names a kind of source record.
type RecordType string

// The record types.
const (
	TypeCall          RecordType = "call"
	TypeRegistration  RecordType = "voip_registration"
	TypeCallerID      RecordType = "voip_caller_id"
	TypeSubscriber    RecordType = "subscriber"
	TypeTransfer      RecordType = "transfer"
	TypeVictimReport  RecordType = "victim_report"
	TypeSuspectRecord RecordType = "suspect"
)

// RecordTypes lists every type in a fixed order.
var RecordTypes = []RecordType{TypeCall, TypeRegistration, TypeCallerID, TypeSubscriber, TypeTransfer,
	TypeVictimReport, TypeSuspectRecord}

// Record is one source record in its wire form: a flat object whose JSON
// names are also the CSV column names and the GraphQL input fields. Only
// the fields of its Type are read; times are RFC 3339.
type Record struct {
	Type RecordType `json:"type"`

	// Provenance, common to every type.
	Agency      string   `json:"agency"`
	Country     string   `json:"country"` // TH or KH; also the default region of the record's identifiers
	EvidenceRef string   `json:"evidenceRef,omitempty"`
	Confidence  *float64 `json:"confidence,omitempty"` // 0..1; 1 when omitted
	LegalBasis  string   `json:"legalBasis,omitempty"`
	Visibility  string   `json:"visibility,omitempty"` // DOMESTIC (default), SHAREABLE, RESTRICTED
	// RecordID is the source system's own id (CDR id, transaction id), when
	// it has one; it then names the event instead of the natural key.
	RecordID string `json:"recordId,omitempty"`

	// call: caller → callee.
	Caller         string `json:"caller,omitempty"`
	Callee         string `json:"callee,omitempty"`
	Start          string `json:"start,omitempty"`
	DurationSec    *int   `json:"durationSec,omitempty"`
	Answered       *bool  `json:"answered,omitempty"`
	IMEI           string `json:"imei,omitempty"`
	IMSI           string `json:"imsi,omitempty"`
	CellID         string `json:"cellId,omitempty"`
	CallerIDMarker string `json:"callerIdMarker,omitempty"` // +697 or +698 as shown to the callee

	// voip_registration and voip_caller_id: the SIP account.
	Account   string `json:"account,omitempty"`
	SourceIP  string `json:"sourceIp,omitempty"`
	Port      *int   `json:"port,omitempty"`
	Time      string `json:"time,omitempty"` // registration time; transfer time
	ExpirySec *int   `json:"expirySec,omitempty"`
	UserAgent string `json:"userAgent,omitempty"`
	// voip_caller_id: the number presented, over [ValidFrom, ValidUntil).
	PresentedNumber string `json:"presentedNumber,omitempty"`
	ValidFrom       string `json:"validFrom,omitempty"`
	ValidUntil      string `json:"validUntil,omitempty"`

	// subscriber: who an artefact is registered to (sensitive fields).
	Identifier     string `json:"identifier,omitempty"`     // the number, SIP account or bank account
	IdentifierKind string `json:"identifierKind,omitempty"` // detected when empty
	Name           string `json:"name,omitempty"`
	DocumentType   string `json:"documentType,omitempty"` // NATIONAL_ID, PASSPORT, ...
	DocumentNumber string `json:"documentNumber,omitempty"`
	Address        string `json:"address,omitempty"`
	RegisteredAt   string `json:"registeredAt,omitempty"`

	// transfer: from account → to account.
	FromAccount string `json:"fromAccount,omitempty"`
	ToAccount   string `json:"toAccount,omitempty"`
	Amount      string `json:"amount,omitempty"` // decimal text, kept exact
	Currency    string `json:"currency,omitempty"`
	Channel     string `json:"channel,omitempty"`

	// victim_report: a case and the artefacts it names.
	CaseRef    string     `json:"caseRef,omitempty"`
	ReportedAt string     `json:"reportedAt,omitempty"`
	ScamType   string     `json:"scamType,omitempty"`
	Loss       string     `json:"loss,omitempty"`
	Involved   []Involved `json:"involved,omitempty"`

	// suspect: a suspect file.
	SuspectRef    string     `json:"suspectRef,omitempty"`
	Names         []string   `json:"names,omitempty"` // any script
	Nationality   string     `json:"nationality,omitempty"`
	Documents     []string   `json:"documents,omitempty"` // "PASSPORT:N1234567"; sensitive
	LegalStatus   string     `json:"legalStatus,omitempty"`
	LegalStatusAt string     `json:"legalStatusAt,omitempty"`
	Uses          []Involved `json:"uses,omitempty"`
}

// Involved is an artefact a victim report or suspect file names, with its
// role (caller, destination_account, line_id, ...).
type Involved struct {
	Role       string `json:"role,omitempty"`
	Kind       string `json:"kind,omitempty"` // detected from the identifier when empty
	Identifier string `json:"identifier"`
}
