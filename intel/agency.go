package intel

import "strings"

// An agency code names one agency of one country: the country, a dash, and
// upper-case letters, digits or dashes ("TH-CCIB", "KH-GDNP"), at most 32
// characters. The country at its head is load-bearing: suspects and cases
// are keyed under their filing agency's code, and the country of their
// personal data is read from it (HomeCountry), so the shape is defined once,
// here, for the registry, the ingest mapping and the use cases alike.
const maxAgencyCode = 32

// AgencyCountry returns the country an agency code names, and whether code
// has the shape of an agency code at all.
func AgencyCountry(code string) (Region, bool) {
	if len(code) > maxAgencyCode {
		return "", false
	}
	country, rest, ok := strings.Cut(code, "-")
	if !ok || rest == "" || !Region(country).Valid() {
		return "", false
	}
	for _, c := range rest {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return "", false
		}
	}
	return Region(country), true
}

// CheckAgencyCode is AgencyCountry as a validation error on field.
func CheckAgencyCode(field, code string) error {
	if code == "" {
		return Errorf(EINVALID, field, "is required")
	}
	if _, ok := AgencyCountry(code); !ok {
		return Errorf(EINVALID, field, "%q is not an agency code (TH- or KH- followed by upper-case letters, digits or '-', at most %d characters, e.g. TH-CCIB)", code, maxAgencyCode)
	}
	return nil
}
