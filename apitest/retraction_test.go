package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
)

const retractFact = `mutation($id: ID!, $reason: String!) { retractFact(id: $id, reason: $reason) {
  id type retraction { at agency reason } } }`

const retractionLookup = `query($id: String!) { lookup(identifier: $id) { entity { id summary { linkCount }
  links(first: 50) { totalCount edges { node { id type retraction { agency reason } } } } } } }`

// gqlAsOf is gql with the X-As-Of header.
func gqlAsOf(t *testing.T, ts *httptest.Server, token, asOf, q string, vars map[string]any) call {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-As-Of", asOf)
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
	return c
}

// calledLinkID finds the CALLED link among a lookup's links.
func calledLinkID(t *testing.T, c call) string {
	t.Helper()
	edges, _ := dig(c.Data, "lookup", "entity", "links", "edges").([]any)
	for _, e := range edges {
		if dig(e, "node", "type") == "CALLED" {
			return dig(e, "node", "id").(string)
		}
	}
	t.Fatalf("no CALLED link: %s", c.Raw)
	return ""
}

func TestRetractedFactLeavesEveryViewButTheAuditAndEarlierAnswers(t *testing.T) {
	for _, b := range sharingBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			ts, _, keys := serveWithKeys(t, b, rulesOn)
			thEnricher, thAnalyst := demo.KeyFor(keys, "TH-CCIB", access.RoleEnricher), demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)
			thAdmin, khEnricher := demo.KeyFor(keys, "TH-CCIB", access.RoleAdmin), demo.KeyFor(keys, "KH-GDNP", access.RoleEnricher)
			if c := gql(t, ts, thEnricher, "", thaiSubscriberRecords, map[string]any{"records": thaiRecords()}); dig(c.Data, "ingest", "totals", "accepted") != 2.0 {
				t.Fatalf("ingest: %s", c.Raw)
			}
			before := gql(t, ts, thAnalyst, "", retractionLookup, map[string]any{"id": "+66815550199"})
			if n := dig(before.Data, "lookup", "entity", "links", "totalCount"); n != 2.0 {
				t.Fatalf("before: %v links: %s", n, before.Raw)
			}
			id := calledLinkID(t, before)
			// Read the callee too, so that a cache holds what must change.
			if c := gql(t, ts, thAnalyst, "", retractionLookup, map[string]any{"id": "+85512345678"}); dig(c.Data, "lookup", "entity", "summary", "linkCount") != 1.0 {
				t.Fatalf("callee before: %s", c.Raw)
			}
			beforeRetraction := time.Now().UTC().Format(time.RFC3339Nano)

			t.Run("RefusedForAnotherAgency", func(t *testing.T) {
				c := gql(t, ts, khEnricher, "", retractFact, map[string]any{"id": id, "reason": "not ours"})
				if code := c.code(); code != "FORBIDDEN" && code != "NOT_FOUND" {
					t.Errorf("another agency's retraction: %s", c.Raw)
				}
			})
			t.Run("RefusedForAnAnalyst", func(t *testing.T) {
				if c := gql(t, ts, thAnalyst, "", retractFact, map[string]any{"id": id, "reason": "x"}); c.code() != "FORBIDDEN" {
					t.Errorf("an analyst's retraction: %s", c.Raw)
				}
			})
			t.Run("ReasonRequired", func(t *testing.T) {
				c := gql(t, ts, thEnricher, "", retractFact, map[string]any{"id": id, "reason": " "})
				if c.code() != "BAD_USER_INPUT" || !strings.Contains(c.Raw, "reason") {
					t.Errorf("a retraction without a reason: %s", c.Raw)
				}
			})
			if c := gql(t, ts, thEnricher, "", retractionLookup, map[string]any{"id": "+66815550199"}); dig(c.Data, "lookup", "entity", "links", "totalCount") != 2.0 {
				t.Fatalf("a refused retraction changed the graph: %s", c.Raw)
			}

			time.Sleep(2 * time.Millisecond) // the retraction's time must follow beforeRetraction's millisecond
			done := gql(t, ts, thEnricher, "", retractFact, map[string]any{"id": id, "reason": "number attributed to the wrong subscriber"})
			if dig(done.Data, "retractFact", "retraction", "agency") != "TH-CCIB" ||
				dig(done.Data, "retractFact", "retraction", "reason") != "number attributed to the wrong subscriber" {
				t.Fatalf("retractFact: %s", done.Raw)
			}

			after := gql(t, ts, thAnalyst, "", retractionLookup, map[string]any{"id": "+66815550199"})
			if dig(after.Data, "lookup", "entity", "links", "totalCount") != 1.0 || dig(after.Data, "lookup", "entity", "summary", "linkCount") != 1.0 {
				t.Errorf("after the retraction the caller still counts it: %s", after.Raw)
			}
			if strings.Contains(after.Raw, id) {
				t.Errorf("after the retraction the fact is still listed: %s", after.Raw)
			}
			if c := gql(t, ts, thAnalyst, "", retractionLookup, map[string]any{"id": "+85512345678"}); dig(c.Data, "lookup", "entity") != nil {
				t.Errorf("the callee, known only through the retracted call, is still shown: %s", c.Raw)
			}

			earlier := gqlAsOf(t, ts, thAnalyst, beforeRetraction, retractionLookup, map[string]any{"id": "+66815550199"})
			if dig(earlier.Data, "lookup", "entity", "links", "totalCount") != 2.0 {
				t.Errorf("as of before the retraction: %s", earlier.Raw)
			}
			if !strings.Contains(earlier.Raw, "number attributed to the wrong subscriber") {
				t.Errorf("the earlier answer does not say the fact was retracted since: %s", earlier.Raw)
			}
			if c := gqlAsOf(t, ts, thAnalyst, "yesterday", retractionLookup, map[string]any{"id": "+66815550199"}); c.code() != "BAD_USER_INPUT" {
				t.Errorf("a malformed X-As-Of: %s", c.Raw)
			}

			audit := gql(t, ts, thAdmin, "", `{ auditLog(operation: "retractFact") { operation kind outcome detail entities } }`, nil)
			entries, _ := dig(audit.Data, "auditLog").([]any)
			var ok bool
			for _, e := range entries {
				if dig(e, "outcome") == "OK" && dig(e, "kind") == "WRITE" &&
					strings.Contains(dig(e, "detail").(string), "number attributed to the wrong subscriber") {
					ok = true
				}
			}
			if !ok {
				t.Errorf("no audit entry of the retraction: %s", audit.Raw)
			}
		})
	}
}
