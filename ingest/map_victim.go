package ingest

import (
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// scamTypes are the kinds of scam a victim report may name, as Thai police
// classify hybrid scams; other covers the rest, so that no report is lost
// for want of a category.
var scamTypes = []string{"hybrid_investment", "romance", "impersonation", "parcel", "job", "loan",
	"call_centre", "sextortion", "other"}

// scamTypeAliases are spellings people write for a listed type.
var scamTypeAliases = map[string]string{"call_center": "call_centre"}

// maxRoleLength bounds a role name (caller, destination_account, line_id).
const maxRoleLength = 64

// mapVictimReport maps a victim's report: a Case, and for each artefact the
// report names (the number that called, the account the money went to, the
// LINE account that made contact) one REPORTED_IN event from the artefact to
// the case. Each mention is its own event, keyed by the case, the role and
// the artefact, so that the same artefact across many cases shows how many
// victims it touched, and a resent report adds nothing.
//
// The case reference and the date of the report make the record: without
// them it is rejected. An artefact that cannot be read, a scam type or a
// loss that cannot be used, is set aside with a warning, and the case is
// stored with everything else it names: one mistyped account must not lose
// a victim's report.
func mapVictimReport(b *builder, r *Record) error {
	if strings.TrimSpace(r.CaseRef) == "" {
		return missingErr("caseRef", "the reporting agency's case reference, e.g. TH-CCIB:2567-000123")
	}
	ref, _ := filedRef(r.CaseRef, b.prov.Agency)
	c, err := b.artefact("caseRef", ref, intel.KindCase)
	if err != nil {
		return err
	}
	at, err := requiredDay("reportedAt", r.ReportedAt, b.prov.Country, "when the victim reported the case")
	if err != nil {
		return err
	}
	caseAttrs(b, r, &c, at)
	switch n := len(r.Involved); {
	case n == 0:
		b.setAside(missingErr("involved", "at least one artefact the report names (the caller's number, the account the money went to, ...)"))
	case n > maxListItems:
		return fieldErr("involved", "names %d artefacts, at most %d allowed in one record", n, maxListItems)
	}
	caseID := b.addEntity(c, origin{field: "caseRef", keys: caseKeys})
	for i, inv := range r.Involved {
		e, role, err := b.involved("involved", i, inv, intel.LinkReportedIn, true)
		if b.setAside(err) {
			continue
		}
		l := intel.Link{Type: intel.LinkReportedIn, To: caseID, Attrs: map[string]string{}}
		l.ObservedAt = at
		if role != "" {
			l.Attrs["role"] = role
		}
		l.From = b.addEntity(e, origin{field: indexed("involved", i, "identifier")})
		l.EventKey = b.itemEventKey([]string{c.Key}, role, e.Key)
		b.addLink(l, origin{field: "reportedAt", keys: map[string]string{"role": indexed("involved", i, "role")}})
	}
	return nil
}

// caseKeys names the record fields behind a Case's attributes.
var caseKeys = map[string]string{"scamType": "scamType", "loss": "loss", "currency": "currency", "reportedAt": "reportedAt"}

// caseAttrs reads what the report says of the case itself, setting aside
// a scam type or a loss that cannot be used.
func caseAttrs(b *builder, r *Record, c *intel.Entity, at time.Time) {
	c.Attrs["reportedAt"] = formatTime(at)
	if s := strings.TrimSpace(r.ScamType); s != "" {
		if t, err := parseScamType(s); !b.setAside(err) {
			c.Attrs["scamType"] = t
		}
	}
	if strings.TrimSpace(r.Loss) == "" {
		return
	}
	loss, err := parseAmount("loss", r.Loss, true)
	if b.setAside(err) {
		return
	}
	if strings.TrimSpace(r.Currency) == "" {
		b.setAside(missingErr("currency", "the ISO 4217 code of the loss, e.g. THB; the loss was set aside with it"))
		return
	}
	cur, err := parseCurrency("currency", r.Currency)
	if b.setAside(err) {
		return
	}
	c.Attrs["loss"], c.Attrs["currency"] = loss, cur
}

// parseScamType accepts a listed scam type in any letter case, with spaces
// or dashes for underscores.
func parseScamType(s string) (string, error) {
	t := normCode(s, false)
	if alias, ok := scamTypeAliases[t]; ok {
		t = alias
	}
	for _, known := range scamTypes {
		if t == known {
			return t, nil
		}
	}
	return "", fieldErr("scamType", "unknown scam type %q (want one of %s)", s, strings.Join(scamTypes, ", "))
}

// involved reads item i of a list of artefacts (involved or uses): its
// kind, given or detected, its identifier, and its role, checking that a
// link of type t may start (atFrom) or end at it. Errors name the item's
// own field.
func (b *builder) involved(list string, i int, inv Involved, t intel.LinkType, atFrom bool) (intel.Entity, string, error) {
	kind, err := parseKind(indexed(list, i, "kind"), inv.Kind)
	if err != nil {
		return intel.Entity{}, "", err
	}
	field := indexed(list, i, "identifier")
	e, err := b.artefact(field, inv.Identifier, kind)
	if err != nil {
		return intel.Entity{}, "", err
	}
	if err := allowedKind(field, t, e.Kind, atFrom); err != nil {
		return intel.Entity{}, "", err
	}
	role := normCode(inv.Role, false)
	if role != "" && !isCode(role, maxRoleLength) {
		return intel.Entity{}, "", fieldErr(indexed(list, i, "role"), "%q is not a role: letters, digits and '_' only, e.g. caller or destination_account", inv.Role)
	}
	return e, role, nil
}
