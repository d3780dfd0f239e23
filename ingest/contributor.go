package ingest

import (
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// AsContributor makes every record of dec a record of one agency: a record
// that names no agency or country gets the caller's, and one that names
// another agency or country is rejected, because an API key speaks for its
// own agency only and a fact's provenance decides who may see it.
func AsContributor(dec Decoder, agency string, country intel.Region) Decoder {
	return contributor{dec: dec, agency: agency, country: country}
}

type contributor struct {
	dec     Decoder
	agency  string
	country intel.Region
}

func (c contributor) Next() (Raw, error) {
	raw, err := c.dec.Next()
	if err != nil || raw.Err != nil {
		return raw, err
	}
	r := &raw.Record
	// The key's own spelling is written back, so that "th-ccib" is stored
	// as the TH-CCIB it matched and the facts stay that agency's.
	switch a := strings.TrimSpace(r.Agency); {
	case a == "" || strings.EqualFold(a, c.agency):
		r.Agency = c.agency
	default:
		raw.Err = intel.Errorf(intel.EINVALID, "agency", "is %q, but this key writes for %s only", r.Agency, c.agency)
		return raw, nil
	}
	switch k := strings.TrimSpace(r.Country); {
	case k == "" || strings.EqualFold(k, string(c.country)):
		r.Country = string(c.country)
	default:
		raw.Err = intel.Errorf(intel.EINVALID, "country", "is %q, but %s is an agency of %s", r.Country, c.agency, c.country)
	}
	return raw, nil
}
