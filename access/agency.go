package access

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// Agency is a law-enforcement or regulatory body of one of the two
// countries. Keys, coordinators, requests, grants and audit entries all
// name an agency by its Code.
type Agency struct {
	// Code is the agency's stable short name, e.g. "TH-CCIB": 2 to 32
	// upper-case letters, digits or '-'. It never changes once created,
	// because other records refer to it.
	Code string
	// Name is the agency's full name, for people.
	Name string
	// Country is TH or KH.
	Country intel.Region
}

// checkAgencyCode checks the shape of an agency code (intel.CheckAgencyCode
// defines it for every package).
func checkAgencyCode(field, code string) error { return intel.CheckAgencyCode(field, code) }

// Validate checks that a is fit to create.
func (a Agency) Validate() error {
	if err := checkAgencyCode("code", a.Code); err != nil {
		return err
	}
	if err := checkText("name", a.Name, maxShortText, true); err != nil {
		return err
	}
	if err := checkRegion("country", a.Country); err != nil {
		return err
	}
	// The code says the country (suspects and cases are keyed under it,
	// and their personal data's country is read from it), so an agency of
	// one country can never take a code of the other.
	if !strings.HasPrefix(a.Code, string(a.Country)+"-") {
		return intel.Errorf(intel.EINVALID, "code", "must start with the agency's country, %s-", a.Country)
	}
	return nil
}

// CreateAgency registers an agency. by names who does it (a key id, or a
// tool such as "cli") for the audit log. An agency is never changed or
// deleted afterwards: keys and grants keep referring to it.
func (r *Registry) CreateAgency(ctx context.Context, by string, a Agency) (Agency, error) {
	if err := a.Validate(); err != nil {
		return Agency{}, err
	}
	who, err := r.byActor(ctx, by)
	if err != nil {
		return Agency{}, err
	}
	p, err := put(collAgencies, a.Code, 0, a)
	if err != nil {
		return Agency{}, err
	}
	audit := r.auditFor(ctx, who, OpCreateAgency, KindAdmin, nil,
		fmt.Sprintf("agency %s (%s, %s)", a.Code, a.Name, a.Country))
	if _, err := r.rec.Commit(ctx, []Put{p}, audit); err != nil {
		if errors.Is(err, ErrVersionMismatch) {
			return Agency{}, intel.Errorf(intel.ECONFLICT, "code", "agency %s already exists", a.Code)
		}
		return Agency{}, err
	}
	return a, nil
}

// GetAgency returns the agency with the given code, or ENOTFOUND.
func (r *Registry) GetAgency(ctx context.Context, code string) (Agency, error) {
	if err := checkAgencyCode("code", code); err != nil {
		return Agency{}, err
	}
	var a Agency
	if _, err := r.getDoc(ctx, collAgencies, code, "code", "agency", &a); err != nil {
		return Agency{}, err
	}
	return a, nil
}

// ListAgencies returns every agency, ordered by code.
func (r *Registry) ListAgencies(ctx context.Context) ([]Agency, error) {
	// Backends list documents by id, and an agency's id is its code.
	return listDocs[Agency](ctx, r.rec, collAgencies)
}
