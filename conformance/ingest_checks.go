package conformance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// examplesDir is the repository's examples/ folder, found from this file so
// the suite works from any backend's package.
func examplesDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "examples")
}

// SampleFiles lists the well-formed sample files of examples/, one NDJSON
// and one CSV file per record type and the mixed NDJSON file, in name order.
func SampleFiles(t *testing.T) []SampleFile {
	names, err := filepath.Glob(filepath.Join(examplesDir(), "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []SampleFile
	for _, name := range names {
		base := filepath.Base(name)
		if strings.HasPrefix(base, "malformed") {
			continue
		}
		switch filepath.Ext(base) {
		case ".ndjson":
			out = append(out, SampleFile{Path: name, Format: "ndjson"})
		case ".csv":
			out = append(out, SampleFile{Path: name, Format: "csv", Type: sampleTypes[strings.TrimSuffix(base, ".csv")]})
		}
	}
	if len(out) < 14 {
		t.Fatalf("found %d sample files in %s, want one NDJSON and one CSV per record type", len(out), examplesDir())
	}
	return out
}

// SampleFile is one sample file: its path, its format and, for a CSV file,
// the record type of its rows.
type SampleFile struct {
	Path, Format string
	Type         ingest.RecordType
}

// OpenSample opens a sample file's decoder; the file is closed when the
// test ends.
func OpenSample(t *testing.T, f SampleFile) ingest.Decoder {
	t.Helper()
	in, err := os.Open(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	dec, err := ingest.NewDecoder(in, f.Format, f.Type)
	if err != nil {
		t.Fatalf("%s: %v", f.Path, err)
	}
	return dec
}

// sampleTypes gives the record type of a sample CSV file from its name;
// CSV files of one type carry no type column.
var sampleTypes = map[string]ingest.RecordType{
	"calls": ingest.TypeCall, "voip_registrations": ingest.TypeRegistration, "voip_caller_id": ingest.TypeCallerID,
	"subscribers": ingest.TypeSubscriber, "transfers": ingest.TypeTransfer, "victim_reports": ingest.TypeVictimReport,
	"suspects": ingest.TypeSuspectRecord,
}

// importSamples imports every sample file and returns every entity and link
// id the records map to.
func importSamples(t *testing.T, s intel.Store) (entityIDs, linkIDs []string, totals ingest.Totals) {
	return importSampleFiles(t, s, SampleFiles(t), 1)
}

// importSampleFiles imports each file `times` times in a row and returns
// the ids it mapped to and the totals of the last round of each file.
func importSampleFiles(t *testing.T, s intel.Store, files []SampleFile, times int) (entityIDs, linkIDs []string, totals ingest.Totals) {
	seenE, seenL := map[string]bool{}, map[string]bool{}
	for i := 0; i < len(files)*times; i++ {
		f := files[i/times]
		if i%times == 0 {
			totals = ingest.Totals{}
		}
		dec := OpenSample(t, f)
		tot, err := ingest.Run(ctxFor(t), s, &collectIDs{dec: dec, entities: seenE, links: seenL}, ingest.Options{BatchSize: 7},
			func(r ingest.Result) error {
				if r.Status == ingest.StatusRejected {
					t.Errorf("%s line %d rejected: %s: %s", filepath.Base(f.Path), r.Line, r.Field, r.Reason)
				}
				return nil
			})
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if i%times == times-1 {
			totals.Records += tot.Records
			totals.Accepted += tot.Accepted
			totals.Duplicate += tot.Duplicate
		}
	}
	return sortedKeys(seenE), sortedKeys(seenL), totals
}

// collectIDs notes the ids each record maps to as it passes.
type collectIDs struct {
	dec      ingest.Decoder
	entities map[string]bool
	links    map[string]bool
}

func (c *collectIDs) Next() (ingest.Raw, error) {
	raw, err := c.dec.Next()
	if err == nil && raw.Err == nil {
		if b, err := ingest.Map(raw.Record); err == nil {
			for _, e := range b.Entities {
				c.entities[e.ID] = true
			}
			for _, l := range b.Links {
				c.links[l.ID] = true
			}
		}
	}
	return raw, err
}

// graphDigest is a digest of the stored entities and links, leaving out
// only the times the store sets itself.
func graphDigest(t *testing.T, s intel.Store, entityIDs, linkIDs []string) string {
	ctx := ctxFor(t)
	es, err := s.GetEntities(ctx, entityIDs)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := s.GetLinks(ctx, linkIDs)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != len(entityIDs) || len(ls) != len(linkIDs) {
		t.Fatalf("stored %d of %d entities and %d of %d links", len(es), len(entityIDs), len(ls), len(linkIDs))
	}
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, id := range entityIDs {
		e := es[id]
		e.FirstIngested = time.Time{}
		enc.Encode(e)
	}
	for _, id := range linkIDs {
		l := ls[id]
		l.IngestedAt = time.Time{}
		enc.Encode(l)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// goldenSamplesDigest is the digest of the graph the sample files make; the
// embedded store produced it, and every backend must produce the same. If a
// sample file or the mapping changes on purpose, update it from the
// failure message of this check on the embedded store.
const goldenSamplesDigest = "04b852352fb5da914c88b80141c7ae592f0fc9be006a6923a1457be8f51ecb15"

var _ = register("IngestSampleFilesMakeTheSameGraph", func(t *testing.T, h *Harness, s intel.Store) {
	entityIDs, linkIDs, totals := importSamples(t, s)
	if totals.Accepted == 0 {
		t.Fatal("the sample files imported nothing")
	}
	if got := graphDigest(t, s, entityIDs, linkIDs); got != goldenSamplesDigest {
		t.Fatalf("the sample files made a different graph: digest %s, want %s (%d entities, %d links)",
			got, goldenSamplesDigest, len(entityIDs), len(linkIDs))
	}
})

var _ = register("IngestReimportAddsNothing", func(t *testing.T, h *Harness, s intel.Store) {
	// Each file sent twice in a row: the second time every record is a
	// duplicate. (Across files, two sources may disagree about one fact;
	// the last one sent wins, as an update should.)
	_, _, second := importSampleFiles(t, s, SampleFiles(t), 2)
	if second.Accepted != 0 || second.Duplicate != second.Records {
		t.Errorf("second import of each file: %+v, want every record a duplicate", second)
	}
	entityIDs, linkIDs, _ := importSamples(t, s)
	before := graphDigest(t, s, entityIDs, linkIDs)
	importSamples(t, s)
	if after := graphDigest(t, s, entityIDs, linkIDs); after != before {
		t.Error("re-importing the sample files changed the graph")
	}
	pages, err := s.NeighboursOf(context.Background(), entityIDs, intel.NeighbourQuery{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range pages {
		total += p.TotalCount
	}
	if total != 2*len(linkIDs) {
		t.Errorf("%d link ends stored, want %d: a record was stored twice", total, 2*len(linkIDs))
	}
})
