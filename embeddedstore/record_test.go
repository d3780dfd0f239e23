package embeddedstore

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// The records below take every branch of the encoding: ids that are and
// are not derived, labels that are not keys, nil and empty collections,
// times before 1970, with nanoseconds and zero, confidences that are and
// are not a whole number of ten-thousandths, a retraction.
func recordCases() ([]intel.Entity, []intel.Link) {
	entities := []intel.Entity{
		{ID: "PhoneNumber:+66811111111", Kind: intel.KindPhoneNumber, Key: "+66811111111", Label: "+66811111111"},
		{ID: "PhoneNumber:+66822222222", Kind: intel.KindPhoneNumber, Key: "+66822222222", Label: "ผู้ต้องสงสัย",
			RawForms: []string{}, Markers: []string{"+697", "+698"}, Attrs: map[string]string{},
			Sensitive:     map[string]string{"holder": "Somchai", "": "empty name"},
			FirstIngested: time.Date(2024, 1, 2, 3, 4, 5, 6_000_000, time.UTC)},
		{ID: "odd-id", Kind: intel.KindSuspect, Key: "s-1", Label: "", RawForms: []string{"", "a"},
			FirstIngested: time.Date(1960, 1, 2, 3, 4, 5, 7, time.UTC)},
	}
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	links := []intel.Link{
		{ID: "called-0123456789abcdef01234567", Type: intel.LinkCalled, From: entities[0].ID, To: entities[1].ID,
			EventKey: "e1", Provenance: intel.Provenance{Agency: "TH-CIB", Country: intel.RegionTH, ObservedAt: at,
				IngestedAt: at.Add(time.Nanosecond), Confidence: 0.98, Visibility: intel.VisibilityDomestic},
			Attrs: map[string]string{"durationSec": "42", "answered": "true"}, Sensitive: map[string]string{}},
		{ID: "CALLED-0123456789ABCDEF01234567", Type: intel.LinkCalled, From: entities[1].ID, To: entities[2].ID,
			Provenance: intel.Provenance{Confidence: 0.123456789, ValidFrom: at, ValidUntil: at.AddDate(1, 0, 0)}},
		{ID: "registered_to-short", Type: intel.LinkRegisteredTo, From: entities[2].ID, To: entities[2].ID,
			Provenance: intel.Provenance{Confidence: math.Inf(1), EvidenceRef: "ref", LegalBasis: "law"},
			Retraction: &intel.Retraction{At: at, Agency: "KH-MPTC", Reason: "wrong number"}},
		{ID: "uses-0123456789abcdef0123456", Type: intel.LinkUses, From: entities[0].ID, To: entities[0].ID,
			Provenance: intel.Provenance{Confidence: -0.5}, Retraction: &intel.Retraction{}},
	}
	return entities, links
}

func TestRecordsReadBackDeeplyEqual(t *testing.T) {
	entities, links := recordCases()
	dict := newDictionary()
	seqs := map[string]uint64{}
	ends := map[uint64]string{}
	for i, e := range entities {
		buf := encodeEntity([]byte{}, dict, &e)
		got, err := decodeEntity(buf, dict)
		if err != nil {
			t.Fatalf("entity %s: %v", e.ID, err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Fatalf("entity reads back as\n%#v\nwant\n%#v", got, e)
		}
		seqs[e.ID], ends[uint64(i+1)] = uint64(i+1), e.ID
	}
	end := func(seq uint64) (string, bool) { id, ok := ends[seq]; return id, ok }
	for _, l := range links {
		buf := encodeLink(nil, dict, &l, seqs[l.From], seqs[l.To])
		got, err := decodeLink(buf, dict, end)
		if err != nil {
			t.Fatalf("link %s: %v", l.ID, err)
		}
		if !reflect.DeepEqual(got, l) {
			t.Fatalf("link reads back as\n%#v\nwant\n%#v", got, l)
		}
	}
}

// A damaged record is an error naming what is wrong, never a panic or a
// record read wrongly.
func TestDamagedRecordsAreErrors(t *testing.T) {
	entities, links := recordCases()
	dict := newDictionary()
	end := func(seq uint64) (string, bool) { return entities[0].ID, seq == 1 }
	var bufs [][]byte
	for _, e := range entities {
		bufs = append(bufs, encodeEntity(nil, dict, &e))
	}
	for _, l := range links {
		bufs = append(bufs, encodeLink(nil, dict, &l, 1, 1))
	}
	for i, buf := range bufs {
		decode := func(b []byte) error {
			if i < len(entities) {
				_, err := decodeEntity(b, dict)
				return err
			}
			_, err := decodeLink(b, dict, end)
			return err
		}
		if err := decode(buf); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		for n := range len(buf) {
			if err := decode(buf[:n]); err == nil {
				t.Fatalf("record %d cut to %d of %d bytes reads without an error", i, n, len(buf))
			}
		}
		if err := decode(append(buf[:len(buf):len(buf)], 0)); err == nil {
			t.Fatalf("record %d with a byte too many reads without an error", i)
		}
		other := append([]byte{recordVersion + 1}, buf[1:]...)
		if err := decode(other); err == nil {
			t.Fatalf("record %d of an unknown version reads without an error", i)
		}
	}
	unknown := encodeLink(nil, dict, &links[0], 7, 1)
	if _, err := decodeLink(unknown, dict, end); err == nil {
		t.Fatal("a link whose end is not stored reads without an error")
	}
}

// A dictionary rolled back after a failed write hands the same codes out
// again, and keeps the ones already saved.
func TestDictionaryRollback(t *testing.T) {
	d := newDictionary()
	a := d.code("TH-CIB")
	d.commit()
	b := d.code("KH-MPTC")
	d.rollback()
	if _, err := d.str(b); err == nil {
		t.Fatal("a rolled-back code still reads")
	}
	if got, _ := d.str(a); got != "TH-CIB" || d.code("TH-CIB") != a {
		t.Fatal("rollback lost a committed code")
	}
	if c := d.code("REGISTERED_TO"); c != b {
		t.Fatalf("code %d after the rollback, want %d again", c, b)
	}
}
