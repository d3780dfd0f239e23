package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
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

// requestLines are the access log's lines among l's.
func requestLines(t *testing.T, l *lockedBuffer) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["message"] == "request" {
			out = append(out, m)
		}
	}
	return out
}

func TestAccessLogNamesWhoAndWhatButNoSecret(t *testing.T) {
	var logs lockedBuffer
	reg, keys := accesstest.Registry(t)
	store := embeddedtest.Open(t)
	cfg := server.DefaultConfig()
	cfg.SeparateMetrics = true
	srv := server.New(cfg, usecase.New(store, reg, usecase.Options{}), nil, zerolog.New(&logs), server.NewMetrics())
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	token := demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)
	send := func(tok, body string) int {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("X-Purpose", "CASE-SECRET-PURPOSE")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	send(token, `{"query":"{ lookup(identifier: \"0812345678\") { key } }"}`)
	send(token, `{"query":"mutation { retractFact(id: \"Link:called-000000000000000000000000\", reason: \"x\") { id } }"}`)
	send("sgk_not_a_key", `{"query":"{ viewer { role } }"}`)
	if res, _ := http.Get(ts.URL + "/metrics"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the API's address with SeparateMetrics: %d", res.StatusCode)
	}

	lines := requestLines(t, &logs)
	if len(lines) < 3 {
		t.Fatalf("%d request lines: %s", len(lines), logs.String())
	}
	key := keyID(t, token)
	want := []map[string]any{
		{"agency": "TH-CCIB", "key_id": key, "operation": "lookup", "status": 200.0},
		{"agency": "TH-CCIB", "key_id": key, "operation": "retractFact", "code": "FORBIDDEN"},
		{"status": 401.0, "code": "UNAUTHENTICATED"},
	}
	for i, w := range want {
		for k, v := range w {
			if lines[i][k] != v {
				t.Errorf("line %d: %s = %v, want %v (%v)", i, k, lines[i][k], v, lines[i])
			}
		}
		if _, ok := lines[i]["duration"]; !ok {
			t.Errorf("line %d has no duration", i)
		}
	}
	all := logs.String()
	for _, secret := range []string{token, "sgk_not_a_key", "CASE-SECRET-PURPOSE", "0812345678", "+66812345678"} {
		if strings.Contains(all, secret) {
			t.Errorf("the log holds %q:\n%s", secret, all)
		}
	}
}

// keyID is the id of the key a token presents.
func keyID(t *testing.T, token string) string {
	t.Helper()
	// Tokens are sgk_<id>_<secret>.
	parts := strings.SplitN(token, "_", 3)
	if len(parts) != 3 {
		t.Fatalf("token %q has no id", token)
	}
	return parts[1]
}
