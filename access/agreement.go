package access

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// AgreementStatus is where an agreement stands.
type AgreementStatus string

// The statuses. ACTIVE and SUSPENDED may alternate; REVOKED is final.
const (
	AgreementActive    AgreementStatus = "ACTIVE"
	AgreementSuspended AgreementStatus = "SUSPENDED"
	AgreementRevoked   AgreementStatus = "REVOKED"
)

// Valid reports whether s is a known status.
func (s AgreementStatus) Valid() bool {
	return s == AgreementActive || s == AgreementSuspended || s == AgreementRevoked
}

// Party is one signatory of an agreement.
type Party struct {
	Country intel.Region
	// Authority is the signing body, e.g. "Ministry of Digital Economy and Society".
	Authority string
}

// AgreementEvent is one entry of an agreement's history.
type AgreementEvent struct {
	At time.Time
	// By is the key id (or tool) that made the change.
	By string
	// Action is CREATED, SUSPENDED, RESUMED, REVOKED or EXTENDED.
	Action string
	Reason string
}

// The actions of an agreement's history.
const (
	ActionCreated   = "CREATED"
	ActionSuspended = "SUSPENDED"
	ActionResumed   = "RESUMED"
	ActionRevoked   = "REVOKED"
	ActionExtended  = "EXTENDED"
	ActionApproved  = "APPROVED"
)

// Agreement is a bilateral arrangement under which evidence of the listed
// categories crosses the border while it is active, modelled on the 2022
// MOU: two parties, one per country; a scope; coordinators; a term of at
// most three years, extendable once by at most three more.
type Agreement struct {
	ID    string
	Title string
	// Parties are exactly two: one TH, one KH.
	Parties []Party
	// Categories are the evidence categories shared, sorted and distinct.
	Categories []intel.Category
	Purpose    string
	LegalBasis string
	// ValidFrom is inclusive, ValidUntil exclusive.
	ValidFrom, ValidUntil time.Time
	Status                AgreementStatus
	// Coordinators are the codes of the agencies that make and answer
	// evidence requests under this agreement, at least one per country.
	Coordinators []string
	// Extensions counts how often the term was extended (at most once).
	Extensions int
	// Approvals are the parties (countries) whose admins approved the
	// terms. Sharing needs both: neither side can open its partner's data
	// to itself alone.
	Approvals []intel.Region
	// SuspendedBy is the party that suspended the agreement; only it may
	// resume it.
	SuspendedBy intel.Region
	// PendingUntil is an extension of the term one party proposed, which
	// takes effect once PendingApprovals holds both parties.
	PendingUntil     time.Time
	PendingApprovals []intel.Region
	CreatedAt        time.Time
	UpdatedAt        time.Time
	History          []AgreementEvent
}

// ActiveAt reports whether the agreement is in force at t.
func (a Agreement) ActiveAt(t time.Time) bool {
	return a.Status == AgreementActive && a.Approved() && !t.Before(a.ValidFrom) && t.Before(a.ValidUntil)
}

// Approved reports whether both parties approved the terms.
func (a Agreement) Approved() bool { return bothParties(a.Approvals) }

func bothParties(rs []intel.Region) bool {
	return slices.Contains(rs, intel.RegionTH) && slices.Contains(rs, intel.RegionKH)
}

// HasParty reports whether country signed the agreement.
func (a Agreement) HasParty(country intel.Region) bool {
	for _, p := range a.Parties {
		if p.Country == country {
			return true
		}
	}
	return false
}

// IsCoordinator reports whether agency is one of the agreement's coordinators.
func (a Agreement) IsCoordinator(agency string) bool {
	for _, c := range a.Coordinators {
		if c == agency {
			return true
		}
	}
	return false
}

// Covers reports whether c is among the agreement's categories.
func (a Agreement) Covers(c intel.Category) bool {
	for _, x := range a.Categories {
		if x == c {
			return true
		}
	}
	return false
}

// maxTermYears is the longest term of an agreement at signing, and the
// longest one extension may add: the MOU runs three years, extendable by
// three more.
const maxTermYears = 3

// knownCategory reports whether some link type falls under c. The set comes
// from intel.LinkSpecs, so a category is known exactly when sharing it can
// share something.
func knownCategory(c intel.Category) bool {
	for _, s := range intel.LinkSpecs {
		if s.Category == c {
			return true
		}
	}
	return false
}

// checkCategories validates and returns cs sorted and distinct.
func checkCategories(field string, cs []intel.Category) ([]intel.Category, error) {
	if len(cs) == 0 {
		return nil, intel.Errorf(intel.EINVALID, field, "must name at least one evidence category")
	}
	seen := map[intel.Category]bool{}
	out := make([]intel.Category, 0, len(cs))
	for i, c := range cs {
		if !knownCategory(c) {
			return nil, intel.Errorf(intel.EINVALID, fmt.Sprintf("%s[%d]", field, i), "unknown evidence category %q", c)
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// validAgreementID accepts a caller's reference such as "MOU-TH-KH-2022".
func validAgreementID(id string) bool {
	if len(id) < 2 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.", c)) {
			return false
		}
	}
	return true
}

// normalize validates what a caller may set on a new agreement and returns
// it in stored form. Coordinators are checked against the store separately.
func (a Agreement) normalize() (Agreement, error) {
	if a.ID != "" && !validAgreementID(a.ID) {
		return a, intel.Errorf(intel.EINVALID, "id", "%q is not an agreement id (2-64 letters, digits, '-', '_' or '.')", a.ID)
	}
	if err := checkText("title", a.Title, maxShortText, true); err != nil {
		return a, err
	}
	if len(a.Parties) != 2 {
		return a, intel.Errorf(intel.EINVALID, "parties", "must be exactly two, one TH and one KH; got %d", len(a.Parties))
	}
	for i, p := range a.Parties {
		if err := checkRegion(fmt.Sprintf("parties[%d].country", i), p.Country); err != nil {
			return a, err
		}
		if err := checkText(fmt.Sprintf("parties[%d].authority", i), p.Authority, maxShortText, true); err != nil {
			return a, err
		}
	}
	if a.Parties[0].Country == a.Parties[1].Country {
		return a, intel.Errorf(intel.EINVALID, "parties[1].country", "both parties are %s; one must be TH and one KH", a.Parties[0].Country)
	}
	a.Parties = append([]Party(nil), a.Parties...)
	sort.Slice(a.Parties, func(i, j int) bool { return a.Parties[i].Country > a.Parties[j].Country }) // TH, then KH
	cats, err := checkCategories("categories", a.Categories)
	if err != nil {
		return a, err
	}
	a.Categories = cats
	if err := checkText("purpose", a.Purpose, maxLongText, true); err != nil {
		return a, err
	}
	if err := checkText("legalBasis", a.LegalBasis, maxLongText, true); err != nil {
		return a, err
	}
	a.ValidFrom, a.ValidUntil = normTime(a.ValidFrom), normTime(a.ValidUntil)
	if a.ValidFrom.IsZero() {
		return a, intel.Errorf(intel.EINVALID, "validFrom", "is required")
	}
	if a.ValidUntil.IsZero() {
		return a, intel.Errorf(intel.EINVALID, "validUntil", "is required: an agreement runs for a limited term")
	}
	if !a.ValidUntil.After(a.ValidFrom) {
		return a, intel.Errorf(intel.EINVALID, "validUntil", "must be after validFrom")
	}
	if limit := a.ValidFrom.AddDate(maxTermYears, 0, 0); a.ValidUntil.After(limit) {
		return a, intel.Errorf(intel.EINVALID, "validUntil", "is more than %d years after validFrom (at most %s); extend the agreement later instead",
			maxTermYears, limit.Format(time.RFC3339))
	}
	if a.Status != "" && a.Status != AgreementActive {
		return a, intel.Errorf(intel.EINVALID, "status", "a new agreement is ACTIVE; suspend it afterwards if need be")
	}
	a.Status = AgreementActive
	if a.Extensions != 0 {
		return a, intel.Errorf(intel.EINVALID, "extensions", "must be 0 for a new agreement; use ExtendAgreement")
	}
	if len(a.History) != 0 {
		return a, intel.Errorf(intel.EINVALID, "history", "is written by the registry, not the caller")
	}
	for i, c := range a.Approvals {
		if err := checkRegion(fmt.Sprintf("approvals[%d]", i), c); err != nil {
			return a, err
		}
	}
	if a.SuspendedBy != "" || !a.PendingUntil.IsZero() || len(a.PendingApprovals) != 0 {
		return a, intel.Errorf(intel.EINVALID, "pendingUntil", "is written by the registry, not the caller")
	}
	if len(a.Coordinators) == 0 {
		return a, intel.Errorf(intel.EINVALID, "coordinators", "must name at least one coordinating agency per country")
	}
	seen := map[string]bool{}
	coords := make([]string, 0, len(a.Coordinators))
	for i, c := range a.Coordinators {
		if err := checkAgencyCode(fmt.Sprintf("coordinators[%d]", i), c); err != nil {
			return a, err
		}
		if !seen[c] {
			seen[c] = true
			coords = append(coords, c)
		}
	}
	sort.Strings(coords)
	a.Coordinators = coords
	return a, nil
}

// CreateAgreement records a new agreement, ACTIVE from ValidFrom. The id is
// the caller's reference when given, else a new "agr_" id. Every
// coordinator must be a registered agency, with at least one in each
// country. by names who records it.
func (r *Registry) CreateAgreement(ctx context.Context, by string, in Agreement) (Agreement, error) {
	a, err := in.normalize()
	if err != nil {
		return Agreement{}, err
	}
	who, err := r.byActor(ctx, by)
	if err != nil {
		return Agreement{}, err
	}
	docs, err := r.rec.Get(ctx, collAgencies, a.Coordinators)
	if err != nil {
		return Agreement{}, err
	}
	agencies, err := decodeDocs[Agency](collAgencies, docs)
	if err != nil {
		return Agreement{}, err
	}
	byCode := map[string]Agency{}
	for _, ag := range agencies {
		byCode[ag.Code] = ag
	}
	countries := map[intel.Region]bool{}
	// Indexes name the caller's input, not the sorted list.
	for i, c := range in.Coordinators {
		ag, ok := byCode[c]
		if !ok {
			return Agreement{}, intel.Errorf(intel.EINVALID, fmt.Sprintf("coordinators[%d]", i), "no agency %s is registered", c)
		}
		countries[ag.Country] = true
	}
	for _, country := range []intel.Region{intel.RegionTH, intel.RegionKH} {
		if !countries[country] {
			return Agreement{}, intel.Errorf(intel.EINVALID, "coordinators", "names no %s agency; each country needs at least one coordinator", country)
		}
	}
	generated := a.ID == ""
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if generated {
			if a.ID, err = newID("agr_"); err != nil {
				return Agreement{}, err
			}
		}
		now := r.clock()
		a.CreatedAt, a.UpdatedAt = now, now
		a.History = []AgreementEvent{{At: now, By: by, Action: ActionCreated}}
		// An admin's key approves for its own country only; the other
		// party approves with ApproveAgreement. A tool run by the operator
		// (the CLI, the demo) records an agreement both parties signed,
		// approved by those it names (both when it names none).
		switch {
		case who.country != "":
			a.Approvals = []intel.Region{who.country}
		case len(a.Approvals) == 0:
			a.Approvals = []intel.Region{intel.RegionTH, intel.RegionKH}
		}
		a.Approvals = sortedRegions(a.Approvals)
		p, err := put(collAgreements, a.ID, 0, a)
		if err != nil {
			return Agreement{}, err
		}
		audit := r.agreementAudit(ctx, who, OpCreateAgreement,
			fmt.Sprintf("agreement %s %q, %s to %s, categories %v", a.ID, a.Title,
				a.ValidFrom.Format(time.RFC3339), a.ValidUntil.Format(time.RFC3339), a.Categories))
		_, err = r.rec.Commit(ctx, []Put{p}, audit)
		switch {
		case errors.Is(err, ErrVersionMismatch) && generated:
			continue
		case errors.Is(err, ErrVersionMismatch):
			return Agreement{}, intel.Errorf(intel.ECONFLICT, "id", "agreement %s already exists", a.ID)
		case err != nil:
			return Agreement{}, err
		}
		return a, nil
	}
	return Agreement{}, fmt.Errorf("access: no free agreement id after %d attempts", maxAttempts)
}

// GetAgreement returns the agreement with id, or ENOTFOUND.
func (r *Registry) GetAgreement(ctx context.Context, id string) (Agreement, error) {
	if !validAgreementID(id) {
		return Agreement{}, intel.Errorf(intel.EINVALID, "id", "%q is not an agreement id", id)
	}
	var a Agreement
	if _, err := r.getDoc(ctx, collAgreements, id, "id", "agreement", &a); err != nil {
		return Agreement{}, err
	}
	return a, nil
}

// ListAgreements returns every agreement, whatever its status, by id.
func (r *Registry) ListAgreements(ctx context.Context) ([]Agreement, error) {
	return listDocs[Agreement](ctx, r.rec, collAgreements)
}

// SharedCategories returns, sorted and distinct, the evidence categories of
// the other country that reader's country may see at time at: those of
// every agreement active at that time to which reader is a party. The
// caller applies them to facts marked SHAREABLE; nothing else ever crosses.
func (r *Registry) SharedCategories(ctx context.Context, reader intel.Region, at time.Time) ([]intel.Category, error) {
	if err := checkRegion("reader", reader); err != nil {
		return nil, err
	}
	all, err := r.ListAgreements(ctx)
	if err != nil {
		return nil, err
	}
	return sharedCategories(all, reader, at), nil
}

// sharedCategories is SharedCategories over agreements already read.
func sharedCategories(all []Agreement, reader intel.Region, at time.Time) []intel.Category {
	seen := map[intel.Category]bool{}
	out := []intel.Category{}
	for _, a := range all {
		if !a.ActiveAt(at) || !a.HasParty(reader) {
			continue
		}
		for _, c := range a.Categories {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
