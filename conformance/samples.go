package conformance

import (
	"sort"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// GoldenSamplesDigest is the digest of the graph the sample files of
// examples/ make (see IngestSampleFilesMakeTheSameGraph). Tests of the
// other ways in, the import command and the ingest mutation, hold their
// graphs to it too.
const GoldenSamplesDigest = goldenSamplesDigest

// SampleGraphDigest is the digest of what s holds for every entity and
// link the sample files' records map to, to compare with
// GoldenSamplesDigest. It reads the files but writes nothing.
func SampleGraphDigest(t *testing.T, s intel.Store) string {
	entities, links := map[string]bool{}, map[string]bool{}
	for _, f := range SampleFiles(t) {
		c := &collectIDs{dec: OpenSample(t, f), entities: entities, links: links}
		for {
			if _, err := c.Next(); err != nil {
				break
			}
		}
	}
	return graphDigest(t, s, sortedKeys(entities), sortedKeys(links))
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
