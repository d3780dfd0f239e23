package rediscache_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/rediscache"
)

func TestCacheHitDoesNotTouchStore(t *testing.T) {
	onEveryStore(t, func(t *testing.T, open storeOpener) {
		obs := &countingObserver{}
		c := MustCache(t, open, rediscache.Options{Observer: obs})
		inner := c.inner
		e := phone("+66812345678")
		e.Attrs = map[string]string{"carrier": "AIS"}
		l := call("+66812345678", "+855123456789", 1, "cdr-1")
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{e}, Links: []intel.Link{l}})
		other := phone("+855123456789").ID

		first := mustGet(t, c, e.ID, other)
		firstSums, err := c.Summaries(ctxFor(t), []string{e.ID})
		if err != nil {
			t.Fatal(err)
		}
		firstLinks, err := c.GetLinks(ctxFor(t), []string{l.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != 2 || len(firstSums) != 1 || len(firstLinks) != 1 {
			t.Fatalf("first reads: %v %v %v", first, firstSums, firstLinks)
		}
		before := map[string]int{}
		for _, op := range []string{"GetEntities", "FindEntity", "Summaries", "GetLinks"} {
			before[op] = inner.Calls(op)
		}

		for i := 0; i < 3; i++ {
			if got := mustGet(t, c, other, e.ID); !reflect.DeepEqual(got, first) {
				t.Errorf("cached GetEntities\n got %+v\nwant %+v", got, first)
			}
			found, err := c.FindEntity(ctxFor(t), e.Kind, e.Key)
			if err != nil || !reflect.DeepEqual(found, first[e.ID]) {
				t.Errorf("cached FindEntity: %+v, %v", found, err)
			}
			sums, err := c.Summaries(ctxFor(t), []string{e.ID})
			if err != nil || !reflect.DeepEqual(sums, firstSums) {
				t.Errorf("cached Summaries: %+v, %v", sums, err)
			}
			links, err := c.GetLinks(ctxFor(t), []string{l.ID})
			if err != nil || !reflect.DeepEqual(links, firstLinks) {
				t.Errorf("cached GetLinks: %+v, %v", links, err)
			}
		}
		for op, n := range before {
			if got := inner.Calls(op); got != n {
				t.Errorf("%s reached the store %d more times on cache hits", op, got-n)
			}
		}
		if hits := obs.Count("hit", ""); hits != 3*(2+1+1+1) {
			t.Errorf("observer saw %d hits, want 15", hits)
		}

		// A batch mixing cached and new ids reads only the new ones.
		third := phone("+66899999999")
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{third}})
		calls := inner.Calls("GetEntities")
		if got := mustGet(t, c, e.ID, third.ID); len(got) != 2 {
			t.Fatalf("mixed batch: %v", got)
		}
		if ids := inner.LastIDs("GetEntities"); inner.Calls("GetEntities") != calls+1 || !reflect.DeepEqual(ids, []string{third.ID}) {
			t.Errorf("mixed batch read %v from the store in %d calls, want only the uncached id in one",
				ids, inner.Calls("GetEntities")-calls)
		}
	})
}

func TestHitsAreDeepCopies(t *testing.T) {
	onEveryStore(t, func(t *testing.T, open storeOpener) {
		c := MustCache(t, open, rediscache.Options{})
		e := phone("+66812345678")
		e.Attrs = map[string]string{"carrier": "AIS"}
		e.RawForms = []string{"081-234-5678"}
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{e}})
		for i := 0; i < 3; i++ {
			got := mustGet(t, c, e.ID, e.ID)[e.ID]
			if got.Attrs["carrier"] != "AIS" || got.RawForms[0] != "081-234-5678" {
				t.Fatalf("read %d saw a change made through an earlier result: %+v", i, got)
			}
			got.Attrs["carrier"] = "changed"
			got.RawForms[0] = "changed"
		}
	})
}

func TestNotFoundIsNotCached(t *testing.T) {
	onEveryStore(t, func(t *testing.T, open storeOpener) {
		c := MustCache(t, open, rediscache.Options{})
		inner := c.inner
		client := c.client
		e := phone("+66812345678")
		if got := mustGet(t, c, e.ID); len(got) != 0 {
			t.Fatalf("unknown id returned %v", got)
		}
		_, err := c.FindEntity(ctxFor(t), e.Kind, e.Key)
		_, innerErr := inner.Store.FindEntity(ctxFor(t), e.Kind, e.Key)
		if intel.ErrorCode(err) != intel.ENOTFOUND || err.Error() != innerErr.Error() {
			t.Errorf("FindEntity of an unknown key: %v, want the inner store's %v", err, innerErr)
		}
		keys, err := client.Keys(ctxFor(t), c.prefix+"*").Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 0 {
			t.Errorf("a miss left keys behind (a negative entry or an unreturned lease): %v", keys)
		}
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{e}})
		if got := mustGet(t, c, e.ID); got[e.ID].Key != e.Key {
			t.Errorf("entity written after a miss is not visible: %v", got)
		}
	})
}

func TestUnreadableValueIsAMiss(t *testing.T) {
	onEveryStore(t, func(t *testing.T, open storeOpener) {
		c := MustCache(t, open, rediscache.Options{})
		inner := c.inner
		client := c.client
		e := phone("+66812345678")
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{e}})
		for _, junk := range []string{"not a value", `9{"ID":"from a future encoding"}`, `1{"ID":`} {
			if err := client.Set(ctxFor(t), c.Key("e", e.ID), junk, 0).Err(); err != nil {
				t.Fatal(err)
			}
			calls := inner.Calls("GetEntities")
			if got := mustGet(t, c, e.ID); got[e.ID].Key != e.Key {
				t.Errorf("with %q cached: got %+v", junk, got)
			}
			if inner.Calls("GetEntities") != calls+1 {
				t.Errorf("with %q cached, the store was not asked", junk)
			}
		}
	})
}

func TestReadsHonourCancelledContext(t *testing.T) {
	onEveryStore(t, func(t *testing.T, open storeOpener) {
		c := MustCache(t, open, rediscache.Options{})
		e := phone("+66812345678")
		mustUpsert(t, c, intel.Batch{Entities: []intel.Entity{e}})
		mustGet(t, c, e.ID)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.GetEntities(ctx, []string{e.ID}); !errors.Is(err, context.Canceled) {
			t.Errorf("GetEntities with a cancelled context: %v", err)
		}
		if _, err := c.FindEntity(ctx, e.Kind, e.Key); !errors.Is(err, context.Canceled) {
			t.Errorf("FindEntity with a cancelled context: %v", err)
		}
	})
}
