package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/conformance"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// The sample file of every record type, sent through the import command
// and through the GraphQL ingest mutation, into the embedded store and
// into Neo4j, makes the one graph the conformance suite's pipeline check
// makes: the same digest, property for property.
func TestSampleFilesMakeTheGoldenGraphThroughCLIAndMutation(t *testing.T) {
	files := conformance.SampleFiles(t)
	mustEmbedded := func(t *testing.T, dir string) intel.Store {
		s, err := embeddedstore.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	backends := []struct {
		name string
		// cli returns the import command's flags for an empty store and
		// opens that store once the command has written it.
		cli func(t *testing.T) (flags []string, written func() intel.Store)
		// api returns an empty store and the registry deployed beside it.
		api func(t *testing.T) (intel.Store, *access.Registry)
	}{
		{"embedded",
			func(t *testing.T) ([]string, func() intel.Store) {
				dir := t.TempDir()
				return []string{"--store", "embedded", "--data-dir", dir}, func() intel.Store { return mustEmbedded(t, dir) }
			},
			func(t *testing.T) (intel.Store, *access.Registry) {
				reg, _ := accesstest.Registry(t)
				return mustEmbedded(t, t.TempDir()), reg
			}},
		{"neo4j",
			func(t *testing.T) ([]string, func() intel.Store) {
				s := neo4jtest.Open(t)
				cfg := neo4jtest.Config(t)
				return []string{"--store", "neo4j", "--neo4j-uri", cfg.URI, "--neo4j-database", cfg.Database},
					func() intel.Store { return s }
			},
			func(t *testing.T) (intel.Store, *access.Registry) {
				s := neo4jtest.Open(t)
				reg, _ := accesstest.Neo4jRegistry(t, s)
				return s, reg
			}},
	}
	for _, b := range backends {
		t.Run(b.name+"/cli", func(t *testing.T) {
			flags, written := b.cli(t)
			rejects := filepath.Join(t.TempDir(), "rejects.ndjson")
			for _, f := range files {
				args := append(append([]string{"--progress", "never", "--resume=false", "--rejects", rejects, "--format", f.Format},
					flags...), f.Path)
				if f.Type != "" {
					args = append([]string{"--type", string(f.Type)}, args...)
				}
				var out, errOut bytes.Buffer
				if code := importMain(context.Background(), args, &out, &errOut); code != 0 {
					t.Fatalf("import %s exited %d: %s%s", filepath.Base(f.Path), code, out.String(), errOut.String())
				}
			}
			if got := conformance.SampleGraphDigest(t, written()); got != conformance.GoldenSamplesDigest {
				t.Fatalf("the import command made a different graph: digest %s, want %s", got, conformance.GoldenSamplesDigest)
			}
		})
		t.Run(b.name+"/mutation", func(t *testing.T) {
			store, reg := b.api(t)
			ts := httptest.NewServer(server.New(server.DefaultConfig(), usecase.New(store, reg, usecase.Options{}), nil, zerolog.Nop(), server.NewMetrics()).Handler())
			defer ts.Close()
			keys := map[string]string{}
			keyOf := func(agency string) string {
				if keys[agency] == "" {
					// The samples name agencies beyond the demo's.
					if _, err := reg.GetAgency(context.Background(), agency); err != nil {
						a := access.Agency{Code: agency, Name: agency + " (samples)", Country: intel.Region(agency[:2])}
						if _, err := reg.CreateAgency(context.Background(), "test", a); err != nil {
							t.Fatalf("registering %s: %v", agency, err)
						}
					}
					_, tok, err := reg.CreateKey(context.Background(), "test", agency, access.RoleEnricher, "samples test", time.Hour)
					if err != nil {
						t.Fatalf("a key for %s: %v", agency, err)
					}
					keys[agency] = tok
				}
				return keys[agency]
			}
			for _, f := range files {
				// A key writes for its own agency, so each run of records
				// of one agency goes as one mutation with its key, in file
				// order: where two records touch one fact, the later wins,
				// as it does through the pipeline.
				records := readRecords(t, f)
				for start := 0; start < len(records); {
					end := start + 1
					for end < len(records) && records[end].Agency == records[start].Agency {
						end++
					}
					ingestMutation(t, ts.URL, keyOf(records[start].Agency), records[start:end])
					start = end
				}
			}
			if got := conformance.SampleGraphDigest(t, store); got != conformance.GoldenSamplesDigest {
				t.Fatalf("the ingest mutation made a different graph: digest %s, want %s", got, conformance.GoldenSamplesDigest)
			}
		})
	}
}

// readRecords decodes every record of a sample file.
func readRecords(t *testing.T, f conformance.SampleFile) []ingest.Record {
	dec := conformance.OpenSample(t, f)
	var out []ingest.Record
	for {
		raw, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil || raw.Err != nil {
			t.Fatalf("%s line %d: %v %v", f.Path, raw.Line, err, raw.Err)
		}
		out = append(out, raw.Record)
	}
}

// ingestMutation sends records through the ingest mutation and fails the
// test unless every one is accepted or a duplicate.
func ingestMutation(t *testing.T, base, key string, records []ingest.Record) {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"query":     `mutation($r: [RecordInput!]!) { ingest(records: $r) { totals { records rejected } results { index status field reason } } }`,
		"variables": map[string]any{"r": records},
	})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			Ingest struct {
				Totals  struct{ Records, Rejected int }
				Results []struct {
					Line                  int
					Status, Field, Reason string
				}
			}
		}
		Errors []struct{ Message string }
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) > 0 {
		t.Fatalf("ingest mutation: %v %s", err, raw)
	}
	if out.Data.Ingest.Totals.Rejected > 0 || out.Data.Ingest.Totals.Records != len(records) {
		var reasons []string
		for _, r := range out.Data.Ingest.Results {
			if r.Status == "REJECTED" {
				reasons = append(reasons, r.Field+": "+r.Reason)
			}
		}
		t.Fatalf("ingest mutation: %+v: %s", out.Data.Ingest.Totals, strings.Join(reasons, "; "))
	}
}
