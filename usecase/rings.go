package usecase

import (
	"context"
	"slices"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// RingPage is one page of rings, largest first (ties by id).
type RingPage struct {
	Rings       []analytics.Ring
	HasNextPage bool
	TotalCount  int
	// ComputedAt and Stale are the triage's the rings come from (see
	// RiskPage).
	ComputedAt time.Time
	Stale      bool
}

// Rings lists the rings of the caller's view: communities of its
// suspicious part (see analytics.Rings), from the same triage as the risk
// list. After is the id of the last ring already seen.
func (s *Service) Rings(ctx context.Context, c *Caller, first int, after string) (out RingPage, err error) {
	defer func() { c.finish(access.OpRings, err) }()
	if err = c.allow(access.OpRings); err != nil {
		return out, err
	}
	if first == 0 {
		first = DefaultRiskPage
	}
	if first < 1 || first > MaxRiskPage {
		return out, intel.Errorf(intel.EINVALID, "first", "must be between 1 and %d, got %d", MaxRiskPage, first)
	}
	t, err := s.cachedTriage(ctx, c)
	if err != nil {
		return out, err
	}
	rings := t.rings
	computedAt, stale := s.asOf(t)
	start := 0
	if after != "" {
		i := slices.IndexFunc(rings, func(r analytics.Ring) bool { return r.ID == after })
		if i < 0 {
			return out, intel.Errorf(intel.EINVALID, "after", "is not the id of a ring in this listing")
		}
		start = i + 1
	}
	end := min(start+first, len(rings))
	out = RingPage{Rings: rings[start:end], HasNextPage: end < len(rings), TotalCount: len(rings),
		ComputedAt: computedAt, Stale: stale}
	s.noteRings(c, out.Rings)
	return out, nil
}

// Ring returns one ring of the caller's view by id; nil when the view has
// no ring with that id (rings are per view: another reader's may differ).
func (s *Service) Ring(ctx context.Context, c *Caller, id string) (out *analytics.Ring, err error) {
	defer func() { c.finish(access.OpRings, err) }()
	if err = c.allow(access.OpRings); err != nil {
		return nil, err
	}
	t, err := s.cachedTriage(ctx, c)
	if err != nil {
		return nil, err
	}
	rings := t.rings
	for i := range rings {
		if rings[i].ID == id {
			s.noteRings(c, rings[i:i+1])
			return &rings[i], nil
		}
	}
	return nil, nil
}

// noteRings records, for the audit, the members of rings handed out that
// belong to the other country.
func (s *Service) noteRings(c *Caller, rings []analytics.Ring) {
	if c.access.Unrestricted() {
		return
	}
	for _, r := range rings {
		for country := range r.ByCountry {
			if !c.access.Foreign(country) {
				continue
			}
			var ids []string
			for _, m := range r.Members {
				kind, key, _ := intel.SplitEntityID(m)
				e := intel.Entity{ID: m, Kind: kind, Key: key}
				if analytics.CountryOf(&e) == country {
					ids = append(ids, m)
				}
			}
			c.report.Read(country, ids...)
		}
	}
}

// MostConnected ranks the entities of a network by how many distinct
// entities they are linked to inside it (see analytics.MostConnected).
func MostConnected(g intel.Subgraph, first int) []analytics.Ranked {
	ranked := analytics.MostConnected(g.Links, -1)
	if len(ranked) > first {
		ranked = ranked[:first]
	}
	return ranked
}
