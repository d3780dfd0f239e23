package intel

// Page size limits for LinkedEntities.
const (
	DefaultLinkedPage = 1000
	MaxLinkedPage     = 10000
)

// End says which end of a link LinkedEntities lists.
type End string

// The ends.
const (
	EndFrom End = "FROM"
	EndTo   End = "TO"
	EndAny  End = "ANY"
)

// LinkedQuery asks which entities are at one end of links of some types:
// every entity some victim report names (REPORTED_IN, from), every
// artefact a suspect uses (USES, to). It is how the analytics find the
// seeds of a graph-wide computation (the triage list, the rings) without
// reading the whole graph: the seeds are few next to the graph, and the
// rest is reached from them through bounded neighbourhoods.
type LinkedQuery struct {
	// LinkTypes are the types of link to look at; at least one.
	LinkTypes []LinkType
	// End is the end listed; EndAny lists both.
	End End
	// Kinds filter the entities listed; empty means any.
	Kinds []Kind
	// After continues a listing after this entity id.
	After string
	// First is the page size (DefaultLinkedPage when 0).
	First int
	// Access limits the links looked at to those the reader may see
	// (nil: all), so an entity is listed only through a visible fact.
	Access *Access
}

// LinkedPage is one page of entity ids, ascending.
type LinkedPage struct {
	IDs         []string
	HasNextPage bool
}

// Normalize applies defaults and checks the query.
func (q *LinkedQuery) Normalize() error {
	if len(q.LinkTypes) == 0 {
		return Errorf(EINVALID, "linkTypes", "must name at least one link type")
	}
	if q.End == "" {
		q.End = EndAny
	}
	if q.End != EndFrom && q.End != EndTo && q.End != EndAny {
		return Errorf(EINVALID, "end", "unknown end %q (want FROM, TO or ANY)", q.End)
	}
	if q.First == 0 {
		q.First = DefaultLinkedPage
	}
	if q.First < 1 || q.First > MaxLinkedPage {
		return Errorf(EINVALID, "first", "must be between 1 and %d, got %d", MaxLinkedPage, q.First)
	}
	return validateFilters(q.LinkTypes, q.Kinds)
}

// Lists reports whether the query lists entity id, at end (true: From)
// of link l, for backends that filter in Go. The link's type and
// visibility are the caller's to check.
func (q *LinkedQuery) Lists(id string, from bool) bool {
	if (from && q.End == EndTo) || (!from && q.End == EndFrom) || id <= q.After {
		return false
	}
	k, _, _ := SplitEntityID(id)
	return ContainsKind(q.Kinds, k)
}
