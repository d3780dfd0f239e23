package server_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// lockedBuffer is a log sink the handler's goroutines may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMalformedBodyIsTheClientsMistake: a POST body that is not a GraphQL
// request in JSON gets 400 and a GraphQL-over-HTTP error with
// BAD_USER_INPUT naming the field and what is wrong with it, without the
// body echoed back, and the server logs it as the client's mistake, never
// as an internal error.
func TestMalformedBodyIsTheClientsMistake(t *testing.T) {
	var logs lockedBuffer
	reg, keys := accesstest.Registry(t)
	srv := server.New(server.DefaultConfig(), usecase.New(embeddedtest.Open(t), reg, usecase.Options{}), nil,
		zerolog.New(&logs), server.NewMetrics())
	ts := httptest.NewServer(accesstest.WithKey(srv.Handler(), demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)))
	t.Cleanup(ts.Close)

	cases := []struct {
		name, body, field, inMsg string
	}{
		{"CutShort", `{"query": "{ lookup(`, "body", "not valid JSON"},
		{"NotJSON", `query { __typename }`, "body", "not valid JSON"},
		{"Empty", ``, "body", "is empty"},
		{"AnArray", `[{"query": "{ __typename }"}]`, "body", "want an object"},
		{"QueryNotAString", `{"query": 42}`, "query", "want a string"},
		{"VariablesNotAnObject", `{"query": "{ __typename }", "variables": "secret-ish"}`, "variables", "want an object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := postRaw(t, ts, "application/json", []byte(c.body))
			if r.Status != http.StatusBadRequest || r.code(0) != "BAD_USER_INPUT" {
				t.Fatalf("status %d, code %q: %s", r.Status, r.code(0), r.Raw)
			}
			if f, _ := r.Errors[0].Extensions["field"].(string); f != c.field || !strings.Contains(r.Errors[0].Message, c.inMsg) {
				t.Errorf("field %q message %q, want field %q and a message containing %q", f, r.Errors[0].Message, c.field, c.inMsg)
			}
			if c.body != "" && strings.Contains(r.Raw, c.body) {
				t.Errorf("the body is echoed back: %s", r.Raw)
			}
		})
	}
	if r := post(t, ts, `{ __typename }`, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("a good request after the bad ones: %d %s", r.Status, r.Raw)
	}
	out := logs.String()
	if strings.Contains(out, `"level":"error"`) || strings.Contains(out, "internal error") {
		t.Errorf("a client's mistake was logged as ours:\n%s", out)
	}
	if n := strings.Count(out, "malformed request body"); n != len(cases) {
		t.Errorf("%d malformed-body notices logged, want %d:\n%s", n, len(cases), out)
	}
}
