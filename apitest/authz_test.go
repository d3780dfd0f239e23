package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
)

// This file is the authorization suite of the sharing rules: every reader
// (agency) × fact marking × agreement state × evidence category × access
// path, on every backend, with an oracle written out below independently
// of the code under test. Zero leaks means every check here passes.

// hubKey is the Thai number every fixture fact is about.
const hubKey = "+66812000001"

// authzFact is one fixture fact at the hub.
type authzFact struct {
	agency     string
	country    intel.Region
	visibility intel.Visibility
	category   intel.Category
	linkID     string // without the API's "Link:" prefix
	far        string // the entity at the other end, reached only through this fact
}

// authzFixture writes one fact per contributing agency × marking ×
// category at the hub. The far end of each fact is an entity that no rule
// other than the fact makes visible (SIP accounts have no home country; a
// person's visibility comes from facts only), so each far end shows
// exactly whether its fact is visible.
func authzFixture(t *testing.T, s intel.Store) []authzFact {
	t.Helper()
	hub := intel.Entity{ID: intel.EntityID(intel.KindPhoneNumber, hubKey), Kind: intel.KindPhoneNumber, Key: hubKey}
	var facts []authzFact
	var b intel.Batch
	b.Entities = append(b.Entities, hub)
	at := time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)
	n := 0
	for _, c := range []struct {
		agency  string
		country intel.Region
	}{{"TH-CCIB", intel.RegionTH}, {"TH-DSI", intel.RegionTH}, {"KH-GDNP", intel.RegionKH}} {
		for _, v := range []intel.Visibility{intel.VisibilityDomestic, intel.VisibilityShareable, intel.VisibilityRestricted} {
			for _, cat := range []intel.Category{intel.CategoryCallRecords, intel.CategoryVoipRegistration, intel.CategorySubscriberData} {
				n++
				prov := intel.Provenance{Agency: c.agency, Country: c.country, Visibility: v, Confidence: 0.9,
					EvidenceRef: fmt.Sprintf("EV-%d", n), LegalBasis: "domestic law"}
				var l intel.Link
				switch cat {
				case intel.CategoryCallRecords:
					far := intel.EntityID(intel.KindVoipAccount, fmt.Sprintf("sip:call%d@voip.example", n))
					l = intel.Link{Type: intel.LinkCalled, From: far, To: hub.ID, EventKey: fmt.Sprintf("authz-call-%d", n), Provenance: prov}
					l.ObservedAt = at.Add(time.Duration(n) * time.Minute)
				case intel.CategoryVoipRegistration:
					far := intel.EntityID(intel.KindVoipAccount, fmt.Sprintf("sip:voip%d@voip.example", n))
					l = intel.Link{Type: intel.LinkPresentedAs, From: far, To: hub.ID, Provenance: prov}
					l.ValidFrom = at.Add(time.Duration(n) * time.Minute)
				case intel.CategorySubscriberData:
					key := intel.PersonKey(string(c.country), "NATIONAL_ID", fmt.Sprintf("31012004567%02d", n))
					person := intel.Entity{ID: intel.EntityID(intel.KindPerson, key), Kind: intel.KindPerson, Key: key,
						Attrs:     map[string]string{"documentType": "NATIONAL_ID", "documentCountry": string(c.country)},
						Sensitive: map[string]string{"name": fmt.Sprintf("Subscriber %d", n), "documentNumber": fmt.Sprintf("31012004567%02d", n), "address": "1 Road"}}
					b.Entities = append(b.Entities, person)
					l = intel.Link{Type: intel.LinkRegisteredTo, From: hub.ID, To: person.ID, Provenance: prov,
						Attrs: map[string]string{"documentType": "NATIONAL_ID"}, Sensitive: map[string]string{"name": fmt.Sprintf("Subscriber %d", n)}}
					l.ValidFrom = at.Add(time.Duration(n) * time.Minute)
				}
				l.Normalize()
				b.Links = append(b.Links, l)
				far := l.From
				if far == hub.ID {
					far = l.To
				}
				facts = append(facts, authzFact{agency: c.agency, country: c.country, visibility: v, category: cat, linkID: l.ID, far: far})
			}
		}
	}
	if _, err := s.Upsert(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return facts
}

// oracle is the rule of issue #5 written out on its own: what a reader of
// agency (of country) may see, with the categories opened by an active
// agreement.
func oracle(agency string, country intel.Region, shared []intel.Category, f authzFact) bool {
	switch {
	case f.agency == agency:
		return true
	case f.visibility == intel.VisibilityRestricted:
		return false
	case f.country == country:
		return true
	}
	return f.visibility == intel.VisibilityShareable && slices.Contains(shared, f.category)
}

// authzBackends are empty stores of every kind, each with the fixture.
func authzBackends(t *testing.T) ([]backend, map[string][]authzFact) {
	t.Helper()
	facts := map[string][]authzFact{}
	backends := everyBackend(t, func(name string, s intel.Store) {
		facts[name] = authzFixture(t, s)
		facts[name+"+redis"] = facts[name]
	})
	return backends, facts
}

// call is one GraphQL request with a key and a purpose.
type call struct {
	Status int
	Data   map[string]any
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	}
	Extensions map[string]any
	Raw        string
}

func (c call) code() string {
	if len(c.Errors) == 0 {
		return ""
	}
	s, _ := c.Errors[0].Extensions["code"].(string)
	return s
}

func gql(t testing.TB, ts *httptest.Server, token, purpose, q string, vars map[string]any) call {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	} else {
		req.Header.Set("Authorization", "none") // keep the test server from adding its default key
	}
	if purpose != "" {
		req.Header.Set("X-Purpose", purpose)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	c := call{Status: res.StatusCode, Raw: string(raw)}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("status %d, not JSON: %s", res.StatusCode, raw)
	}
	if res.StatusCode >= 500 {
		t.Fatalf("status %d: %s", res.StatusCode, raw)
	}
	return c
}

// dig walks a decoded JSON value by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

const authzLookup = `query($id: String!) { lookup(identifier: $id) { entity { id
  summary { linkCount }
  links(first: 100) { totalCount edges { node { id sensitive { key value } } neighbour { id sensitive { key value } } } }
  voip: links(types: [PRESENTED_AS], first: 1) { totalCount } } } }`

const authzNodes = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`

const authzNetwork = `query($id: ID!) { network(seeds: [$id], depth: 1, limit: 500) { nodes { id } edges { id } missingSeeds } }`

// authzNetworkFull asks the same network with its entities and links,
// which the service reads in full rather than bare (intel.ExpandQuery.Bare).
const authzNetworkFull = `query($id: ID!) { network(seeds: [$id], depth: 1, limit: 500) { nodes { id entity { id } } edges { id link { id } } missingSeeds } }`

const authzPath = `query($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to, maxDepth: 3) { length } }`

// authzReader is one agency's analyst key.
type authzReader struct {
	agency  string
	country intel.Region
	token   string
}

func TestAuthorizationRulesOnEveryBackend(t *testing.T) {
	backends, facts := authzBackends(t)
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			runAuthz(t, b, facts[b.name])
		})
	}
}

func runAuthz(t *testing.T, b backend, facts []authzFact) {
	ctx := context.Background()
	ts, reg, keys := serveWithKeys(t, b, rulesOn)
	// The demo MOU is revoked: this suite sets its own agreements up.
	list, err := reg.ListAgreements(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if _, err := reg.RevokeAgreement(ctx, "test", a.ID, "replaced by the suite's own"); err != nil {
			t.Fatal(err)
		}
	}
	// An agreement that ran out long ago opens nothing.
	expired := demo.Agreement()
	expired.Title = "expired"
	expired.ValidFrom, expired.ValidUntil = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := reg.CreateAgreement(ctx, "test", expired); err != nil {
		t.Fatal(err)
	}
	readers := []authzReader{
		{agency: "TH-CCIB", country: intel.RegionTH, token: demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)},
		{agency: "KH-GDNP", country: intel.RegionKH, token: demo.KeyFor(keys, "KH-GDNP", access.RoleAnalyst)},
	}
	for _, other := range []struct {
		code    string
		country intel.Region
	}{{"TH-DSI", intel.RegionTH}, {"KH-MPTC", intel.RegionKH}} {
		_, tok, err := reg.CreateKey(ctx, "test", other.code, access.RoleAnalyst, "authz", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		readers = append(readers, authzReader{agency: other.code, country: other.country, token: tok})
	}

	partial := demo.Agreement()
	partial.Title = "calls and subscribers only"
	partial.ValidFrom = time.Now().Add(-24 * time.Hour)
	partial.ValidUntil = time.Now().Add(365 * 24 * time.Hour)
	partial.Categories = []intel.Category{intel.CategoryCallRecords, intel.CategorySubscriberData}
	var agreementID string
	states := []struct {
		name   string
		enter  func() error
		shared []intel.Category
	}{
		{name: "expired", enter: func() error { return nil }},
		{name: "active", shared: partial.Categories, enter: func() error {
			a, err := reg.CreateAgreement(ctx, "test", partial)
			agreementID = a.ID
			return err
		}},
		{name: "suspended", enter: func() error {
			_, err := reg.SuspendAgreement(ctx, "test", agreementID, "review")
			return err
		}},
		{name: "resumed", shared: partial.Categories, enter: func() error {
			_, err := reg.ResumeAgreement(ctx, "test", agreementID, "review done")
			return err
		}},
		{name: "revoked", enter: func() error {
			_, err := reg.RevokeAgreement(ctx, "test", agreementID, "ended")
			return err
		}},
	}
	hubID := intel.EntityID(intel.KindPhoneNumber, hubKey)
	for _, st := range states {
		if err := st.enter(); err != nil {
			t.Fatalf("entering %s: %v", st.name, err)
		}
		for _, r := range readers {
			var visible []authzFact
			for _, f := range facts {
				if oracle(r.agency, r.country, st.shared, f) {
					visible = append(visible, f)
				}
			}
			name := st.name + "/" + r.agency
			// Each path is asked twice: the second answer may come from the
			// cache, and must be the same.
			for round := 0; round < 2; round++ {
				t.Run(name+"/lookup", func(t *testing.T) { checkLookup(t, ts, r, visible) })
				t.Run(name+"/nodes", func(t *testing.T) { checkNodes(t, ts, r, facts, visible) })
				t.Run(name+"/network", func(t *testing.T) { checkNetwork(t, ts, reg, r, hubID, visible) })
			}
			t.Run(name+"/shortestPath", func(t *testing.T) { checkPaths(t, ts, r, hubID, facts, visible) })
		}
	}
}

func checkLookup(t *testing.T, ts *httptest.Server, r authzReader, visible []authzFact) {
	c := gql(t, ts, r.token, "", authzLookup, map[string]any{"id": hubKey})
	if len(c.Errors) > 0 {
		t.Fatalf("errors: %s", c.Raw)
	}
	e := dig(c.Data, "lookup", "entity")
	if len(visible) == 0 {
		if e != nil {
			t.Fatalf("a number with no fact visible to %s is shown: %v", r.agency, e)
		}
		return
	}
	if e == nil {
		t.Fatalf("hub not shown to %s", r.agency)
	}
	if n, _ := dig(e, "summary", "linkCount").(float64); int(n) != len(visible) {
		t.Errorf("summary.linkCount %v, want %d", n, len(visible))
	}
	if n, _ := dig(e, "links", "totalCount").(float64); int(n) != len(visible) {
		t.Errorf("links.totalCount %v, want %d", n, len(visible))
	}
	wantVoip := 0
	want := map[string]authzFact{}
	for _, f := range visible {
		want["Link:"+f.linkID] = f
		if f.category == intel.CategoryVoipRegistration {
			wantVoip++
		}
	}
	if n, _ := dig(e, "voip", "totalCount").(float64); int(n) != wantVoip {
		t.Errorf("links(types: [PRESENTED_AS]).totalCount %v, want %d", n, wantVoip)
	}
	edges, _ := dig(e, "links", "edges").([]any)
	masked := false
	for _, edge := range edges {
		id, _ := dig(edge, "node", "id").(string)
		f, ok := want[id]
		if !ok {
			t.Errorf("leak: %s sees %s", r.agency, id)
			continue
		}
		delete(want, id)
		if f.category != intel.CategorySubscriberData {
			continue
		}
		linkSensitive, _ := dig(edge, "node", "sensitive").([]any)
		personSensitive, _ := dig(edge, "neighbour", "sensitive").([]any)
		// Personal data is shown on the fact, under the fact's rules, and
		// never on the person, which merges every record's.
		if own := f.country == r.country; own != (len(linkSensitive) > 0) || len(personSensitive) != 0 {
			t.Errorf("%s: personal data of %s shown to %s: link %v, person %v", id, f.country, r.agency, linkSensitive, personSensitive)
		}
		masked = masked || f.country != r.country
	}
	for id := range want {
		t.Errorf("%s does not see %s", r.agency, id)
	}
	red, _ := c.Extensions["redactions"].([]any)
	if masked != (len(red) > 0) {
		t.Errorf("masked fields %v but extensions.redactions has %d entries", masked, len(red))
	}
	for _, x := range red {
		if dig(x, "reason") == "" || dig(x, "field") == "" {
			t.Errorf("redaction without field or reason: %v", x)
		}
	}
}

func checkNodes(t *testing.T, ts *httptest.Server, r authzReader, facts, visible []authzFact) {
	var ids []string
	for _, f := range facts {
		ids = append(ids, "Link:"+f.linkID, f.far)
	}
	c := gql(t, ts, r.token, "", authzNodes, map[string]any{"ids": ids})
	if len(c.Errors) > 0 {
		t.Fatalf("errors: %s", c.Raw)
	}
	seen := map[string]bool{}
	for _, f := range visible {
		seen["Link:"+f.linkID], seen[f.far] = true, true
	}
	for i, id := range ids {
		got := dig(c.Data, "nodes", i) != nil
		if got != seen[id] {
			t.Errorf("node(%s) shown=%v to %s, want %v", id, got, r.agency, seen[id])
		}
	}
}

func checkNetwork(t *testing.T, ts *httptest.Server, reg *access.Registry, r authzReader, hubID string, visible []authzFact) {
	c := gql(t, ts, r.token, "CASE-AUTHZ-1", authzNetwork, map[string]any{"id": hubID})
	if len(c.Errors) > 0 {
		t.Fatalf("errors: %s", c.Raw)
	}
	// The same network read in full: the same nodes and edges, and the
	// same audit of what was read.
	bareEntry := lastAudit(t, reg, r.agency)
	full := gql(t, ts, r.token, "CASE-AUTHZ-1", authzNetworkFull, map[string]any{"id": hubID})
	fullEntry := lastAudit(t, reg, r.agency)
	for _, part := range []string{"nodes", "edges"} {
		var bareIDs, fullIDs []any
		for _, x := range asList(dig(c.Data, "network", part)) {
			bareIDs = append(bareIDs, dig(x, "id"))
		}
		for _, x := range asList(dig(full.Data, "network", part)) {
			fullIDs = append(fullIDs, dig(x, "id"))
		}
		if !reflect.DeepEqual(bareIDs, fullIDs) {
			t.Errorf("%s of the network as drawn %v, read in full %v", part, bareIDs, fullIDs)
		}
	}
	if bareEntry.Seq != 0 || fullEntry.Seq != 0 {
		if !reflect.DeepEqual(bareEntry.DataCountries, fullEntry.DataCountries) || !reflect.DeepEqual(bareEntry.Entities, fullEntry.Entities) {
			t.Errorf("audit of the network as drawn %+v, read in full %+v", bareEntry, fullEntry)
		}
	}
	want := map[string]bool{}
	for _, f := range visible {
		want["Link:"+f.linkID] = true
	}
	edges, _ := dig(c.Data, "network", "edges").([]any)
	for _, e := range edges {
		id, _ := dig(e, "id").(string)
		if !want[id] {
			t.Errorf("leak: network shows %s to %s", id, r.agency)
		}
		delete(want, id)
	}
	for id := range want {
		t.Errorf("network misses %s for %s", id, r.agency)
	}
	nodes, _ := dig(c.Data, "network", "nodes").([]any)
	if len(visible) > 0 {
		if len(nodes) != len(visible)+1 {
			t.Errorf("%d nodes, want %d", len(nodes), len(visible)+1)
		}
	} else if len(nodes) != 0 || len(dig(c.Data, "network", "missingSeeds").([]any)) != 1 {
		t.Errorf("a hub %s may not see was expanded: %s", r.agency, c.Raw)
	}
}

func checkPaths(t *testing.T, ts *httptest.Server, r authzReader, hubID string, facts, visible []authzFact) {
	seen := map[string]bool{}
	for _, f := range visible {
		seen[f.linkID] = true
	}
	for _, f := range facts {
		c := gql(t, ts, r.token, "", authzPath, map[string]any{"from": f.far, "to": hubID})
		found := dig(c.Data, "shortestPath") != nil
		if found != seen[f.linkID] {
			t.Errorf("path %s → hub over %s %s %s: found=%v for %s (%s)", f.far, f.agency, f.visibility, f.category, found, r.agency, c.Raw)
		}
		if !found && len(c.Errors) > 0 && c.code() != "NOT_FOUND" {
			t.Errorf("unexpected error: %s", c.Raw)
		}
	}
}

// lastAudit is agency's newest audit entry, zero when it has none.
func lastAudit(t *testing.T, reg *access.Registry, agency string) access.AuditEntry {
	t.Helper()
	var last access.AuditEntry
	for {
		entries, err := reg.QueryAudit(context.Background(), access.AuditFilter{Agency: agency, AfterSeq: last.Seq, Limit: access.MaxAuditLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 {
			return last
		}
		last = entries[len(entries)-1]
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
