package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/export"
	"github.com/scamgraph/scamgraph/export/exporttest"
)

// checkExportCommand runs `scamgraph export` against the demo server at
// addr with an analyst's key, in every format, and has NetworkX read the
// files: each holds the same network, and the command's mistakes are
// answered with the reason.
func checkExportCommand(t *testing.T, addr, key string) {
	t.Helper()
	dir := t.TempDir()
	files := map[export.Format][]byte{}
	for _, f := range export.Formats {
		out := filepath.Join(dir, "net"+f.Extension())
		var stdout, stderr bytes.Buffer
		code := exportMain(context.Background(), []string{"--server", "http://" + addr, "--key", key,
			"--seed", "PhoneNumber:+66869041377", "--depth", "1", "--format", string(f), "--out", out}, &stdout, &stderr)
		if code != 0 || !strings.Contains(stdout.String(), "wrote "+out) {
			t.Fatalf("export %s: exit %d, %s %s", f, code, stdout.String(), stderr.String())
		}
		body, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files[f] = body
	}
	graphs := exporttest.Read(t, files)
	first := graphs[export.GraphML]
	if len(first.Nodes) < 2 || len(first.Edges) < 1 {
		t.Fatalf("the exported network has %d nodes and %d edges", len(first.Nodes), len(first.Edges))
	}
	for f, g := range graphs {
		if len(g.Nodes) != len(first.Nodes) || len(g.Edges) != len(first.Edges) {
			t.Errorf("%s holds %d nodes and %d edges, GraphML %d and %d", f, len(g.Nodes), len(g.Edges), len(first.Nodes), len(first.Edges))
		}
	}
	// A money trail, by the command line, holds transfers only.
	out := filepath.Join(dir, "trail.graphml")
	var stdout, stderr bytes.Buffer
	if code := exportMain(context.Background(), []string{"--server", "http://" + addr, "--key", key,
		"--trail", "BankAccount:TH:004:7730215864", "--max-hops", "2", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("export --trail: exit %d, %s", code, stderr.String())
	}
	if body, err := os.ReadFile(out); err != nil || !strings.Contains(string(body), "TRANSFERRED") || strings.Contains(string(body), ">CALLED<") {
		t.Errorf("the trail export holds no transfer, or holds calls: %v", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "gexf", "--ring", "x", "--seed", "PhoneNumber:+66869041377"}, "one or more --seed, or --ring, or --trail"},
		{[]string{"--format", "pdf", "--seed", "PhoneNumber:+66869041377"}, "unknown export format"},
		{[]string{"--format", "gexf"}, "--seed"},
		{[]string{"--format", "gexf", "--seed", "+66869041377"}, "seed"},
		{[]string{"--format", "gexf", "--seed", "PhoneNumber:+66869041377", "--depth", "9"}, "depth"},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"--server", "http://" + addr, "--key", key, "--out", filepath.Join(dir, "x")}, c.args...)
		if code := exportMain(context.Background(), args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("export %v: exit %d, %q; want 2 and a message naming %s", c.args, code, stderr.String(), c.want)
		}
	}
}
