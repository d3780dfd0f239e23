package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/server"
)

// downStore is a store whose reads and writes fail as a store that stays
// unavailable past its retry budget does. The real thing, Neo4j stopped
// and hung under a running service, is tested in cmd/scamgraph
// (TestNeo4jStoppedAnswersUnavailableEverywhere).
type downStore struct{ intel.Store }

var errDown = intel.Unavailable(errors.New("dial tcp 127.0.0.1:7687: connect: connection refused"))

func (downStore) Upsert(context.Context, intel.Batch) (intel.UpsertResult, error) {
	return intel.UpsertResult{}, errDown
}
func (downStore) GetEntities(context.Context, []string) (map[string]intel.Entity, error) {
	return nil, errDown
}
func (downStore) GetClassified(context.Context, []string) (map[string]intel.ClassifiedEntity, error) {
	return nil, errDown
}
func (downStore) GetLinks(context.Context, []string) (map[string]intel.Link, error) {
	return nil, errDown
}
func (downStore) FindEntity(context.Context, intel.Kind, string) (intel.Entity, error) {
	return intel.Entity{}, errDown
}

// TestUnavailableStoreIs503OnlyWhenTheWholeResponseFailed: a response
// whose every error is UNAVAILABLE and that carries no data is 503 with
// Retry-After; one that also answered something is a 200 GraphQL answer
// with the error in it. The stream answers 503 before it starts. The
// cause (an address, here) is never shown.
func TestUnavailableStoreIs503OnlyWhenTheWholeResponseFailed(t *testing.T) {
	ts := MustServer(t, downStore{embeddedtest.Open(t)}, server.DefaultConfig())

	const nodeQuery = `{"query": "{ node(id: \"PhoneNumber:+66812345678\") { id } }"}`
	whole, header := send(t, ts.URL+"/graphql", "application/json", nodeQuery)
	partial, _ := send(t, ts.URL+"/graphql", "application/json", `{"query": "{ __typename node(id: \"PhoneNumber:+66812345678\") { id } }"}`)
	if whole.Status != http.StatusServiceUnavailable || whole.code(0) != intel.CodeUnavailable || header.Get("Retry-After") == "" {
		t.Errorf("every field failed: %d %s (Retry-After %q); want 503 UNAVAILABLE with Retry-After", whole.Status, whole.Raw, header.Get("Retry-After"))
	}
	if partial.Status != http.StatusOK || partial.code(0) != intel.CodeUnavailable || dig(partial.Data, "__typename") != "Query" {
		t.Errorf("one field answered: %d %s; want 200 with the answer and the UNAVAILABLE error", partial.Status, partial.Raw)
	}
	stream, header := send(t, ts.URL+"/ingest", "application/x-ndjson",
		`{"type": "call", "caller": "0812345678", "callee": "0898765432", "start": "2026-05-01T09:00:00+07:00"}`+"\n")
	if stream.Status != http.StatusServiceUnavailable || stream.code(0) != intel.CodeUnavailable || header.Get("Retry-After") == "" ||
		len(whole.Errors) == 0 || stream.Errors[0].Message != whole.Errors[0].Message {
		t.Errorf("the stream: %d %s; want 503 UNAVAILABLE with Retry-After, in the mutation's words", stream.Status, stream.Raw)
	}
	for _, r := range []response{whole, partial, stream} {
		if strings.Contains(r.Raw, "7687") || strings.Contains(r.Raw, "refused") {
			t.Errorf("the cause leaks: %s", r.Raw)
		}
	}
}

// send posts body and reads a JSON answer, whatever its status but 500.
func send(t *testing.T, url, contentType, body string) (response, http.Header) {
	t.Helper()
	res, err := http.Post(url, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := response{Status: res.StatusCode, Raw: string(raw)}
	if err := json.Unmarshal(raw, &r); err != nil || r.Status == http.StatusInternalServerError {
		t.Fatalf("status %d: %s", res.StatusCode, raw)
	}
	return r, res.Header
}
