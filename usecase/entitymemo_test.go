package usecase_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// classifyCounter counts the GetClassified calls that reach the store.
type classifyCounter struct {
	intel.Store
	calls atomic.Int64
}

func (c *classifyCounter) GetClassified(ctx context.Context, ids []string) (map[string]intel.ClassifiedEntity, error) {
	c.calls.Add(1)
	return c.Store.GetClassified(ctx, ids)
}

// newMemoEnv is newEnv over a store that counts its GetClassified calls,
// with the entity memo on for ttl.
func newMemoEnv(t *testing.T, ttl time.Duration) (*env, *classifyCounter) {
	t.Helper()
	var counted *classifyCounter
	e := newEnvOver(t, func(s intel.Store) intel.Store {
		counted = &classifyCounter{Store: s}
		return counted
	}, usecase.Options{EntityMemoTTL: ttl})
	return e, counted
}

// mustLookup looks key up as agency's analyst, each time a new request.
func mustLookup(t *testing.T, e *env, agency, key string) *intel.Entity {
	t.Helper()
	res, err := e.svc.Lookup(e.ctx, e.mustCaller(t, agency, access.RoleAnalyst, "CASE-1"), key, intel.KindPhoneNumber, intel.RegionTH)
	if err != nil {
		t.Fatalf("lookup %s as %s: %v", key, agency, err)
	}
	return res.Entity
}

func TestEntityMemo(t *testing.T) {
	t.Run("ServesARepeatedLookupWithoutAStoreRead", func(t *testing.T) {
		e, counted := newMemoEnv(t, time.Hour)
		mustIngest(t, e, e.mustCaller(t, "TH-CCIB", access.RoleEnricher, ""), call("", "", "C-1", "0811110001", "0811110002"))
		if mustLookup(t, e, "TH-CCIB", "0811110001") == nil {
			t.Fatal("the caller's own agency does not see the number")
		}
		before := counted.calls.Load()
		for range 3 {
			if mustLookup(t, e, "TH-CCIB", "0811110001") == nil {
				t.Fatal("a repeated lookup lost the number")
			}
		}
		if n := counted.calls.Load() - before; n != 0 {
			t.Errorf("three repeated lookups read the store %d times, want 0", n)
		}
		// The memo keeps the store's answer, not a reader's view of it: a
		// Cambodian analyst still may not see a Thai domestic fact's number.
		if got := mustLookup(t, e, "KH-GDNP", "0811110001"); got != nil {
			t.Errorf("a reader of the other country sees a number known only by a domestic fact: %+v", got)
		}
	})
	t.Run("ReadsAgainAfterAWriteThroughTheService", func(t *testing.T) {
		e, counted := newMemoEnv(t, time.Hour)
		enricher := func() *usecase.Caller { return e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "") }
		if mustLookup(t, e, "TH-CCIB", "0811110003") != nil {
			t.Fatal("a number never stored is found")
		}
		mustIngest(t, e, enricher(), call("", "", "C-2", "0811110003", "0811110004"))
		if mustLookup(t, e, "TH-CCIB", "0811110003") == nil {
			t.Fatal("a number stored after a lookup that missed it is not found: the memo kept the miss")
		}
		page, err := e.store.Neighbours(e.ctx, intel.NeighbourQuery{ID: intel.EntityID(intel.KindPhoneNumber, "+66811110003")})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("the number's links: %+v, %v", page, err)
		}
		if _, err := e.svc.Retract(e.ctx, enricher(), page.Items[0].Link.ID, "wrong number"); err != nil {
			t.Fatal(err)
		}
		before := counted.calls.Load()
		if got := mustLookup(t, e, "TH-CCIB", "0811110003"); got != nil {
			t.Errorf("a number whose one fact was retracted is still shown: %+v", got)
		}
		if counted.calls.Load() == before {
			t.Error("the lookup after a retraction did not read the store")
		}
	})
	t.Run("ReadsAgainAfterItsTTL", func(t *testing.T) {
		e, counted := newMemoEnv(t, time.Nanosecond)
		mustIngest(t, e, e.mustCaller(t, "TH-CCIB", access.RoleEnricher, ""), call("", "", "C-3", "0811110005", "0811110006"))
		mustLookup(t, e, "TH-CCIB", "0811110005")
		before := counted.calls.Load()
		mustLookup(t, e, "TH-CCIB", "0811110005")
		if counted.calls.Load() == before {
			t.Error("a lookup past the memo's TTL did not read the store")
		}
	})
}
