// Package exporttest reads export files with NetworkX, an implementation
// written independently of ScamGraph, so that tests can check an export
// against the network it was made from. The Python environment comes from
// scripts/testdeps.sh (run by make test); without it the tests fail.
package exporttest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/export"
	"github.com/scamgraph/scamgraph/servicetest"
)

// Graph is a network as NetworkX read it: node attributes by node id, and
// every edge with its ends and attributes.
type Graph struct {
	Nodes map[string]map[string]string `json:"nodes"`
	Edges []map[string]string          `json:"edges"`
}

// Files writes c in every format into a temporary directory, checking on
// the way that the same chart gives the same bytes twice.
func Files(t testing.TB, c export.Chart) map[export.Format][]byte {
	t.Helper()
	out := map[export.Format][]byte{}
	for _, f := range export.Formats {
		var b, again bytes.Buffer
		if err := export.Write(&b, f, c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		export.Write(&again, f, c)
		if !bytes.Equal(b.Bytes(), again.Bytes()) {
			t.Errorf("%s: two exports of the same network differ", f)
		}
		out[f] = b.Bytes()
	}
	return out
}

// Read has NetworkX read one file per format and returns the graphs by
// format name.
func Read(t testing.TB, files map[export.Format][]byte) map[export.Format]Graph {
	t.Helper()
	dir := t.TempDir()
	paths := map[export.Format]string{}
	for f, body := range files {
		paths[f] = filepath.Join(dir, "network"+f.Extension())
		if err := os.WriteFile(paths[f], body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range export.Formats {
		if paths[f] == "" {
			t.Fatalf("no %s file to read", f)
		}
	}
	_, self, _, _ := runtime.Caller(0)
	here := filepath.Dir(self)
	python := os.Getenv("SCAMGRAPH_PYTHON")
	if python == "" {
		state := os.Getenv("SCAMGRAPH_STATE_DIR")
		if state == "" {
			state = filepath.Join(here, "..", "..", ".services")
		}
		python = filepath.Join(state, "pyenv", "bin", "python")
	}
	if _, err := os.Stat(python); err != nil {
		servicetest.Missing(t, "no Python with NetworkX at %s: run scripts/testdeps.sh install (make test does)", python)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, filepath.Join(here, "readexports.py"), paths[export.GraphML],
		paths[export.GEXF], paths[export.Cytoscape], paths[export.CSV], paths[export.I2])
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("NetworkX could not read the exports: %v\n%s", err, stderr.String())
	}
	var got map[export.Format]Graph
	if err := json.Unmarshal(stdout, &got); err != nil {
		t.Fatalf("reader output: %v\n%s", err, stdout)
	}
	return got
}

// Check fails t unless every graph holds exactly c's nodes and links
// (parallel links apart) under their ids, each node under its label, and
// names every masked field of c as masked.
func Check(t testing.TB, c export.Chart, got map[export.Format]Graph) {
	t.Helper()
	for _, format := range export.Formats {
		g, ok := got[format]
		if !ok {
			t.Errorf("%s: not read", format)
			continue
		}
		if len(g.Nodes) != len(c.Nodes) || len(g.Edges) != len(c.Links) {
			t.Errorf("%s: %d nodes, %d edges; want %d and %d", format, len(g.Nodes), len(g.Edges), len(c.Nodes), len(c.Links))
		}
		for _, n := range c.Nodes {
			attrs, ok := g.Nodes[n.ID]
			if !ok {
				t.Errorf("%s: node %s missing", format, n.ID)
				continue
			}
			name := attrs["label"]
			if format == export.Cytoscape {
				name = attrs["name"]
			}
			want := n.Label
			if want == "" {
				want = n.Key
			}
			if name != want {
				t.Errorf("%s: node %s reads as %q, want %q", format, n.ID, name, want)
			}
			for _, m := range c.Masked[n.ID] {
				if !strings.Contains(attrs["masked"], m.Field) {
					t.Errorf("%s: node %s does not say %s is masked (masked=%q)", format, n.ID, m.Field, attrs["masked"])
				}
			}
		}
		ids := map[string]map[string]string{}
		for _, e := range g.Edges {
			ids[e["id"]] = e
		}
		for _, l := range c.Links {
			e, ok := ids[export.LinkID(l.ID)]
			if !ok || e["source"] != l.From || e["target"] != l.To {
				t.Errorf("%s: link %s (%s→%s) missing or misjoined: %v", format, l.ID, l.From, l.To, e)
				continue
			}
			for _, m := range c.Masked[l.ID] {
				if !strings.Contains(e["masked"], m.Field) {
					t.Errorf("%s: link %s does not say %s is masked (masked=%q)", format, l.ID, m.Field, e["masked"])
				}
			}
		}
	}
}
