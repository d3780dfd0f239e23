package access

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// LegalStatus is a step in a suspect's path through the two countries'
// justice systems, which the MOU expects to end in arrest, deportation or
// extradition under the bilateral treaty.
type LegalStatus string

// The legal statuses.
const (
	StatusWanted               LegalStatus = "WANTED"
	StatusLocated              LegalStatus = "LOCATED"
	StatusArrested             LegalStatus = "ARRESTED"
	StatusDeportationRequested LegalStatus = "DEPORTATION_REQUESTED"
	StatusExtraditionRequested LegalStatus = "EXTRADITION_REQUESTED"
	StatusDeported             LegalStatus = "DEPORTED"
	StatusExtradited           LegalStatus = "EXTRADITED"
)

// LegalStatuses lists every status in the usual order of a case.
var LegalStatuses = []LegalStatus{StatusWanted, StatusLocated, StatusArrested, StatusDeportationRequested,
	StatusExtraditionRequested, StatusDeported, StatusExtradited}

// Valid reports whether s is a known status.
func (s LegalStatus) Valid() bool {
	for _, known := range LegalStatuses {
		if s == known {
			return true
		}
	}
	return false
}

// StatusStep is one recorded step: a country's agency says a suspect
// reached a status at a time. Steps are never changed; a correction is a
// new step.
type StatusStep struct {
	ID        string
	SuspectID string
	Status    LegalStatus
	// At is when the step happened.
	At time.Time
	// Agency and Country are the recording agency's, from its key.
	Agency  string
	Country intel.Region
	// Visibility is who may see the step (default DOMESTIC); the API
	// filters by it at read time, the registry stores every step.
	Visibility intel.Visibility
	LegalBasis string
	Note       string
	// RecordedAt and RecordedBy (a key id) are when and by whom it was recorded.
	RecordedAt time.Time
	RecordedBy string
}

// legalStatusRecord is the stored list of one suspect's steps. One document
// per suspect lets AddStatusStep check a new step against every earlier one
// and commit it under one version check, and lets StatusSteps read many
// suspects in one round trip.
type legalStatusRecord struct {
	Steps []StatusStep `json:"steps"`
}

// maxStatusSuspects bounds one StatusSteps call: a page of suspects, not
// the whole graph.
const maxStatusSuspects = 1000

// AddStatusStep records step s for p's agency and returns it as stored.
// Analysts read and do not record, so p's key must be ENRICHER,
// COORDINATOR or ADMIN. A step may not be dated before the latest step
// the same country recorded for the suspect, nor in the future; DEPORTED
// and EXTRADITED need an earlier ARRESTED or *_REQUESTED step from either
// country, because nobody is removed from a country without one.
func (r *Registry) AddStatusStep(ctx context.Context, p Principal, s StatusStep) (StatusStep, error) {
	if err := checkEntityID("suspectId", s.SuspectID); err != nil {
		return StatusStep{}, err
	}
	if kind, _, _ := intel.SplitEntityID(s.SuspectID); kind != intel.KindSuspect {
		return StatusStep{}, intel.Errorf(intel.EINVALID, "suspectId", "is a %s id; legal status belongs to a Suspect", kind)
	}
	if !s.Status.Valid() {
		return StatusStep{}, intel.Errorf(intel.EINVALID, "status", "unknown legal status %q (want one of %v)", s.Status, LegalStatuses)
	}
	now := r.clock()
	s.At = normTime(s.At)
	if s.At.IsZero() {
		return StatusStep{}, intel.Errorf(intel.EINVALID, "at", "is required")
	}
	if s.At.After(now) {
		return StatusStep{}, intel.Errorf(intel.EINVALID, "at", "is in the future (%s)", s.At.Format(time.RFC3339))
	}
	if s.Agency != "" && s.Agency != p.Agency.Code {
		return StatusStep{}, intel.Errorf(intel.EINVALID, "agency", "is %s, the caller's agency; got %s", p.Agency.Code, s.Agency)
	}
	if s.Country != "" && s.Country != p.Agency.Country {
		return StatusStep{}, intel.Errorf(intel.EINVALID, "country", "is %s, the caller's country; got %s", p.Agency.Country, s.Country)
	}
	if s.Visibility == "" {
		s.Visibility = intel.VisibilityDomestic
	}
	if !s.Visibility.Valid() {
		return StatusStep{}, intel.Errorf(intel.EINVALID, "visibility", "unknown visibility %q (want DOMESTIC, SHAREABLE or RESTRICTED)", s.Visibility)
	}
	if err := checkText("legalBasis", s.LegalBasis, maxLongText, false); err != nil {
		return StatusStep{}, err
	}
	if err := checkText("note", s.Note, maxLongText, false); err != nil {
		return StatusStep{}, err
	}
	s.Agency, s.Country, s.RecordedBy = p.Agency.Code, p.Agency.Country, p.Key.ID
	return retry(ctx, func() (StatusStep, error) {
		var rec legalStatusRecord
		docs, err := r.rec.Get(ctx, collLegalStatus, []string{s.SuspectID})
		if err != nil {
			return StatusStep{}, err
		}
		var version int64
		if len(docs) == 1 {
			version = docs[0].Version
			if rec, err = decodeOne[legalStatusRecord](collLegalStatus, docs[0]); err != nil {
				return StatusStep{}, err
			}
		}
		if err := checkTransition(rec.Steps, s); err != nil {
			return StatusStep{}, err
		}
		step := s
		if step.ID, err = newID("st_"); err != nil {
			return StatusStep{}, err
		}
		step.RecordedAt = r.clock()
		rec.Steps = append(rec.Steps, step)
		sortSteps(rec.Steps)
		pt, err := put(collLegalStatus, s.SuspectID, version, rec)
		if err != nil {
			return StatusStep{}, err
		}
		audit := r.auditFor(ctx, principalActor(p), OpRecordLegalStatus, KindWrite, []string{s.SuspectID},
			fmt.Sprintf("legal status step %s: %s at %s (%s)", step.ID, step.Status, step.At.Format(time.RFC3339), step.Visibility))
		if _, err := r.rec.Commit(ctx, []Put{pt}, audit); err != nil {
			return StatusStep{}, err
		}
		return step, nil
	})
}

// checkTransition checks a new step against the suspect's earlier ones.
func checkTransition(steps []StatusStep, s StatusStep) error {
	var latest *StatusStep
	for i := range steps {
		if steps[i].Country == s.Country && (latest == nil || steps[i].At.After(latest.At)) {
			latest = &steps[i]
		}
	}
	if latest != nil && s.At.Before(latest.At) {
		return intel.Errorf(intel.ECONFLICT, "at", "is before the latest step %s recorded for this suspect (%s at %s); steps go forward in time",
			s.Country, latest.Status, latest.At.Format(time.RFC3339))
	}
	if s.Status != StatusDeported && s.Status != StatusExtradited {
		return nil
	}
	for _, prior := range steps {
		switch prior.Status {
		case StatusArrested, StatusDeportationRequested, StatusExtraditionRequested:
			if !prior.At.After(s.At) {
				return nil
			}
		}
	}
	return intel.Errorf(intel.ECONFLICT, "status", "%s needs an earlier ARRESTED, DEPORTATION_REQUESTED or EXTRADITION_REQUESTED step from either country", s.Status)
}

// sortSteps orders steps by At, then ID, the order StatusSteps returns.
func sortSteps(steps []StatusStep) {
	sort.Slice(steps, func(i, j int) bool {
		if !steps[i].At.Equal(steps[j].At) {
			return steps[i].At.Before(steps[j].At)
		}
		return steps[i].ID < steps[j].ID
	})
}

// StatusSteps returns the steps of each suspect that has any, in order of
// At then ID, in one round trip whatever the number of suspects; suspects
// without steps are absent from the map. Every step is returned: the
// caller filters by visibility.
func (r *Registry) StatusSteps(ctx context.Context, suspectIDs []string) (map[string][]StatusStep, error) {
	if len(suspectIDs) > maxStatusSuspects {
		return nil, intel.Errorf(intel.EINVALID, "suspectIds", "has %d entries, at most %d allowed", len(suspectIDs), maxStatusSuspects)
	}
	for i, id := range suspectIDs {
		if err := checkEntityID(fmt.Sprintf("suspectIds[%d]", i), id); err != nil {
			return nil, err
		}
	}
	docs, err := r.rec.Get(ctx, collLegalStatus, distinctStrings(suspectIDs))
	if err != nil {
		return nil, err
	}
	out := make(map[string][]StatusStep, len(docs))
	for _, d := range docs {
		rec, err := decodeOne[legalStatusRecord](collLegalStatus, d)
		if err != nil {
			return nil, err
		}
		if len(rec.Steps) > 0 {
			out[d.ID] = rec.Steps
		}
	}
	return out, nil
}
