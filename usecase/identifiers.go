package usecase

import (
	"maps"
	"slices"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/scamgraph/scamgraph/intel"
)

// identifiers remembers what lookups' inputs read as. An analyst's
// explorer and an enrichment job ask about the same numbers again and
// again, and reading a phone number (libphonenumber's patterns) was 4–6%
// of a lookup's processor time in the peer benchmark's profiles. Reading
// is a pure function of the input, the region and the kind, so an entry
// never goes stale. Bulk ingest parses apart, through intel directly: its
// inputs are mostly new, and would only push the hot ones out.
type identifiers struct {
	cache *lru.Cache[identifierKey, intel.Identifier]
}

type identifierKey struct {
	input  string
	region intel.Region
	kind   intel.Kind
}

// identifiersKept bounds the inputs remembered (a few hundred bytes each).
const identifiersKept = 8192

func newIdentifiers() identifiers {
	c, err := lru.New[identifierKey, intel.Identifier](identifiersKept)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return identifiers{cache: c}
}

// parse is intel.ParseIdentifier, remembered. What it returns is the
// caller's own: the slices and map of a remembered reading are copied.
func (ids identifiers) parse(input string, region intel.Region, kind intel.Kind) intel.Identifier {
	k := identifierKey{input: input, region: region, kind: kind}
	id, ok := ids.cache.Get(k)
	if !ok {
		id = intel.ParseIdentifier(input, region, kind)
		ids.cache.Add(k, id)
	}
	id.Markers, id.Alternatives, id.Attrs = slices.Clone(id.Markers), slices.Clone(id.Alternatives), maps.Clone(id.Attrs)
	return id
}
