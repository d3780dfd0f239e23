package guard

import (
	"context"
	"fmt"
	"sort"

	"github.com/scamgraph/scamgraph/intel"
)

// present makes entities fit for the reader, in place: it strips the
// description of a suspect or case the reader may not see its owner's
// record of, masks personal data, and notes the other country's data read.
// The entities themselves are visible already (through a fact the reader
// may see); this decides what of them is shown.
func (s *Store) present(ctx context.Context, es []intel.Entity) error {
	return s.presentEach(ctx, len(es), func(i int) *intel.Entity { return &es[i] })
}

// presentEach is present over the n entities at(i) points to, where they
// lie (the far ends of a page's items, say), rather than copied out and
// back.
func (s *Store) presentEach(ctx context.Context, n int, at func(i int) *intel.Entity) error {
	if s.access.Unrestricted() {
		return nil
	}
	var owned []string
	for i := range n {
		if e := at(i); s.ownedByOther(e) {
			owned = append(owned, e.ID)
		}
	}
	var described map[string]bool
	if len(owned) > 0 {
		classes, err := s.rawClasses(ctx, owned)
		if err != nil {
			return err
		}
		granted, err := s.grantedLinks(ctx)
		if err != nil {
			return err
		}
		described = make(map[string]bool, len(owned))
		for _, id := range owned {
			described[id] = s.seesOwnersFact(id, classes[id], granted)
		}
	}
	for i := range n {
		e := at(i)
		if s.ownedByOther(e) && !described[e.ID] {
			// Another agency's fact made the entity visible; its names,
			// attributes and documents are the owner's, and the owner's
			// record is hidden from this reader.
			*e = intel.Entity{ID: e.ID, Kind: e.Kind, Key: e.Key, Label: e.Key, FirstIngested: e.FirstIngested,
				RawForms: []string{}, Markers: []string{}, Attrs: map[string]string{}, Sensitive: map[string]string{}}
			continue
		}
		*e = s.maskEntity(*e)
	}
	return nil
}

func (s *Store) ownedByOther(e *intel.Entity) bool {
	_, other := s.access.OwnedByOther(e)
	return other
}

// seesOwnersFact reports whether the reader may see a fact at the entity
// that its owner contributed (the record that describes it), by the rule
// or by an evidence grant.
func (s *Store) seesOwnersFact(id string, classes []intel.FactClass, granted []intel.Link) bool {
	owner := intel.OwnerAgency(&intel.Entity{ID: id, Kind: kindOf(id), Key: keyOf(id)})
	for _, c := range classes {
		if c.Agency == owner && c.Allowed(s.access) {
			return true
		}
	}
	for _, l := range grantedAt(granted, id) {
		if l.Agency == owner {
			return true
		}
	}
	return false
}

func kindOf(id string) intel.Kind {
	k, _, _ := intel.SplitEntityID(id)
	return k
}

func keyOf(id string) string {
	_, key, _ := intel.SplitEntityID(id)
	return key
}

// maskEntity removes the personal data the reader may not see: all of it
// when the entity's home country is not the reader's, except the fields an
// answered evidence request granted for this entity.
//
// A person's personal data is never shown on the person: every subscriber
// record carries it on its own REGISTERED_TO fact, with that record's
// agency and marking, and the person merges all of them, restricted ones
// included. The reader sees it on the facts it may see, masked there by
// the same rules.
func (s *Store) maskEntity(e intel.Entity) intel.Entity {
	if s.access.Unrestricted() {
		return e
	}
	home := intel.HomeCountry(&e)
	if home != "" {
		s.read(home, e.ID)
	}
	if e.Kind == intel.KindPerson {
		e.Sensitive = map[string]string{}
		return e
	}
	if len(e.Sensitive) == 0 {
		return e
	}
	if s.access.ShowsPersonalData(home) {
		return e
	}
	e.Sensitive = s.mask(e.ID, e.Sensitive, func() string {
		if home == "" {
			return "personal data of an entity whose home country is unknown is shown to no other agency"
		}
		return fmt.Sprintf("personal data of %s is masked for %s readers unless an answered evidence request grants the field", home, s.access.Country)
	})
	return e
}

// maskLink does the same for the personal data a fact carries (a
// subscriber record's name, document and address), whose home is the
// contributing country.
func (s *Store) maskLink(l intel.Link) intel.Link {
	s.read(l.Country, l.From, l.To)
	if len(l.Sensitive) == 0 || s.access.ShowsPersonalData(l.Country) {
		return l
	}
	l.Sensitive = s.mask(l.ID, l.Sensitive, func() string {
		return fmt.Sprintf("personal data of %s is masked for %s readers unless an answered evidence request grants the field", l.Country, s.access.Country)
	})
	return l
}

// mask keeps the granted fields of id and reports every other one.
func (s *Store) mask(id string, fields map[string]string, reason func() string) map[string]string {
	kept := map[string]string{}
	var masked []string
	for k, v := range fields {
		if s.access.FieldGranted(id, k) {
			kept[k] = v
		} else {
			masked = append(masked, k)
		}
	}
	sort.Strings(masked)
	if len(masked) > 0 {
		why := reason()
		for _, f := range masked {
			s.report.masked(Redaction{ID: id, Field: f, Reason: why})
		}
	}
	return kept
}
