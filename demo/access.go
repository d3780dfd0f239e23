package demo

import (
	"context"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// Agencies are the agencies whose facts the demo world holds, on both
// sides of the border.
var Agencies = []access.Agency{
	{Code: "TH-CCIB", Name: "Cyber Crime Investigation Bureau, Royal Thai Police", Country: intel.RegionTH},
	{Code: "TH-CIB", Name: "Central Investigation Bureau, Royal Thai Police", Country: intel.RegionTH},
	{Code: "TH-DSI", Name: "Department of Special Investigation", Country: intel.RegionTH},
	{Code: "TH-AMLO", Name: "Anti-Money Laundering Office", Country: intel.RegionTH},
	{Code: "TH-NBTC", Name: "National Broadcasting and Telecommunications Commission", Country: intel.RegionTH},
	{Code: "KH-GDNP", Name: "General Department of National Police", Country: intel.RegionKH},
	{Code: "KH-MPTC", Name: "Ministry of Posts and Telecommunications", Country: intel.RegionKH},
	{Code: "KH-CAFIU", Name: "Cambodia Financial Intelligence Unit", Country: intel.RegionKH},
}

// AgreementTitle names the demo world's agreement, the 2022 MOU.
const AgreementTitle = "TH-KH MOU on combating call-centre and hybrid scams (2022)"

// Agreement is the 2022 MOU as the demo world has it: signed on 1
// September 2022 for three years, extended once by three more, covering
// every category, with one coordinator on each side.
func Agreement() access.Agreement {
	return access.Agreement{
		Title: AgreementTitle,
		Parties: []access.Party{
			{Country: intel.RegionTH, Authority: "Ministry of Digital Economy and Society"},
			{Country: intel.RegionKH, Authority: "Ministry of Posts and Telecommunications"},
		},
		Categories: []intel.Category{intel.CategoryCallRecords, intel.CategoryVoipRegistration, intel.CategorySubscriberData,
			intel.CategoryBankData, intel.CategorySuspectIdentity, intel.CategoryVictimReports},
		Purpose:      "Suppressing call-centre and hybrid-scam gangs operating across the border",
		LegalBasis:   "MOU between MDES (TH) and MPTC (KH), cabinet approval 2022; each party's domestic law",
		ValidFrom:    time.Date(2022, 9, 1, 0, 0, 0, 0, time.UTC),
		ValidUntil:   time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC),
		Coordinators: []string{"TH-CCIB", "KH-GDNP"},
	}
}

// agreementExtendedUntil is the end of the extended term.
var agreementExtendedUntil = time.Date(2028, 9, 1, 0, 0, 0, 0, time.UTC)

// Key is a demo API key: who holds it and its bearer token.
type Key struct {
	Agency string
	Role   access.Role
	ID     string
	Token  string
}

// keyHolders are the demo keys: each role on each side.
var keyHolders = []struct {
	agency string
	role   access.Role
}{
	{"TH-CCIB", access.RoleAnalyst}, {"TH-CCIB", access.RoleCoordinator}, {"TH-CCIB", access.RoleEnricher}, {"TH-CCIB", access.RoleAdmin},
	{"KH-GDNP", access.RoleAnalyst}, {"KH-GDNP", access.RoleCoordinator}, {"KH-GDNP", access.RoleEnricher}, {"KH-GDNP", access.RoleAdmin},
}

// demoKeyLabel marks the keys SetUpAccess issues, so that a restart can
// revoke the previous ones.
const demoKeyLabel = "demo"

// SetUpAccess registers the demo agencies and the MOU (once), revokes the
// demo keys issued before and issues new ones, valid for ttl. Tokens are
// stored hashed, so a fresh set is the only way to show them again.
func SetUpAccess(ctx context.Context, reg *access.Registry, ttl time.Duration) ([]Key, error) {
	const by = "demo"
	for _, a := range Agencies {
		if _, err := reg.GetAgency(ctx, a.Code); intel.ErrorCode(err) == intel.ENOTFOUND {
			if _, err := reg.CreateAgency(ctx, by, a); err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, err
		}
	}
	agreements, err := reg.ListAgreements(ctx)
	if err != nil {
		return nil, err
	}
	found := false
	for _, a := range agreements {
		found = found || a.Title == AgreementTitle
	}
	if !found {
		a, err := reg.CreateAgreement(ctx, by, Agreement())
		if err != nil {
			return nil, err
		}
		if _, err := reg.ExtendAgreement(ctx, a.ID, agreementExtendedUntil, by); err != nil {
			return nil, err
		}
	}
	old, err := reg.ListKeys(ctx, "")
	if err != nil {
		return nil, err
	}
	now := time.Now()
	for _, k := range old {
		if k.Label == demoKeyLabel && k.Active(now) {
			if _, err := reg.RevokeKey(ctx, by, k.ID, "replaced by a new set of demo keys"); err != nil {
				return nil, err
			}
		}
	}
	keys := make([]Key, 0, len(keyHolders))
	for _, h := range keyHolders {
		k, tok, err := reg.CreateKey(ctx, by, h.agency, h.role, demoKeyLabel, ttl)
		if err != nil {
			return nil, err
		}
		keys = append(keys, Key{Agency: h.agency, Role: h.role, ID: k.ID, Token: tok})
	}
	return keys, nil
}

// KeyFor returns the token of the demo key of agency and role.
func KeyFor(keys []Key, agency string, role access.Role) string {
	for _, k := range keys {
		if k.Agency == agency && k.Role == role {
			return k.Token
		}
	}
	return ""
}
