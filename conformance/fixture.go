package conformance

import (
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// base is the fixed moment fixtures are built around.
var base = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

func at(hours int) time.Time { return base.Add(time.Duration(hours) * time.Hour) }

func entity(kind intel.Kind, key string) intel.Entity {
	return intel.Entity{ID: intel.EntityID(kind, key), Kind: kind, Key: key}
}

func phone(e164 string) intel.Entity { return entity(intel.KindPhoneNumber, e164) }
func voip(uri string) intel.Entity   { return entity(intel.KindVoipAccount, uri) }
func ip(addr string) intel.Entity    { return entity(intel.KindIPAddress, addr) }
func bank(key string) intel.Entity   { return entity(intel.KindBankAccount, key) }
func suspect(ref string) intel.Entity {
	return entity(intel.KindSuspect, ref)
}

func pid(e164 string) string { return intel.EntityID(intel.KindPhoneNumber, e164) }

func provenance(agency string, country intel.Region) intel.Provenance {
	return intel.Provenance{
		Agency: agency, Country: country, EvidenceRef: "CASE-1", Confidence: 0.9,
		LegalBasis: "TH-KH MOU 2022", Visibility: intel.VisibilityShareable,
	}
}

// event builds an event link observed at the given hour.
func event(t intel.LinkType, from, to intel.Entity, hour int, key string) intel.Link {
	l := intel.Link{Type: t, From: from.ID, To: to.ID, EventKey: key, Provenance: provenance("TH-CIB", intel.RegionTH)}
	l.ObservedAt = at(hour)
	l.Attrs = map[string]string{"durationSec": "60"}
	l.Normalize()
	return l
}

// call is a CALLED link between two phone numbers.
func call(from, to string, hour int, key string) intel.Link {
	return event(intel.LinkCalled, phone(from), phone(to), hour, key)
}

// state builds a state link valid over [from, until) hours (until 0 = open).
func state(t intel.LinkType, a, b intel.Entity, agency string, fromHour, untilHour int) intel.Link {
	l := intel.Link{Type: t, From: a.ID, To: b.ID, Provenance: provenance(agency, intel.RegionTH)}
	l.ValidFrom = at(fromHour)
	if untilHour != 0 {
		l.ValidUntil = at(untilHour)
	}
	l.Normalize()
	return l
}

func mustUpsert(t *testing.T, s intel.Store, b intel.Batch) intel.UpsertResult {
	t.Helper()
	res, err := s.Upsert(ctxFor(t), b)
	if err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	return res
}

func mustFind(t *testing.T, s intel.Store, e intel.Entity) intel.Entity {
	t.Helper()
	got, err := s.FindEntity(ctxFor(t), e.Kind, e.Key)
	if err != nil {
		t.Fatalf("FindEntity(%s): %v", e.ID, err)
	}
	return got
}

func mustLink(t *testing.T, s intel.Store, id string) intel.Link {
	t.Helper()
	got, err := s.GetLinks(ctxFor(t), []string{id})
	if err != nil {
		t.Fatalf("GetLinks: %v", err)
	}
	l, ok := got[id]
	if !ok {
		t.Fatalf("link %s not stored", id)
	}
	return l
}

func mustNeighbours(t *testing.T, s intel.Store, q intel.NeighbourQuery) intel.NeighbourPage {
	t.Helper()
	p, err := s.Neighbours(ctxFor(t), q)
	if err != nil {
		t.Fatalf("Neighbours: %v", err)
	}
	return p
}

func mustExpand(t *testing.T, s intel.Store, q intel.ExpandQuery) intel.Subgraph {
	t.Helper()
	g, err := s.Expand(ctxFor(t), q)
	if err != nil {
		t.Fatalf("Expand: %v", err)
	}
	return g
}

func mustPath(t *testing.T, s intel.Store, q intel.PathQuery) *intel.Path {
	t.Helper()
	p, err := s.ShortestPath(ctxFor(t), q)
	if err != nil {
		t.Fatalf("ShortestPath: %v", err)
	}
	return p
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s error on %q, got nil", code, field)
	}
	if got := intel.ErrorCode(err); got != code {
		t.Fatalf("want code %s, got %s (%v)", code, got, err)
	}
	if field != "" && intel.ErrorField(err) != field {
		t.Fatalf("want field %q, got %q (%v)", field, intel.ErrorField(err), err)
	}
}

func linkIDs(ls []intel.Link) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.ID
	}
	return out
}

func nodeIDs(es []intel.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func neighbourIDs(p intel.NeighbourPage) []string {
	out := make([]string, len(p.Items))
	for i, n := range p.Items {
		out[i] = n.Link.ID
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sortStrings(out)
	return out
}
