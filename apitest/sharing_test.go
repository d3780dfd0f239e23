package apitest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
	"github.com/scamgraph/scamgraph/rediscache"
)

// sharingBackends are an embedded store and Neo4j behind Redis: the two
// ends of what a deployment runs.
func sharingBackends(t *testing.T) []backend {
	t.Helper()
	emb, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	out := []backend{{name: "embedded", store: emb}}
	if !neo4jtest.Configured(t) {
		return out
	}
	neo4j := neo4jtest.Open(t)
	client, ok := optionalRedis(t)
	if !ok {
		return append(out, backend{name: "neo4j", store: neo4j})
	}
	neo := rediscache.New(neo4j, client, rediscache.Options{Prefix: "sharing:" + time.Now().Format(time.RFC3339Nano) + ":"})
	return append(out, backend{name: "neo4j+redis", store: neo, cache: neo})
}

const thaiSubscriberRecords = `mutation($records: [RecordInput!]!) { ingest(records: $records) { totals { accepted rejected } results { status field reason } } }`

// thaiRecords are a Thai number's subscriber record and one call, both
// shareable under the agreement.
func thaiRecords() []map[string]any {
	return []map[string]any{
		{"type": "subscriber", "agency": "TH-CCIB", "country": "TH", "visibility": "SHAREABLE", "evidenceRef": "CCIB-SUB-1",
			"identifier": "081-555-0199", "name": "Somchai Jaidee", "documentType": "NATIONAL_ID",
			"documentNumber": "3-1012-00456-78-9", "address": "99 Sukhumvit Rd, Bangkok", "registeredAt": "2024-01-05"},
		{"type": "call", "agency": "TH-CCIB", "country": "TH", "visibility": "SHAREABLE", "evidenceRef": "CCIB-CDR-1",
			"recordId": "CDR-SHARE-1", "caller": "081-555-0199", "callee": "+855 12 345 678", "start": "2024-05-01T10:00:00+07:00", "durationSec": 40},
	}
}

const kaLookup = `query($id: String!) { lookup(identifier: $id) { entity { id
  links(first: 50) { totalCount edges { node { type sensitive { key value } } neighbour { kind sensitive { key value } } } } } } }`

func TestCambodianLookupOfThaiNumberMaskedThenGoneWhenAgreementRevoked(t *testing.T) {
	for _, b := range sharingBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			ts, _, keys := serveWithKeys(t, b, rulesOn)
			thEnricher, thAdmin := demo.KeyFor(keys, "TH-CCIB", access.RoleEnricher), demo.KeyFor(keys, "TH-CCIB", access.RoleAdmin)
			khAnalyst := demo.KeyFor(keys, "KH-GDNP", access.RoleAnalyst)
			if c := gql(t, ts, thEnricher, "", thaiSubscriberRecords, map[string]any{"records": thaiRecords()}); dig(c.Data, "ingest", "totals", "accepted") != 2.0 {
				t.Fatalf("ingest: %s", c.Raw)
			}

			before := gql(t, ts, khAnalyst, "", kaLookup, map[string]any{"id": "+66815550199"})
			if n := dig(before.Data, "lookup", "entity", "links", "totalCount"); n != 2.0 {
				t.Fatalf("a Cambodian analyst sees %v shared facts, want 2: %s", n, before.Raw)
			}
			for i := 0; i < 2; i++ {
				edge := dig(before.Data, "lookup", "entity", "links", "edges", i)
				if dig(edge, "node", "type") != "REGISTERED_TO" {
					continue
				}
				if s := dig(edge, "node", "sensitive").([]any); len(s) != 0 {
					t.Errorf("subscriber fields on the fact not masked: %v", s)
				}
				if s := dig(edge, "neighbour", "sensitive").([]any); len(s) != 0 {
					t.Errorf("subscriber fields on the person not masked: %v", s)
				}
			}
			red, _ := before.Extensions["redactions"].([]any)
			fields := map[string]bool{}
			for _, x := range red {
				fields[dig(x, "field").(string)] = true
				if !strings.Contains(dig(x, "reason").(string), "TH") {
					t.Errorf("reason does not say whose data: %v", x)
				}
			}
			for _, f := range []string{"name", "documentNumber", "address"} {
				if !fields[f] {
					t.Errorf("extensions.redactions does not list %s: %v", f, red)
				}
			}
			// The Thai side sees its own subscriber in full.
			own := gql(t, ts, thAdmin, "", kaLookup, map[string]any{"id": "+66815550199"})
			if !strings.Contains(own.Raw, "Somchai Jaidee") || own.Extensions["redactions"] != nil {
				t.Errorf("Thai admin's own data masked: %s", own.Raw)
			}

			agreements := gql(t, ts, thAdmin, "", `{ agreements { id title activeNow } }`, nil)
			id := ""
			for _, a := range dig(agreements.Data, "agreements").([]any) {
				if dig(a, "title") == demo.AgreementTitle && dig(a, "activeNow") == true {
					id = dig(a, "id").(string)
				}
			}
			if id == "" {
				t.Fatalf("no active demo agreement: %s", agreements.Raw)
			}
			revoke := gql(t, ts, thAdmin, "", `mutation($id: ID!) { setAgreementStatus(id: $id, status: REVOKED, reason: "test") { status activeNow } }`,
				map[string]any{"id": id})
			if dig(revoke.Data, "setAgreementStatus", "status") != "REVOKED" {
				t.Fatalf("revoke: %s", revoke.Raw)
			}
			after := gql(t, ts, khAnalyst, "", kaLookup, map[string]any{"id": "+66815550199"})
			if e := dig(after.Data, "lookup", "entity"); e != nil || len(after.Errors) > 0 {
				t.Errorf("after revocation the Cambodian analyst still sees %s", after.Raw)
			}
		})
	}
}

func TestEvidenceRequestFromOpenToFulfilledGrantsExactlyTheFields(t *testing.T) {
	for _, b := range sharingBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			ts, reg, keys := serveWithKeys(t, b, rulesOn)
			khCoord, thCoord := demo.KeyFor(keys, "KH-GDNP", access.RoleCoordinator), demo.KeyFor(keys, "TH-CCIB", access.RoleCoordinator)
			khAnalyst, thAdmin, khAdmin := demo.KeyFor(keys, "KH-GDNP", access.RoleAnalyst), demo.KeyFor(keys, "TH-CCIB", access.RoleAdmin), demo.KeyFor(keys, "KH-GDNP", access.RoleAdmin)
			agreements, err := reg.ListAgreements(ctx)
			if err != nil || len(agreements) != 1 {
				t.Fatalf("agreements %v, %v", agreements, err)
			}
			const account = "sip:th5501@voip.example"
			accountID := "VoipAccount:" + account

			// KH asks TH for the account's subscriber and registration IPs.
			created := gql(t, ts, khCoord, "CASE-KH-2026-77", `mutation($in: EvidenceRequestInput!) { requestEvidence(input: $in) { id status respondingCountry } }`,
				map[string]any{"in": map[string]any{"agreementId": agreements[0].ID, "entityId": accountID,
					"categories": []string{"SUBSCRIBER_DATA", "VOIP_REGISTRATION"}, "fields": []string{"name", "documentNumber"},
					"description": "Who registered the account calling victims in Svay Rieng", "legalBasis": "MOU art. 3; KH criminal procedure",
					"dueAt": time.Now().Add(7 * 24 * time.Hour).Format(time.RFC3339)}})
			reqID, _ := dig(created.Data, "requestEvidence", "id").(string)
			if reqID == "" || dig(created.Data, "requestEvidence", "status") != "OPEN" {
				t.Fatalf("request: %s", created.Raw)
			}
			// An analyst may not answer, nor may the requesting side.
			if c := gql(t, ts, khAnalyst, "", `mutation($id: ID!) { acknowledgeEvidenceRequest(id: $id) { id } }`, map[string]any{"id": reqID}); c.code() != "FORBIDDEN" {
				t.Errorf("analyst acknowledged: %s", c.Raw)
			}
			if c := gql(t, ts, khCoord, "", `mutation($id: ID!) { acknowledgeEvidenceRequest(id: $id) { id } }`, map[string]any{"id": reqID}); c.code() != "FORBIDDEN" {
				t.Errorf("the requesting side acknowledged its own request: %s", c.Raw)
			}
			received := gql(t, ts, thCoord, "", `{ evidenceRequests(side: RECEIVED, status: [OPEN]) { id } }`, nil)
			if !strings.Contains(received.Raw, reqID) {
				t.Fatalf("TH does not see the open request: %s", received.Raw)
			}
			if c := gql(t, ts, thCoord, "", `mutation($id: ID!) { acknowledgeEvidenceRequest(id: $id) { status } }`, map[string]any{"id": reqID}); dig(c.Data, "acknowledgeEvidenceRequest", "status") != "ACKNOWLEDGED" {
				t.Fatalf("acknowledge: %s", c.Raw)
			}
			// TH holds other facts about the account that are not part of the answer.
			other := map[string]any{"type": "voip_registration", "agency": "TH-CCIB", "country": "TH", "visibility": "DOMESTIC",
				"recordId": "REG-NOT-GRANTED", "account": account, "sourceIp": "198.51.100.9", "time": "2024-02-01T10:00:00+07:00"}
			thEnricher := demo.KeyFor(keys, "TH-CCIB", access.RoleEnricher)
			if c := gql(t, ts, thEnricher, "", thaiSubscriberRecords, map[string]any{"records": []any{other}}); dig(c.Data, "ingest", "totals", "accepted") != 1.0 {
				t.Fatalf("ingest: %s", c.Raw)
			}
			answer := []map[string]any{
				{"type": "subscriber", "agency": "TH-CCIB", "country": "TH", "visibility": "DOMESTIC", "evidenceRef": "CCIB-EVR-1",
					"identifier": account, "identifierKind": "VoipAccount", "name": "Anan Srisuk", "documentType": "NATIONAL_ID",
					"documentNumber": "1-2345-67890-12-3", "address": "12 Moo 4, Aranyaprathet", "registeredAt": "2025-11-02"},
				{"type": "voip_registration", "agency": "TH-CCIB", "country": "TH", "visibility": "DOMESTIC", "evidenceRef": "CCIB-EVR-1",
					"recordId": "REG-GRANTED-1", "account": account, "sourceIp": "203.0.113.77", "port": 5060, "time": "2026-03-01T22:10:00+07:00"},
			}
			fulfil := gql(t, ts, thCoord, "", `mutation($id: ID!, $records: [RecordInput!]!) { fulfilEvidenceRequest(id: $id, records: $records, fields: ["name"]) { status grant { linkIds entityIds fields } } }`,
				map[string]any{"id": reqID, "records": answer})
			if dig(fulfil.Data, "fulfilEvidenceRequest", "status") != "FULFILLED" {
				t.Fatalf("fulfil: %s", fulfil.Raw)
			}
			if n := len(dig(fulfil.Data, "fulfilEvidenceRequest", "grant", "linkIds").([]any)); n != 2 {
				t.Errorf("grant names %d facts, want 2: %s", n, fulfil.Raw)
			}

			// The requester now sees exactly the granted facts, and on them the name only.
			seen := gql(t, ts, khAnalyst, "CASE-KH-2026-77", `query($id: String!) { lookup(identifier: $id, kind: VoipAccount) { entity {
				links(first: 20) { totalCount edges { node { type sensitive { key value } } neighbour { kind key sensitive { key value } } } } } } }`,
				map[string]any{"id": account})
			if n := dig(seen.Data, "lookup", "entity", "links", "totalCount"); n != 2.0 {
				t.Fatalf("requester sees %v facts, want the 2 granted: %s", n, seen.Raw)
			}
			if strings.Contains(seen.Raw, "198.51.100.9") {
				t.Errorf("a fact outside the grant is shown: %s", seen.Raw)
			}
			if !strings.Contains(seen.Raw, "Anan Srisuk") || strings.Contains(seen.Raw, "1234567890123") || strings.Contains(seen.Raw, "Aranyaprathet") {
				t.Errorf("want the name only among the subscriber fields: %s", seen.Raw)
			}
			// Another Cambodian agency was granted nothing.
			_, mptc, err := reg.CreateKey(ctx, "test", "KH-MPTC", access.RoleAnalyst, "test", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if c := gql(t, ts, mptc, "", `query($id: String!) { lookup(identifier: $id, kind: VoipAccount) { entity { id } } }`, map[string]any{"id": account}); dig(c.Data, "lookup", "entity") != nil {
				t.Errorf("KH-MPTC sees the account: %s", c.Raw)
			}

			// Both sides' audit: TH sees KH's request, its own answer and KH's read of TH data.
			thAudit := gql(t, ts, thAdmin, "", `{ auditLog(dataCountry: TH, first: 1000) { agency operation entities purpose } mine: auditLog(first: 1000) { agency operation } }`, nil)
			if !strings.Contains(thAudit.Raw, `"agency":"KH-GDNP"`) || !strings.Contains(thAudit.Raw, accountID) || !strings.Contains(thAudit.Raw, "CASE-KH-2026-77") {
				t.Errorf("TH audit lacks KH's read of the granted facts: %s", thAudit.Raw)
			}
			if !strings.Contains(dig(thAudit.Data, "mine").([]any)[0].(map[string]any)["agency"].(string), "TH-") || !strings.Contains(thAudit.Raw, "fulfil") {
				t.Errorf("TH audit lacks its own fulfilment: %s", thAudit.Raw)
			}
			khAudit := gql(t, ts, khAdmin, "", `{ auditLog(first: 1000) { agency operation } }`, nil)
			if !strings.Contains(strings.ToLower(khAudit.Raw), "request") {
				t.Errorf("KH audit lacks its request: %s", khAudit.Raw)
			}
			if c := gql(t, ts, khAdmin, "", `{ auditLog(actorCountry: TH) { seq } }`, nil); c.code() != "FORBIDDEN" {
				t.Errorf("KH admin reads TH's own log: %s", c.Raw)
			}
		})
	}
}

func TestRequestsWithoutAValidKeyOrRoleAreRefusedAndWriteNothing(t *testing.T) {
	ctx := context.Background()
	emb, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	ts, reg, keys := serveWithKeys(t, backend{name: "embedded", store: emb}, rulesOn)
	revokedKey, revoked, _ := reg.CreateKey(ctx, "test", "TH-CCIB", access.RoleEnricher, "test", time.Hour)
	if _, err := reg.RevokeKey(ctx, "test", revokedKey.ID, "leaked"); err != nil {
		t.Fatal(err)
	}
	_, expiring, _ := reg.CreateKey(ctx, "test", "TH-CCIB", access.RoleEnricher, "test", time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	write := `mutation($records: [RecordInput!]!) { ingest(records: $records) { totals { accepted } } }`
	vars := map[string]any{"records": thaiRecords()}
	for _, c := range []struct {
		name, token, code string
		status            int
	}{
		{"no key", "", "UNAUTHENTICATED", http.StatusUnauthorized},
		{"malformed key", "not-a-key", "UNAUTHENTICATED", http.StatusUnauthorized},
		{"unknown key", "sgk_AAAAAAAAAAAAAAAAAAAAAA_" + strings.Repeat("x", 43), "UNAUTHENTICATED", http.StatusUnauthorized},
		{"revoked key", revoked, "UNAUTHENTICATED", http.StatusUnauthorized},
		{"expired key", expiring, "UNAUTHENTICATED", http.StatusUnauthorized},
		{"analyst writing", demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst), "FORBIDDEN", http.StatusOK},
		{"coordinator writing", demo.KeyFor(keys, "TH-CCIB", access.RoleCoordinator), "FORBIDDEN", http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := gql(t, ts, c.token, "", write, vars)
			if got.code() != c.code || got.Status != c.status {
				t.Fatalf("status %d code %q, want %d %q: %s", got.Status, got.code(), c.status, c.code, got.Raw)
			}
			if msg := got.Errors[0].Message; len(msg) < 20 {
				t.Errorf("message too vague: %q", msg)
			}
		})
	}
	// A Cambodian enricher may not write Thai facts, record by record.
	c := gql(t, ts, demo.KeyFor(keys, "KH-GDNP", access.RoleEnricher), "", write+"", vars)
	if dig(c.Data, "ingest", "totals", "accepted") != 0.0 {
		t.Errorf("KH enricher wrote TH facts: %s", c.Raw)
	}
	// An admin manages its own country's keys only.
	if c := gql(t, ts, demo.KeyFor(keys, "KH-GDNP", access.RoleAdmin), "", `mutation { createApiKey(agency: "TH-CCIB", role: ADMIN) { token } }`, nil); c.code() != "FORBIDDEN" {
		t.Errorf("KH admin issued a TH key: %s", c.Raw)
	}
	if entities, links := emb.Counts(); entities != 0 || links != 0 {
		t.Errorf("refused requests wrote %d entities and %d links", entities, links)
	}
	// Every refusal by a known key is audited.
	entries, err := reg.QueryAudit(ctx, access.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	denied := 0
	for _, e := range entries {
		if e.Outcome == access.OutcomeDenied {
			denied++
		}
	}
	if denied < 3 {
		t.Errorf("%d denied entries in the audit log, want at least 3 (two roles, one admin): %+v", denied, entries)
	}
}

func TestSuspectLegalStatusStepsFollowTheSharingRules(t *testing.T) {
	for _, b := range sharingBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			ts, _, keys := serveWithKeys(t, b, rulesOn)
			thCoord, khAnalyst := demo.KeyFor(keys, "TH-CCIB", access.RoleCoordinator), demo.KeyFor(keys, "KH-GDNP", access.RoleAnalyst)
			thAnalyst, thEnricher := demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst), demo.KeyFor(keys, "TH-CCIB", access.RoleEnricher)
			suspect := map[string]any{"type": "suspect", "agency": "TH-CCIB", "country": "TH", "visibility": "SHAREABLE",
				"suspectRef": "CCIB-W-2026-014", "names": []string{"สมชาย ใจร้าย", "Somchai Jairai"}, "nationality": "TH",
				"uses": []map[string]any{{"identifier": "081-555-0123"}}}
			if c := gql(t, ts, thEnricher, "", thaiSubscriberRecords, map[string]any{"records": []any{suspect}}); dig(c.Data, "ingest", "totals", "accepted") != 1.0 {
				t.Fatalf("ingest: %s", c.Raw)
			}
			id := "Suspect:TH-CCIB:CCIB-W-2026-014" // filed under its agency
			record := `mutation($in: LegalStatusInput!) { recordLegalStatus(input: $in) { id status agency country } }`
			for _, step := range []map[string]any{
				{"suspectId": id, "status": "WANTED", "at": "2026-01-05T00:00:00Z", "visibility": "SHAREABLE", "legalBasis": "Criminal Court warrant 123/2569"},
				{"suspectId": id, "status": "LOCATED", "at": "2026-02-01T00:00:00Z", "visibility": "DOMESTIC"},
			} {
				if c := gql(t, ts, thCoord, "", record, map[string]any{"in": step}); dig(c.Data, "recordLegalStatus", "agency") != "TH-CCIB" {
					t.Fatalf("record %v: %s", step["status"], c.Raw)
				}
			}
			if c := gql(t, ts, khAnalyst, "", record, map[string]any{"in": map[string]any{"suspectId": id, "status": "ARRESTED", "at": "2026-03-01T00:00:00Z"}}); c.code() != "FORBIDDEN" {
				t.Errorf("an analyst recorded a step: %s", c.Raw)
			}
			read := `query($id: ID!) { node(id: $id) { ... on Suspect { legalStatus { status agency } } } }`
			steps := func(token string) []any {
				c := gql(t, ts, token, "", read, map[string]any{"id": id})
				l, _ := dig(c.Data, "node", "legalStatus").([]any)
				return l
			}
			if got := steps(thAnalyst); len(got) != 2 {
				t.Errorf("Thai analyst sees %d steps, want 2: %v", len(got), got)
			}
			if got := steps(khAnalyst); len(got) != 1 || dig(got[0], "status") != "WANTED" {
				t.Errorf("Cambodian analyst sees %v, want only the shareable WANTED step", got)
			}
		})
	}
}

// TestAttemptsAroundTheRulesFail replays ways around the sharing rules
// found in review: each must be refused, write nothing and leave the log whole.
func TestAttemptsAroundTheRulesFail(t *testing.T) {
	ctx := context.Background()
	emb, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	ts, reg, keys := serveWithKeys(t, backend{name: "embedded", store: emb}, rulesOn)
	thEnricher, thAdmin, khAdmin := demo.KeyFor(keys, "TH-CCIB", access.RoleEnricher), demo.KeyFor(keys, "TH-CCIB", access.RoleAdmin), demo.KeyFor(keys, "KH-GDNP", access.RoleAdmin)

	t.Run("upsert cannot describe suspects or persons", func(t *testing.T) {
		c := gql(t, ts, thEnricher, "", `mutation { upsert(input: { entities: [{ kind: Suspect, identifier: "KH-GDNP:W-2024-0042",
			attrs: [{ key: "recordCountry", value: "TH" }] }] }) { accepted entities { status field } } }`, nil)
		if dig(c.Data, "upsert", "accepted") != 0.0 || dig(c.Data, "upsert", "entities", 0, "field") != "entities[0].kind" {
			t.Errorf("suspect described through upsert: %s", c.Raw)
		}
	})
	t.Run("a fact at another agency's suspect does not reveal the suspect", func(t *testing.T) {
		ingestAs := func(token string, rec map[string]any) {
			t.Helper()
			if c := gql(t, ts, token, "", thaiSubscriberRecords, map[string]any{"records": []any{rec}}); dig(c.Data, "ingest", "totals", "accepted") != 1.0 {
				t.Fatalf("ingest: %s", c.Raw)
			}
		}
		ingestAs(thEnricher, map[string]any{"type": "suspect", "agency": "TH-CCIB", "country": "TH", "visibility": "DOMESTIC",
			"suspectRef": "S-0001", "names": []string{"Secret Name"}, "nationality": "CN", "legalStatus": "WANTED",
			"documents": []string{"PASSPORT:N7654321"}, "uses": []map[string]any{{"identifier": "081-555-0177"}}})
		// Cambodia may report what it knows the suspect uses...
		ingestAs(demo.KeyFor(keys, "KH-GDNP", access.RoleEnricher), map[string]any{"type": "suspect", "agency": "KH-GDNP", "country": "KH",
			"suspectRef": "TH-CCIB:S-0001", "uses": []map[string]any{{"identifier": "012 777 777"}}})
		// ...and sees its own fact and the suspect's reference, nothing of
		// the Thai record that describes it.
		c := gql(t, ts, demo.KeyFor(keys, "KH-GDNP", access.RoleAnalyst), "", `{ node(id: "Suspect:TH-CCIB:S-0001") {
			... on Suspect { label rawForms attrs { key value } sensitive { key value } links { totalCount } } } }`, nil)
		if n := dig(c.Data, "node", "links", "totalCount"); n != 1.0 {
			t.Fatalf("KH sees %v facts at the suspect, want its own one: %s", n, c.Raw)
		}
		if strings.Contains(c.Raw, "Secret Name") || strings.Contains(c.Raw, "WANTED") || strings.Contains(c.Raw, "N7654321") || strings.Contains(c.Raw, "CN") {
			t.Errorf("the Thai record's description leaked: %s", c.Raw)
		}
		// The other Thai agency sees the domestic record, and the documents
		// only because they are its own country's.
		_, dsi, err := reg.CreateKey(ctx, "test", "TH-DSI", access.RoleAnalyst, "test", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		c = gql(t, ts, dsi, "", `{ node(id: "Suspect:TH-CCIB:S-0001") { ... on Suspect { label sensitive { value } } } }`, nil)
		if !strings.Contains(c.Raw, "Secret Name") || !strings.Contains(c.Raw, "N7654321") {
			t.Errorf("a Thai agency does not see a domestic Thai suspect record: %s", c.Raw)
		}
	})
	t.Run("a bad purpose is refused before anything runs", func(t *testing.T) {
		before, _ := emb.Counts()
		c := gql(t, ts, thEnricher, "case\u0085x", thaiSubscriberRecords, map[string]any{"records": thaiRecords()})
		if c.Status != http.StatusBadRequest || c.code() != "BAD_USER_INPUT" {
			t.Errorf("status %d: %s", c.Status, c.Raw)
		}
		if after, _ := emb.Counts(); after != before {
			t.Errorf("a refused request wrote %d entities", after-before)
		}
	})
	t.Run("a write under many aliases is audited", func(t *testing.T) {
		var q strings.Builder
		q.WriteString("mutation {")
		for i := 0; i < 30; i++ {
			fmt.Fprintf(&q, ` u%d: upsert(input: { entities: [{ kind: PhoneNumber, identifier: "08155501%02d" }] }) { accepted }`, i, i)
		}
		q.WriteString(" }")
		c := gql(t, ts, thEnricher, "", q.String(), nil)
		if len(c.Errors) > 0 {
			t.Fatalf("aliased write: %s", c.Raw)
		}
		entries, err := reg.QueryAudit(ctx, access.AuditFilter{Agency: "TH-CCIB", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if last := entries[len(entries)-1]; last.Operation != access.OpUpsert || len(last.Entities) != 30 {
			t.Errorf("last entry %+v, want the 30 upserted numbers", last)
		}
	})
	t.Run("one party cannot reopen what the other closed", func(t *testing.T) {
		list := gql(t, ts, thAdmin, "", `{ agreements { id approvals } }`, nil)
		id := dig(list.Data, "agreements", 0, "id").(string)
		set := `mutation($id: ID!, $s: AgreementStatus!) { setAgreementStatus(id: $id, status: $s, reason: "review") { status suspendedBy } }`
		if c := gql(t, ts, khAdmin, "", set, map[string]any{"id": id, "s": "SUSPENDED"}); dig(c.Data, "setAgreementStatus", "suspendedBy") != "KH" {
			t.Fatalf("suspend: %s", c.Raw)
		}
		if c := gql(t, ts, thAdmin, "", set, map[string]any{"id": id, "s": "ACTIVE"}); c.code() != "FORBIDDEN" {
			t.Errorf("TH resumed what KH suspended: %s", c.Raw)
		}
		created := gql(t, ts, thAdmin, "", `mutation($in: AgreementInput!) { createAgreement(input: $in) { id approvals activeNow } }`,
			map[string]any{"in": map[string]any{"title": "TH alone", "parties": []map[string]any{{"country": "TH", "authority": "MDES"}, {"country": "KH", "authority": "MPTC"}},
				"categories": []string{"CALL_RECORDS"}, "purpose": "p", "legalBasis": "b", "validFrom": time.Now().Add(-time.Hour).Format(time.RFC3339),
				"validUntil": time.Now().AddDate(1, 0, 0).Format(time.RFC3339), "coordinators": []string{"TH-CCIB", "KH-GDNP"}}})
		if dig(created.Data, "createAgreement", "activeNow") != false {
			t.Errorf("an agreement one party made is active: %s", created.Raw)
		}
		viewer := gql(t, ts, demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst), "", `{ viewer { sharedCategories } }`, nil)
		if n := len(dig(viewer.Data, "viewer", "sharedCategories").([]any)); n != 0 {
			t.Errorf("TH shares %d categories with the MOU suspended and its own proposal unapproved", n)
		}
		newID := dig(created.Data, "createAgreement", "id").(string)
		approve := gql(t, ts, khAdmin, "", `mutation($id: ID!) { approveAgreement(id: $id) { activeNow approvals } }`, map[string]any{"id": newID})
		if dig(approve.Data, "approveAgreement", "activeNow") != true {
			t.Errorf("approved by both but not active: %s", approve.Raw)
		}
		audit := gql(t, ts, khAdmin, "", `{ auditLog(dataCountry: KH, first: 1000) { agency operation } }`, nil)
		if !strings.Contains(audit.Raw, `"agency":"TH-CCIB","operation":"createAgreement"`) {
			t.Errorf("KH's auditors do not see TH's proposal: %s", audit.Raw)
		}
	})
	t.Run("fulfilment by an agency that is not a coordinator writes nothing", func(t *testing.T) {
		_, mptc, err := reg.CreateKey(ctx, "test", "KH-MPTC", access.RoleCoordinator, "test", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		agreements, _ := reg.ListAgreements(ctx)
		var mou string
		for _, a := range agreements {
			if a.Title == demo.AgreementTitle {
				mou = a.ID
			}
		}
		if _, err := reg.ResumeAgreement(ctx, "test", mou, "back"); err != nil {
			t.Fatal(err)
		}
		thCoord := demo.KeyFor(keys, "TH-CCIB", access.RoleCoordinator)
		created := gql(t, ts, thCoord, "", `mutation($in: EvidenceRequestInput!) { requestEvidence(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"agreementId": mou, "entityId": "PhoneNumber:+85512999999", "categories": []string{"CALL_RECORDS"},
				"description": "d", "legalBasis": "b", "dueAt": time.Now().Add(48 * time.Hour).Format(time.RFC3339)}})
		reqID, _ := dig(created.Data, "requestEvidence", "id").(string)
		if reqID == "" {
			t.Fatalf("request: %s", created.Raw)
		}
		before, _ := emb.Counts()
		c := gql(t, ts, mptc, "", `mutation($id: ID!, $r: [RecordInput!]!) { fulfilEvidenceRequest(id: $id, records: $r) { status } }`,
			map[string]any{"id": reqID, "r": []map[string]any{{"type": "call", "agency": "KH-MPTC", "country": "KH", "recordId": "X-1",
				"caller": "012 999 999", "callee": "+66 81 555 0199", "start": "2026-01-01T10:00:00+07:00"}}})
		if c.code() != "FORBIDDEN" {
			t.Errorf("a non-coordinator answered: %s", c.Raw)
		}
		if after, _ := emb.Counts(); after != before {
			t.Errorf("a refused answer wrote %d entities", after-before)
		}
	})
}

// TestWipingTheGraphKeepsTheAuditLog: the seed command and the tests wipe
// the Neo4j graph, which shares its database with the registry; the
// append-only audit log must survive that.
func TestWipingTheGraphKeepsTheAuditLog(t *testing.T) {
	ctx := context.Background()
	neo := neo4jtest.Open(t)
	reg, _ := accesstest.Neo4jRegistry(t, neo)
	before, err := reg.QueryAudit(ctx, access.AuditFilter{Limit: access.MaxAuditLimit})
	if err != nil || len(before) == 0 {
		t.Fatalf("audit before: %d entries, %v", len(before), err)
	}
	if err := neo.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := reg.QueryAudit(ctx, access.AuditFilter{Limit: access.MaxAuditLimit})
	if err != nil || len(after) != len(before) {
		t.Fatalf("audit after wiping the graph: %d entries (was %d), %v", len(after), len(before), err)
	}
}
