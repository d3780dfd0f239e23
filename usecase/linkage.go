package usecase

import (
	"context"
	"slices"
	"strings"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// LinkageQuery names what to link: an existing case (Case, an entity id),
// or the identifiers of a new report not stored (Identifiers, in any
// format, read as Thai when national), but not both.
type LinkageQuery struct {
	Case        string
	Identifiers []string
	First       int
}

// Linkage is the answer: the cases linked, strongest first, and whether a
// cap left some out.
type Linkage struct {
	// Artefacts are the stored artefacts the question named, in id order.
	Artefacts []string
	Cases     []analytics.LinkedCase
	// Truncated is true when an artefact is named by more cases than one
	// read returns, so that some cases sharing it were not considered.
	Truncated bool
}

// LinkedCases finds the existing cases that share artefacts with a case
// or a new report, through the caller's view: a case the caller may not
// see is never listed, and no count includes one.
func (s *Service) LinkedCases(ctx context.Context, c *Caller, q LinkageQuery) (out Linkage, err error) {
	defer func() { c.finish(access.OpLinkedCases, err) }()
	if err = c.allow(access.OpLinkedCases); err != nil {
		return out, err
	}
	return linkCases(ctx, c.view, q)
}

// linkCases answers a linkage question over store in two round trips: the
// case's artefacts (or the identifiers parsed), then the cases naming each
// artefact.
func linkCases(ctx context.Context, store intel.Store, q LinkageQuery) (out Linkage, err error) {
	if q.First == 0 {
		q.First = analytics.DefaultLinkedCases
	}
	if q.First < 1 || q.First > analytics.MaxLinkedCases {
		return out, intel.Errorf(intel.EINVALID, "first", "must be between 1 and %d, got %d", analytics.MaxLinkedCases, q.First)
	}
	artefacts, err := linkageArtefacts(ctx, store, q)
	if err != nil {
		return out, err
	}
	out.Artefacts = artefacts
	out.Cases = []analytics.LinkedCase{}
	if len(artefacts) == 0 {
		return out, nil
	}
	pages, err := store.NeighboursOf(ctx, artefacts, intel.NeighbourQuery{Direction: intel.DirectionOut,
		LinkTypes: []intel.LinkType{intel.LinkReportedIn}, Kinds: []intel.Kind{intel.KindCase}, First: intel.MaxPageSize})
	if err != nil {
		return out, err
	}
	naming := map[string][]string{}
	for _, a := range artefacts {
		page, ok := pages[a]
		if !ok {
			continue
		}
		out.Truncated = out.Truncated || page.HasNextPage
		for _, n := range page.Items {
			naming[a] = append(naming[a], n.Link.To)
		}
	}
	out.Cases = analytics.LinkCases(q.Case, naming, q.First)
	return out, nil
}

// linkageArtefacts returns the artefacts the question names, as entity ids.
func linkageArtefacts(ctx context.Context, store intel.Store, q LinkageQuery) ([]string, error) {
	switch {
	case q.Case != "" && len(q.Identifiers) > 0:
		return nil, intel.Errorf(intel.EINVALID, "caseId", "give a case or the identifiers of a new report, not both")
	case q.Case == "" && len(q.Identifiers) == 0:
		return nil, intel.Errorf(intel.EINVALID, "caseId", "give a case, or the identifiers of a new report")
	case q.Case != "":
		if k, _, ok := intel.SplitEntityID(q.Case); !ok || k != intel.KindCase {
			return nil, intel.Errorf(intel.EINVALID, "caseId", "%q is not a case id (Case:AGENCY:reference)", q.Case)
		}
		page, err := intel.NeighboursOfOne(ctx, store, intel.NeighbourQuery{ID: q.Case, Direction: intel.DirectionIn,
			LinkTypes: []intel.LinkType{intel.LinkReportedIn}, First: intel.MaxPageSize})
		if err != nil {
			if intel.ErrorCode(err) == intel.ENOTFOUND {
				return nil, intel.Errorf(intel.ENOTFOUND, "caseId", "no case with id %q", q.Case)
			}
			return nil, err
		}
		var ids []string
		for _, n := range page.Items {
			ids = append(ids, n.Link.From)
		}
		slices.Sort(ids)
		return slices.Compact(ids), nil
	}
	if len(q.Identifiers) > analytics.MaxLinkageArtefacts {
		return nil, intel.Errorf(intel.EINVALID, "identifiers", "has %d entries, at most %d allowed", len(q.Identifiers), analytics.MaxLinkageArtefacts)
	}
	var ids []string
	for i, raw := range q.Identifiers {
		id := intel.ParseIdentifier(raw, intel.RegionTH, "")
		if !id.Valid {
			return nil, intel.Errorf(intel.EINVALID, fieldAt("identifiers", i), "%q cannot be read: %s", strings.TrimSpace(raw), id.Error)
		}
		if id.Kind == intel.KindCase || id.Kind == intel.KindSuspect || id.Kind == intel.KindPerson {
			return nil, intel.Errorf(intel.EINVALID, fieldAt("identifiers", i), "%q is a %s; name the artefacts a report names (numbers, accounts, addresses)", raw, id.Kind)
		}
		ids = append(ids, intel.EntityID(id.Kind, id.Key))
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
