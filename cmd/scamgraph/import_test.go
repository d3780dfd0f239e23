package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

func linksIn(t *testing.T, dir string) int {
	t.Helper()
	s, err := embeddedstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, links := s.Counts()
	return links
}

func TestImportMalformedFileKeepsGoodRowsAndReportsBadOnes(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "malformed.ndjson")
	raw, err := os.ReadFile("../../examples/malformed.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(input, raw, 0o644)
	var out, errOut bytes.Buffer
	code := importMain(context.Background(), []string{"--data-dir", filepath.Join(dir, "data"), "--format", "ndjson", "--progress", "never", input}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (some rows rejected): %s", code, errOut.String())
	}
	f, err := os.Open(input + ".rejects.ndjson")
	if err != nil {
		t.Fatalf("no rejects file: %v", err)
	}
	defer f.Close()
	// The rejects file lists the rejected rows and, apart from them, the
	// stored rows with the fields set aside; the summary counts both.
	rejects, warnings := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r ingest.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		switch {
		case r.Status == ingest.StatusRejected:
			if r.Line < 1 || r.Reason == "" || r.Record == "" || len(r.Warnings) > 0 {
				t.Errorf("reject without line, reason or record: %+v", r)
			}
			rejects++
		case r.Status == ingest.StatusAccepted && len(r.Warnings) > 0:
			for _, w := range r.Warnings {
				if r.Line < 1 || w.Field == "" || w.Reason == "" || r.Record == "" {
					t.Errorf("warning without line, field, reason or record: %+v", r)
				}
			}
			warnings += len(r.Warnings)
		default:
			t.Errorf("neither a reject nor a record with warnings: %+v", r)
		}
	}
	if rejects == 0 || !strings.Contains(errOut.String(), fmt.Sprintf("%d rejected; %d warnings", rejects, warnings)) || warnings != 3 {
		t.Errorf("%d rejects, %d warnings; summary: %s", rejects, warnings, errOut.String())
	}
	stored := linksIn(t, filepath.Join(dir, "data"))
	if stored == 0 {
		t.Fatal("the good rows were not imported")
	}
	errOut.Reset()
	importMain(context.Background(), []string{"--data-dir", filepath.Join(dir, "data"), "--format", "ndjson", "--progress", "never", input}, &out, &errOut)
	if !strings.Contains(errOut.String(), " 0 accepted") || linksIn(t, filepath.Join(dir, "data")) != stored {
		t.Errorf("re-import added something: %s", errOut.String())
	}
}

func writeSyntheticNDJSON(t *testing.T, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for i := 0; i < n; i++ {
		enc.Encode(ingest.SyntheticCall(i))
	}
	w.Flush()
}

func TestImportResumesAfterInterruptionWithoutDuplicates(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "calls.ndjson")
	const n = 20000
	writeSyntheticNDJSON(t, input, n)
	data := filepath.Join(dir, "data")
	args := []string{"--data-dir", data, "--format", "ndjson", "--progress", "never", "--batch-size", "500", input}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Interrupt as soon as a batch is durable, as Ctrl-C would.
		for i := 0; i < 2000; i++ {
			if _, err := os.Stat(input + ".checkpoint.json"); err == nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	var out, errOut bytes.Buffer
	if code := importMain(ctx, args, &out, &errOut); code == 0 {
		t.Fatalf("the interrupted import succeeded: %s", errOut.String())
	}
	ck, err := os.ReadFile(input + ".checkpoint.json")
	if err != nil {
		t.Fatalf("no checkpoint after the interruption: %v", err)
	}
	var state checkpointState
	json.Unmarshal(ck, &state)
	if state.Line <= 0 || state.Line >= n {
		t.Fatalf("checkpoint at line %d", state.Line)
	}
	errOut.Reset()
	if code := importMain(context.Background(), args, &out, &errOut); code != 0 {
		t.Fatalf("resumed import: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), fmt.Sprintf("resuming after line %d", state.Line)) {
		t.Errorf("did not resume: %s", errOut.String())
	}
	if got := linksIn(t, data); got != n {
		t.Fatalf("%d calls stored, want exactly %d", got, n)
	}
	if _, err := os.Stat(input + ".checkpoint.json"); !os.IsNotExist(err) {
		t.Error("checkpoint left behind after a complete import")
	}
}

func TestImportThroughARunningServer(t *testing.T) {
	store, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	reg, _ := accesstest.Registry(t)
	ts := httptest.NewServer(server.New(server.DefaultConfig(), usecase.New(store, reg, usecase.Options{}), nil, zerolog.Nop(), server.NewMetrics()).Handler())
	defer ts.Close()
	// A key speaks for one agency: each file goes with its agency's key.
	keyOf := func(agency string) string {
		_, tok, err := reg.CreateKey(context.Background(), "test", agency, access.RoleEnricher, "import test", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	for _, c := range []struct {
		args     []string
		accepted string
	}{
		// calls.csv also holds KH-MPTC and TH-CCIB rows, transfers.ndjson
		// KH-CAFIU ones: another agency's key must send those.
		{[]string{"--key", keyOf("TH-NBTC"), "--format", "csv", "--type", "call", "../../examples/calls.csv"}, "6 accepted, 0 duplicate, 6 rejected"},
		{[]string{"--key", keyOf("TH-AMLO"), "--format", "ndjson", "../../examples/transfers.ndjson"}, "8 accepted, 0 duplicate, 2 rejected"},
	} {
		errOut.Reset()
		rejects := filepath.Join(dir, "rejects.ndjson")
		args := append([]string{"--server", ts.URL, "--progress", "never", "--rejects", rejects}, c.args...)
		importMain(context.Background(), args, &out, &errOut)
		if !strings.Contains(errOut.String()+out.String(), c.accepted) {
			t.Fatalf("want %q: %s %s", c.accepted, out.String(), errOut.String())
		}
		raw, _ := os.ReadFile(rejects)
		if !strings.Contains(string(raw), "this key writes for") {
			t.Errorf("rejects do not say why: %s", raw)
		}
	}
	if _, links := store.Counts(); links == 0 {
		t.Fatalf("nothing stored: %s", errOut.String())
	}
	os.Remove("../../examples/calls.csv.checkpoint.json")
	os.Remove("../../examples/transfers.ndjson.checkpoint.json")
}
