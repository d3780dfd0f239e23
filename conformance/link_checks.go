package conformance

import (
	"reflect"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

var _ = register("LinkCreatesStubEnds", func(t *testing.T, h *Harness, s intel.Store) {
	l := event(intel.LinkRegisteredFrom, voip("sip:a@voip.example.com"), ip("203.0.113.9"), 1, "reg-1")
	res := mustUpsert(t, s, intel.Batch{Links: []intel.Link{l}})
	if res.EntitiesCreated != 2 || res.LinksCreated != 1 {
		t.Errorf("result %+v, want 2 entities and 1 link created", res)
	}
	got := mustFind(t, s, ip("203.0.113.9"))
	if got.Kind != intel.KindIPAddress || got.Key != "203.0.113.9" || got.Label != "203.0.113.9" {
		t.Errorf("stub end %+v", got)
	}
})

var _ = register("LinkProvenanceRoundTrip", func(t *testing.T, h *Harness, s intel.Store) {
	l := intel.Link{
		Type: intel.LinkTransferred, From: bank("TH:004:1234567890").ID, To: bank("KH:ABA:000123456").ID,
		EventKey: "KBANK:tx:998877",
		Provenance: intel.Provenance{
			Agency: "TH-AMLO", Country: intel.RegionTH, ObservedAt: time.Date(2024, 2, 29, 23, 59, 58, 123e6, time.UTC),
			EvidenceRef: "AMLO/2567/0012", Confidence: 0.75, LegalBasis: "AMLA s.38", Visibility: intel.VisibilityRestricted,
		},
		Attrs: map[string]string{"amount": "49999.50", "currency": "THB", "channel": "mobile-banking"},
	}
	l.Normalize()
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{l}})
	got := mustLink(t, s, l.ID)
	if got.IngestedAt.IsZero() {
		t.Fatal("IngestedAt not set by the store")
	}
	got.IngestedAt = time.Time{}
	if !reflect.DeepEqual(got, l) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, l)
	}
	st := state(intel.LinkPresentedAs, voip("sip:b@voip.example.com"), phone("+66212345678"), "TH-NBTC", 2, 50)
	st.Country = intel.RegionKH
	st.Visibility = intel.VisibilityDomestic
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{st}})
	gs := mustLink(t, s, st.ID)
	gs.IngestedAt = time.Time{}
	if !reflect.DeepEqual(gs, st) {
		t.Errorf("state round trip:\n got %+v\nwant %+v", gs, st)
	}
})

var _ = register("LinkReplayIsIdempotent", func(t *testing.T, h *Harness, s intel.Store) {
	b := intel.Batch{Links: []intel.Link{
		call("+66811111111", "+66822222222", 1, "cdr-1"),
		call("+66811111111", "+66822222222", 2, "cdr-2"),
		state(intel.LinkUses, suspect("S1"), phone("+66811111111"), "TH-CIB", 0, 0),
	}}
	first := mustUpsert(t, s, b)
	if first.LinksCreated != 3 {
		t.Fatalf("first upsert created %d links", first.LinksCreated)
	}
	before := mustLink(t, s, b.Links[0].ID)
	again := mustUpsert(t, s, b)
	if again.LinksCreated != 0 || again.EntitiesCreated != 0 {
		t.Errorf("replay created %+v", again)
	}
	if after := mustLink(t, s, b.Links[0].ID); !reflect.DeepEqual(before, after) {
		t.Errorf("replay changed the link:\n%+v\n%+v", before, after)
	}
	p := mustNeighbours(t, s, intel.NeighbourQuery{ID: pid("+66811111111")})
	if p.TotalCount != 3 {
		t.Errorf("%d links after replay, want 3", p.TotalCount)
	}
})

var _ = register("LinkUpsertReplacesButKeepsIngestedAt", func(t *testing.T, h *Harness, s intel.Store) {
	l := call("+66811111111", "+66822222222", 1, "cdr-1")
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{l}})
	first := mustLink(t, s, l.ID)
	l.Attrs = map[string]string{"durationSec": "61", "answered": "true"}
	l.Confidence = 0.5
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{l}})
	got := mustLink(t, s, l.ID)
	if !reflect.DeepEqual(got.Attrs, l.Attrs) || got.Confidence != 0.5 {
		t.Errorf("link not replaced: %+v", got)
	}
	if !got.IngestedAt.Equal(first.IngestedAt) {
		t.Errorf("IngestedAt moved from %v to %v", first.IngestedAt, got.IngestedAt)
	}
})

var _ = register("LinkEventKeysSeparateEvents", func(t *testing.T, h *Harness, s intel.Store) {
	a := call("+66811111111", "+66822222222", 1, "cdr-1")
	b := call("+66811111111", "+66822222222", 1, "cdr-2")
	if a.ID == b.ID {
		t.Fatal("two events share an id")
	}
	res := mustUpsert(t, s, intel.Batch{Links: []intel.Link{a, b, a}})
	if res.LinksCreated != 2 {
		t.Errorf("LinksCreated = %d, want 2 (the repeat inside the batch counts once)", res.LinksCreated)
	}
})

var _ = register("LinkStateFactsAreKeptPerAgency", func(t *testing.T, h *Harness, s intel.Store) {
	th := state(intel.LinkUses, suspect("S1"), phone("+66811111111"), "TH-CIB", 0, 0)
	kh := state(intel.LinkUses, suspect("S1"), phone("+66811111111"), "KH-GDNP", 0, 0)
	kh.Country = intel.RegionKH
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{th, kh}})
	p := mustNeighbours(t, s, intel.NeighbourQuery{ID: suspect("S1").ID})
	if p.TotalCount != 2 {
		t.Errorf("%d USES facts, want one per agency (2)", p.TotalCount)
	}
})

var _ = register("LinkRejectsEventWithoutKey", func(t *testing.T, h *Harness, s intel.Store) {
	l := call("+66811111111", "+66822222222", 1, "")
	_, err := s.Upsert(ctxFor(t), intel.Batch{Links: []intel.Link{l}})
	wantCode(t, err, intel.EINVALID, "links[0].eventKey")
	l = call("+66811111111", "+66822222222", 1, "k")
	l.ObservedAt = time.Time{}
	_, err = s.Upsert(ctxFor(t), intel.Batch{Links: []intel.Link{l}})
	wantCode(t, err, intel.EINVALID, "links[0].observedAt")
})

var _ = register("LinkRejectsWrongEndKinds", func(t *testing.T, h *Harness, s intel.Store) {
	l := event(intel.LinkRegisteredFrom, phone("+66811111111"), ip("203.0.113.1"), 1, "r")
	_, err := s.Upsert(ctxFor(t), intel.Batch{Links: []intel.Link{l}})
	wantCode(t, err, intel.EINVALID, "links[0].from")
	l = state(intel.LinkUses, suspect("S1"), suspect("S2"), "TH-CIB", 0, 0)
	_, err = s.Upsert(ctxFor(t), intel.Batch{Links: []intel.Link{l}})
	wantCode(t, err, intel.EINVALID, "links[0].to")
})

var _ = register("LinkRejectsBadProvenance", func(t *testing.T, h *Harness, s intel.Store) {
	cases := map[string]func(l *intel.Link){
		"links[0].confidence": func(l *intel.Link) { l.Confidence = -0.1 },
		"links[0].country":    func(l *intel.Link) { l.Country = "VN" },
		"links[0].agency":     func(l *intel.Link) { l.Agency = "" },
		"links[0].visibility": func(l *intel.Link) { l.Visibility = "PUBLIC" },
		"links[0].type":       func(l *intel.Link) { l.Type = "KNOWS" },
	}
	for field, mutate := range cases {
		l := call("+66811111111", "+66822222222", 1, "cdr-1")
		mutate(&l)
		l.ID = intel.LinkIdentity(l.Type, l.From, l.To, l.EventKey, l.Agency, l.ValidFrom)
		_, err := s.Upsert(ctxFor(t), intel.Batch{Links: []intel.Link{l}})
		wantCode(t, err, intel.EINVALID, field)
	}
	if _, err := s.FindEntity(ctxFor(t), intel.KindPhoneNumber, "+66811111111"); intel.ErrorCode(err) != intel.ENOTFOUND {
		t.Errorf("a rejected link wrote its end: %v", err)
	}
})

var _ = register("LinkRejectsInvertedValidity", func(t *testing.T, h *Harness, s intel.Store) {
	l := state(intel.LinkPresentedAs, voip("sip:a@x.example"), phone("+66811111111"), "TH-CIB", 5, 2)
	_, err := s.Upsert(ctxFor(t), intel.Batch{Links: []intel.Link{l}})
	wantCode(t, err, intel.EINVALID, "links[0].validUntil")
})

var _ = register("LinkRejectsSelfLoop", func(t *testing.T, h *Harness, s intel.Store) {
	l := call("+66811111111", "+66811111111", 1, "cdr-self")
	_, err := s.Upsert(ctxFor(t), intel.Batch{Links: []intel.Link{l}})
	wantCode(t, err, intel.EINVALID, "links[0].to")
})

var _ = register("LinkGetManyOmitsMissing", func(t *testing.T, h *Harness, s intel.Store) {
	l := call("+66811111111", "+66822222222", 1, "cdr-1")
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{l}})
	got, err := s.GetLinks(ctxFor(t), []string{"Lmissing", l.ID})
	if err != nil || len(got) != 1 || got[l.ID].From != l.From || got[l.ID].To != l.To {
		t.Fatalf("GetLinks = %v, %v", got, err)
	}
})

var _ = register("LinkConcurrentWritersEndInOneLink", func(t *testing.T, h *Harness, s intel.Store) {
	l := call("+66811111111", "+66822222222", 1, "cdr-1")
	done := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			_, err := s.Upsert(ctxFor(t), intel.Batch{Links: []intel.Link{l}})
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	p := mustNeighbours(t, s, intel.NeighbourQuery{ID: l.From})
	if p.TotalCount != 1 {
		t.Errorf("%d links after concurrent identical writes, want 1", p.TotalCount)
	}
})

var _ = register("LinkStatePeriodsAreSeparateFacts", func(t *testing.T, h *Harness, s intel.Store) {
	a, n := voip("sip:a@x.example"), phone("+66811111111")
	first := state(intel.LinkPresentedAs, a, n, "TH-NBTC", 0, 0)
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{first}})
	// The same agency learns when that period ended: the same fact, updated.
	ended := state(intel.LinkPresentedAs, a, n, "TH-NBTC", 0, 10)
	if ended.ID != first.ID {
		t.Fatal("the end of a period changed the fact's id")
	}
	// A second period is a second fact.
	second := state(intel.LinkPresentedAs, a, n, "TH-NBTC", 20, 30)
	mustUpsert(t, s, intel.Batch{Links: []intel.Link{ended, second}})
	p := mustNeighbours(t, s, intel.NeighbourQuery{ID: a.ID})
	if p.TotalCount != 2 {
		t.Fatalf("%d PRESENTED_AS facts, want 2", p.TotalCount)
	}
	if got := mustLink(t, s, first.ID); !got.ValidUntil.Equal(at(10)) {
		t.Errorf("ValidUntil = %v, want the reported end", got.ValidUntil)
	}
})
