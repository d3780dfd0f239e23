package usecase

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// Every rule of who may do what, each written once. The package doc's
// table names them; the use cases call them.

// Role sets, by what the key is for.
var (
	anyRole         = []access.Role{access.RoleAnalyst, access.RoleEnricher, access.RoleCoordinator, access.RoleAdmin}
	writers         = []access.Role{access.RoleEnricher, access.RoleAdmin}
	coordinators    = []access.Role{access.RoleCoordinator}
	admins          = []access.Role{access.RoleAdmin}
	requestReaders  = []access.Role{access.RoleCoordinator, access.RoleAdmin}
	statusRecorders = []access.Role{access.RoleEnricher, access.RoleCoordinator, access.RoleAdmin}
)

// roles is the rule "roles per operation": which key roles may run each
// operation. Every operation of the service is here; one missing is
// refused (and TestEveryOperationHasRoles fails).
var roles = map[string][]access.Role{
	access.OpLookup:      anyRole,
	access.OpSearch:      anyRole,
	access.OpNodes:       anyRole,
	access.OpLinks:       anyRole,
	access.OpSummaries:   anyRole,
	access.OpNetwork:     anyRole,
	access.OpExport:      anyRole,
	access.OpShortest:    anyRole,
	access.OpMoneyTrail:  anyRole,
	access.OpLinkedCases: anyRole,
	access.OpLegalStatus: anyRole,
	access.OpViewer:      anyRole,
	access.OpAgencies:    anyRole,
	access.OpAgreements:  anyRole,
	access.OpRisk:        anyRole,
	access.OpRiskList:    anyRole,
	access.OpRings:       anyRole,

	access.OpAPIKeys:          admins,
	access.OpEvidenceRequests: requestReaders,
	access.OpAuditLog:         admins,

	access.OpUpsert:       writers,
	access.OpIngest:       writers,
	access.OpIngestStream: writers,
	access.OpRetractFact:  writers,

	access.OpCreateAgency:     admins,
	access.OpCreateKey:        admins,
	access.OpRevokeKey:        admins,
	access.OpCreateAgreement:  admins,
	access.OpApproveAgreement: admins,
	access.OpExtendAgreement:  admins,
	access.OpSuspendAgreement: admins,
	access.OpResumeAgreement:  admins,
	access.OpRevokeAgreement:  admins,

	access.OpRequestEvidence:     coordinators,
	access.OpAcknowledgeEvidence: coordinators,
	access.OpFulfilEvidence:      coordinators,
	access.OpDeclineEvidence:     coordinators,
	access.OpRecordLegalStatus:   statusRecorders,

	access.OpBackup: admins,
	// The command line prunes the audit log (access.Registry.PruneAudit);
	// no API key can.
	access.OpPruneAudit: admins,
	access.OpMarkReport: statusRecorders,
}

// selfAudited are the operations whose registry change commits its own
// audit entry in the same transaction (access.Registry does that), so the
// request's entry does not repeat them.
var selfAudited = map[string]bool{
	access.OpCreateAgency: true, access.OpCreateKey: true, access.OpRevokeKey: true,
	access.OpCreateAgreement: true, access.OpApproveAgreement: true, access.OpExtendAgreement: true,
	access.OpSuspendAgreement: true, access.OpResumeAgreement: true, access.OpRevokeAgreement: true,
	access.OpRequestEvidence: true, access.OpAcknowledgeEvidence: true, access.OpDeclineEvidence: true,
	access.OpRecordLegalStatus: true,
}

// allow is the rule "roles per operation" applied to one caller.
func (c *Caller) allow(op string) error {
	if c.operator {
		return nil
	}
	if slices.Contains(roles[op], c.Role()) {
		return nil
	}
	names := make([]string, len(roles[op]))
	for i, r := range roles[op] {
		names[i] = string(r)
	}
	if len(names) == 0 {
		return intel.Errorf(intel.EFORBIDDEN, op, "is not an operation any key may run")
	}
	return intel.Errorf(intel.EFORBIDDEN, op, "needs the role %s; this key (%s) holds %s",
		strings.Join(names, " or "), c.KeyID(), c.Role())
}

// ownFact is the rule "own-agency writes": a key writes facts for its own
// agency only, since a fact's provenance decides who may see it. An empty
// agency or country is the caller's (the caller's own spelling is written
// back, so "th-ccib" is stored as the TH-CCIB it matched). field names the
// record or item.
func (c *Caller) ownFact(field string, agency, country *string) error {
	if c.operator {
		return nil
	}
	own := c.Agency()
	switch a := strings.TrimSpace(*agency); {
	case a == "" || strings.EqualFold(a, own):
		*agency = own
	default:
		return intel.Errorf(intel.EFORBIDDEN, join(field, "agency"), "is %q, but this key writes for %s only", *agency, own)
	}
	switch k := strings.TrimSpace(*country); {
	case k == "" || strings.EqualFold(k, string(c.Country())):
		*country = string(c.Country())
	default:
		return intel.Errorf(intel.EFORBIDDEN, join(field, "country"), "is %q, but %s is an agency of %s", *country, own, c.Country())
	}
	return nil
}

// ownFiling is the rule "a suspect or case is described by its filing
// agency only" for writes: a record may add what a suspect uses under its
// own provenance, but only the agency whose reference names a suspect may
// describe it (names, documents, nationality, legal status), and a victim
// report goes under the reporting agency's own case reference, so that no
// record rewrites whose personal data an entity holds. It applies to the
// command line too, which acts for the agency its records name. The
// refusal is the record's mistake (EINVALID on the reference's field), as
// it names the reference the record itself gives.
func ownFiling(r ingest.Record) error {
	f, ok := ingest.FilingOf(r)
	if !ok || !f.Describes || strings.EqualFold(f.Filer, f.Agency) {
		return nil
	}
	if f.Kind == intel.KindSuspect {
		return intel.Errorf(intel.EINVALID, f.Field, "names a suspect filed by another agency; a record may add only uses to it (names, documents, nationality and legal status are the filing agency's)")
	}
	return intel.Errorf(intel.EINVALID, f.Field, "names a case filed by another agency; a victim report goes under the reporting agency's own case reference")
}

// ownRetraction is the rule "own-agency retractions": only the agency that
// contributed a fact may retract it, since the fact is its statement; the
// command line names the agency it acts for and is held to the same rule.
// A fact the caller may not see at all is not found, so that the refusal
// never tells another agency's restricted fact exists.
func (c *Caller) ownRetraction(l *intel.Link) error {
	own := c.Agency()
	a := *c.access
	a.AsOf = time.Time{}
	if l.Agency != own && !a.AllowsClass(l.Type, l.Country, l.Visibility, l.Agency) && !slices.Contains(a.Granted, l.ID) {
		return intel.Errorf(intel.ENOTFOUND, "id", "no link with id %q", l.ID)
	}
	if l.Agency != own {
		return intel.Errorf(intel.EFORBIDDEN, "id", "was contributed by %s; only the contributing agency can retract a fact, and this key acts for %s",
			l.Agency, own)
	}
	return nil
}

// ownCountry is the rule that each side manages its own agencies and keys:
// an admin's change to another country's agency is refused.
func (c *Caller) ownCountry(field string, country intel.Region) error {
	if country != c.Country() {
		return intel.Errorf(intel.EFORBIDDEN, field, "belongs to %s; an admin of %s manages %s's agencies and keys only",
			country, c.Country(), c.Country())
	}
	return nil
}

// needPurpose is the purpose rule: a network that crosses the border needs
// a purpose, since the agreement shares evidence for investigations and the
// audit must say which one a bulk read of the other country's facts served.
func (c *Caller) needPurpose(links []intel.Link) error {
	if c.Purpose != "" || c.access.Unrestricted() {
		return nil
	}
	for _, l := range links {
		if l.Country != c.Country() {
			return intel.Errorf(intel.EFORBIDDEN, "X-Purpose",
				"this network includes %s facts; a network across the border needs a purpose: send the X-Purpose header with the case reference it serves", l.Country)
		}
	}
	return nil
}

// auditScope is the rule of who reads which audit entries: an admin sees
// what its own country's agencies did, and what the other country did with
// its country's data, but nothing else.
func (c *Caller) auditScope(f *access.AuditFilter) error {
	own := c.Country()
	if f.ActorCountry == "" && f.DataCountry == "" {
		f.ActorCountry = own
	}
	if f.ActorCountry != own && f.DataCountry != own {
		return intel.Errorf(intel.EFORBIDDEN, "actorCountry", "an admin of %s sees entries by %s's agencies (actorCountry: %s) or about %s's data (dataCountry: %s)",
			own, own, own, own, own)
	}
	return nil
}

// outcomeOf names how an operation ended, for the audit: done, refused
// (the caller's mistake or a rule said no; the request changed nothing) or
// failed (allowed, but the service could not complete it), with the code
// the caller was given.
func outcomeOf(err error) (outcome, code string) {
	if err == nil {
		return access.OutcomeOK, ""
	}
	code = intel.ClientCode(err)
	switch code {
	case intel.CodeInternal, intel.CodeTimeout, intel.CodeUnavailable:
		return access.OutcomeError, code
	}
	return access.OutcomeDenied, code
}

// worse orders outcomes: an error outranks a refusal, which outranks
// success, so one request's entry carries the worst of its operations.
func worse(a, b string) bool {
	rank := map[string]int{"": 0, access.OutcomeOK: 1, access.OutcomeDenied: 2, access.OutcomeError: 3}
	return rank[a] > rank[b]
}

// join builds a field path: "records[3]" and "agency" make "records[3].agency".
func join(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}

// fieldAt names the i-th item of a list field.
func fieldAt(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }

// RolesOf lists the roles that may run op (the role table, for tests and
// documentation).
func RolesOf(op string) []access.Role { return slices.Clone(roles[op]) }
