package ingest

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/scamgraph/scamgraph/intel"
)

// mapper adds to b the entities and links one record type states.
type mapper func(b *builder, r *Record) error

// mappers is the dispatch table; a new record type needs a line here and a
// map_<type>.go beside this file.
var mappers = map[RecordType]mapper{
	TypeCall:          mapCall,
	TypeRegistration:  mapRegistration,
	TypeCallerID:      mapCallerID,
	TypeSubscriber:    mapSubscriber,
	TypeTransfer:      mapTransfer,
	TypeVictimReport:  mapVictimReport,
	TypeSuspectRecord: mapSuspect,
}

// Map turns one record into the entities and links it states, each link
// carrying the record's provenance and normalised, so that the batch can be
// written as it is. It is a pure function of the record: mapping the same
// record again gives an identical batch, with identical link ids, which is
// what makes a resent file change nothing.
//
// A record that cannot be mapped is rejected with an *intel.Error of code
// EINVALID whose Field names the record field at fault ("caller",
// "involved[2].identifier") and whose Message says why, in words fit for
// the person who has to fix the row. Only the fields of the record's type
// are read.
func Map(r Record) (intel.Batch, error) {
	m, err := MapRecord(r)
	return m.Batch, err
}

// Mapped is what one record states, and the warnings about what it held
// that could not be used or was read with a doubt.
type Mapped struct {
	Batch    intel.Batch
	Warnings []Warning
}

// MapRecord is Map with the warnings. A record is rejected only when the
// fields that make it what it is are unusable: its provenance, a call's two
// ends and start, a registration's account, address and time, a transfer's
// two accounts, time and amount, a report's case reference and date, a
// suspect's reference, a subscriber's identifier. Anything else it holds
// that cannot be used (one bad number among the artefacts a report names, a
// malformed IMEI, an unknown scam type) is set aside with a warning naming
// the field and the reason, and the rest is stored; an identifier that
// could be read two ways is stored as the likelier reading, with a warning
// naming both.
func MapRecord(r Record) (Mapped, error) {
	typ := RecordType(strings.ToLower(strings.TrimSpace(string(r.Type))))
	m, ok := mappers[typ]
	if !ok {
		if typ == "" {
			return Mapped{}, fieldErr("type", "is required: one of %s", typeList())
		}
		return Mapped{}, fieldErr("type", "unknown record type %q (want one of %s)", r.Type, typeList())
	}
	b, err := newBuilder(typ, &r)
	if err != nil {
		return Mapped{}, err
	}
	if err := m(b, &r); err != nil {
		return Mapped{}, err
	}
	batch, err := b.finish()
	if err != nil {
		return Mapped{}, err
	}
	return Mapped{Batch: batch, Warnings: b.warnings}, nil
}

// typeList names the record types for messages.
func typeList() string {
	names := make([]string, len(RecordTypes))
	for i, t := range RecordTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// fieldErr builds the error every rejection is made of.
func fieldErr(field, format string, args ...any) error {
	return intel.Errorf(intel.EINVALID, field, format, args...)
}

// missingErr rejects a missing field, saying what it should have held.
func missingErr(field, what string) error {
	return fieldErr(field, "is required: %s", what)
}

// Limits on what one record may carry. They keep one bad row from turning
// into a batch too large for one transaction, and are far above real use.
const (
	maxAgencyLength = 64
	maxRecordID     = 256
	maxListItems    = 500
	maxNames        = 32
	maxDocuments    = 32
)

// provenance reads the fields every record type shares.
func provenance(r *Record) (intel.Provenance, error) {
	p := intel.Provenance{
		Agency:      strings.TrimSpace(r.Agency),
		EvidenceRef: strings.TrimSpace(r.EvidenceRef),
		LegalBasis:  strings.TrimSpace(r.LegalBasis),
		Confidence:  1,
		Visibility:  intel.VisibilityDomestic,
	}
	if err := checkAgency(p.Agency); err != nil {
		return p, err
	}
	if strings.TrimSpace(r.Country) == "" {
		return p, missingErr("country", "the contributing agency's country, TH or KH")
	}
	region, err := intel.ParseRegion(strings.TrimSpace(r.Country))
	if err != nil {
		return p, fieldErr("country", "unknown country %q (want TH or KH)", r.Country)
	}
	p.Country = region
	if c := r.Confidence; c != nil {
		if math.IsNaN(*c) || *c < 0 || *c > 1 {
			return p, fieldErr("confidence", "must be between 0 and 1, got %v", *c)
		}
		p.Confidence = *c
	}
	if v := strings.ToUpper(strings.TrimSpace(r.Visibility)); v != "" {
		p.Visibility = intel.Visibility(v)
		if !p.Visibility.Valid() {
			return p, fieldErr("visibility", "unknown visibility %q (want DOMESTIC, SHAREABLE or RESTRICTED)", r.Visibility)
		}
	}
	return p, nil
}

// checkAgency keeps agency codes to one printable word, because the code
// is part of every event key and is matched against who may read a fact.
func checkAgency(a string) error {
	switch {
	case a == "":
		return missingErr("agency", "the contributing agency's code, e.g. TH-CCIB")
	case len(a) > maxAgencyLength:
		return fieldErr("agency", "is %d bytes long, at most %d allowed", len(a), maxAgencyLength)
	}
	for _, c := range a {
		if unicode.IsSpace(c) || !unicode.IsPrint(c) {
			return fieldErr("agency", "%q is not an agency code: no spaces or control characters", a)
		}
	}
	return nil
}

// checkRecordID keeps a source id to printable text of sensible length,
// since it becomes part of an event key.
func checkRecordID(id string) error {
	if len(id) > maxRecordID {
		return fieldErr("recordId", "is %d bytes long, at most %d allowed", len(id), maxRecordID)
	}
	for _, c := range id {
		if !unicode.IsPrint(c) {
			return fieldErr("recordId", "contains the control character %U", c)
		}
	}
	return nil
}

// artefact parses one identifier the record names into the entity to store.
// kind "" lets intel.DetectKind decide. Any reason the parser gives is
// reported against field.
func (b *builder) artefact(field, input string, kind intel.Kind) (intel.Entity, error) {
	e, _, err := b.sighting(field, input, kind)
	return e, err
}

// sighting is artefact with the identifier as read, for a mapper that
// keeps what the record wrote about this sighting (a port) on its link. An
// identifier read with a doubt adds an ambiguity warning against field.
func (b *builder) sighting(field, input string, kind intel.Kind) (intel.Entity, intel.Identifier, error) {
	if strings.TrimSpace(input) == "" {
		return intel.Entity{}, intel.Identifier{}, fieldErr(field, "is required")
	}
	id := intel.ParseIdentifier(input, b.prov.Country, kind)
	e, err := intel.EntityFromIdentifier(id)
	if err != nil {
		return intel.Entity{}, id, fieldErr(field, "%s", intel.ErrorMessage(err))
	}
	if len(id.Alternatives) > 0 {
		b.warnings = append(b.warnings, ambiguityWarning(field, id))
	}
	e.Sensitive = map[string]string{}
	return e, id, nil
}

// parseKind reads an explicit kind, or returns "" to have it detected.
func parseKind(field, s string) (intel.Kind, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	k, err := intel.ParseKind(s)
	if err != nil {
		return "", fieldErr(field, "unknown kind %q (want one of %v)", s, intel.Kinds)
	}
	return k, nil
}

// allowedKind checks that an entity of kind k may stand at one end of a
// link of type t, so that the record is rejected against the right field
// rather than by the batch check.
func allowedKind(field string, t intel.LinkType, k intel.Kind, from bool) error {
	spec, _ := t.Spec()
	kinds := spec.To
	if from {
		kinds = spec.From
	}
	for _, x := range kinds {
		if x == k {
			return nil
		}
	}
	names := make([]string, len(kinds))
	for i, x := range kinds {
		names[i] = string(x)
	}
	return fieldErr(field, "is of kind %s; a %s link takes %s here", k, t, strings.Join(names, ", "))
}

// builder collects what one record states, remembering which record field
// each entity and link came from, so that the batch check at the end can
// still blame a field the person who wrote the record knows.
type builder struct {
	typ      RecordType
	prov     intel.Provenance
	recordID string
	batch    intel.Batch
	entities map[string]int // entity id → index in batch.Entities
	links    map[string]bool
	// entityFrom and linkFrom are parallel to batch.Entities and batch.Links.
	entityFrom []origin
	linkFrom   []origin
	// warnings are what the record held that was set aside or read with
	// a doubt, in the order the mapper met them.
	warnings []Warning
}

// origin names the record fields behind one entity or link: field is where
// the entity came from, or where a link's time came from; keys maps an
// attribute, a sensitive key, "label" or "rawForms" to the record field it
// was read from, where the two differ.
type origin struct {
	field string
	keys  map[string]string
}

// newBuilder starts the batch of one record with its provenance.
func newBuilder(typ RecordType, r *Record) (*builder, error) {
	p, err := provenance(r)
	if err != nil {
		return nil, err
	}
	id := strings.TrimSpace(r.RecordID)
	if err := checkRecordID(id); err != nil {
		return nil, err
	}
	return &builder{typ: typ, prov: p, recordID: id, entities: map[string]int{}, links: map[string]bool{}}, nil
}

// addEntity adds e, or merges it into an entity of the same id the record
// named before (one number named in two roles), so that the batch holds
// each entity once. It returns the entity's id.
func (b *builder) addEntity(e intel.Entity, from origin) string {
	if i, ok := b.entities[e.ID]; ok {
		old := &b.batch.Entities[i]
		old.RawForms = sortedUnion(old.RawForms, e.RawForms)
		old.Markers = sortedUnion(old.Markers, e.Markers)
		return e.ID
	}
	e.RawForms = sortedUnion(nil, e.RawForms)
	e.Markers = sortedUnion(nil, e.Markers)
	if e.Attrs == nil {
		e.Attrs = map[string]string{}
	}
	if e.Sensitive == nil {
		e.Sensitive = map[string]string{}
	}
	b.entities[e.ID] = len(b.batch.Entities)
	b.batch.Entities = append(b.batch.Entities, e)
	b.entityFrom = append(b.entityFrom, from)
	return e.ID
}

// addLink stamps l with the record's provenance, normalises it and adds
// it once: a record that names the same fact twice states it once. A state
// link has no event key to carry the source's record id, so it keeps the
// id as an attribute instead.
func (b *builder) addLink(l intel.Link, from origin) {
	l.Agency, l.Country = b.prov.Agency, b.prov.Country
	l.EvidenceRef, l.Confidence = b.prov.EvidenceRef, b.prov.Confidence
	l.LegalBasis, l.Visibility = b.prov.LegalBasis, b.prov.Visibility
	if l.Attrs == nil {
		l.Attrs = map[string]string{}
	}
	if spec, _ := l.Type.Spec(); !spec.Event && b.recordID != "" {
		l.Attrs["recordId"] = b.recordID
	}
	l.Normalize()
	if b.links[l.ID] {
		return
	}
	b.links[l.ID] = true
	b.batch.Links = append(b.batch.Links, l)
	b.linkFrom = append(b.linkFrom, from)
}

// finish runs the check every store runs before a write, so that a record
// that would be refused at write time is refused here, against its own
// field, and never spoils the batch it would have joined.
func (b *builder) finish() (intel.Batch, error) {
	if err := b.batch.Validate(); err != nil {
		return intel.Batch{}, fieldErr(b.recordField(intel.ErrorField(err)), "%s", intel.ErrorMessage(err))
	}
	return b.batch, nil
}

// recordField turns a batch field ("links[0].attrs.imei") into the record
// field it came from ("imei").
func (b *builder) recordField(batchField string) string {
	coll, rest, _ := strings.Cut(batchField, ".")
	name, idx, ok := splitIndex(coll)
	switch {
	case !ok && b.typ == TypeVictimReport:
		return "involved"
	case !ok && b.typ == TypeSuspectRecord:
		return "uses"
	case !ok:
		return batchField
	case name == "entities" && idx < len(b.entityFrom):
		return b.entityFrom[idx].entityField(rest)
	case name == "links" && idx < len(b.linkFrom):
		l := b.batch.Links[idx]
		switch rest {
		case "from":
			return b.entityFrom[b.entities[l.From]].field
		case "to":
			return b.entityFrom[b.entities[l.To]].field
		case "observedAt", "validFrom":
			return b.linkFrom[idx].field
		case "eventKey":
			return "recordId"
		}
		return b.linkFrom[idx].linkField(rest)
	}
	return batchField
}

// entityField names the record field behind sub, a field of an entity
// ("attrs.nationality", "label"): the one keys gives, or the field the
// entity was read from.
func (o origin) entityField(sub string) string {
	if f, ok := o.keys[itemKey(sub)]; ok {
		return f
	}
	return o.field
}

// linkField names the record field behind sub, a field of a link: the one
// keys gives, or the field itself, since link attributes and provenance
// carry the names of the record fields they hold.
func (o origin) linkField(sub string) string {
	k := itemKey(sub)
	if f, ok := o.keys[k]; ok {
		return f
	}
	return k
}

// itemKey drops the map name of "attrs.X" and "sensitive.X".
func itemKey(sub string) string {
	if _, k, ok := strings.Cut(sub, "."); ok {
		return k
	}
	return sub
}

// splitIndex reads "links[3]" as ("links", 3).
func splitIndex(s string) (string, int, bool) {
	open := strings.IndexByte(s, '[')
	if open < 0 || !strings.HasSuffix(s, "]") {
		return s, 0, false
	}
	n := 0
	for _, c := range s[open+1 : len(s)-1] {
		if c < '0' || c > '9' {
			return s, 0, false
		}
		n = n*10 + int(c-'0')
	}
	return s[:open], n, true
}

// sortedUnion returns the distinct non-empty strings of a and b, sorted,
// never nil: the shape the stores keep raw forms and markers in.
func sortedUnion(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	for _, s := range append(append([]string(nil), a...), b...) {
		if s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// listItem names one item of a list field: "names[2]".
func listItem(list string, i int) string {
	return list + "[" + strconv.Itoa(i) + "]"
}

// indexed names a field of one item of a list: "involved[2].identifier".
func indexed(list string, i int, sub string) string {
	return listItem(list, i) + "." + sub
}

// decimalDigit returns the value of a decimal digit of any script (Thai
// ๐-๙, Khmer ០-៩, ...), since amounts and device ids arrive typed on those
// keyboards too. Unicode encodes such digits in runs that start at zero and
// come in tens, so a digit's value is its distance from the start of its
// run, modulo ten.
func decimalDigit(c rune) (byte, bool) {
	if '0' <= c && c <= '9' {
		return byte(c - '0'), true
	}
	if c < 0x80 || !unicode.Is(unicode.Nd, c) {
		return 0, false
	}
	n := 0
	for z := c - 1; unicode.Is(unicode.Nd, z); z-- {
		n++
	}
	return byte(n % 10), true
}

// foldDecimal rewrites the decimal digits of any script in s to ASCII.
func foldDecimal(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.Map(func(c rune) rune {
				if d, ok := decimalDigit(c); ok {
					return rune('0' + d)
				}
				return c
			}, s)
		}
	}
	return s
}

// normCode normalises a code written by hand ("call centre", "Passport",
// "deportation-requested") to the form the lists use: letters, digits and
// underscores, in the given case.
func normCode(s string, upper bool) string {
	s = strings.TrimSpace(s)
	s = strings.Map(func(c rune) rune {
		if c == ' ' || c == '-' {
			return '_'
		}
		return c
	}, s)
	if upper {
		return strings.ToUpper(s)
	}
	return strings.ToLower(s)
}

// isCode reports whether s is a non-empty code of ASCII letters, digits
// and underscores, at most max long.
func isCode(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, c := range s {
		if !(c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')) {
			return false
		}
	}
	return true
}
