package conformance

import (
	"fmt"
	"slices"

	"github.com/scamgraph/scamgraph/intel"
)

// The access checks compare every store with this oracle, not with
// intel.Access's own predicate: the embedded store filters with that
// predicate, so a check that asked it would agree with the store even when
// both are wrong. The oracle is written from the rule as the README
// ("Sharing across the border") and the 2022 agreement state it, reads the
// reader's terms as plain data and calls no method of intel.Access or
// intel.LinkType, so a mistake in the rule the stores apply makes the
// checks fail on every backend.

// oracleCategory is the evidence category of each link type the access
// fixture uses, as the agreement lists them: calls are call records, and a
// VoIP account presented as a number is VoIP registration data.
var oracleCategory = map[intel.LinkType]intel.Category{
	intel.LinkCalled:      intel.CategoryCallRecords,
	intel.LinkPresentedAs: intel.CategoryVoipRegistration,
}

// sees reports whether the reader a may see the fact l:
//   - no reader's terms (nil, or All) means no restriction;
//   - a fact an evidence request granted the reader is seen, whatever its
//     marking;
//   - a fact is always seen by its contributing agency;
//   - a RESTRICTED fact is seen by nobody else;
//   - any other fact is seen by every agency of its contributing country;
//   - a SHAREABLE fact of the other country is seen while an agreement
//     covers its evidence category.
func sees(a *intel.Access, l *intel.Link) bool {
	if a == nil || a.All {
		return true
	}
	for _, id := range a.Granted {
		if id == l.ID {
			return true
		}
	}
	if l.Agency == a.Agency {
		return true
	}
	switch l.Visibility {
	case intel.VisibilityRestricted:
		return false
	case intel.VisibilityDomestic:
		return l.Country == a.Country
	case intel.VisibilityShareable:
		if l.Country == a.Country {
			return true
		}
		c, ok := oracleCategory[l.Type]
		if !ok {
			panic(fmt.Sprintf("the access oracle knows no category for %s; add it to oracleCategory", l.Type))
		}
		return slices.Contains(a.Shared, c)
	}
	panic(fmt.Sprintf("the access oracle knows no visibility %q", l.Visibility))
}

// grantedTo reports whether an evidence request granted a the fact l.
func grantedTo(a *intel.Access, l *intel.Link) bool {
	return a != nil && !a.All && slices.Contains(a.Granted, l.ID)
}
