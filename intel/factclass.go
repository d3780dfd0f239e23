package intel

import (
	"slices"
	"strings"
)

// FactClass is one class of facts at an entity: a link type, a
// contributing country, a marking and an agency. Whether a reader may see a
// fact depends on nothing else (see Access.AllowsClass), so the classes of
// an entity's facts decide whether the reader may know the entity at all
// and whose data that knowledge is, without counting or reading a single
// fact. They are the same for every reader and therefore safe to cache.
type FactClass struct {
	Type       LinkType
	Country    Region
	Visibility Visibility
	Agency     string
}

// Allowed reports whether a reader with access a may see the facts of c.
func (c FactClass) Allowed(a *Access) bool {
	return a.AllowsClass(c.Type, c.Country, c.Visibility, c.Agency)
}

// compareFactClass orders classes by type, country, marking and agency,
// the order of Summary.Groups.
func compareFactClass(a, b FactClass) int {
	if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Country), string(b.Country)); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Visibility), string(b.Visibility)); c != 0 {
		return c
	}
	return strings.Compare(a.Agency, b.Agency)
}

// ClassifiedEntity is an entity with the classes of its facts that are not
// retracted (see Store.GetClassified).
type ClassifiedEntity struct {
	Entity  Entity
	Classes []FactClass
}

// FactClassSet collects the distinct classes of an entity's facts. An
// entity's facts fall into few classes (a hub with a thousand links has a
// handful), so a short slice searched in order beats a map.
type FactClassSet struct {
	classes []FactClass
}

// Add adds the class of l.
func (s *FactClassSet) Add(l *Link) {
	s.AddClass(FactClass{Type: l.Type, Country: l.Country, Visibility: l.Visibility, Agency: l.Agency})
}

// AddClass adds c unless it is there already.
func (s *FactClassSet) AddClass(c FactClass) {
	if !slices.Contains(s.classes, c) {
		s.classes = append(s.classes, c)
	}
}

// Classes returns the distinct classes, sorted as Summary.Groups are; an
// entity without facts has an empty, non-nil list.
func (s *FactClassSet) Classes() []FactClass {
	out := make([]FactClass, len(s.classes))
	copy(out, s.classes)
	slices.SortFunc(out, compareFactClass)
	return out
}

// Classes returns the classes of the summary's groups, which are those of
// the entity's facts that are not retracted.
func (s Summary) Classes() []FactClass {
	var set FactClassSet
	for _, g := range s.Groups {
		set.AddClass(FactClass{Type: g.Type, Country: g.Country, Visibility: g.Visibility, Agency: g.Agency})
	}
	return set.Classes()
}
