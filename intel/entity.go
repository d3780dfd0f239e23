package intel

import (
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Entity is one artefact in the graph: a phone number, a VoIP account, an IP
// address, a bank account or a suspect. Its identity is its kind and its
// canonical key; everything else is description that agencies add over time.
type Entity struct {
	// ID is EntityID(Kind, Key): the same on every backend and stable forever.
	ID   string
	Kind Kind
	// Key is the canonical natural key (E.164, sip URI, RFC 5952 text, ...).
	Key string
	// Label is what a person sees; it defaults to the key.
	Label string
	// RawForms are the distinct spellings under which the entity was seen,
	// sorted; they let an analyst see that "081-234-5678" and "+66812345678"
	// were reported as the same number.
	RawForms []string
	// Markers are caller-ID display markers seen on the number (+697, +698), sorted.
	Markers []string
	// Attrs are descriptive attributes (number type, carrier, bank name, ...).
	Attrs map[string]string
	// Sensitive holds personal data (holder names, identity documents,
	// addresses), kept apart from Attrs so that it can be masked as a whole
	// for callers who may not see it. It merges like Attrs.
	Sensitive map[string]string
	// FirstIngested is when any agency first told us about the entity. The
	// store sets it on creation and never changes it afterwards.
	FirstIngested time.Time
}

// Limits on entity fields. They keep one bad record from bloating the graph.
const (
	MaxRawForms   = 64
	MaxAttrs      = 64
	MaxTextLength = 1024
	maxAttrKey    = 64
	maxMarkers    = 8
)

// Validate checks that e is fit to store: a known kind, a non-empty key, an ID
// that matches them and bounded text. Keys are expected to be canonical
// already (see ParseIdentifier); Validate does not re-parse them. field
// prefixes error fields (e.g. "entities[3]").
func (e *Entity) Validate(field string) error { return e.validate(fieldPath{base: field, index: -1}) }

func (e *Entity) validate(at fieldPath) error {
	if !e.Kind.Valid() {
		return Errorf(EINVALID, at.sub("kind"), "unknown kind %q", e.Kind)
	}
	if strings.TrimSpace(e.Key) == "" {
		return Errorf(EINVALID, at.sub("key"), "must not be empty")
	}
	if e.ID != EntityID(e.Kind, e.Key) {
		return Errorf(EINVALID, at.sub("id"), "is %q but kind and key make %q", e.ID, EntityID(e.Kind, e.Key))
	}
	if err := checkText(at, "key", e.Key); err != nil {
		return err
	}
	if err := checkText(at, "label", e.Label); err != nil {
		return err
	}
	// Keys, labels and spellings name the entity in answers and in the
	// audit log, which holds no control characters; one in a key would
	// make every read of the entity unauditable.
	if err := noControl(at, "key", e.Key); err != nil {
		return err
	}
	if err := noControl(at, "label", e.Label); err != nil {
		return err
	}
	for _, r := range e.RawForms {
		if err := noControl(at, "rawForms", r); err != nil {
			return err
		}
	}
	if len(e.RawForms) > MaxRawForms {
		return Errorf(EINVALID, at.sub("rawForms"), "has %d entries, at most %d allowed", len(e.RawForms), MaxRawForms)
	}
	for _, r := range e.RawForms {
		if err := checkText(at, "rawForms", r); err != nil {
			return err
		}
	}
	if len(e.Markers) > maxMarkers {
		return Errorf(EINVALID, at.sub("markers"), "has %d entries, at most %d allowed", len(e.Markers), maxMarkers)
	}
	for _, m := range e.Markers {
		if err := checkText(at, "markers", m); err != nil {
			return err
		}
	}
	if err := checkAttrs(at, "sensitive", e.Sensitive); err != nil {
		return err
	}
	return checkAttrs(at, "attrs", e.Attrs)
}

// fieldPath names the item being validated, such as "links[3]", for the
// errors about its fields. The name is built only when an error needs it:
// a batch of a thousand records has tens of thousands of fields that pass,
// and every batch is validated on its way into a store.
type fieldPath struct {
	base  string
	index int // < 0: base alone
}

// sub names a field of the item: "links[3].agency".
func (p fieldPath) sub(name string) string {
	s := p.base
	if p.index >= 0 {
		s += "[" + strconv.Itoa(p.index) + "]"
	}
	if name == "" {
		return s
	}
	if s == "" {
		return name
	}
	return s + "." + name
}

func noControl(at fieldPath, name, s string) error {
	for i, c := range s {
		if unicode.IsControl(c) {
			return Errorf(EINVALID, at.sub(name), "holds a control character (%U) at byte %d", c, i)
		}
	}
	return nil
}

func checkText(at fieldPath, name, s string) error {
	if len(s) > MaxTextLength {
		return Errorf(EINVALID, at.sub(name), "is %d bytes long, at most %d allowed", len(s), MaxTextLength)
	}
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, at.sub(name), "is not valid UTF-8")
	}
	return nil
}

func checkAttrs(at fieldPath, name string, attrs map[string]string) error {
	if len(attrs) > MaxAttrs {
		return Errorf(EINVALID, at.sub(name), "has %d entries, at most %d allowed", len(attrs), MaxAttrs)
	}
	for k, v := range attrs {
		if k == "" || len(k) > maxAttrKey || !isAttrKey(k) {
			return Errorf(EINVALID, at.sub(name), "key %q must be 1-%d letters, digits or '_'", k, maxAttrKey)
		}
		// checkText's own test, inline so that the field's name is built
		// only for the error.
		if len(v) > MaxTextLength || !utf8.ValidString(v) {
			return checkText(at, name+"."+k, v)
		}
	}
	return nil
}

// isAttrKey keeps attribute names to identifiers, because the Neo4j store
// turns them into property names.
func isAttrKey(k string) bool {
	for _, c := range k {
		ok := c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// MergeEntity returns what the store holds after upserting in on top of old.
// Both backends call it so that merging behaves the same everywhere: the
// label is replaced when in has one, attributes are replaced key by key,
// raw forms and markers accumulate as sorted sets, and FirstIngested keeps
// its first value. Upserting the same entity twice therefore changes nothing.
func MergeEntity(old *Entity, in Entity, now time.Time) Entity {
	out := in.Clone()
	if old == nil {
		if out.Label == "" {
			out.Label = out.Key
		}
		out.RawForms = sortedSet(out.RawForms)
		out.Markers = sortedSet(out.Markers)
		out.FirstIngested = normTime(now)
		if out.Attrs == nil {
			out.Attrs = map[string]string{}
		}
		if out.Sensitive == nil {
			out.Sensitive = map[string]string{}
		}
		return out
	}
	out.FirstIngested = old.FirstIngested
	if out.Label == "" {
		out.Label = old.Label
	}
	out.RawForms = sortedSet(append(append([]string{}, old.RawForms...), in.RawForms...))
	out.Markers = sortedSet(append(append([]string{}, old.Markers...), in.Markers...))
	out.Attrs = mergeMaps(old.Attrs, in.Attrs)
	out.Sensitive = mergeMaps(old.Sensitive, in.Sensitive)
	return out
}

// mergeMaps returns old overlaid with new, key by key, never nil.
func mergeMaps(old, new map[string]string) map[string]string {
	out := make(map[string]string, len(old)+len(new))
	for k, v := range old {
		out[k] = v
	}
	for k, v := range new {
		out[k] = v
	}
	return out
}

// StubEntity is the entity a link endpoint creates when nothing else is known
// about it yet, so that a link never dangles.
func StubEntity(id string) (Entity, error) {
	kind, key, ok := SplitEntityID(id)
	if !ok {
		return Entity{}, Errorf(EINVALID, "id", "%q is not an entity id (want Kind:key)", id)
	}
	return Entity{ID: id, Kind: kind, Key: key, Label: key, Attrs: map[string]string{}, Sensitive: map[string]string{}}, nil
}

// SplitEntityID is the inverse of EntityID.
func SplitEntityID(id string) (Kind, string, bool) {
	i := strings.IndexByte(id, ':')
	if i <= 0 || i == len(id)-1 {
		return "", "", false
	}
	k := Kind(id[:i])
	if !k.Valid() {
		return "", "", false
	}
	return k, id[i+1:], true
}

// Clone returns a deep copy, so that no caller can change what a store holds.
func (e Entity) Clone() Entity {
	e.RawForms = cloneStrings(e.RawForms)
	e.Markers = cloneStrings(e.Markers)
	e.Attrs = cloneMap(e.Attrs)
	e.Sensitive = cloneMap(e.Sensitive)
	return e
}

// cloneStrings keeps nil as nil and empty as empty, so a copy compares
// equal to its original.
func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append(make([]string, 0, len(s)), s...)
}

// cloneMap keeps nil as nil and empty as empty. maps.Clone copies the
// map's table whole, which costs a fraction of inserting its entries one
// by one; every link and entity a read hands out is cloned, so this is on
// the path of every score.
func cloneMap(m map[string]string) map[string]string {
	return maps.Clone(m)
}

// sortedSet returns the distinct non-empty strings of s in sorted order,
// never nil, so that stored lists compare equal regardless of arrival order.
func sortedSet(s []string) []string {
	out := make([]string, 0, len(s))
	seen := make(map[string]bool, len(s))
	for _, v := range s {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}
