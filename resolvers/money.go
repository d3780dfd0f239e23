package resolvers

import (
	"context"
	"errors"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/loaders"
	"github.com/scamgraph/scamgraph/usecase"
)

func (r *Resolver) moneyTrail(ctx context.Context, from string, direction *model.TrailDirection,
	since, until *time.Time, maxHops *int) (*model.MoneyTrail, error) {
	fromID, err := entityIDArg("from", from)
	if err != nil {
		return nil, err
	}
	q := usecase.MoneyTrailQuery{From: fromID, Window: window(since, until), MaxHops: intOr(maxHops, analytics.DefaultTrailHops)}
	if direction != nil {
		q.Direction = analytics.TrailDirection(*direction)
	}
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	tr, err := r.Service.MoneyTrail(ctx, c, q)
	if err != nil {
		return nil, err
	}
	return trailModel(tr), nil
}

func trailModel(tr analytics.Trail) *model.MoneyTrail {
	out := &model.MoneyTrail{Origin: stubEntity(tr.Origin), Direction: model.TrailDirection(tr.Direction),
		Hops: []*model.MoneyHop{}, Accounts: []*model.TrailAccount{}, Truncated: tr.Truncated}
	for _, h := range tr.Hops {
		hop := &model.MoneyHop{Link: linkModel(h.Link), From: h.Link.From, To: h.Link.To, Time: h.Link.ObservedAt,
			Amount:  moneyModel(analytics.Money{Amount: h.Amount, Currency: h.Currency}),
			Carried: moneyModel(analytics.Money{Amount: h.Carried, Currency: h.Currency}), Depth: h.Depth}
		if ch := h.Change; ch != nil {
			hop.CurrencyChange = &model.CurrencyChange{Account: ch.Account, In: ch.In, Out: ch.Out}
		}
		out.Hops = append(out.Hops, hop)
	}
	for _, a := range tr.Accounts {
		acc := &model.TrailAccount{Entity: stubEntity(a.ID), Depth: a.Depth, Reachable: []*model.Money{},
			FanIn: a.FanIn, FanOut: a.FanOut, FirstSeen: optionalTime(a.First), LastSeen: optionalTime(a.Last)}
		for _, m := range a.Reachable {
			acc.Reachable = append(acc.Reachable, moneyModel(m))
		}
		out.Accounts = append(out.Accounts, acc)
	}
	return out
}

func (r *Resolver) linkedCases(ctx context.Context, caseID *string, identifiers []string, first *int) (*model.CaseLinkage, error) {
	q := usecase.LinkageQuery{Identifiers: identifiers, First: intOr(first, analytics.DefaultLinkedCases)}
	if caseID != nil {
		id, err := entityIDArg("caseId", *caseID)
		if err != nil {
			return nil, err
		}
		q.Case = id
	}
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	l, err := r.Service.LinkedCases(ctx, c, q)
	if err != nil {
		return nil, err
	}
	out := &model.CaseLinkage{Artefacts: []model.Entity{}, Cases: []*model.LinkedCase{}, Truncated: l.Truncated}
	for _, a := range l.Artefacts {
		out.Artefacts = append(out.Artefacts, stubEntity(a))
	}
	for _, lc := range l.Cases {
		m := &model.LinkedCase{Case: stubEntity(lc.Case), Score: lc.Score, Shared: []*model.SharedArtefact{}}
		for _, s := range lc.Shared {
			m.Shared = append(m.Shared, &model.SharedArtefact{Entity: stubEntity(s.ID), CaseCount: s.Cases, Weight: s.Weight})
		}
		out.Cases = append(out.Cases, m)
	}
	return out, nil
}

// reachedEntity loads an entity an analysis reached through the caller's
// view; it is visible by construction, so a missing one is an internal error.
func reachedEntity(ctx context.Context, stub model.Entity) (model.Entity, error) {
	e, err := loadEntity(ctx, stub.GetID())
	if err == nil && e == nil {
		return nil, errors.New("analysed entity " + stub.GetID() + " is not visible")
	}
	return e, err
}

// questionArtefacts loads the stored artefacts a linkage question named:
// an identifier of a new report may name nothing stored (or nothing the
// caller may see), which is an answer, so the unknown ones are left out.
// Every id is queued before any is awaited, so the list is one store call.
func questionArtefacts(ctx context.Context, stubs []model.Entity) ([]model.Entity, error) {
	l := loaders.For(ctx)
	thunks := make([]func() (intel.Entity, error), len(stubs))
	for i, s := range stubs {
		thunks[i] = l.Entity.LoadThunk(ctx, s.GetID())
	}
	out := []model.Entity{}
	for _, thunk := range thunks {
		e, err := thunk()
		if errors.Is(err, dataloadgen.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, entityModel(e))
	}
	return out, nil
}

// moneyModel maps an exact amount: decimal text in the currency's major
// unit, to the cent.
func moneyModel(m analytics.Money) *model.Money {
	return &model.Money{Amount: analytics.FormatAmount(m.Amount), Currency: m.Currency}
}
