package conformance

import (
	"os"
	"sort"
	"testing"

	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// GoldenSamplesDigest is the digest of the graph the sample files of
// examples/ make (see IngestSampleFilesMakeTheSameGraph). Tests of the
// other ways in, the import command and the ingest mutation, hold their
// graphs to it too.
const GoldenSamplesDigest = goldenSamplesDigest

// SampleFile is one well-formed sample file of examples/: its path, its
// format and, for a CSV file, the record type of its rows.
type SampleFile struct {
	Path, Format string
	Type         ingest.RecordType
}

// SampleFiles lists the well-formed sample files, one NDJSON and one CSV
// file per record type and the mixed NDJSON file, in a fixed order.
func SampleFiles(t *testing.T) []SampleFile {
	var out []SampleFile
	for _, f := range sampleFiles(t) {
		out = append(out, SampleFile{Path: f.path, Format: f.format, Type: f.typ})
	}
	return out
}

// SampleGraphDigest is the digest of what s holds for every entity and
// link the sample files' records map to, to compare with
// GoldenSamplesDigest. It reads the files but writes nothing.
func SampleGraphDigest(t *testing.T, s intel.Store) string {
	entities, links := map[string]bool{}, map[string]bool{}
	for _, f := range sampleFiles(t) {
		in, err := os.Open(f.path)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := ingest.NewDecoder(in, f.format, f.typ)
		if err != nil {
			in.Close()
			t.Fatalf("%s: %v", f.path, err)
		}
		c := &collectIDs{dec: dec, entities: entities, links: links}
		for {
			if _, err := c.Next(); err != nil {
				break
			}
		}
		in.Close()
	}
	entityIDs, linkIDs := sortedKeys(entities), sortedKeys(links)
	return graphDigest(t, s, entityIDs, linkIDs)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
