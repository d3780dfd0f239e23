package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/scamgraph/scamgraph/embeddedstore"
)

// boltRecords reads every key and value of every bucket, nested ones
// included, of the database file at path, keyed by bucket path and key.
func boltRecords(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	out := map[string]string{}
	var walk func(prefix string, b *bolt.Bucket) error
	walk = func(prefix string, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				return walk(prefix+string(k)+"/", b.Bucket(k))
			}
			out[prefix+string(k)] = string(v)
			return nil
		})
	}
	if err := db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(string(name)+"/", b) })
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameRecords compares two files record by record; extra names records
// that only want may hold beyond got (the audit of what came after).
func sameRecords(t *testing.T, what string, got, want map[string]string, extra func(key, value string) bool) {
	t.Helper()
	for k, v := range want {
		g, ok := got[k]
		switch {
		case !ok && (extra == nil || !extra(k, v)):
			t.Errorf("%s: record %s missing", what, k)
		case ok && g != v:
			t.Errorf("%s: record %s differs", what, k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: record %s was not in the original", what, k)
		}
	}
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func createKey(t *testing.T, dir, agency, role string) string {
	t.Helper()
	code, out, errOut := runKeysTest(t, dir, "create", "--agency", agency, "--role", role)
	tok := tokenLine.FindStringSubmatch(out)
	if code != 0 || tok == nil {
		t.Fatalf("create key: exit %d, %s", code, errOut)
	}
	return tok[1]
}

func TestBackupWhileServingRestoresEveryRecord(t *testing.T) {
	dir, work := t.TempDir(), t.TempDir()
	if code, _, errOut := runKeysTest(t, dir, "agency", "--code", "TH-CCIB", "--name", "CCIB", "--country", "TH"); code != 0 {
		t.Fatal(errOut)
	}
	admin, analyst := createKey(t, dir, "TH-CCIB", "ADMIN"), createKey(t, dir, "TH-CCIB", "ANALYST")
	if code, _, errOut := runCLI(t, "import", "--data-dir", dir, "--format", "ndjson", "--progress", "never",
		"--rejects", filepath.Join(work, "rejects.ndjson"), "../../examples/mixed.ndjson"); code > 1 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	id := storedCall(t, dir, "TH-CCIB")
	if code, _, errOut := runCLI(t, "retract", "--data-dir", dir, "--agency", "TH-CCIB", "--reason", "wrong subscriber", id); code != 0 {
		t.Fatalf("retract: %s", errOut)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready, done := make(chan string, 1), make(chan int, 1)
	var logs bytes.Buffer
	go func() {
		done <- serve(ctx, []string{"--data-dir", dir, "--addr", "127.0.0.1:0", "--log-format", "json"}, &logs, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("serve: exit %d: %s", code, logs.String())
	}
	url := "http://" + addr

	t.Run("LockedDataDirPointsToTheServer", func(t *testing.T) {
		code, _, errOut := runCLI(t, "backup", "--data-dir", dir, "--out", filepath.Join(work, "direct"))
		want := fmt.Sprintf("%s is in use by another scamgraph (pid %d); back it up through it instead", dir, os.Getpid())
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("exit %d, %q; want 1 and %q", code, errOut, want)
		}
	})
	t.Run("AnalystKeyIsRefused", func(t *testing.T) {
		code, _, errOut := runCLI(t, "backup", "--server", url, "--key", analyst, "--out", filepath.Join(work, "refused"))
		if code != 1 || !strings.Contains(errOut, "needs the role ADMIN") {
			t.Errorf("exit %d, %q", code, errOut)
		}
		if _, err := os.Stat(filepath.Join(work, "refused", embeddedstore.FileName)); !os.IsNotExist(err) {
			t.Errorf("a refused backup left a file: %v", err)
		}
	})
	backup := filepath.Join(work, "backup")
	code, out, errOut := runCLI(t, "backup", "--server", url, "--key", admin, "--out", backup)
	if code != 0 || !strings.Contains(out, "checked") {
		t.Fatalf("backup: exit %d, %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "backup", "--server", url, "--key", admin, "--out", backup); code != 1 || !strings.Contains(errOut, "choose an empty directory") {
		t.Errorf("a second backup into the same directory: exit %d, %q", code, errOut)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve: exit %d: %s", code, logs.String())
	}

	restored := filepath.Join(work, "restored")
	code, out, errOut = runCLI(t, "restore", "--from", backup, "--data-dir", restored)
	if code != 0 || !strings.Contains(out, "links") {
		t.Fatalf("restore: exit %d, %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "restore", "--from", backup, "--data-dir", restored); code != 1 || !strings.Contains(errOut, "restore into a new data directory") {
		t.Errorf("a restore over a store: exit %d, %q", code, errOut)
	}
	graph := boltRecords(t, filepath.Join(dir, embeddedstore.FileName))
	if n := len(graph); n < 20 {
		t.Fatalf("the original holds only %d records", n)
	}
	sameRecords(t, "graph", boltRecords(t, filepath.Join(restored, embeddedstore.FileName)), graph, nil)
	registry := boltRecords(t, filepath.Join(dir, accessFileName))
	backupAudit := func(k, v string) bool {
		// The backup's own audit entry is written once the copy is sent.
		return strings.HasPrefix(k, "audit/") && strings.Contains(v, `"backup"`)
	}
	sameRecords(t, "registry", boltRecords(t, filepath.Join(restored, accessFileName)), registry, backupAudit)
	if !slices.ContainsFunc(slices.Collect(maps.Values(registry)), func(v string) bool { return strings.Contains(v, `"backup"`) }) {
		t.Error("the backup is not in the audit log")
	}

	code, out, errOut = runCLI(t, "compact", "--data-dir", restored)
	if code != 0 || strings.Count(out, "bytes, now") != 2 {
		t.Fatalf("compact: exit %d, %s %s", code, out, errOut)
	}
	sameRecords(t, "graph after compaction", boltRecords(t, filepath.Join(restored, embeddedstore.FileName)), graph, nil)
	sameRecords(t, "registry after compaction", boltRecords(t, filepath.Join(restored, accessFileName)), registry, backupAudit)
}
