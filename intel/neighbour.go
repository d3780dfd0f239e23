package intel

import (
	"context"
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"time"
)

// Direction says which links at an entity a query follows.
type Direction string

// The directions.
const (
	DirectionOut  Direction = "OUT"
	DirectionIn   Direction = "IN"
	DirectionBoth Direction = "BOTH"
)

// Page size limits for Neighbours.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// NeighbourQuery asks for the links at one entity.
type NeighbourQuery struct {
	ID        string
	Direction Direction
	// LinkTypes and Kinds filter links and the entity at the other end; empty means any.
	LinkTypes []LinkType
	Kinds     []Kind
	Window    TimeWindow
	// First is the page size (DefaultPageSize when 0); After is the cursor
	// of the last item already seen.
	First int
	After string
	// Access limits the links to those the reader may see (nil: all);
	// TotalCount counts only those.
	Access *Access
	// SkipTotal says the caller has no use for TotalCount: every store
	// then leaves it 0 and spares the count, which on Neo4j is a second
	// pass over the entity's links. Items and HasNextPage are the same
	// either way. The analytics, which read pages to score and never
	// show a count, set it.
	SkipTotal bool
	// ReadOnly says the caller never writes into what it gets (the
	// attribute maps of the links and entities in particular): a store
	// may then hand out the maps it keeps rather than copies of them, which
	// the embedded store does, its stored maps being replaced on a write
	// and never changed in place. The items are the same either way. The
	// analytics, which read thousands of links to score and keep them
	// read-only in a shared memo (fetch.Memo), set it. Such a caller also
	// pages on only from a page's last item, so a store may leave the
	// Cursor of the others empty (the embedded store does: encoding one
	// per item was a fifth of building a page to score).
	ReadOnly bool
}

// Neighbour is one link at an entity and the entity at its other end.
type Neighbour struct {
	Link   Link
	Entity Entity
	// Outgoing is true when the queried entity is the link's From end.
	Outgoing bool
	// Cursor continues a listing right after this item.
	Cursor string
}

// NeighbourPage is one page of neighbours.
type NeighbourPage struct {
	Items       []Neighbour
	HasNextPage bool
	// TotalCount counts every match of the query's filters, across pages.
	TotalCount int
}

// Normalize applies defaults and checks the query; stores call it first so
// that both reject exactly the same queries.
func (q *NeighbourQuery) Normalize() error {
	if q.ID == "" {
		return Errorf(EINVALID, "id", "must not be empty")
	}
	if q.Direction == "" {
		q.Direction = DirectionBoth
	}
	if q.Direction != DirectionOut && q.Direction != DirectionIn && q.Direction != DirectionBoth {
		return Errorf(EINVALID, "direction", "unknown direction %q (want OUT, IN or BOTH)", q.Direction)
	}
	if q.First == 0 {
		q.First = DefaultPageSize
	}
	if q.First < 0 || q.First > MaxPageSize {
		return Errorf(EINVALID, "first", "must be between 1 and %d, got %d", MaxPageSize, q.First)
	}
	if err := validateFilters(q.LinkTypes, q.Kinds); err != nil {
		return err
	}
	if q.After != "" {
		if _, _, err := DecodeCursor(q.After); err != nil {
			return err
		}
	}
	return q.Window.Validate("window")
}

func validateFilters(types []LinkType, kinds []Kind) error {
	for _, t := range types {
		if !t.Valid() {
			return Errorf(EINVALID, "linkTypes", "unknown link type %q", t)
		}
	}
	for _, k := range kinds {
		if !k.Valid() {
			return Errorf(EINVALID, "kinds", "unknown kind %q", k)
		}
	}
	return nil
}

// AfterPosition returns the sort position a page starts after: everything
// with start < at, or start == at and id > linkID, comes next. With no
// cursor it is the position before the first item.
func (q *NeighbourQuery) AfterPosition() (at int64, linkID string) {
	if q.After == "" {
		return math.MaxInt64, ""
	}
	at, linkID, _ = DecodeCursor(q.After)
	return at, linkID
}

// EncodeCursor makes an opaque cursor from a sort position.
// Every item of every page carries one, so it is built in buffers on the
// stack when they fit: one allocation, the string returned.
func EncodeCursor(at int64, linkID string) string {
	var rawBuf [96]byte
	var outBuf [128]byte
	raw := append(append(strconv.AppendInt(rawBuf[:0], at, 10), '|'), linkID...)
	enc := base64.RawURLEncoding
	out := outBuf[:0]
	if n := enc.EncodedLen(len(raw)); n <= len(outBuf) {
		out = outBuf[:n]
	} else {
		out = make([]byte, n)
	}
	enc.Encode(out, raw)
	return string(out)
}

// DecodeCursor reads a cursor made by EncodeCursor.
func DecodeCursor(c string) (int64, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if at, id, ok := strings.Cut(string(raw), "|"); ok && id != "" {
			if n, err := strconv.ParseInt(at, 10, 64); err == nil {
				return n, id, nil
			}
		}
	}
	return 0, "", Errorf(EINVALID, "after", "is not a cursor returned by this API")
}

// ContainsLinkType reports whether t passes a type filter (empty passes all).
func ContainsLinkType(filter []LinkType, t LinkType) bool {
	if len(filter) == 0 {
		return true
	}
	for _, f := range filter {
		if f == t {
			return true
		}
	}
	return false
}

// ContainsKind reports whether k passes a kind filter (empty passes all).
func ContainsKind(filter []Kind, k Kind) bool {
	if len(filter) == 0 {
		return true
	}
	for _, f := range filter {
		if f == k {
			return true
		}
	}
	return false
}

// LinkTypeStrings and KindStrings turn filters into query parameters.
func LinkTypeStrings(ts []LinkType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// KindStrings turns a kind filter into a query parameter.
func KindStrings(ks []Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// MergeLink returns what the store holds after upserting in over old: the
// new link entirely, except that IngestedAt keeps its first value.
func MergeLink(old *Link, in Link, now time.Time) Link {
	out := in.Clone()
	if out.Attrs == nil {
		out.Attrs = map[string]string{}
	}
	if out.Sensitive == nil {
		out.Sensitive = map[string]string{}
	}
	// A retraction is the contributor's decision, made apart from writes:
	// a resent record neither brings a retracted fact back nor retracts one.
	out.Retraction = nil
	if old != nil {
		out.IngestedAt = old.IngestedAt
		if old.Retraction != nil {
			r := *old.Retraction
			out.Retraction = &r
		}
	} else {
		out.IngestedAt = normTime(now)
	}
	return out
}

// NeighboursOfOne serves the single-entity Neighbours through a backend's
// NeighboursOf, turning a missing entity into ENOTFOUND, so that both
// methods share one code path in every backend.
func NeighboursOfOne(ctx context.Context, s interface {
	NeighboursOf(context.Context, []string, NeighbourQuery) (map[string]NeighbourPage, error)
}, q NeighbourQuery) (NeighbourPage, error) {
	pages, err := s.NeighboursOf(ctx, []string{q.ID}, q)
	if err != nil {
		return NeighbourPage{}, err
	}
	page, ok := pages[q.ID]
	if !ok {
		return NeighbourPage{}, Errorf(ENOTFOUND, "id", "no entity with id %q", q.ID)
	}
	return page, nil
}
