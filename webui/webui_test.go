package webui_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/webui"
)

func get(t *testing.T, h http.Handler, method, path string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestPagesNeedNothingFromOtherHosts(t *testing.T) {
	for _, p := range []string{"/", "/graphiql"} {
		t.Run(p, func(t *testing.T) { checkPage(t, p) })
	}
}

func checkPage(t *testing.T, path string) {
	h := webui.Handler(http.NotFoundHandler())
	res, page := get(t, h, http.MethodGet, path, nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'self'", "script-src 'self'", "connect-src 'self'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("Content-Security-Policy %q lacks %s", csp, d)
		}
	}
	// Every script and stylesheet the page names is the service's own and
	// is served.
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 2 {
		t.Fatalf("the page names %d resources, want its script and stylesheet", len(refs))
	}
	for _, m := range refs {
		ref := m[1]
		if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "#") {
			continue
		}
		if !strings.HasPrefix(ref, "/assets/") && !strings.HasPrefix(ref, "/graphiql/assets/") && ref != "/graphiql" {
			t.Errorf("the page names %s, outside the service's own assets", ref)
			continue
		}
		res, body := get(t, h, http.MethodGet, ref, nil)
		if res.StatusCode != http.StatusOK || len(body) < 300 {
			t.Errorf("%s: %d, %d bytes", ref, res.StatusCode, len(body))
		}
	}
}

func TestAssetsRevalidateByETag(t *testing.T) {
	h := webui.Handler(http.NotFoundHandler())
	res, _ := get(t, h, http.MethodGet, "/graphiql/assets/explorer.js", nil)
	etag := res.Header.Get("ETag")
	if res.StatusCode != http.StatusOK || etag == "" || !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
		t.Fatalf("explorer.js: %d, ETag %q, type %q", res.StatusCode, etag, res.Header.Get("Content-Type"))
	}
	res, body := get(t, h, http.MethodGet, "/graphiql/assets/explorer.js", map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("revalidation: %d with %d bytes, want 304 and nothing", res.StatusCode, len(body))
	}
}

func TestPagesRefuseWhatTheyDoNotServe(t *testing.T) {
	h := webui.Handler(http.NotFoundHandler())
	for path, want := range map[string]int{
		"/graphiql/assets/nothing.js":     http.StatusNotFound,
		"/assets/index.html":              http.StatusNotFound,
		"/elsewhere":                      http.StatusNotFound,
		"/graphiql/assets/":               http.StatusNotFound,
		"/graphiql/assets/../explorer.js": http.StatusNotFound,
		"/graphiql/elsewhere":             http.StatusNotFound,
	} {
		if res, _ := get(t, h, http.MethodGet, path, nil); res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	if res, _ := get(t, h, http.MethodPost, "/graphiql", nil); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /graphiql: %d, want 405", res.StatusCode)
	}
}
