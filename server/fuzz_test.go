package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// fuzzHandler is the real handler over a small embedded world, called in
// process (no sockets, so the fuzzer spends its time in our code), with the
// Thai demo admin's key on requests that carry none.
func fuzzHandler(f *testing.F) http.Handler {
	s := embeddedtest.Open(f)
	seedSmallWorld(f, s)
	reg, keys := accesstest.Registry(f)
	srv := server.New(server.DefaultConfig(), usecase.New(s, reg, usecase.Options{}), nil, zerolog.Nop(), server.NewMetrics())
	return accesstest.WithKey(srv.Handler(), demo.KeyFor(keys, "TH-CCIB", access.RoleAdmin))
}

// serve sends one request to h and checks what every answer must be: not
// a 5xx, a JSON body (NDJSON for a stream: JSON line by line), and no
// INTERNAL error, which would mean the input reached a code path that
// failed instead of refusing it.
func serve(t *testing.T, h http.Handler, req *http.Request, ndjson bool) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code >= 500 {
		t.Fatalf("status %d: %.500s", rec.Code, body)
	}
	if strings.Contains(body, `"INTERNAL"`) {
		t.Fatalf("internal error: %.500s", body)
	}
	lines := []string{body}
	if ndjson {
		lines = strings.Split(strings.TrimSpace(body), "\n")
	}
	for _, line := range lines {
		if line != "" && !json.Valid([]byte(line)) {
			t.Fatalf("status %d, body not JSON: %.500s", rec.Code, line)
		}
	}
}

// FuzzGraphQLBody posts any bytes as a GraphQL request body, with the
// content type chosen by the fuzzer.
func FuzzGraphQLBody(f *testing.F) {
	h := fuzzHandler(f)
	f.Add([]byte(`{"query": "{ lookup(identifier: \"081 234 5678\") { valid key entity { id } } }"}`), uint8(0))
	f.Add([]byte(`{"query": "query Q($id: ID!) { node(id: $id) { id } }", "variables": {"id": "PhoneNumber:+66812345678"}, "operationName": "Q"}`), uint8(0))
	f.Add([]byte(`{"query": "{ __schema { types { name } } }"}`), uint8(1))
	f.Add([]byte(`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}`), uint8(0))
	f.Add([]byte(`[{"query": "{ __typename }"}]`), uint8(2))
	f.Add([]byte(`{"query": "mutation { upsert(input: {entities: [{kind: PhoneNumber, identifier: \"0812345678\"}]}) { accepted } }"}`), uint8(0))
	f.Add([]byte(`{"query": "{ lookup(`), uint8(3))
	types := []string{"application/json", "application/graphql-response+json", "text/plain", "application/x-www-form-urlencoded"}
	f.Fuzz(func(t *testing.T, body []byte, typeSel uint8) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", types[int(typeSel)%len(types)])
		serve(t, h, req, false)
	})
}

// variableQueries are operations whose variables take every scalar and
// input type of the schema: IDs, the identifier text, enums, Int, Float,
// Boolean, Time, cursors, and the record and upsert inputs.
var variableQueries = []string{
	`query($id: ID!) { node(id: $id) { id ... on PhoneNumber { links(first: 2) { totalCount } } } }`,
	`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
	`query($s: String!, $k: EntityKind, $r: Region) { lookup(identifier: $s, kind: $k, region: $r) { valid key error } }`,
	`query($seeds: [ID!]!, $d: Int, $t: [LinkType!], $k: [EntityKind!], $since: Time, $until: Time, $n: Int) {
		network(seeds: $seeds, depth: $d, linkTypes: $t, kinds: $k, since: $since, until: $until, limit: $n) { nodeCount } }`,
	`query($a: ID!, $b: ID!, $d: Int, $since: Time) { shortestPath(from: $a, to: $b, maxDepth: $d, since: $since) { length } }`,
	`query($id: ID!, $first: Int, $after: String, $dir: Direction, $since: Time) { node(id: $id) { ... on PhoneNumber {
		links(first: $first, after: $after, direction: $dir, since: $since) { totalCount pageInfo { endCursor } } } } }`,
	`mutation($r: [RecordInput!]!) { ingest(records: $r) { accepted rejected } }`,
	`mutation($in: UpsertInput!) { upsert(input: $in) { accepted rejected } }`,
}

// FuzzGraphQLVariables sends any JSON as the variables of operations that
// between them take every scalar and input type.
func FuzzGraphQLVariables(f *testing.F) {
	h := fuzzHandler(f)
	seeds := []string{
		`{"id": "PhoneNumber:+66812345678"}`,
		`{"ids": ["PhoneNumber:+66812345678", "nope", ""]}`,
		`{"s": "+855 12 345 678", "k": "PhoneNumber", "r": "KH"}`,
		`{"seeds": ["PhoneNumber:+66812345678"], "d": 9, "t": ["CALLED"], "k": ["IPAddress"], "since": "2024-01-01T00:00:00Z", "until": "yesterday", "n": -1}`,
		`{"a": "PhoneNumber:+66812345678", "b": "PhoneNumber:+66899999999", "d": 2147483648, "since": "2024-13-45T99:00:00Z"}`,
		`{"id": "PhoneNumber:+66812345678", "first": 1, "after": "MXwx", "dir": "OUT", "since": 0}`,
		`{"r": [{"type": "CALL", "caller": "0812345678", "callee": "+85512345678", "start": "2024-05-01T10:00:00+07:00", "durationSec": 30, "confidence": 1.5}]}`,
		`{"in": {"entities": [{"kind": "PhoneNumber", "identifier": "0812345678", "attrs": [{"key": "x", "value": "y"}]}], "links": [{"type": "CALLED", "from": {"kind": "PhoneNumber", "identifier": "0812345678"}, "to": {"kind": "PhoneNumber", "identifier": "0899999999"}, "agency": "TH-CCIB", "country": "TH", "confidence": 0.5, "observedAt": "2024-05-01T10:00:00Z"}]}}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, querySel uint8, variables string) {
		body, err := json.Marshal(map[string]any{
			"query":     variableQueries[int(querySel)%len(variableQueries)],
			"variables": json.RawMessage(variables),
		})
		if err != nil {
			// Not JSON: FuzzGraphQLBody covers malformed bodies.
			return
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		serve(t, h, req, false)
	})
}

// FuzzIngestStream posts any bytes to the streaming import, as NDJSON or
// as CSV of a declared type.
func FuzzIngestStream(f *testing.F) {
	h := fuzzHandler(f)
	for _, name := range []string{"calls.ndjson", "malformed.ndjson", "calls.csv", "malformed.csv"} {
		b, err := os.ReadFile("../examples/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, strings.HasSuffix(name, ".csv"))
	}
	f.Fuzz(func(t *testing.T, body []byte, csv bool) {
		url := "/ingest"
		if csv {
			url += "?format=csv&type=call"
		}
		req := httptest.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		serve(t, h, req, true)
	})
}

// TestMalformedScalarsAreBadUserInput: a Time argument that is not a
// time, an unknown enum value and malformed APQ extensions are the client's
// mistake, named by the argument, not internal errors (the fuzzer's first
// finds: gqlgen's own coercion errors carried no code).
func TestMalformedScalarsAreBadUserInput(t *testing.T) {
	ts := MustServer(t, embeddedtest.Open(t), server.DefaultConfig())
	for _, since := range []any{"yesterday", 0, map[string]any{"t": 1}} {
		r := post(t, ts, `query($since: Time) { network(seeds: ["PhoneNumber:+66812345678"], since: $since) { nodeCount } }`,
			map[string]any{"since": since})
		if len(r.Errors) == 0 || r.code(0) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "since" ||
			!strings.Contains(r.Errors[0].Message, "RFC 3339") {
			t.Errorf("since %v: status %d body %.300s", since, r.Status, r.Raw)
		}
	}
	// The fuzzer's next finds: an enum value in the wrong case, and APQ
	// extensions that are not an object.
	r := post(t, ts, `query($t: [LinkType!]) { network(seeds: ["PhoneNumber:+66812345678"], linkTypes: $t) { nodeCount } }`,
		map[string]any{"t": []string{"cALLED"}})
	if len(r.Errors) == 0 || r.code(0) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "linkTypes[0]" {
		t.Errorf("enum: status %d body %.300s", r.Status, r.Raw)
	}
	r = postRaw(t, ts, "application/json", []byte(`{"extensions": {"persistedQuery": ""}}`))
	if r.Status >= 500 || len(r.Errors) == 0 || r.code(0) != "BAD_USER_INPUT" {
		t.Errorf("APQ: status %d body %.300s", r.Status, r.Raw)
	}
}

// TestBadEnumInIngestInputNamesTheField: the ingest mutation's records
// carry enums at several depths; a value the schema lacks (the validator
// lets a wrong case through, gqlgen's coercion does not) is the client's
// BAD_USER_INPUT naming the field as the use cases name nested input, with
// the values it takes, and nothing is written.
func TestBadEnumInIngestInputNamesTheField(t *testing.T) {
	s := embeddedtest.Open(t)
	ts := MustServer(t, s, server.DefaultConfig())
	const mutation = `mutation($r: [RecordInput!]!) { ingest(records: $r) { totals { accepted } } }`
	call := map[string]any{"type": "call", "caller": "081-234-5678", "callee": "+855 12 345 678", "start": "2024-05-01T10:00:00+07:00"}
	with := func(k string, v any) map[string]any {
		r := map[string]any{}
		for key, val := range call {
			r[key] = val
		}
		r[k] = v
		return r
	}
	for _, c := range []struct {
		record     map[string]any
		field      string
		wantValues string
	}{
		{with("type", "CALL"), "records[1].type", "call, voip_registration"},
		{with("country", "th"), "records[1].country", "TH, KH"},
		{with("visibility", "shareable"), "records[1].visibility", "DOMESTIC, SHAREABLE, RESTRICTED"},
		{map[string]any{"type": "victim_report", "caseRef": "C-1", "reportedAt": "2024-05-01T10:00:00+07:00",
			"involved": []any{map[string]any{"kind": "phonenumber", "identifier": "0812345678"}}}, "records[1].involved[0].kind", "PhoneNumber, VoipAccount"},
	} {
		t.Run(c.field, func(t *testing.T) {
			r := post(t, ts, mutation, map[string]any{"r": []any{call, c.record}})
			if r.Status >= 500 || len(r.Errors) != 1 || r.code(0) != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != c.field ||
				!strings.HasPrefix(r.Errors[0].Message, c.field+": ") || !strings.Contains(r.Errors[0].Message, c.wantValues) {
				t.Errorf("status %d body %.400s", r.Status, r.Raw)
			}
			if entities, links := s.Counts(); entities != 0 || links != 0 {
				t.Errorf("the store holds %d entities and %d links after a refused batch", entities, links)
			}
		})
	}
}
