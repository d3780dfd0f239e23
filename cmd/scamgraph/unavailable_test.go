package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// services runs a subcommand of scripts/services.sh (the same state
// directory and ports as the test's environment).
func services(t *testing.T, args ...string) {
	t.Helper()
	start := time.Now()
	out, err := exec.Command("../../scripts/services.sh", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("services.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("services.sh %s took %s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
}

// answered is what a client read of one failed (or not) request.
type answered struct {
	status     int
	retryAfter string
	code, msg  string
	took       time.Duration
	raw        string
}

// postTimed sends one request with a generous deadline of its own (the
// failure condition is never getting an answer, not a slow one) and reads
// the first GraphQL-over-HTTP error of the answer, if any.
func postTimed(t *testing.T, url, key, contentType string, body []byte) answered {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+key)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: no answer: %v", url, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := answered{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), took: time.Since(start), raw: string(raw)}
	var out struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if json.Unmarshal(raw, &out) == nil && len(out.Errors) > 0 {
		a.code, a.msg = out.Errors[0].Extensions.Code, out.Errors[0].Message
	}
	return a
}

// gqlBody is a GraphQL request body.
func gqlBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

const (
	ingestRecordsMutation = `mutation($r: [RecordInput!]!) { ingest(records: $r) { results { index status code } } }`
	lookupQuery           = `query($id: String!) { lookup(identifier: $id) { valid entity { id } } }`
)

// TestNeo4jStoppedAnswersUnavailableEverywhere stops the real Neo4j under
// a running service, then makes it hang (SIGSTOP), and checks what the
// issue asks: every entry — the ingest mutation, a read, the NDJSON
// stream and `import --server` — answers UNAVAILABLE with HTTP 503 and
// Retry-After, in the same words; nothing is half written; the failure is
// audited as such; and once Neo4j is back the same requests succeed. The
// registry is on bbolt, so that the requests reach the graph store and the
// failure can be audited; a second server keeps its registry on the same
// Neo4j, and answers alike at authentication. The measured time to UNAVAILABLE is logged;
// it is not asserted.
func TestNeo4jStoppedAnswersUnavailableEverywhere(t *testing.T) {
	store := neo4jtest.Open(t)
	reg, keys := accesstest.Registry(t)
	// The service's defaults: a hung Neo4j cannot be told from a slow query
	// before the request's deadline (RequestTimeout, 10 s), so that is when
	// its client hears UNAVAILABLE; a refused connection is known at once
	// and retried for the store's budget (intel.DefaultRetryBudget, 3 s).
	ts := httptest.NewServer(server.New(server.DefaultConfig(), usecase.New(store, reg, usecase.Options{}), nil, zerolog.Nop(),
		server.NewMetrics()).Handler())
	t.Cleanup(ts.Close)
	key := demo.KeyFor(keys, "TH-CCIB", access.RoleEnricher)
	// The same service with its registry on Neo4j too, as production runs
	// it: there the key cannot be checked either.
	neoReg, neoKeys := accesstest.Neo4jRegistry(t, store)
	tsNeo := httptest.NewServer(server.New(server.DefaultConfig(), usecase.New(store, neoReg, usecase.Options{}), nil,
		zerolog.Nop(), server.NewMetrics()).Handler())
	t.Cleanup(tsNeo.Close)
	neoKey := demo.KeyFor(neoKeys, "TH-CCIB", access.RoleAnalyst)
	// Whatever happens, Neo4j runs again for the next test.
	t.Cleanup(func() {
		exec.Command("../../scripts/services.sh", "resume-neo4j").Run()
		exec.Command("../../scripts/services.sh", "start-neo4j").Run()
	})

	stored := wire(t, mixedBatch[:1])
	batch := wire(t, mixedBatch[1:3]) // two new calls
	if a := postTimed(t, ts.URL+"/graphql", key, "application/json", gqlBody(ingestRecordsMutation, map[string]any{"r": stored})); a.status != http.StatusOK || a.code != "" {
		t.Fatalf("seeding: %d %s", a.status, a.raw)
	}
	before := counts(t, store)

	// unavailable checks one answer and returns its message.
	unavailable := func(what string, a answered) string {
		t.Helper()
		t.Logf("%s: HTTP %d %s after %s", what, a.status, a.code, a.took.Round(time.Millisecond))
		if a.status != http.StatusServiceUnavailable || a.code != intel.CodeUnavailable || a.retryAfter == "" || a.msg == "" {
			t.Errorf("%s: HTTP %d, Retry-After %q, code %q: %s; want 503 UNAVAILABLE with Retry-After", what, a.status, a.retryAfter, a.code, a.raw)
		}
		return a.msg
	}

	t.Run("Refused", func(t *testing.T) {
		services(t, "stop-neo4j")
		input := filepath.Join(t.TempDir(), "batch.ndjson")
		if err := os.WriteFile(input, ndjson(t, mixedBatch[1:3]), 0o600); err != nil {
			t.Fatal(err)
		}
		// Every entry at once: the mutation, a read, the stream, and
		// import --server told not to wait (it reports the server's code
		// and message); and a read where the registry is on Neo4j too.
		var mutation, read, stream, registryRead answered
		var importStatus int
		var importOut, importErr bytes.Buffer
		var importTook time.Duration
		var wg sync.WaitGroup
		wg.Add(5)
		go func() {
			defer wg.Done()
			registryRead = postTimed(t, tsNeo.URL+"/graphql", neoKey, "application/json", gqlBody(lookupQuery, map[string]any{"id": "0816660009"}))
		}()
		go func() {
			defer wg.Done()
			mutation = postTimed(t, ts.URL+"/graphql", key, "application/json", gqlBody(ingestRecordsMutation, map[string]any{"r": batch}))
		}()
		go func() {
			defer wg.Done()
			read = postTimed(t, ts.URL+"/graphql", key, "application/json", gqlBody(lookupQuery, map[string]any{"id": "0816660009"}))
		}()
		go func() {
			defer wg.Done()
			stream = postTimed(t, ts.URL+"/ingest", key, "application/x-ndjson", ndjson(t, mixedBatch[1:3]))
		}()
		go func() {
			defer wg.Done()
			start := time.Now()
			importStatus = importMain(context.Background(), []string{"--server", ts.URL, "--key", key, "--progress", "never",
				"--resume=false", "--retry-for", "1s", input}, &importOut, &importErr)
			importTook = time.Since(start)
		}()
		wg.Wait()
		msg := unavailable("ingest mutation", mutation)
		if got := unavailable("read", read); got != msg {
			t.Errorf("the read says %q, the mutation %q", got, msg)
		}
		if got := unavailable("NDJSON stream", stream); got != msg {
			t.Errorf("the stream says %q, the mutation %q", got, msg)
		}
		if got := unavailable("read with the registry on Neo4j", registryRead); got != msg {
			t.Errorf("the read with the registry on Neo4j says %q, the mutation %q", got, msg)
		}
		t.Logf("import --server: exit %d after %s: %s", importStatus, importTook.Round(time.Millisecond), strings.TrimSpace(importErr.String()))
		if want := intel.CodeUnavailable + ": " + msg; importStatus != 1 || !strings.Contains(importErr.String(), want) {
			t.Errorf("import --server: exit %d, %q; want exit 1 and %q", importStatus, importErr.String(), want)
		}
		if e := lastWrite(t, reg); e.Outcome != access.OutcomeError || e.Code != intel.CodeUnavailable {
			t.Errorf("the failed write is audited as %s/%s, want %s/%s", e.Outcome, e.Code, access.OutcomeError, intel.CodeUnavailable)
		}

		services(t, "start-neo4j")
		if after := counts(t, store); after != before {
			t.Fatalf("the store holds %+v after the failed requests, %+v before: something was half written", after, before)
		}
		a := postTimed(t, ts.URL+"/graphql", key, "application/json", gqlBody(ingestRecordsMutation, map[string]any{"r": batch}))
		if a.status != http.StatusOK || a.code != "" || strings.Count(a.raw, `"ACCEPTED"`) != 2 {
			t.Fatalf("the same mutation once Neo4j is back: %d %s", a.status, a.raw)
		}
		before = counts(t, store)
	})

	t.Run("Hangs", func(t *testing.T) {
		services(t, "pause-neo4j")
		// A write and a read wait on the hung server together.
		resend := wire(t, []ingest.Record{mixedCall("", "MIX-HANG", "0816660011", "0816660012")})
		var write, read answered
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			write = postTimed(t, ts.URL+"/graphql", key, "application/json", gqlBody(ingestRecordsMutation, map[string]any{"r": resend}))
		}()
		go func() {
			defer wg.Done()
			read = postTimed(t, ts.URL+"/graphql", key, "application/json", gqlBody(lookupQuery, map[string]any{"id": "0816660001"}))
		}()
		wg.Wait()
		msg := unavailable("ingest mutation on a hung Neo4j", write)
		if got := unavailable("read on a hung Neo4j", read); got != msg {
			t.Errorf("the read says %q, the write %q", got, msg)
		}
		services(t, "resume-neo4j")
		if after := counts(t, store); after != before {
			t.Fatalf("the store holds %+v after the hung write, %+v before: something was half written", after, before)
		}
		a := postTimed(t, ts.URL+"/graphql", key, "application/json", gqlBody(ingestRecordsMutation, map[string]any{"r": resend}))
		if a.status != http.StatusOK || a.code != "" || strings.Count(a.raw, `"ACCEPTED"`) != 1 {
			t.Fatalf("the same mutation once Neo4j answers again: %d %s", a.status, a.raw)
		}
	})
}

// storeCounts is what a Neo4j store holds: entities and CALLED links.
type storeCounts struct{ entities, calls int }

func counts(t *testing.T, s *neo4jstore.Store) storeCounts {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e, _, calls, err := s.Counts(ctx, intel.LinkCalled)
	if err != nil {
		t.Fatalf("counting what Neo4j holds: %v", err)
	}
	return storeCounts{e, calls}
}
