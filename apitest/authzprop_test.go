package apitest

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

// This file is the property-based half of the authorization suite: rapid
// generates worlds (agencies of both countries, agreements active or not
// over some evidence categories, facts of every marking and category from
// any of the agencies, evidence grants) and many readers' queries in each,
// runs them on a store, and compares every answer with propOracle, the rule
// written out once more on its own (not with intel.Access, which the
// stores apply). Each world is one batch written to the store and many
// queries, so that thousands of cases cost a few hundred round trips. The
// step from agreements in the registry to the categories they open is the
// registry's, covered by authz_test.go; here an agreement is its
// categories and whether it is in force.

// propCategories are the categories of the generated facts, one link type
// each, with far ends that only their fact reaches.
var propCategories = []intel.Category{intel.CategoryCallRecords, intel.CategoryVoipRegistration, intel.CategorySubscriberData}

var propVisibilities = []intel.Visibility{intel.VisibilityDomestic, intel.VisibilityShareable, intel.VisibilityRestricted}

// propAgency is a generated agency.
type propAgency struct {
	code    string
	country intel.Region
}

// propAgreement is a generated agreement: the categories it covers and
// whether it is in force now (approved and within its term, not suspended).
type propAgreement struct {
	categories []intel.Category
	inForce    bool
}

// propFact is a generated fact at the world's hub.
type propFact struct {
	agency     propAgency
	visibility intel.Visibility
	category   intel.Category
	linkID     string
	far        string
}

// propWorld is one generated world as written to a store.
type propWorld struct {
	hub        string
	agencies   []propAgency
	agreements []propAgreement
	facts      []propFact
}

// propOracle says whether reader may see f under the agreements, with the
// facts granted to it by answered evidence requests.
func propOracle(reader propAgency, agreements []propAgreement, granted map[string]bool, f propFact) bool {
	if f.agency.code == reader.code || granted[f.linkID] {
		return true
	}
	if f.visibility == intel.VisibilityRestricted {
		return false
	}
	if f.agency.country == reader.country {
		return true
	}
	if f.visibility != intel.VisibilityShareable {
		return false
	}
	for _, a := range agreements {
		if a.inForce && slices.Contains(a.categories, f.category) {
			return true
		}
	}
	return false
}

// worldSeq makes each world's ids unique, so that worlds written to one
// store never meet.
var worldSeq atomic.Int64

// drawWorld generates a world and writes it to s.
func drawWorld(rt *rapid.T, s intel.Store) propWorld {
	w := worldSeq.Add(1)
	var world propWorld
	for _, c := range []intel.Region{intel.RegionTH, intel.RegionKH} {
		n := rapid.IntRange(1, 3).Draw(rt, "agencies"+string(c))
		for i := range n {
			world.agencies = append(world.agencies, propAgency{code: fmt.Sprintf("%s-P%d", c, i), country: c})
		}
	}
	for range rapid.IntRange(0, 3).Draw(rt, "agreements") {
		var a propAgreement
		for _, c := range propCategories {
			if rapid.Bool().Draw(rt, "covers") {
				a.categories = append(a.categories, c)
			}
		}
		a.inForce = rapid.Bool().Draw(rt, "inForce")
		world.agreements = append(world.agreements, a)
	}
	hubKey := fmt.Sprintf("+6682%07d", w)
	hub := intel.Entity{ID: intel.EntityID(intel.KindPhoneNumber, hubKey), Kind: intel.KindPhoneNumber, Key: hubKey}
	world.hub = hub.ID
	b := intel.Batch{Entities: []intel.Entity{hub}}
	at := time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)
	for i := range rapid.IntRange(1, 16).Draw(rt, "facts") {
		f := propFact{agency: rapid.SampledFrom(world.agencies).Draw(rt, "agency"),
			visibility: rapid.SampledFrom(propVisibilities).Draw(rt, "visibility"),
			category:   rapid.SampledFrom(propCategories).Draw(rt, "category")}
		prov := intel.Provenance{Agency: f.agency.code, Country: f.agency.country, Visibility: f.visibility, Confidence: 0.9,
			EvidenceRef: fmt.Sprintf("EV-%d-%d", w, i), LegalBasis: "domestic law"}
		var l intel.Link
		switch f.category {
		case intel.CategoryCallRecords:
			far := intel.EntityID(intel.KindVoipAccount, fmt.Sprintf("sip:w%d-call%d@voip.example", w, i))
			l = intel.Link{Type: intel.LinkCalled, From: far, To: hub.ID, EventKey: fmt.Sprintf("prop-%d-%d", w, i), Provenance: prov}
			l.ObservedAt = at.Add(time.Duration(i) * time.Minute)
		case intel.CategoryVoipRegistration:
			far := intel.EntityID(intel.KindVoipAccount, fmt.Sprintf("sip:w%d-voip%d@voip.example", w, i))
			l = intel.Link{Type: intel.LinkPresentedAs, From: far, To: hub.ID, Provenance: prov}
			l.ValidFrom = at.Add(time.Duration(i) * time.Minute)
		case intel.CategorySubscriberData:
			// The document number is unique per world and fact: PersonKey drops
			// dashes, so "13-11" and "131-1" would be one person.
			key := intel.PersonKey(string(f.agency.country), "NATIONAL_ID", fmt.Sprintf("W%dF%d", w, i))
			person := intel.Entity{ID: intel.EntityID(intel.KindPerson, key), Kind: intel.KindPerson, Key: key,
				Attrs: map[string]string{"documentType": "NATIONAL_ID", "documentCountry": string(f.agency.country)}}
			b.Entities = append(b.Entities, person)
			l = intel.Link{Type: intel.LinkRegisteredTo, From: hub.ID, To: person.ID, Provenance: prov}
			l.ValidFrom = at.Add(time.Duration(i) * time.Minute)
		}
		l.Normalize()
		f.linkID, f.far = l.ID, l.From
		if f.far == hub.ID {
			f.far = l.To
		}
		b.Links = append(b.Links, l)
		world.facts = append(world.facts, f)
	}
	if _, err := s.Upsert(context.Background(), b); err != nil {
		rt.Fatalf("writing the world: %v", err)
	}
	return world
}

// propCounts are what a run generated and checked.
type propCounts struct {
	worlds, agencies, agreements, facts, queries, factsJudged int
}

func (c propCounts) cases() int { return c.agencies + c.agreements + c.facts + c.queries }

// checkWorld generates readers' queries in world and checks every answer
// of s against the oracle: no fact the rules forbid, and every fact they
// allow (counts and paths included).
func checkWorld(rt *rapid.T, s intel.Store, world propWorld, maxQueries int, counts *propCounts) {
	ctx := context.Background()
	// Readers are the world's agencies and one of each country that
	// contributed nothing.
	readers := append(slices.Clone(world.agencies), propAgency{"TH-Q", intel.RegionTH}, propAgency{"KH-Q", intel.RegionKH})
	n := rapid.IntRange(1, maxQueries).Draw(rt, "queries")
	for range n {
		reader := rapid.SampledFrom(readers).Draw(rt, "reader")
		granted := map[string]bool{}
		acc := &intel.Access{Agency: reader.code, Country: reader.country}
		for _, f := range world.facts {
			if rapid.IntRange(0, 7).Draw(rt, "grant") == 0 {
				granted[f.linkID] = true
				acc.Granted = append(acc.Granted, f.linkID)
			}
		}
		for _, a := range world.agreements {
			if a.inForce && reader.country != "" {
				acc.Shared = append(acc.Shared, a.categories...)
			}
		}
		acc.Normalize()
		visible := map[string]bool{}
		for _, f := range world.facts {
			if propOracle(reader, world.agreements, granted, f) {
				visible[f.linkID] = true
			}
		}
		judge := func(what string, ids []string, total int) {
			counts.factsJudged += len(ids)
			for _, id := range ids {
				if !visible[id] {
					rt.Fatalf("%s: %s sees %s, which the rules forbid (world %+v)", what, reader.code, id, world)
				}
			}
			if total != len(visible) {
				rt.Fatalf("%s: %s sees %d facts, the rules allow %d (world %+v)", what, reader.code, total, len(visible), world)
			}
		}
		switch kind := rapid.IntRange(0, 3).Draw(rt, "kind"); kind {
		case 0:
			p, err := s.Neighbours(ctx, intel.NeighbourQuery{ID: world.hub, First: 100, Access: acc})
			if err != nil {
				rt.Fatal(err)
			}
			var ids []string
			for _, it := range p.Items {
				ids = append(ids, it.Link.ID)
			}
			judge("Neighbours", ids, p.TotalCount)
			if len(ids) != p.TotalCount {
				rt.Fatalf("Neighbours: %d items of %d", len(ids), p.TotalCount)
			}
		case 1:
			pages, err := s.NeighboursOf(ctx, []string{world.hub}, intel.NeighbourQuery{First: 100, Access: acc})
			if err != nil {
				rt.Fatal(err)
			}
			var ids []string
			for _, it := range pages[world.hub].Items {
				ids = append(ids, it.Link.ID)
			}
			judge("NeighboursOf", ids, pages[world.hub].TotalCount)
		case 2:
			g, err := s.Expand(ctx, intel.ExpandQuery{Seeds: []string{world.hub}, Depth: rapid.IntRange(1, 2).Draw(rt, "depth"), Access: acc})
			if err != nil {
				rt.Fatal(err)
			}
			var ids []string
			for _, l := range g.Links {
				ids = append(ids, l.ID)
			}
			judge("Expand", ids, len(ids))
		case 3:
			f := rapid.SampledFrom(world.facts).Draw(rt, "pathTo")
			p, err := s.ShortestPath(ctx, intel.PathQuery{From: world.hub, To: f.far, MaxDepth: 2, Access: acc})
			if err != nil {
				rt.Fatal(err)
			}
			counts.factsJudged++
			if (p != nil) != visible[f.linkID] {
				rt.Fatalf("ShortestPath to %s: %s finds a path %v, the rules say %v (world %+v)", f.far, reader.code, p != nil, visible[f.linkID], world)
			}
			if p != nil && (len(p.Links) != 1 || p.Links[0].ID != f.linkID) {
				rt.Fatalf("ShortestPath to %s: %+v, want the one fact %s", f.far, p.Links, f.linkID)
			}
		}
	}
	counts.worlds++
	counts.agencies += len(world.agencies)
	counts.agreements += len(world.agreements)
	counts.facts += len(world.facts)
	counts.queries += n
}

// TestAuthorizationProperties runs generated worlds and queries on both
// stores: at least 10,000 generated agencies, agreements, facts and
// queries in all, and not one fact seen that the rules forbid.
func TestAuthorizationProperties(t *testing.T) {
	emb, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	runs := []struct {
		name       string
		store      intel.Store
		checks     int // rapid runs of 100 worlds each
		maxQueries int
	}{
		{"embedded", emb, 4, 60},
		{"neo4j", neo4jtest.Open(t), 1, 30},
	}
	var all propCounts
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			var c propCounts
			start := time.Now()
			for range r.checks {
				rapid.Check(t, func(rt *rapid.T) {
					checkWorld(rt, r.store, drawWorld(rt, r.store), r.maxQueries, &c)
				})
			}
			t.Logf("%s: %d worlds, %d agencies, %d agreements, %d facts, %d queries (%d generated cases), %d answers judged, 0 forbidden facts seen, in %s",
				r.name, c.worlds, c.agencies, c.agreements, c.facts, c.queries, c.cases(), c.factsJudged, time.Since(start).Round(time.Millisecond))
			all.worlds += c.worlds
			all.agencies += c.agencies
			all.agreements += c.agreements
			all.facts += c.facts
			all.queries += c.queries
			all.factsJudged += c.factsJudged
		})
	}
	if all.cases() < 10000 {
		t.Errorf("only %d generated cases in all, want at least 10,000", all.cases())
	}
	t.Logf("authorization properties: %d generated cases on both stores (%d queries), %d answers judged, 0 forbidden facts seen",
		all.cases(), all.queries, all.factsJudged)
}
