package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/servicetest"
	"github.com/scamgraph/scamgraph/usecase"
)

// webDir is the npm project holding playwright-core and the scripts.
func webDir(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "web")
}

// mustBrowser fails the test, with what to run, when Chromium or the npm
// packages are missing.
func mustBrowser(t testing.TB) {
	t.Helper()
	chromium := os.Getenv("SCAMGRAPH_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		servicetest.Missing(t, "Chromium not found at %s: run scripts/testdeps.sh install", chromium)
	}
	if _, err := os.Stat(filepath.Join(webDir(t), "node_modules", "playwright-core")); err != nil {
		servicetest.Missing(t, "web/node_modules lacks playwright-core: run scripts/testdeps.sh install")
	}
	if _, err := exec.LookPath("node"); err != nil {
		servicetest.Missing(t, "node is not on PATH")
	}
}

// artefacts is where screenshots go: $SCAMGRAPH_STATE_DIR/artefacts when
// set (make test sets it), so that a person can look at them afterwards.
func artefacts(t testing.TB) string {
	dir := os.Getenv("SCAMGRAPH_STATE_DIR")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, "artefacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// demoServer serves the real handler over the embedded store holding a
// small demo world, with the demo registry and keys.
func demoServer(t testing.TB) (*httptest.Server, *access.Registry, []demo.Key) {
	t.Helper()
	store, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := demo.Load(context.Background(), store, demo.Config{Scale: 0.05}); err != nil {
		t.Fatal(err)
	}
	reg, keys := accesstest.Registry(t)
	svc := usecase.New(store, reg, usecase.Options{Analytics: usecase.AnalyticsOptions{Now: func() time.Time { return demo.End }}})
	srv := server.New(server.DefaultConfig(), svc, nil, zerolog.Nop(), server.NewMetrics())
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, reg, keys
}

// runScript runs web/test/<name> with args and decodes the JSON it prints.
func runScript(t testing.TB, name string, out any, args ...string) {
	t.Helper()
	runScriptFor(t, 3*time.Minute, name, out, args...)
}

// runScriptFor is runScript with a time limit of its own.
func runScriptFor(t testing.TB, limit time.Duration, name string, out any, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{filepath.Join("test", name)}, args...)...)
	cmd.Dir = webDir(t)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\nstderr: %s\nstdout: %s", name, err, stderr.String(), stdout.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("node %s printed no JSON: %v\n%s\nstderr: %s", name, err, stdout.String(), stderr.String())
	}
}

// apiNetwork is the network the API gives token for seed: its nodes, its
// links, and how many edges they fold into (one per ends and type).
type networkCounts struct{ nodes, links, folded int }

func apiNetwork(t testing.TB, base, token, seed string, depth, limit int) networkCounts {
	t.Helper()
	q := fmt.Sprintf(`{ network(seeds: [%q], depth: %d, limit: %d) { nodes { id } edges { type source target } } }`, seed, depth, limit)
	body, _ := json.Marshal(map[string]any{"query": q})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Purpose", "CASE-2026-0001")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct {
		Data struct {
			Network struct {
				Nodes []struct{ ID string }
				Edges []struct{ Type, Source, Target string }
			}
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	folded := map[[3]string]bool{}
	for _, e := range r.Data.Network.Edges {
		folded[[3]string{e.Source, e.Target, e.Type}] = true
	}
	return networkCounts{nodes: len(r.Data.Network.Nodes), links: len(r.Data.Network.Edges), folded: len(folded)}
}

func getenv(name string) string { return os.Getenv(name) }
