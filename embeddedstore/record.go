package embeddedstore

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// recordVersion is the first byte of every entity and link value of
// format 2. A later layout takes the next number, and the decoder keeps
// reading the ones before it.
const recordVersion = 1

// Flags of a record's second byte.
const (
	// entityIDDerived: the entity's id is Kind:Key and is not stored.
	entityIDDerived = 1 << 0
	// entityLabelIsKey: the label is the key and is not stored.
	entityLabelIsKey = 1 << 1
	// linkIDHashed: the link's id is its lower-cased type, a dash and 24
	// hex digits (intel.LinkIdentity), stored as the digits' 12 bytes.
	linkIDHashed = 1 << 0
	// linkRetracted: a retraction follows the link's fields.
	linkRetracted = 1 << 1
)

// linkHashBytes is the length of the hash in a link id.
const linkHashBytes = 12

// encoder appends one record's fields to buf. Strings that repeat across
// records go through the dictionary (ref), the others are stored inline
// with their length (str).
type encoder struct {
	buf  []byte
	dict *dictionary
}

func (e *encoder) byte(b byte)      { e.buf = append(e.buf, b) }
func (e *encoder) uvarint(u uint64) { e.buf = binary.AppendUvarint(e.buf, u) }
func (e *encoder) ref(s string)     { e.uvarint(e.dict.code(s)) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.buf = append(e.buf, s...) }
func (e *encoder) raw(b []byte)     { e.buf = append(e.buf, b...) }
func (e *encoder) strs(ss []string) { e.count(ss == nil, len(ss)); e.each(ss, e.str) }
func (e *encoder) each(ss []string, f func(string)) {
	for _, s := range ss {
		f(s)
	}
}

// count stores a collection's length, keeping nil apart from empty so
// that a record reads back deeply equal to what was written (a replayed
// write compares equal and writes nothing).
func (e *encoder) count(isNil bool, n int) {
	if isNil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(n) + 1)
}

// attrs stores a map with its names through the dictionary, in name order
// so that equal maps encode equally.
func (e *encoder) attrs(m map[string]string) {
	e.count(m == nil, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e.ref(k)
		e.str(m[k])
	}
}

// time stores 0 for the zero time; otherwise the instant in
// milliseconds when it has no finer part (the stores keep milliseconds),
// and in seconds followed by the nanoseconds otherwise, zig-zagged so
// that instants before 1970 stay short, with the low bit telling which.
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.uvarint(0)
		return
	}
	if ms := t.UnixMilli(); t.Equal(time.UnixMilli(ms)) {
		e.uvarint(1 + zigzag(ms)<<1)
		return
	}
	e.uvarint(1 + (zigzag(t.Unix())<<1 | 1))
	e.uvarint(uint64(t.Nanosecond()))
}

// confidence stores k+1 when c is k/10000 exactly (every confidence an
// agency writes by hand), and otherwise 0 and c's eight bytes.
func (e *encoder) confidence(c float64) {
	k := math.Round(c * confidenceScale)
	if k >= 0 && k < 1<<40 && k/confidenceScale == c {
		e.uvarint(uint64(k) + 1)
		return
	}
	e.uvarint(0)
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(c))
}

const confidenceScale = 10000

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// encodeEntity is e's value in the entity bucket.
func encodeEntity(buf []byte, d *dictionary, e *intel.Entity) []byte {
	w := encoder{buf: buf, dict: d}
	var flags byte
	if e.ID == intel.EntityID(e.Kind, e.Key) {
		flags |= entityIDDerived
	}
	if e.Label == e.Key {
		flags |= entityLabelIsKey
	}
	w.byte(recordVersion)
	w.byte(flags)
	w.ref(string(e.Kind))
	w.str(e.Key)
	if flags&entityIDDerived == 0 {
		w.str(e.ID)
	}
	if flags&entityLabelIsKey == 0 {
		w.str(e.Label)
	}
	w.strs(e.RawForms)
	w.strs(e.Markers)
	w.attrs(e.Attrs)
	w.attrs(e.Sensitive)
	w.time(e.FirstIngested)
	return w.buf
}

// encodeLink is l's value in the link bucket; from and to are the
// sequence numbers of its ends.
func encodeLink(buf []byte, d *dictionary, l *intel.Link, from, to uint64) []byte {
	w := encoder{buf: buf, dict: d}
	var flags byte
	hash, hashed := linkHash(l)
	if hashed {
		flags |= linkIDHashed
	}
	if l.Retraction != nil {
		flags |= linkRetracted
	}
	w.byte(recordVersion)
	w.byte(flags)
	w.ref(string(l.Type))
	if hashed {
		w.raw(hash)
	} else {
		w.str(l.ID)
	}
	w.uvarint(from)
	w.uvarint(to)
	w.str(l.EventKey)
	w.ref(l.Agency)
	w.ref(string(l.Country))
	w.time(l.ObservedAt)
	w.time(l.ValidFrom)
	w.time(l.ValidUntil)
	w.time(l.IngestedAt)
	w.ref(l.EvidenceRef)
	w.confidence(l.Confidence)
	w.ref(l.LegalBasis)
	w.ref(string(l.Visibility))
	w.attrs(l.Attrs)
	w.attrs(l.Sensitive)
	if r := l.Retraction; r != nil {
		w.time(r.At)
		w.ref(r.Agency)
		w.str(r.Reason)
	}
	return w.buf
}

// linkHash returns the 12 bytes of l's id when the id is the usual
// type-dash-hex form that the type can spell again.
func linkHash(l *intel.Link) ([]byte, bool) {
	prefix := strings.ToLower(string(l.Type)) + "-"
	digits, ok := strings.CutPrefix(l.ID, prefix)
	if !ok || len(digits) != 2*linkHashBytes || strings.ToLower(digits) != digits {
		return nil, false
	}
	hash, err := hex.DecodeString(digits)
	return hash, err == nil
}

// decoder reads the fields of one record; the first error sticks and
// every later read returns zero values.
type decoder struct {
	buf  []byte
	dict *dictionary
	err  error
}

var errTruncated = errors.New("record ends early")

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.buf) == 0 {
		d.fail(errTruncated)
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	u, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail(errTruncated)
		return 0
	}
	d.buf = d.buf[n:]
	return u
}

func (d *decoder) raw(n int) []byte {
	if d.err != nil || len(d.buf) < n {
		d.fail(errTruncated)
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.buf)) {
		d.fail(errTruncated)
		return ""
	}
	return string(d.raw(int(n)))
}

func (d *decoder) ref() string {
	c := d.uvarint()
	if d.err != nil {
		return ""
	}
	s, err := d.dict.str(c)
	d.fail(err)
	return s
}

// length reads a count; nil reports a nil collection.
func (d *decoder) length() (n int, isNil bool) {
	u := d.uvarint()
	if u == 0 || d.err != nil {
		return 0, true
	}
	if u-1 > uint64(len(d.buf)) { // every element takes a byte at least
		d.fail(errTruncated)
		return 0, true
	}
	return int(u - 1), false
}

func (d *decoder) strs() []string {
	n, isNil := d.length()
	if isNil {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *decoder) attrs() map[string]string {
	n, isNil := d.length()
	if isNil {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.ref()
		m[k] = d.str()
	}
	return m
}

func (d *decoder) time() time.Time {
	u := d.uvarint()
	if u == 0 {
		return time.Time{}
	}
	u--
	v := unzigzag(u >> 1)
	if u&1 == 0 {
		return time.UnixMilli(v).UTC()
	}
	return time.Unix(v, int64(d.uvarint())).UTC()
}

func (d *decoder) confidence() float64 {
	u := d.uvarint()
	if u > 0 {
		return float64(u-1) / confidenceScale
	}
	if b := d.raw(8); b != nil {
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	return 0
}

// header checks the version byte and returns the flags.
func (d *decoder) header() byte {
	if v := d.byte(); d.err == nil && v != recordVersion {
		d.fail(fmt.Errorf("record version %d is not one this build reads", v))
	}
	return d.byte()
}

// decodeEntity reads an entity value of the entity bucket.
func decodeEntity(buf []byte, dict *dictionary) (intel.Entity, error) {
	d := decoder{buf: buf, dict: dict}
	var e intel.Entity
	flags := d.header()
	e.Kind = intel.Kind(d.ref())
	e.Key = d.str()
	e.ID = intel.EntityID(e.Kind, e.Key)
	if flags&entityIDDerived == 0 {
		e.ID = d.str()
	}
	e.Label = e.Key
	if flags&entityLabelIsKey == 0 {
		e.Label = d.str()
	}
	e.RawForms = d.strs()
	e.Markers = d.strs()
	e.Attrs = d.attrs()
	e.Sensitive = d.attrs()
	e.FirstIngested = d.time()
	return e, d.done()
}

// decodeLink reads a link value of the link bucket; end names the entity
// of a sequence number.
func decodeLink(buf []byte, dict *dictionary, end func(uint64) (string, bool)) (intel.Link, error) {
	d := decoder{buf: buf, dict: dict}
	var l intel.Link
	flags := d.header()
	l.Type = intel.LinkType(d.ref())
	if flags&linkIDHashed != 0 {
		l.ID = strings.ToLower(string(l.Type)) + "-" + hex.EncodeToString(d.raw(linkHashBytes))
	} else {
		l.ID = d.str()
	}
	for _, to := range []*string{&l.From, &l.To} {
		seq := d.uvarint()
		id, ok := end(seq)
		if !ok && d.err == nil {
			d.fail(fmt.Errorf("end %d is not a stored entity", seq))
		}
		*to = id
	}
	l.EventKey = d.str()
	l.Agency = d.ref()
	l.Country = intel.Region(d.ref())
	l.ObservedAt = d.time()
	l.ValidFrom = d.time()
	l.ValidUntil = d.time()
	l.IngestedAt = d.time()
	l.EvidenceRef = d.ref()
	l.Confidence = d.confidence()
	l.LegalBasis = d.ref()
	l.Visibility = intel.Visibility(d.ref())
	l.Attrs = d.attrs()
	l.Sensitive = d.attrs()
	if flags&linkRetracted != 0 {
		l.Retraction = &intel.Retraction{At: d.time(), Agency: d.ref(), Reason: d.str()}
	}
	return l, d.done()
}

// done reports the first error, or bytes left over after the last field.
func (d *decoder) done() error {
	if d.err == nil && len(d.buf) > 0 {
		d.err = fmt.Errorf("%d bytes after the last field", len(d.buf))
	}
	return d.err
}
