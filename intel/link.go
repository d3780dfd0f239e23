package intel

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"
)

// Visibility says who may see a fact. It is decided by the contributing
// agency when the fact is recorded and enforced at read time.
type Visibility string

// The visibility classes.
const (
	// VisibilityDomestic facts stay within the contributing agency's country.
	VisibilityDomestic Visibility = "DOMESTIC"
	// VisibilityShareable facts may cross the border under an active agreement.
	VisibilityShareable Visibility = "SHAREABLE"
	// VisibilityRestricted facts stay with the contributing agency alone.
	VisibilityRestricted Visibility = "RESTRICTED"
)

// Valid reports whether v is a known class.
func (v Visibility) Valid() bool {
	return v == VisibilityDomestic || v == VisibilityShareable || v == VisibilityRestricted
}

// Provenance says where a fact came from and under what terms. Every link
// carries one, because a fact without a source cannot be used as evidence.
type Provenance struct {
	// Agency is the contributing agency's code (e.g. "TH-CIB").
	Agency string
	// Country is the contributing agency's country.
	Country Region
	// ObservedAt is when an event happened (event links).
	ObservedAt time.Time
	// ValidFrom and ValidUntil bound when a state held (state links); a zero
	// ValidUntil means "still holds". ValidUntil is exclusive.
	ValidFrom, ValidUntil time.Time
	// IngestedAt is when the store first recorded the fact; the store sets it.
	IngestedAt time.Time
	// EvidenceRef points to the source record (case file, CDR batch, ...).
	EvidenceRef string
	// Confidence is how sure the contributor is, from 0 to 1.
	Confidence float64
	// LegalBasis names the law or agreement under which the fact was obtained.
	LegalBasis string
	// Visibility is who may see the fact.
	Visibility Visibility
}

// Link is a typed, directed fact between two entities, with provenance.
type Link struct {
	// ID is LinkIdentity(...): the same on every backend, and the same for a
	// record sent twice, which is what makes upserts idempotent.
	ID   string
	Type LinkType
	// From and To are entity ids.
	From, To string
	// EventKey identifies the source event (one call, one transfer) for event links.
	EventKey string
	Provenance
	// Attrs are type-specific properties (durationSec, amount, currency, userAgent, ...).
	Attrs map[string]string
	// Sensitive holds personal data carried by the fact (a subscriber's
	// name, document and address), kept apart from Attrs so that it can be
	// masked as a whole.
	Sensitive map[string]string
	// Retraction is set once the contributing agency has withdrawn the
	// fact (Store.Retract); writes never set or clear it.
	Retraction *Retraction `json:",omitempty"`
}

// LinkIdentity computes the stable id of a link. Every fact is one
// agency's: event links are identified by their type, ends, contributing
// agency and event key, so a resent record lands on the same link while the
// same event reported by two agencies stays two facts, each with its own
// provenance and marking (and no agency's write can replace another's);
// state links by their type, ends, contributing agency and start of
// validity, so a later report of the same period (say, with its end now
// known) updates it, and a report of another period adds one.
func LinkIdentity(t LinkType, from, to, eventKey, agency string, validFrom time.Time) string {
	h := sha256.New()
	disc := "a\x00" + agency + "\x00" + strconv.FormatInt(normTime(validFrom).UnixMilli(), 10)
	if validFrom.IsZero() {
		disc = "a\x00" + agency + "\x00"
	}
	if spec, ok := t.Spec(); ok && spec.Event {
		disc = "e\x00" + agency + "\x00" + eventKey
	}
	for _, part := range []string{string(t), from, to, disc} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return strings.ToLower(string(t)) + "-" + hex.EncodeToString(h.Sum(nil)[:12])
}

// LinkTypeOfID reads the type back out of a link id. Ids start with their
// type so that a backend can look a link up by id through its type's index
// (Neo4j indexes relationship properties per type).
func LinkTypeOfID(id string) (LinkType, bool) {
	prefix, _, ok := strings.Cut(id, "-")
	if !ok {
		return "", false
	}
	t := LinkType(strings.ToUpper(prefix))
	return t, t.Valid()
}

// Times are kept to the millisecond in UTC on every backend, so that a value
// round-trips identically through the embedded store and Neo4j.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Millisecond)
}

// Normalize fills in what a caller may leave out: the id, UTC millisecond
// times and the default visibility. Stores call it before Validate.
func (l *Link) Normalize() {
	l.ObservedAt = normTime(l.ObservedAt)
	l.ValidFrom = normTime(l.ValidFrom)
	l.ValidUntil = normTime(l.ValidUntil)
	l.IngestedAt = normTime(l.IngestedAt)
	if l.Visibility == "" {
		l.Visibility = VisibilityDomestic
	}
	if l.Attrs == nil {
		l.Attrs = map[string]string{}
	}
	if l.Sensitive == nil {
		l.Sensitive = map[string]string{}
	}
	if l.ID == "" {
		l.ID = LinkIdentity(l.Type, l.From, l.To, l.EventKey, l.Agency, l.ValidFrom)
	}
}

// Validate checks that l is fit to store; field prefixes error fields so the
// caller can name the offending item (e.g. "links[3]").
func (l *Link) Validate(field string) error { return l.validate(fieldPath{base: field, index: -1}) }

func (l *Link) validate(at fieldPath) error {
	spec, ok := l.Type.Spec()
	if !ok {
		return Errorf(EINVALID, at.sub("type"), "unknown link type %q", l.Type)
	}
	fk, _, ok := SplitEntityID(l.From)
	if !ok {
		return Errorf(EINVALID, at.sub("from"), "%q is not an entity id", l.From)
	}
	tk, _, ok := SplitEntityID(l.To)
	if !ok {
		return Errorf(EINVALID, at.sub("to"), "%q is not an entity id", l.To)
	}
	if !spec.allows(spec.From, fk) {
		return Errorf(EINVALID, at.sub("from"), "a %s link cannot start at a %s", l.Type, fk)
	}
	if !spec.allows(spec.To, tk) {
		return Errorf(EINVALID, at.sub("to"), "a %s link cannot end at a %s", l.Type, tk)
	}
	if l.From == l.To {
		return Errorf(EINVALID, at.sub("to"), "a link cannot join an entity to itself")
	}
	if l.ID != LinkIdentity(l.Type, l.From, l.To, l.EventKey, l.Agency, l.ValidFrom) {
		return Errorf(EINVALID, at.sub("id"), "does not match the link's type, ends and key")
	}
	if spec.Event {
		if l.EventKey == "" {
			return Errorf(EINVALID, at.sub("eventKey"), "is required for %s links, so that a resent record is stored once", l.Type)
		}
		if l.ObservedAt.IsZero() {
			return Errorf(EINVALID, at.sub("observedAt"), "is required for %s links", l.Type)
		}
	} else if !l.ValidUntil.IsZero() && !l.ValidFrom.IsZero() && !l.ValidUntil.After(l.ValidFrom) {
		return Errorf(EINVALID, at.sub("validUntil"), "must be after validFrom")
	}
	if l.Agency == "" {
		return Errorf(EINVALID, at.sub("agency"), "must name the contributing agency")
	}
	if l.Country != RegionTH && l.Country != RegionKH {
		return Errorf(EINVALID, at.sub("country"), "must be TH or KH, got %q", l.Country)
	}
	if math.IsNaN(l.Confidence) || l.Confidence < 0 || l.Confidence > 1 {
		return Errorf(EINVALID, at.sub("confidence"), "must be between 0 and 1, got %v", l.Confidence)
	}
	if !l.Visibility.Valid() {
		return Errorf(EINVALID, at.sub("visibility"), "unknown visibility %q (want DOMESTIC, SHAREABLE or RESTRICTED)", l.Visibility)
	}
	// A fixed order, so that the first bad field reported never varies.
	for _, f := range []struct{ name, value string }{
		{"agency", l.Agency}, {"eventKey", l.EventKey}, {"evidenceRef", l.EvidenceRef}, {"legalBasis", l.LegalBasis},
	} {
		if err := checkText(at, f.name, f.value); err != nil {
			return err
		}
	}
	if err := checkAttrs(at, "sensitive", l.Sensitive); err != nil {
		return err
	}
	return checkAttrs(at, "attrs", l.Attrs)
}

// Span returns the inclusive interval, in Unix milliseconds, over which the
// link holds: one instant for an event, the validity window for a state
// (open ends become the extreme int64 values). Both stores filter and order
// by it, and the Neo4j store keeps it as tStart/tEnd properties.
func (l *Link) Span() (start, end int64) {
	if spec, ok := l.Type.Spec(); ok && spec.Event {
		ms := l.ObservedAt.UnixMilli()
		return ms, ms
	}
	start, end = math.MinInt64, math.MaxInt64
	if !l.ValidFrom.IsZero() {
		start = l.ValidFrom.UnixMilli()
	}
	if !l.ValidUntil.IsZero() {
		end = l.ValidUntil.UnixMilli() - 1
	}
	return start, end
}

// Clone returns a deep copy.
func (l Link) Clone() Link {
	l.Attrs = cloneMap(l.Attrs)
	l.Sensitive = cloneMap(l.Sensitive)
	if l.Retraction != nil {
		r := *l.Retraction
		l.Retraction = &r
	}
	return l
}

// TimeWindow restricts facts to those that held at some moment in
// [Since, Until). A zero bound is open.
type TimeWindow struct {
	Since, Until time.Time
}

// Bounds returns the window as Unix milliseconds for comparison with Span:
// a link matches when start < until && end >= since.
func (w TimeWindow) Bounds() (since, until int64) {
	since, until = math.MinInt64, math.MaxInt64
	if !w.Since.IsZero() {
		since = w.Since.UnixMilli()
	}
	if !w.Until.IsZero() {
		until = w.Until.UnixMilli()
	}
	return since, until
}

// Matches reports whether the link holds at some moment inside w.
func (w TimeWindow) Matches(l *Link) bool {
	since, until := w.Bounds()
	start, end := l.Span()
	return start < until && end >= since
}

// Validate rejects a window whose end is not after its start.
func (w TimeWindow) Validate(field string) error {
	if !w.Since.IsZero() && !w.Until.IsZero() && !w.Until.After(w.Since) {
		return Errorf(EINVALID, field+".until", "must be after since")
	}
	return nil
}
