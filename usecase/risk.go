package usecase

import (
	"context"
	"encoding/base64"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/fetch"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// Risks scores entities over what the caller may see: the neighbourhood
// is read through the caller's view, so a fact hidden from the caller
// neither raises a score nor appears in a reason. Ids the caller may not
// see are absent. A list of N entities costs a constant number of store
// round trips (see package fetch), and results are reused until the next
// write (see analyticsState).
func (r Reader) Risks(ctx context.Context, ids []string) (out map[string]analytics.Risk, err error) {
	defer func() { r.c.finish(access.OpRisk, err) }()
	if err = r.c.allow(access.OpRisk); err != nil {
		return nil, err
	}
	return r.s.risks(ctx, r.c, ids)
}

func (s *Service) risks(ctx context.Context, c *Caller, ids []string) (map[string]analytics.Risk, error) {
	a := s.analytics
	key := accessKey(c.access)
	out := make(map[string]analytics.Risk, len(ids))
	var todo []string
	a.mu.Lock()
	for _, id := range ids {
		if hit, ok := a.freshRiskLocked(key, id); ok {
			out[id] = hit.risk
			for _, country := range hit.countries {
				if c.access.Foreign(country) {
					c.report.Read(country, id)
				}
			}
		} else {
			todo = append(todo, id)
		}
	}
	a.mu.Unlock()
	if len(todo) == 0 {
		return out, nil
	}
	gen, at := a.gen.Load(), time.Now()
	view, scratch := s.analysisView(c)
	n, visible, err := fetch.Scoring(ctx, view, todo, a.memo(key))
	if err != nil {
		return nil, err
	}
	countries := foreignIn(c.access, n, scratch)
	p := a.params()
	computed := make(map[string]analytics.Risk, len(todo))
	for _, id := range visible {
		computed[id] = analytics.Score(n, id, p)
		out[id] = computed[id]
		for _, country := range countries {
			if c.access.Foreign(country) {
				c.report.Read(country, id)
			}
		}
	}
	// The scores of one read share what it read: a score of a list is
	// dropped when a write touches what any of the list's scores read.
	read := n.Read()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.risks)+len(computed) > maxCachedRisks {
		a.risks = map[string]cachedRisk{}
	}
	for id, r := range computed {
		a.risks[riskKey(key, id)] = cachedRisk{gen: gen, read: read, at: at, risk: r, countries: countries}
	}
	return out, nil
}

// scoresAfresh reports whether a risk of id asked by c now would be
// computed rather than served from the cache: c may ask it, and no fresh
// score of id is cached for c's view.
func (s *Service) scoresAfresh(c *Caller, id string) bool {
	if c.allow(access.OpRisk) != nil {
		return false
	}
	a := s.analytics
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.freshRiskLocked(accessKey(c.access), id)
	return !ok
}

// riskKey is the key of id's cached risk in the view whose accessKey is
// view.
func riskKey(view, id string) string { return view + "\x00" + id }

// freshRiskLocked is id's risk cached for view, if it is still fresh:
// younger than CacheTTL (a write by another process is not seen), and no
// write since its read touched what it read. a.mu is held.
func (a *analyticsState) freshRiskLocked(view, id string) (cachedRisk, bool) {
	hit, ok := a.risks[riskKey(view, id)]
	return hit, ok && time.Since(hit.at) < a.opts.CacheTTL && a.untouched(hit.gen, hit.read, nil)
}

// foreignIn lists the other countries whose facts went into a
// neighbourhood: those the view noted while reading it, and those of the
// facts that came from the view's memo (read by an earlier request, so
// noted in that request's report).
func foreignIn(a *intel.Access, n *analytics.Neighbourhood, scratch *guard.Report) []intel.Region {
	_, countries := scratch.CrossBorder()
	if a.Unrestricted() {
		return countries
	}
	for _, ls := range n.Links {
		for i := range ls {
			if c := ls[i].Country; a.Foreign(c) && !slices.Contains(countries, c) {
				countries = append(countries, c)
			}
		}
	}
	slices.Sort(countries)
	return countries
}

// analysisView is the caller's view with a report of its own: an
// analytic reads far more than it hands out, so what the audit records is
// what the answer carries (the entities scored, and the other country
// when its facts went into a score), not every fact read on the way.
func (s *Service) analysisView(c *Caller) (*guard.Store, *guard.Report) {
	scratch := &guard.Report{}
	return c.view.Fork(scratch), scratch
}

// cachedTriage returns the caller's view's triage: the last complete one
// when there is one, fresh or not (a newer one then computes in the
// background, one per view, see triageSlot), or else the one computing,
// waited for.
func (s *Service) cachedTriage(ctx context.Context, c *Caller) (*cachedTriage, error) {
	a := s.analytics
	key := accessKey(c.access)
	a.mu.Lock()
	slot, ok := a.triages[key]
	if !ok {
		slot = &triageSlot{}
		a.triages[key] = slot
	}
	last := slot.last
	if (last == nil || !a.fresh(last.gen, last.at)) && slot.running == nil {
		slot.running = s.startTriage(ctx, c, slot, key)
	}
	running := slot.running
	a.mu.Unlock()
	if last != nil {
		return s.lastOrNewer(ctx, last, running), nil
	}
	// The view's first triage: waited for, but not past the request's
	// deadline. A request that cannot wait is told the triage is computing
	// (it goes on in the background) rather than that it timed out.
	var late <-chan time.Time
	if dl, ok := ctx.Deadline(); ok {
		timer := time.NewTimer(time.Until(dl) * 9 / 10)
		defer timer.Stop()
		late = timer.C
	}
	select {
	case <-running.done:
	case <-late:
		return nil, &intel.Error{Code: intel.EUNAVAILABLE, Message: "the risk triage of your view is being computed (since " +
			running.at.UTC().Format(time.RFC3339) + "); ask again in a few seconds"}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if running.err != nil {
		return nil, running.err
	}
	return running, nil
}

// lastOrNewer serves the view's last triage, unless a write went through
// since and the newer one computing finishes within TriageWait (and half
// the request's remaining time): on a small graph an answer then follows
// the write at once, and on a large one it never waits for long.
func (s *Service) lastOrNewer(ctx context.Context, last, running *cachedTriage) *cachedTriage {
	a := s.analytics
	if running == nil || last.gen == a.gen.Load() {
		return last
	}
	wait := a.opts.TriageWait
	if dl, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(dl)/2)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-running.done:
		if running.err == nil {
			return running
		}
	case <-timer.C:
	case <-ctx.Done():
	}
	return last
}

// startTriage computes a triage of the caller's view, then its rings, in
// the background, and makes it the slot's last when complete. The caller
// holds a.mu.
func (s *Service) startTriage(ctx context.Context, c *Caller, slot *triageSlot, key string) *cachedTriage {
	a := s.analytics
	t := &cachedTriage{gen: a.gen.Load(), at: time.Now(), done: make(chan struct{})}
	view, _ := s.analysisView(c)
	memo := a.memoLocked(key)
	// Detached from the request (its values kept, its deadline not):
	// the triage is shared by every reader of the same view.
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.TriageTimeout)
	go func() {
		defer cancel()
		defer close(t.done)
		t.t, t.err = fetch.RunTriageWith(bg, view, a.params(), memo)
		if t.err == nil {
			t.rings = analytics.Rings(t.t.Graph, t.t.Risks)
		}
		t.took = time.Since(t.at)
		a.mu.Lock()
		defer a.mu.Unlock()
		if slot.running == t {
			slot.running = nil
		}
		if t.err == nil && (slot.last == nil || slot.last.gen <= t.gen) {
			slot.last = t
		}
	}()
	return t
}

// asOf says when a triage was computed and whether it is known to be
// older than the facts (a write since, or older than CacheTTL).
func (s *Service) asOf(t *cachedTriage) (time.Time, bool) {
	return t.at, !s.analytics.fresh(t.gen, t.at)
}

// RiskListQuery filters and pages the triage list.
type RiskListQuery struct {
	// Kind and Country filter the entities; empty means any.
	Kind    intel.Kind
	Country intel.Region
	// Level is the lowest level listed; LOW when empty.
	Level analytics.Level
	// Finding keeps the entities showing that pattern; empty means any.
	Finding analytics.FindingKind
	First   int
	After   string
}

// RiskItem is one entity of the triage list.
type RiskItem struct {
	Entity intel.Entity
	Risk   analytics.Risk
	Cursor string
}

// RiskPage is one page of the triage list.
type RiskPage struct {
	Items       []RiskItem
	HasNextPage bool
	TotalCount  int
	// ComputedAt is when the triage listed was computed: it shows the
	// facts stored by then. Stale says a write or CacheTTL has made it
	// older than the facts, and a newer one is computing.
	ComputedAt time.Time
	Stale      bool
}

// Page sizes of the triage list and the rings.
const (
	DefaultRiskPage = 50
	MaxRiskPage     = 500
)

// RiskList ranks the entities the caller may see by risk, highest first
// (ties by id), from the seeds of the caller's view: every entity a victim
// report names, every artefact a suspect uses, every presented caller ID,
// and what the risky ones among them lead to (see fetch.RunTriage).
func (s *Service) RiskList(ctx context.Context, c *Caller, q RiskListQuery) (out RiskPage, err error) {
	defer func() { c.finish(access.OpRiskList, err) }()
	if err = c.allow(access.OpRiskList); err != nil {
		return out, err
	}
	if err = checkRiskList(&q); err != nil {
		return out, err
	}
	ct, err := s.cachedTriage(ctx, c)
	if err != nil {
		return out, err
	}
	t := ct.t
	out.ComputedAt, out.Stale = s.asOf(ct)
	var ids []string
	for id, r := range t.Risks {
		if r.Level.Rank() < q.Level.Rank() {
			continue
		}
		if q.Kind != "" && kindOf(id) != q.Kind {
			continue
		}
		if q.Finding != "" && !slices.ContainsFunc(r.Findings, func(f analytics.Finding) bool { return f.Kind == q.Finding }) {
			continue
		}
		ids = append(ids, id)
	}
	if q.Country != "" {
		ids = s.inCountry(t, ids, q.Country)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := t.Risks[ids[i]].Score, t.Risks[ids[j]].Score
		if a != b {
			return a > b
		}
		return ids[i] < ids[j]
	})
	out.TotalCount = len(ids)
	start := 0
	if q.After != "" {
		score, id, _ := decodeRiskCursor(q.After)
		start = sort.Search(len(ids), func(i int) bool {
			sc := t.Risks[ids[i]].Score
			return sc < score || (sc == score && ids[i] > id)
		})
	}
	end := min(start+q.First, len(ids))
	out.HasNextPage = end < len(ids)
	page := ids[start:end]
	found, err := c.view.GetEntities(ctx, page)
	if err != nil {
		return RiskPage{ComputedAt: out.ComputedAt, Stale: out.Stale}, err
	}
	out.Items = []RiskItem{}
	for _, id := range page {
		r := t.Risks[id]
		e, ok := found[id]
		if !ok {
			continue
		}
		out.Items = append(out.Items, RiskItem{Entity: e, Risk: r, Cursor: encodeRiskCursor(r.Score, id)})
	}
	return out, nil
}

func checkRiskList(q *RiskListQuery) error {
	if q.First == 0 {
		q.First = DefaultRiskPage
	}
	if q.First < 1 || q.First > MaxRiskPage {
		return intel.Errorf(intel.EINVALID, "first", "must be between 1 and %d, got %d", MaxRiskPage, q.First)
	}
	if q.Level == "" {
		q.Level = analytics.LevelLow
	}
	if q.Level.Rank() < 0 {
		return intel.Errorf(intel.EINVALID, "level", "unknown level %q", q.Level)
	}
	if q.Kind != "" && !q.Kind.Valid() {
		return intel.Errorf(intel.EINVALID, "kind", "unknown kind %q", q.Kind)
	}
	if q.Country != "" && q.Country != intel.RegionTH && q.Country != intel.RegionKH {
		return intel.Errorf(intel.EINVALID, "country", "must be TH or KH, got %q", q.Country)
	}
	if q.After != "" {
		if _, _, err := decodeRiskCursor(q.After); err != nil {
			return err
		}
	}
	return nil
}

// inCountry keeps the ids whose entity belongs to country (see
// analytics.CountryOf).
func (s *Service) inCountry(t fetch.Triage, ids []string, country intel.Region) []string {
	var out []string
	for _, id := range ids {
		e, ok := t.Graph.Entity(id)
		if !ok {
			kind, key, _ := intel.SplitEntityID(id)
			e = intel.Entity{ID: id, Kind: kind, Key: key}
		}
		if analytics.CountryOf(&e) == country {
			out = append(out, id)
		}
	}
	return out
}

func encodeRiskCursor(score int, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(score) + "|" + id))
}

func decodeRiskCursor(c string) (int, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if sc, id, ok := strings.Cut(string(raw), "|"); ok && id != "" {
			if n, err := strconv.Atoi(sc); err == nil {
				return n, id, nil
			}
		}
	}
	return 0, "", intel.Errorf(intel.EINVALID, "after", "is not a cursor returned by this API")
}

func kindOf(id string) intel.Kind {
	k, _, _ := intel.SplitEntityID(id)
	return k
}
