package ingest

import (
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// ownedRef puts an agency's own reference (a suspect's warrant number, a
// victim report's case number) under the agency that filed it: a reference
// that starts with an agency code ("KH-GDNP:W-2024-0042") is kept, one that
// does not gets the record's agency in front. own reports whether the
// record's agency filed it. The key so says which agency describes the
// entity (and, through the code, which country its personal data belongs
// to: intel.HomeCountry), and no other agency's record can rewrite it.
func ownedRef(ref, agency string) (key string, own bool) {
	ref = strings.TrimSpace(ref)
	if prefix, _, ok := strings.Cut(ref, ":"); ok && isAgencyCode(prefix) {
		return ref, strings.EqualFold(prefix, agency)
	}
	return agency + ":" + ref, true
}

// isAgencyCode recognises codes like TH-CIB (intel.AgencyCountry defines the shape).
func isAgencyCode(s string) bool {
	_, ok := intel.AgencyCountry(s)
	return ok
}
