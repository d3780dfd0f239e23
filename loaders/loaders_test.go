package loaders_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/loaders"
)

// countingSource answers every id it is asked about except "missing", and
// counts its calls: the loaders' whole point is how few there are.
type countingSource struct {
	mu    sync.Mutex
	calls map[string]int
	asked map[string][]string
}

func (s *countingSource) note(what string, ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls, s.asked = map[string]int{}, map[string][]string{}
	}
	s.calls[what]++
	s.asked[what] = append(s.asked[what], ids...)
}

func (s *countingSource) Entities(_ context.Context, ids []string) (map[string]intel.Entity, error) {
	s.note("entities", ids)
	out := map[string]intel.Entity{}
	for _, id := range ids {
		if id != "missing" {
			out[id] = intel.Entity{ID: id}
		}
	}
	return out, nil
}

func (s *countingSource) Links(_ context.Context, ids []string) (map[string]intel.Link, error) {
	s.note("links", ids)
	return map[string]intel.Link{}, nil
}

func (s *countingSource) Summaries(_ context.Context, ids []string) (map[string]intel.Summary, error) {
	s.note("summaries", ids)
	return nil, errors.New("summaries failed")
}

func (s *countingSource) Risks(_ context.Context, ids []string) (map[string]analytics.Risk, error) {
	s.note("risks", ids)
	out := map[string]analytics.Risk{}
	for _, id := range ids {
		if id != "missing" {
			out[id] = analytics.Risk{Score: len(id)}
		}
	}
	return out, nil
}

func (s *countingSource) Neighbours(_ context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.NeighbourPage, error) {
	s.note("neighbours/"+string(q.Direction), ids)
	out := map[string]intel.NeighbourPage{}
	for _, id := range ids {
		if id != "missing" {
			out[id] = intel.NeighbourPage{TotalCount: len(id)}
		}
	}
	return out, nil
}

func (s *countingSource) LegalStatus(_ context.Context, ids []string) (map[string][]access.StatusStep, error) {
	s.note("legalStatus", ids)
	out := map[string][]access.StatusStep{}
	for _, id := range ids {
		if id != "missing" {
			out[id] = []access.StatusStep{{SuspectID: id}}
		}
	}
	return out, nil
}

// loadAll loads ids concurrently, as the resolvers of one list do.
func loadAll[T any](ids []string, load func(string) (T, error)) ([]T, []error) {
	out, errs := make([]T, len(ids)), make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = load(id)
		}()
	}
	wg.Wait()
	return out, errs
}

func TestAListOfEntitiesIsOneCall(t *testing.T) {
	src := &countingSource{}
	l := loaders.New(src)
	ctx := context.Background()
	ids := []string{"a", "b", "c", "a", "missing"}
	got, errs := loadAll(ids, func(id string) (intel.Entity, error) { return l.Entity.Load(ctx, id) })
	if src.calls["entities"] != 1 {
		t.Errorf("%d calls for %d loads, want 1", src.calls["entities"], len(ids))
	}
	if len(src.asked["entities"]) != 4 {
		t.Errorf("asked for %v, want each distinct id once", src.asked["entities"])
	}
	for i, id := range ids {
		if id == "missing" {
			if !errors.Is(errs[i], dataloadgen.ErrNotFound) {
				t.Errorf("missing id: %v, want ErrNotFound", errs[i])
			}
			continue
		}
		if errs[i] != nil || got[i].ID != id {
			t.Errorf("load %s: %+v, %v", id, got[i], errs[i])
		}
	}
}

func TestAListOfRisksIsOneCall(t *testing.T) {
	src := &countingSource{}
	l := loaders.New(src)
	ctx := context.Background()
	ids := []string{"a", "bb", "ccc", "missing"}
	got, errs := loadAll(ids, func(id string) (analytics.Risk, error) { return l.Risk.Load(ctx, id) })
	if src.calls["risks"] != 1 {
		t.Errorf("%d calls for %d loads, want 1", src.calls["risks"], len(ids))
	}
	for i, id := range ids[:3] {
		if errs[i] != nil || got[i].Score != len(id) {
			t.Errorf("load %s: %+v, %v", id, got[i], errs[i])
		}
	}
	if !errors.Is(errs[3], dataloadgen.ErrNotFound) {
		t.Errorf("missing id: %v, want ErrNotFound", errs[3])
	}
}

func TestASourceErrorReachesEveryLoad(t *testing.T) {
	src := &countingSource{}
	l := loaders.New(src)
	_, errs := loadAll([]string{"a", "b"}, func(id string) (intel.Summary, error) { return l.Summary.Load(context.Background(), id) })
	for _, err := range errs {
		if err == nil || errors.Is(err, dataloadgen.ErrNotFound) {
			t.Errorf("load: %v, want the source's error", err)
		}
	}
}

func TestNeighboursShareALoaderPerFilter(t *testing.T) {
	src := &countingSource{}
	l := loaders.New(src)
	ctx := context.Background()
	ids := []string{"x", "yy", "zzz"}
	for _, dir := range []intel.Direction{intel.DirectionOut, intel.DirectionIn} {
		pages, errs := loadAll(ids, func(id string) (intel.NeighbourPage, error) {
			return l.Neighbours(ctx, intel.NeighbourQuery{ID: id, Direction: dir, First: 5})
		})
		for i, id := range ids {
			if errs[i] != nil || pages[i].TotalCount != len(id) {
				t.Errorf("%s %s: %+v, %v", dir, id, pages[i], errs[i])
			}
		}
	}
	if src.calls["neighbours/"+string(intel.DirectionOut)] != 1 || src.calls["neighbours/"+string(intel.DirectionIn)] != 1 {
		t.Errorf("calls %v, want one per set of filters", src.calls)
	}
	_, err := l.Neighbours(ctx, intel.NeighbourQuery{ID: "missing", Direction: intel.DirectionOut, First: 5})
	if intel.ErrorCode(err) != intel.ENOTFOUND {
		t.Errorf("neighbours of an unknown entity: %v, want ENOTFOUND", err)
	}
}

// TestTheLegalStatusOfAListIsOneCall: Suspect.legalStatus on every item of
// a list asks the registry once, and a suspect without steps is explicit.
func TestTheLegalStatusOfAListIsOneCall(t *testing.T) {
	src := &countingSource{}
	l := loaders.New(src)
	ids := []string{"Suspect:TH-CIB:S-1", "Suspect:TH-CIB:S-2", "missing", "Suspect:KH-GDNP:W-1"}
	got, errs := loadAll(ids, func(id string) ([]access.StatusStep, error) { return l.LegalStatus.Load(context.Background(), id) })
	if src.calls["legalStatus"] != 1 {
		t.Errorf("%d calls for %d loads, want 1", src.calls["legalStatus"], len(ids))
	}
	for i, id := range ids {
		switch {
		case id == "missing" && !errors.Is(errs[i], dataloadgen.ErrNotFound):
			t.Errorf("%s: %v, want not found", id, errs[i])
		case id != "missing" && (errs[i] != nil || len(got[i]) != 1 || got[i][0].SuspectID != id):
			t.Errorf("%s: %v, %v", id, got[i], errs[i])
		}
	}
}

// TestALoneFieldFetchesAtOnce: a field of a single object fetches its key
// on its own, synchronously, and keeps the answer for the request; the
// items of a list still share one fetch.
func TestALoneFieldFetchesAtOnce(t *testing.T) {
	src := &countingSource{}
	l := loaders.New(src)
	root := graphql.WithFieldContext(context.Background(), &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Name: "lookup"}}})
	lone := graphql.WithFieldContext(root, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Name: "risk"}}})
	r, err := l.Risk.Load(lone, "abc")
	if err != nil || r.Score != 3 || src.calls["risks"] != 1 {
		t.Fatalf("lone load: %+v, %v, %d calls; want the answer from one call made before Load returned", r, err, src.calls["risks"])
	}
	if r, err := l.Risk.Load(context.Background(), "abc"); err != nil || r.Score != 3 || src.calls["risks"] != 1 {
		t.Errorf("the same key again: %+v, %v, %d calls; want the kept answer", r, err, src.calls["risks"])
	}
	if _, err := l.Risk.Load(lone, "missing"); !errors.Is(err, dataloadgen.ErrNotFound) {
		t.Errorf("lone load of a missing key: %v, want ErrNotFound", err)
	}
	ids := []string{"x", "yy", "zzz"}
	before := src.calls["risks"]
	_, errs := loadAll(ids, func(id string) (analytics.Risk, error) {
		i := len(id) - 1
		item := graphql.WithFieldContext(root, &graphql.FieldContext{Index: &i})
		field := graphql.WithFieldContext(item, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Name: "risk"}}})
		return l.Risk.Load(field, id)
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := src.calls["risks"] - before; got != 1 {
		t.Errorf("a list of %d: %d calls, want 1", len(ids), got)
	}
}
