package usecase

import (
	"context"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// MoneyTrailQuery asks where the money that left an account went
// (FORWARD) or where the money that reached it came from (BACKWARD),
// over transfers inside Window, at most MaxHops transfers away
// (analytics.DefaultTrailHops when 0).
type MoneyTrailQuery struct {
	From      string
	Direction analytics.TrailDirection
	Window    intel.TimeWindow
	MaxHops   int
}

// MoneyTrail follows the money through the caller's view, so that a trail
// never crosses a transfer its reader may not see, and says nothing of one.
func (s *Service) MoneyTrail(ctx context.Context, c *Caller, q MoneyTrailQuery) (tr analytics.Trail, err error) {
	defer func() { c.finish(access.OpMoneyTrail, err) }()
	if err = c.allow(access.OpMoneyTrail); err != nil {
		return tr, err
	}
	if err = q.normalize(); err != nil {
		return tr, err
	}
	found, err := c.view.GetEntities(ctx, []string{q.From})
	if err != nil {
		return tr, err
	}
	if _, ok := found[q.From]; !ok {
		return tr, intel.Errorf(intel.ENOTFOUND, "from", "no account with id %q", q.From)
	}
	return followTrail(ctx, c.view, q)
}

func (q *MoneyTrailQuery) normalize() error {
	if k, _, ok := intel.SplitEntityID(q.From); !ok || k != intel.KindBankAccount {
		return intel.Errorf(intel.EINVALID, "from", "%q is not a bank account id (BankAccount:COUNTRY:bank:digits)", q.From)
	}
	if q.Direction == "" {
		q.Direction = analytics.TrailForward
	}
	if !q.Direction.Valid() {
		return intel.Errorf(intel.EINVALID, "direction", "unknown direction %q (want FORWARD or BACKWARD)", q.Direction)
	}
	if q.MaxHops == 0 {
		q.MaxHops = analytics.DefaultTrailHops
	}
	if q.MaxHops < 1 || q.MaxHops > analytics.MaxTrailHops {
		return intel.Errorf(intel.EINVALID, "maxHops", "must be between 1 and %d, got %d", analytics.MaxTrailHops, q.MaxHops)
	}
	if !q.Window.Since.IsZero() && !q.Window.Until.IsZero() && !q.Window.Until.After(q.Window.Since) {
		return intel.Errorf(intel.EINVALID, "until", "must be after since")
	}
	return nil
}

// followTrail reads a trail from store hop by hop: one NeighboursOf round
// trip per hop for every account the money reached at the previous one
// (plus one per further page of an account with more transfers than a
// page holds), reading only transfers that can follow on in time, until
// MaxHops or the caps of analytics stop it. Where to read next is
// analytics.MoneyReach's; the amounts are analytics.FollowTransfers', once,
// over exactly the transfers read, so any two stores that hold the same
// transfers give the same trail.
func followTrail(ctx context.Context, store intel.Store, q MoneyTrailQuery) (analytics.Trail, error) {
	if err := q.normalize(); err != nil {
		return analytics.Trail{}, err
	}
	dir := intel.DirectionOut
	if q.Direction == analytics.TrailBackward {
		dir = intel.DirectionIn
	}
	expanded := map[string]bool{}
	seen := map[string]bool{}
	var transfers []analytics.Transfer
	truncated := false
	reach := map[string]analytics.Arrival{q.From: {}}
	for hop := 1; hop <= q.MaxHops; hop++ {
		frontier, w, open := analytics.NextHop(reach, q.From, q.Direction, expanded, q.MaxHops, q.Window)
		if room := analytics.MaxTrailAccounts - len(expanded); len(frontier) > room {
			frontier, truncated = frontier[:room], true
		}
		for _, id := range frontier {
			expanded[id] = true
		}
		if len(frontier) == 0 || !open {
			break
		}
		nq := intel.NeighbourQuery{Direction: dir, LinkTypes: []intel.LinkType{intel.LinkTransferred},
			Kinds: []intel.Kind{intel.KindBankAccount}, Window: w, First: intel.MaxPageSize}
		pages, err := store.NeighboursOf(ctx, frontier, nq)
		if err != nil {
			return analytics.Trail{}, err
		}
		for _, id := range frontier {
			page := pages[id]
			for {
				for _, n := range page.Items {
					if seen[n.Link.ID] {
						continue
					}
					if len(seen) >= analytics.MaxTrailLinks {
						truncated = true
						break
					}
					seen[n.Link.ID] = true
					if t, ok := analytics.ReadTransfer(n.Link); ok {
						transfers = append(transfers, t)
					}
				}
				if !page.HasNextPage || len(page.Items) == 0 {
					break
				}
				if len(seen) >= analytics.MaxTrailLinks {
					truncated = true
					break
				}
				next := nq
				next.After = page.Items[len(page.Items)-1].Cursor
				more, err := store.NeighboursOf(ctx, []string{id}, next)
				if err != nil {
					return analytics.Trail{}, err
				}
				page = more[id]
			}
		}
		reach = analytics.MoneyReach(q.From, q.Direction, transfers, analytics.ReferenceRates)
	}
	tr := analytics.FollowTransfers(q.From, q.Direction, transfers, analytics.ReferenceRates)
	tr.Truncated = truncated
	return tr, nil
}
