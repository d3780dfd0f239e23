package server_test

import (
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

func TestParseOrigins(t *testing.T) {
	got, err := server.ParseOrigins(" https://la.example.org , http://127.0.0.1:5173/,*,")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "https://la.example.org http://127.0.0.1:5173 *" {
		t.Errorf("parsed %q", got)
	}
	if got, err := server.ParseOrigins(""); err != nil || len(got) != 0 {
		t.Errorf("empty list: %q %v", got, err)
	}
	for _, bad := range []string{"la.example.org", "ftp://la.example.org", "https://la.example.org/app",
		"https://user@la.example.org", "https://", "https://la.example.org?x=1"} {
		if _, err := server.ParseOrigins(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseOrigins(%q) = %v, want an error naming it", bad, err)
		}
	}
}

// corsServer serves the real handler with cfg and no key added to requests.
func corsServer(t *testing.T, origins []string) (*httptest.Server, string) {
	t.Helper()
	reg, keys := accesstest.Registry(t)
	cfg := server.DefaultConfig()
	cfg.AllowedOrigins = origins
	srv := server.New(cfg, usecase.New(embeddedtest.Open(t), reg, usecase.Options{}), nil, zerolog.Nop(), server.NewMetrics())
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)
}

func preflight(t *testing.T, url, origin string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, url, nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization, content-type, x-purpose")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func TestCORS(t *testing.T) {
	const front = "https://la.example.org"
	t.Run("PreflightOfAnAllowedOriginNeedsNoKey", func(t *testing.T) {
		ts, _ := corsServer(t, []string{front})
		for _, path := range []string{"/graphql", "/ingest"} {
			res := preflight(t, ts.URL+path, front)
			if res.StatusCode/100 != 2 {
				t.Errorf("%s preflight: %d, want 2xx without a key", path, res.StatusCode)
			}
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != front {
				t.Errorf("%s preflight: Access-Control-Allow-Origin %q", path, got)
			}
			allowed := strings.ToLower(res.Header.Get("Access-Control-Allow-Headers"))
			for _, h := range []string{"authorization", "content-type", "x-purpose"} {
				if !strings.Contains(allowed, h) {
					t.Errorf("%s preflight allows headers %q, missing %s", path, allowed, h)
				}
			}
		}
	})
	t.Run("OtherOriginsAreNotAllowed", func(t *testing.T) {
		ts, _ := corsServer(t, []string{front})
		res := preflight(t, ts.URL+"/graphql", "https://evil.example.com")
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("another origin got Access-Control-Allow-Origin %q", got)
		}
	})
	t.Run("DefaultIsSameOriginOnly", func(t *testing.T) {
		ts, _ := corsServer(t, nil)
		res := preflight(t, ts.URL+"/graphql", front)
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("with no origins configured a preflight got Access-Control-Allow-Origin %q", got)
		}
	})
	t.Run("TheRequestItselfStillNeedsAKey", func(t *testing.T) {
		ts, key := corsServer(t, []string{front})
		send := func(token string) *http.Response {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(`{"query":"{ viewer { role } }"}`))
			req.Header.Set("Origin", front)
			req.Header.Set("Content-Type", "application/json")
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		if res := send(""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("without a key: %d, want 401", res.StatusCode)
		}
		res := send(key)
		if res.StatusCode != http.StatusOK || res.Header.Get("Access-Control-Allow-Origin") != front {
			t.Errorf("with a key: %d, Access-Control-Allow-Origin %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
		}
	})
}
