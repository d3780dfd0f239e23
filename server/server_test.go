package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// MustServer starts the real handler over store on a loopback test server.
// Requests without a key of their own are sent with the Thai demo admin's
// key, which may read and write.
func MustServer(t testing.TB, store intel.Store, cfg server.Config) *httptest.Server {
	t.Helper()
	reg, keys := accesstest.Registry(t)
	srv := server.New(cfg, usecase.New(store, reg, usecase.Options{}), nil, zerolog.Nop(), server.NewMetrics())
	ts := httptest.NewServer(accesstest.WithKey(srv.Handler(), demo.KeyFor(keys, "TH-CCIB", access.RoleAdmin)))
	t.Cleanup(ts.Close)
	return ts
}

// response is a GraphQL answer as a client sees it.
type response struct {
	Status int
	Data   map[string]any
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	}
	Raw string
}

func (r response) code(i int) string {
	if i >= len(r.Errors) {
		return ""
	}
	c, _ := r.Errors[i].Extensions["code"].(string)
	return c
}

func post(t testing.TB, ts *httptest.Server, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return postRaw(t, ts, "application/json", body)
}

func postRaw(t testing.TB, ts *httptest.Server, contentType string, body []byte) response {
	t.Helper()
	res, err := http.Post(ts.URL+"/graphql", contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return readResponse(t, res)
}

func readResponse(t testing.TB, res *http.Response) response {
	t.Helper()
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := response{Status: res.StatusCode, Raw: string(raw)}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("status %d, body is not JSON: %s", res.StatusCode, raw)
	}
	if r.Status >= 500 {
		t.Fatalf("server answered %d: %s", r.Status, raw)
	}
	return r
}

// dig walks a decoded JSON value by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// seedSmallWorld stores a scam call centre in miniature.
func seedSmallWorld(t testing.TB, s intel.Store) {
	t.Helper()
	call := func(from, to string, minute int, key string) intel.Link {
		l := intel.Link{Type: intel.LinkCalled, From: "PhoneNumber:" + from, To: "PhoneNumber:" + to, EventKey: key,
			Provenance: intel.Provenance{Agency: "TH-CIB", Country: intel.RegionTH, Confidence: 0.9, EvidenceRef: "CIB-1",
				Visibility: intel.VisibilityShareable, ObservedAt: time.Date(2024, 5, 1, 10, minute, 0, 0, time.UTC)}}
		l.Normalize()
		return l
	}
	caller := intel.Entity{ID: "PhoneNumber:+66812345678", Kind: intel.KindPhoneNumber, Key: "+66812345678",
		RawForms: []string{"081-234-5678"}, Attrs: map[string]string{"numberType": "MOBILE", "carrier": "True Move"}}
	b := intel.Batch{Entities: []intel.Entity{caller}}
	for i := 0; i < 12; i++ {
		b.Links = append(b.Links, call("+66812345678", "+6690000000"+string(rune('0'+i%10))+string(rune('0'+i/10)), i, "cdr-"+string(rune('a'+i))))
	}
	if _, err := s.Upsert(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

func TestLookupOfLocalThaiNumber(t *testing.T) {
	s := embeddedtest.Open(t)
	seedSmallWorld(t, s)
	ts := MustServer(t, s, server.DefaultConfig())
	r := post(t, ts, `query($q: String!) { lookup(identifier: $q) { key kind valid markers carrier
		entity { id ... on PhoneNumber { numberType summary { linkCount reportCount agencies firstSeen lastSeen }
		links(first: 3) { totalCount pageInfo { hasNextPage } edges { direction node { type provenance { agency } } neighbour { key } } } } } } }`,
		map[string]any{"q": "081 234 5678"})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s", r.Raw)
	}
	l := dig(r.Data, "lookup")
	if dig(l, "key") != "+66812345678" || dig(l, "kind") != "PhoneNumber" || dig(l, "valid") != true {
		t.Fatalf("lookup %v", l)
	}
	if dig(l, "entity", "id") != "PhoneNumber:+66812345678" || dig(l, "entity", "summary", "linkCount") != 12.0 {
		t.Errorf("entity %v", dig(l, "entity"))
	}
	links := dig(l, "entity", "links")
	if dig(links, "totalCount") != 12.0 || dig(links, "pageInfo", "hasNextPage") != true || len(dig(links, "edges").([]any)) != 3 {
		t.Errorf("links %v", links)
	}
	if dig(links, "edges", 0, "direction") != "OUT" || dig(links, "edges", 0, "node", "provenance", "agency") != "TH-CIB" {
		t.Errorf("first edge %v", dig(links, "edges", 0))
	}
}

func TestLookupOfGarbageExplainsWhy(t *testing.T) {
	ts := MustServer(t, embeddedtest.Open(t), server.DefaultConfig())
	r := post(t, ts, `{ lookup(identifier: "call me maybe") { valid error key entity { id } } }`, nil)
	if len(r.Errors) > 0 || dig(r.Data, "lookup", "valid") != false || dig(r.Data, "lookup", "error") == nil {
		t.Fatalf("got %s", r.Raw)
	}
}

func TestBadRequestsGetClearErrorsNever500(t *testing.T) {
	s := embeddedtest.Open(t)
	seedSmallWorld(t, s)
	cfg := server.DefaultConfig()
	ts := MustServer(t, s, cfg)
	cases := []struct {
		name, query string
		code, inMsg string
	}{
		{"DepthNinetyNine", `{ network(seeds: ["PhoneNumber:+66812345678"], depth: 99) { nodeCount } }`, "BAD_USER_INPUT", "depth"},
		{"UnknownIDForPath", `{ shortestPath(from: "PhoneNumber:+66812345678", to: "PhoneNumber:+66899999999") { length } }`, "NOT_FOUND", "to"},
		{"NotAnID", `{ node(id: "hello") { id } }`, "BAD_USER_INPUT", "id"},
		{"BadCursor", `{ node(id: "PhoneNumber:+66812345678") { ... on PhoneNumber { links(after: "zzz") { totalCount } } } }`, "BAD_USER_INPUT", "after"},
		{"PageTooLarge", `{ node(id: "PhoneNumber:+66812345678") { ... on PhoneNumber { links(first: 100000) { totalCount } } } }`, "BAD_USER_INPUT", "first"},
		{"OverComplexity", `{ node(id: "PhoneNumber:+66812345678") { ... on PhoneNumber { links(first: 500) { edges { neighbour { ... on PhoneNumber { links(first: 500) { totalCount } } } } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED", "complexity"},
		{"TooDeep", deepQuery(5), "BAD_USER_INPUT", "nested"},
		{"UnknownField", `{ lookup(identifier: "1") { nonsense } }`, "GRAPHQL_VALIDATION_FAILED", "nonsense"},
		{"SyntaxError", `{ lookup(identifier: `, "GRAPHQL_PARSE_FAILED", ""},
		{"WrongEnum", `{ lookup(identifier: "1", region: VN) { valid } }`, "GRAPHQL_VALIDATION_FAILED", "VN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := post(t, ts, c.query, nil)
			if len(r.Errors) == 0 {
				t.Fatalf("no error: %s", r.Raw)
			}
			if r.code(0) != c.code || !strings.Contains(r.Errors[0].Message, c.inMsg) {
				t.Errorf("got code %q message %q, want %q containing %q", r.code(0), r.Errors[0].Message, c.code, c.inMsg)
			}
		})
	}
	t.Run("MalformedJSON", func(t *testing.T) {
		r := postRaw(t, ts, "application/json", []byte(`{"query": "{ lookup(`))
		if r.Status != http.StatusBadRequest || len(r.Errors) == 0 {
			t.Errorf("status %d body %s", r.Status, r.Raw)
		}
	})
	t.Run("TenMegabyteBody", func(t *testing.T) {
		big := `{"query": "{ __typename }", "variables": {"pad": "` + strings.Repeat("x", 10<<20) + `"}}`
		r := postRaw(t, ts, "application/json", []byte(big))
		if r.Status != http.StatusRequestEntityTooLarge || r.code(0) != "BAD_USER_INPUT" {
			t.Errorf("status %d body %.200s", r.Status, r.Raw)
		}
	})
}

func TestMutationRejectsItemsOneByOneAndWritesOnlyGoodOnes(t *testing.T) {
	s := embeddedtest.Open(t)
	ts := MustServer(t, s, server.DefaultConfig())
	r := post(t, ts, `mutation($in: UpsertInput!) { upsert(input: $in) { accepted rejected linksCreated
		entities { index status id code field reason } links { index status id code field reason } } }`,
		map[string]any{"in": map[string]any{
			"entities": []any{
				map[string]any{"kind": "PhoneNumber", "identifier": "02-123-4567", "label": "Bangkok office"},
				map[string]any{"kind": "PhoneNumber", "identifier": "not a number"},
			},
			"links": []any{
				map[string]any{"type": "CALLED", "from": map[string]any{"kind": "PhoneNumber", "identifier": "+855 12 345 678"},
					"to": map[string]any{"kind": "PhoneNumber", "identifier": "0812345678"}, "eventKey": "cdr-1",
					"agency": "TH-CCIB", "country": "TH", "observedAt": "2024-05-01T10:00:00Z", "confidence": 0.8},
				map[string]any{"type": "CALLED", "from": map[string]any{"kind": "PhoneNumber", "identifier": "0899999999"},
					"to":     map[string]any{"kind": "PhoneNumber", "identifier": "0811111111"},
					"agency": "TH-CCIB", "country": "TH", "observedAt": "2024-05-01T10:00:00Z", "confidence": 0.8},
			},
		}})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s", r.Raw)
	}
	u := dig(r.Data, "upsert")
	if dig(u, "accepted") != 2.0 || dig(u, "rejected") != 2.0 || dig(u, "linksCreated") != 1.0 {
		t.Fatalf("payload %v", u)
	}
	if dig(u, "entities", 1, "field") != "entities[1].identifier" || dig(u, "entities", 1, "code") != "BAD_USER_INPUT" {
		t.Errorf("rejected entity %v", dig(u, "entities", 1))
	}
	if dig(u, "links", 1, "field") != "links[1].eventKey" {
		t.Errorf("rejected link %v", dig(u, "links", 1))
	}
	// Nothing of the rejected link was written, not even its ends.
	if _, err := s.FindEntity(context.Background(), intel.KindPhoneNumber, "+66899999999"); intel.ErrorCode(err) != intel.ENOTFOUND {
		t.Errorf("a rejected link wrote its end: %v", err)
	}
	if e, err := s.FindEntity(context.Background(), intel.KindPhoneNumber, "+6621234567"); err != nil || e.Label != "Bangkok office" {
		t.Errorf("accepted entity: %+v %v", e, err)
	}
}

func TestGETQueriesAndPersistedQueries(t *testing.T) {
	ts := MustServer(t, embeddedtest.Open(t), server.DefaultConfig())
	res, err := http.Get(ts.URL + `/graphql?query={lookup(identifier:"0812345678"){key}}`)
	if err != nil {
		t.Fatal(err)
	}
	r := readResponse(t, res)
	if dig(r.Data, "lookup", "key") != "+66812345678" {
		t.Fatalf("GET: %s", r.Raw)
	}
	const q = `{ lookup(identifier: "0812345678") { key } }`
	hash := sha256Hex(q)
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
	body, _ := json.Marshal(map[string]any{"extensions": ext})
	r = postRaw(t, ts, "application/json", body)
	if r.code(0) != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("first APQ call: %s", r.Raw)
	}
	body, _ = json.Marshal(map[string]any{"query": q, "extensions": ext})
	postRaw(t, ts, "application/json", body)
	body, _ = json.Marshal(map[string]any{"extensions": ext})
	r = postRaw(t, ts, "application/json", body)
	if dig(r.Data, "lookup", "key") != "+66812345678" {
		t.Fatalf("APQ by hash: %s", r.Raw)
	}
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	ts := MustServer(t, embeddedtest.Open(t), server.DefaultConfig())
	post(t, ts, `{ lookup(identifier: "0812345678") { key } }`, nil)
	post(t, ts, `{ network(seeds: ["x"]) { nodeCount } }`, nil)
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(`{"query":"{ viewer { role } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer sgk_not_a_key")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a bad key: %v %v", res, err)
	}
	for path, want := range map[string]string{
		"/healthz": `"ok"`, "/readyz": `"store":"ok"`,
		"/metrics": `scamgraph_graphql_requests_total{operation="query lookup",outcome="ok"} 1`,
	} {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d %.300s", path, res.StatusCode, body)
		}
		if path == "/metrics" && !strings.Contains(string(body), `scamgraph_graphql_errors_total{code="BAD_USER_INPUT"} 1`) {
			t.Errorf("errors by code missing from /metrics")
		}
		if path == "/metrics" && !strings.Contains(string(body), `scamgraph_auth_refusals_total{code="UNAUTHENTICATED"} 1`) {
			t.Errorf("refused keys missing from /metrics")
		}
	}
	res, _ := http.Get(ts.URL + "/graphiql")
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "graphiql") {
		t.Errorf("/graphiql: %d", res.StatusCode)
	}
}

// slowStore never answers a read before its context ends, and says how
// the context ended.
type slowStore struct {
	intel.Store
	ended chan error
}

func (s slowStore) GetEntities(ctx context.Context, ids []string) (map[string]intel.Entity, error) {
	<-ctx.Done()
	s.ended <- ctx.Err()
	return nil, ctx.Err()
}

func (s slowStore) GetClassified(ctx context.Context, ids []string) (map[string]intel.ClassifiedEntity, error) {
	<-ctx.Done()
	s.ended <- ctx.Err()
	return nil, ctx.Err()
}

// TestRequestTimeoutReachesTheStore checks that the request's deadline is
// the store call's: the store sees its context end with the deadline, and
// the client gets TIMEOUT. Without the deadline the store would never
// answer and the request would hang, so no clock is read here.
func TestRequestTimeoutReachesTheStore(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.RequestTimeout = 100 * time.Millisecond
	store := slowStore{Store: embeddedtest.Open(t), ended: make(chan error, 16)}
	ts := MustServer(t, store, cfg)
	r := post(t, ts, `{ lookup(identifier: "0812345678") { entity { id } } }`, nil)
	if r.code(0) != "TIMEOUT" {
		t.Fatalf("got %s", r.Raw)
	}
	select {
	case err := <-store.ended:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("the store call ended with %v, want the request's deadline", err)
		}
	default:
		t.Error("the store was never called, or was not cancelled")
	}
}

// deepQuery nests links → neighbour n times under node(id:).
func deepQuery(n int) string {
	q := "id"
	for i := 0; i < n; i++ {
		q = "... on PhoneNumber { links(first: 1) { edges { neighbour { " + q + " } } } }"
	}
	return `{ node(id: "PhoneNumber:+66812345678") { ` + q + " } }"
}
