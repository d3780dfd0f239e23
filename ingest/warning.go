package ingest

import (
	"fmt"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// WarningCode says what kind of doubt a warning records.
type WarningCode string

// The warning codes.
const (
	// WarningSetAside: the field could not be used and was left out; the
	// rest of the record was stored.
	WarningSetAside WarningCode = "SET_ASIDE"
	// WarningAmbiguous: the identifier can be read more than one way; the
	// likelier reading was stored and Candidates lists every reading,
	// stored one first.
	WarningAmbiguous WarningCode = "AMBIGUOUS"
)

// Warning is one thing a stored record held that was set aside or read
// with a doubt: the record field, the reason in words for the person who
// wrote the record, and for an ambiguity the candidate readings.
type Warning struct {
	Code       WarningCode `json:"code"`
	Field      string      `json:"field"`
	Reason     string      `json:"reason"`
	Candidates []string    `json:"candidates,omitempty"`
}

// setAside records that an optional field could not be used, with the
// reason err gives (an *intel.Error from fieldErr), and reports whether
// there was anything to set aside. Mappers use it as
//
//	if v, err := parse(...); !b.setAside(err) { use(v) }
func (b *builder) setAside(err error) bool {
	if err == nil {
		return false
	}
	b.warnings = append(b.warnings, Warning{Code: WarningSetAside, Field: intel.ErrorField(err),
		Reason: intel.ErrorMessage(err) + "; set aside, the rest of the record was stored"})
	return true
}

// ambiguityWarning says which reading of an ambiguous identifier was stored
// and which others it could be.
func ambiguityWarning(field string, id intel.Identifier) Warning {
	candidates := append([]string{id.Key}, id.Alternatives...)
	return Warning{Code: WarningAmbiguous, Field: field, Candidates: candidates,
		Reason: fmt.Sprintf("%q can be read as %s; stored as %s, the likelier reading: check it with the source",
			id.Input, strings.Join(candidates, " or "), id.Key)}
}
