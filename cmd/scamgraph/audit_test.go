package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAuditExportThenPruneLosesNothing(t *testing.T) {
	dir, work := t.TempDir(), t.TempDir()
	if code, _, errOut := runKeysTest(t, dir, "agency", "--code", "TH-CCIB", "--name", "CCIB", "--country", "TH"); code != 0 {
		t.Fatal(errOut)
	}
	createKey(t, dir, "TH-CCIB", "ANALYST")
	createKey(t, dir, "TH-CCIB", "ADMIN")
	until := time.Now().Add(time.Second).UTC().Format(time.RFC3339Nano)
	export := filepath.Join(work, "audit-1.ndjson")
	code, out, errOut := runCLI(t, "audit", "export", "--data-dir", dir, "--until", until, "--out", export)
	if code != 0 || !strings.Contains(out, "3 audit entries (seq 1 to 3") {
		t.Fatalf("export: exit %d, %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "audit", "export", "--data-dir", dir, "--until", until, "--out", export); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("an export over an export: exit %d, %q", code, errOut)
	}

	raw, _ := os.ReadFile(export)
	lines := strings.SplitAfter(strings.TrimSpace(string(raw)), "\n")
	partial := filepath.Join(work, "partial.ndjson")
	os.WriteFile(partial, []byte(lines[0]+lines[2]), 0o600)
	if code, _, errOut := runCLI(t, "audit", "prune", "--data-dir", dir, "--exported", partial); code != 1 || !strings.Contains(errOut, "lacks entry 2") {
		t.Errorf("a prune with an entry missing from the export: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "audit", "prune", "--data-dir", dir); code != 2 || !strings.Contains(errOut, "--exported is required") {
		t.Errorf("a prune without an export: exit %d, %q", code, errOut)
	}

	code, out, errOut = runCLI(t, "audit", "prune", "--data-dir", dir, "--exported", export)
	if code != 0 || !strings.Contains(out, "3 audit entries pruned (seq 1 to 3)") {
		t.Fatalf("prune: exit %d, %s %s", code, out, errOut)
	}
	rest := filepath.Join(work, "audit-2.ndjson")
	code, out, _ = runCLI(t, "audit", "export", "--data-dir", dir, "--older-than", "-1h", "--out", rest)
	raw, _ = os.ReadFile(rest)
	if code != 0 || !strings.Contains(out, "1 audit entries (seq 4 to 4") || !strings.Contains(string(raw), `"pruneAudit"`) {
		t.Errorf("after the prune the log holds %q (%s); want only the pruning's own entry", raw, out)
	}
}
