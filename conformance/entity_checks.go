package conformance

import (
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

func sortStrings(s []string) { sort.Strings(s) }

var _ = register("PingSucceeds", func(t *testing.T, h *Harness, s intel.Store) {
	if err := s.Ping(ctxFor(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
})

var _ = register("EntityUpsertThenFind", func(t *testing.T, h *Harness, s intel.Store) {
	e := phone("+66812345678")
	e.RawForms = []string{"081-234-5678"}
	e.Attrs = map[string]string{"numberType": "MOBILE", "carrier": "AIS"}
	res := mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{e}})
	if res.EntitiesCreated != 1 {
		t.Errorf("EntitiesCreated = %d, want 1", res.EntitiesCreated)
	}
	got := mustFind(t, s, e)
	if got.ID != e.ID || got.Kind != e.Kind || got.Key != e.Key || got.Label != e.Key {
		t.Errorf("got %+v", got)
	}
	if !reflect.DeepEqual(got.Attrs, e.Attrs) || !equalStrings(got.RawForms, e.RawForms) {
		t.Errorf("attrs/raw forms: got %v %v", got.Attrs, got.RawForms)
	}
	if got.FirstIngested.IsZero() {
		t.Error("FirstIngested not set")
	}
})

var _ = register("EntityFindUnknownIsNotFound", func(t *testing.T, h *Harness, s intel.Store) {
	_, err := s.FindEntity(ctxFor(t), intel.KindPhoneNumber, "+66899999999")
	wantCode(t, err, intel.ENOTFOUND, "")
})

var _ = register("EntityGetManyOmitsMissing", func(t *testing.T, h *Harness, s intel.Store) {
	a, b := phone("+66811111111"), ip("203.0.113.7")
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{a, b}})
	got, err := s.GetEntities(ctxFor(t), []string{a.ID, "PhoneNumber:+66800000000", b.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[a.ID].Key != a.Key || got[b.ID].Key != b.Key {
		t.Fatalf("got %v", got)
	}
	empty, err := s.GetEntities(ctxFor(t), nil)
	if err != nil || len(empty) != 0 {
		t.Fatalf("empty input: %v %v", empty, err)
	}
})

var _ = register("EntityUpsertIsIdempotent", func(t *testing.T, h *Harness, s intel.Store) {
	e := voip("sip:agent7@voip.example.com")
	e.RawForms = []string{"SIP:Agent7@VOIP.example.com"}
	e.Attrs = map[string]string{"provider": "example"}
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{e}})
	first := mustFind(t, s, e)
	res := mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{e}})
	if res.EntitiesCreated != 0 {
		t.Errorf("second upsert created %d", res.EntitiesCreated)
	}
	if second := mustFind(t, s, e); !reflect.DeepEqual(first, second) {
		t.Errorf("state changed:\n%+v\n%+v", first, second)
	}
})

var _ = register("EntityMergeAccumulatesRawFormsAndMarkers", func(t *testing.T, h *Harness, s intel.Store) {
	a := phone("+66812345678")
	a.RawForms = []string{"0812345678"}
	a.Markers = []string{intel.MarkerVoipFromAbroad}
	b := phone("+66812345678")
	b.RawForms = []string{"+66 81 234 5678", "0812345678"}
	b.Markers = []string{intel.MarkerRoamingAbroad}
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{a}})
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{b}})
	got := mustFind(t, s, a)
	if want := []string{"+66 81 234 5678", "0812345678"}; !equalStrings(got.RawForms, want) {
		t.Errorf("RawForms = %q, want %q", got.RawForms, want)
	}
	if want := []string{"+697", "+698"}; !equalStrings(got.Markers, want) {
		t.Errorf("Markers = %q, want %q", got.Markers, want)
	}
})

var _ = register("EntityMergeReplacesLabelAndAttrsKeyByKey", func(t *testing.T, h *Harness, s intel.Store) {
	a := bank("TH:004:1234567890")
	a.Label = "KBANK 123-4-56789-0"
	a.Attrs = map[string]string{"bankName": "KBANK", "status": "active"}
	b := bank("TH:004:1234567890")
	b.Attrs = map[string]string{"status": "frozen"}
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{a}})
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{b}})
	got := mustFind(t, s, a)
	if got.Label != a.Label {
		t.Errorf("empty label replaced the stored one: %q", got.Label)
	}
	if want := map[string]string{"bankName": "KBANK", "status": "frozen"}; !reflect.DeepEqual(got.Attrs, want) {
		t.Errorf("Attrs = %v, want %v", got.Attrs, want)
	}
	b.Label = "mule 1"
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{b}})
	if got := mustFind(t, s, a); got.Label != "mule 1" {
		t.Errorf("Label = %q, want replaced", got.Label)
	}
})

var _ = register("EntityFirstIngestedNeverChanges", func(t *testing.T, h *Harness, s intel.Store) {
	e := ip("198.51.100.20")
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{e}})
	first := mustFind(t, s, e).FirstIngested
	e.Attrs = map[string]string{"asn": "AS64500"}
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{e}})
	if got := mustFind(t, s, e).FirstIngested; !got.Equal(first) {
		t.Errorf("FirstIngested moved from %v to %v", first, got)
	}
})

var _ = register("EntityThaiAndKhmerTextRoundTrip", func(t *testing.T, h *Harness, s intel.Store) {
	e := suspect("TH-CIB:2024-0042")
	e.Label = "สมชาย ใจดี / សុខ សំណាង"
	e.RawForms = []string{"นายสมชาย ใจดี", "សុខ សំណាង", "Somchai Jaidee"}
	e.Attrs = map[string]string{"nameTh": "สมชาย ใจดี", "nameKm": "សុខ សំណាង", "alias": "เสี่ยหมู"}
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{e}})
	got := mustFind(t, s, e)
	if got.Label != e.Label || !reflect.DeepEqual(got.Attrs, e.Attrs) || !equalStrings(got.RawForms, sortedCopy(e.RawForms)) {
		t.Errorf("text did not round-trip:\n got %+v\nwant %+v", got, e)
	}
	link := state(intel.LinkUses, e, phone("+855123456789"), "KH-GDNP", 0, 0)
	link.Attrs = map[string]string{"note": "ใช้เบอร์นี้โทรหาเหยื่อ ប្រើលេខនេះ"}
	link.EvidenceRef = "สำนวนคดี 123/2567"
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{link}})
	gl := mustLink(t, s, link.ID)
	if gl.Attrs["note"] != link.Attrs["note"] || gl.EvidenceRef != link.EvidenceRef {
		t.Errorf("link text did not round-trip: %+v", gl)
	}
})

var _ = register("EntityReadsAreDeepCopies", func(t *testing.T, h *Harness, s intel.Store) {
	e := phone("+66812345678")
	e.RawForms = []string{"0812345678"}
	e.Attrs = map[string]string{"carrier": "AIS"}
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{e}})
	got := mustFind(t, s, e)
	got.Attrs["carrier"] = "changed"
	got.RawForms[0] = "changed"
	many, _ := s.GetEntities(ctxFor(t), []string{e.ID})
	m := many[e.ID]
	m.Attrs["carrier"] = "changed too"
	again := mustFind(t, s, e)
	if again.Attrs["carrier"] != "AIS" || again.RawForms[0] != "0812345678" {
		t.Errorf("store changed through a returned value: %+v", again)
	}
})

var _ = register("EntityWritesDoNotRetainInput", func(t *testing.T, h *Harness, s intel.Store) {
	e := phone("+66812345678")
	e.Attrs = map[string]string{"carrier": "AIS"}
	e.RawForms = []string{"0812345678"}
	b := intel.Batch{Entities: []intel.Entity{e}}
	mustUpsert(t, s, b)
	b.Entities[0].Attrs["carrier"] = "changed"
	b.Entities[0].RawForms[0] = "changed"
	if got := mustFind(t, s, e); got.Attrs["carrier"] != "AIS" || got.RawForms[0] != "0812345678" {
		t.Errorf("store changed through the caller's batch: %+v", got)
	}
})

var _ = register("EntityConcurrentWritersEndInOneNode", func(t *testing.T, h *Harness, s intel.Store) {
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			e := phone("+66812345678")
			e.RawForms = []string{fmt.Sprintf("form-%02d", i)}
			other := phone(fmt.Sprintf("+668123400%02d", i))
			_, err := s.Upsert(ctxFor(t), intel.Batch{
				Entities: []intel.Entity{e},
				Links:    []intel.Link{call("+66812345678", other.Key, i, fmt.Sprintf("cdr-%d", i))},
			})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent upsert: %v", err)
		}
	}
	got := mustFind(t, s, phone("+66812345678"))
	if len(got.RawForms) != writers {
		t.Errorf("RawForms has %d entries, want %d (a write was lost)", len(got.RawForms), writers)
	}
	p := mustNeighbours(t, s, intel.NeighbourQuery{ID: got.ID, First: 100})
	if p.TotalCount != writers {
		t.Errorf("hub has %d links, want %d", p.TotalCount, writers)
	}
})

var _ = register("BatchRejectedWritesNothing", func(t *testing.T, h *Harness, s intel.Store) {
	good := call("+66811111111", "+66822222222", 1, "cdr-1")
	bad := call("+66811111111", "+66833333333", 2, "cdr-2")
	bad.Confidence = 1.5
	_, err := s.Upsert(ctxFor(t), intel.Batch{
		Entities: []intel.Entity{phone("+66844444444")},
		Links:    []intel.Link{good, bad},
	})
	wantCode(t, err, intel.EINVALID, "links[1].confidence")
	for _, e := range []intel.Entity{phone("+66811111111"), phone("+66822222222"), phone("+66844444444")} {
		if _, err := s.FindEntity(ctxFor(t), e.Kind, e.Key); intel.ErrorCode(err) != intel.ENOTFOUND {
			t.Errorf("%s was written by a rejected batch (err=%v)", e.ID, err)
		}
	}
})

var _ = register("BatchRejectsInvalidEntity", func(t *testing.T, h *Harness, s intel.Store) {
	e := phone("+66811111111")
	e.ID = "PhoneNumber:+66822222222"
	_, err := s.Upsert(ctxFor(t), intel.Batch{Entities: []intel.Entity{phone("+66833333333"), e}})
	wantCode(t, err, intel.EINVALID, "entities[1].id")
	unknown := intel.Entity{ID: "Vessel:x", Kind: "Vessel", Key: "x"}
	_, err = s.Upsert(ctxFor(t), intel.Batch{Entities: []intel.Entity{unknown}})
	wantCode(t, err, intel.EINVALID, "entities[0].kind")
	long := phone("+66811111111")
	long.Label = string(make([]byte, intel.MaxTextLength+1))
	_, err = s.Upsert(ctxFor(t), intel.Batch{Entities: []intel.Entity{long}})
	wantCode(t, err, intel.EINVALID, "entities[0].label")
})

var _ = register("BatchEmptyIsANoOp", func(t *testing.T, h *Harness, s intel.Store) {
	res := mustUpsert(t, s, intel.Batch{})
	if res != (intel.UpsertResult{}) {
		t.Errorf("empty batch result %+v", res)
	}
})

var _ = register("EntitySensitiveKeptApartAndMerged", func(t *testing.T, h *Harness, s intel.Store) {
	person := entity(intel.KindPerson, intel.PersonKey("TH", "NATIONAL_ID", "1-1037-00012-34-5"))
	person.Sensitive = map[string]string{"name": "สมชาย ใจดี", "documentNumber": "1103700012345"}
	person.Attrs = map[string]string{"documentType": "NATIONAL_ID"}
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{person}})
	update := entity(intel.KindPerson, person.Key)
	update.Sensitive = map[string]string{"address": "99/1 ถ.สุขุมวิท กรุงเทพฯ"}
	mustUpsert(t, s, intel.Batch{Entities: []intel.Entity{update}})
	got := mustFind(t, s, person)
	want := map[string]string{"name": "สมชาย ใจดี", "documentNumber": "1103700012345", "address": "99/1 ถ.สุขุมวิท กรุงเทพฯ"}
	if !reflect.DeepEqual(got.Sensitive, want) || !reflect.DeepEqual(got.Attrs, person.Attrs) {
		t.Errorf("sensitive %v attrs %v", got.Sensitive, got.Attrs)
	}
	reg := state(intel.LinkRegisteredTo, phone("+66812345678"), person, "TH-NBTC", 0, 0)
	reg.Sensitive = map[string]string{"name": "Somchai Jaidee", "address": "Bangkok"}
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{reg}})
	if gl := mustLink(t, s, reg.ID); !reflect.DeepEqual(gl.Sensitive, reg.Sensitive) || len(gl.Attrs) != 0 {
		t.Errorf("link sensitive %v attrs %v", gl.Sensitive, gl.Attrs)
	}
})

var _ = register("EntityEveryKindRoundTrips", func(t *testing.T, h *Harness, s intel.Store) {
	keys := map[intel.Kind]string{
		intel.KindPhoneNumber: "+85512345678", intel.KindVoipAccount: "sip:a@b.example", intel.KindIPAddress: "2001:db8::1",
		intel.KindBankAccount: "KH:ABA:000123456", intel.KindSuspect: "KH-GDNP:S-7", intel.KindMessagingAccount: "line:boss.888",
		intel.KindCase: "TH-CCIB:2567-000123", intel.KindPerson: intel.PersonKey("KH", "PASSPORT", "N1234567"),
	}
	if len(keys) != len(intel.Kinds) {
		t.Fatalf("the check covers %d kinds of %d: add the new kind here", len(keys), len(intel.Kinds))
	}
	var b intel.Batch
	for k, key := range keys {
		b.Entities = append(b.Entities, entity(k, key))
	}
	mustUpsert(t, s, b)
	for k, key := range keys {
		if got := mustFind(t, s, entity(k, key)); got.Kind != k || got.Key != key {
			t.Errorf("%s: got %+v", k, got)
		}
	}
})
