package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/servicetest"
	"github.com/scamgraph/scamgraph/usecase"
)

// auditDir holds the pinned graphql-http install (package-lock.json) and
// the script that runs its server audits; scripts/graphqlhttp.sh installs it.
const auditDir = "../tests/graphqlhttp"

// updateAudit rewrites the pinned SHOULD and MAY results instead of
// comparing with them.
var updateAudit = flag.Bool("update-audit", false, "rewrite testdata/graphql-http-audit.txt")

// auditResult is one line of audit.mjs's output.
type auditResult struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// TestGraphQLOverHTTPAudit runs graphql-http's server audits against the
// real handler on loopback, with a demo key in the Authorization header.
// Every MUST audit passes; the SHOULD and MAY audits give the results pinned
// in testdata/graphql-http-audit.txt, so that a change of either way is
// seen (a fixed recommendation updates the file: go test -run
// TestGraphQLOverHTTPAudit ./server -update-audit).
func TestGraphQLOverHTTPAudit(t *testing.T) {
	if _, err := os.Stat(filepath.Join(auditDir, "node_modules", "graphql-http")); err != nil {
		servicetest.Missing(t, "graphql-http is not installed in %s: run scripts/graphqlhttp.sh (make test does): %v", auditDir, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed for the GraphQL-over-HTTP audit: %v", err)
	}
	reg, keys := accesstest.Registry(t)
	srv := server.New(server.DefaultConfig(), usecase.New(embeddedtest.Open(t), reg, usecase.Options{}), nil,
		zerolog.Nop(), server.NewMetrics())
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	cmd := exec.Command(node, "audit.mjs")
	cmd.Dir = auditDir
	cmd.Env = append(os.Environ(), "AUDIT_URL="+ts.URL+"/graphql",
		"AUDIT_KEY="+demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("audit.mjs: %v\n%s", err, stderr.String())
	}
	var results []auditResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r auditResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit.mjs printed %q: %v", sc.Text(), err)
		}
		results = append(results, r)
	}
	if len(results) == 0 {
		t.Fatal("audit.mjs ran no audit")
	}

	counts := map[string]map[string]int{}
	var pinned []string
	for _, r := range results {
		level, _, _ := strings.Cut(r.Name, " ")
		if counts[level] == nil {
			counts[level] = map[string]int{}
		}
		counts[level][r.Status]++
		if level == "MUST" {
			if r.Status != "ok" {
				t.Errorf("MUST audit %s failed: %s: %s", r.ID, r.Name, r.Reason)
			}
			continue
		}
		pinned = append(pinned, r.ID+" "+r.Status+" "+r.Name)
	}
	for _, level := range []string{"MUST", "SHOULD", "MAY"} {
		t.Logf("graphql-http audit %s: %d ok, %d warn, %d notice, %d error", level,
			counts[level]["ok"], counts[level]["warn"], counts[level]["notice"], counts[level]["error"])
	}
	sort.Strings(pinned)
	got := strings.Join(pinned, "\n") + "\n"
	pinFile := filepath.Join("testdata", "graphql-http-audit.txt")
	if *updateAudit {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pinFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(pinFile)
	if err != nil {
		t.Fatalf("the pinned SHOULD/MAY results: %v", err)
	}
	if got != string(want) {
		t.Errorf("the SHOULD/MAY audit results changed; if for the better, update %s with -update-audit\ngot:\n%s\nwant:\n%s",
			pinFile, got, want)
		for _, r := range results {
			if r.Status != "ok" {
				t.Logf("%s %s %s: %s", r.ID, r.Status, r.Name, r.Reason)
			}
		}
	}
}
