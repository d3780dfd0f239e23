// Package conformance is the one suite every intel.Store implementation
// runs: the embedded store, the Neo4j store and the Redis cache decorator.
// Each backend calls Run from a single test; a check it cannot pass is
// excluded by name with the reason written beside it, and an exclusion
// with no reason fails the run.
package conformance

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Harness tells the suite how to get stores from one backend.
type Harness struct {
	// New returns an empty store for one check. The suite closes it.
	New func(t *testing.T) intel.Store
	// Reopen closes s and opens the same data again, as a restart would.
	// Nil means the backend has no restart to test, and durability checks
	// are reported as excluded.
	Reopen func(t *testing.T, s intel.Store) intel.Store
	// Exclude names checks that do not apply, each with its reason.
	Exclude map[string]string
}

// check is one named conformance check.
type check struct {
	name string
	run  func(t *testing.T, h *Harness, s intel.Store)
}

// registry is filled by the files of this package, one per noun.
var registry []check

func register(name string, run func(t *testing.T, h *Harness, s intel.Store)) bool {
	registry = append(registry, check{name: name, run: run})
	return true
}

// Names lists every check, sorted; the suite's own test uses it to keep
// the count honest.
func Names() []string {
	out := make([]string, len(registry))
	for i, c := range registry {
		out[i] = c.name
	}
	sort.Strings(out)
	return out
}

// Run runs every check against the harness's backend.
func Run(t *testing.T, h Harness) {
	known := map[string]bool{}
	for _, c := range registry {
		known[c.name] = true
	}
	for name, reason := range h.Exclude {
		if !known[name] {
			t.Fatalf("exclusion of unknown check %q", name)
		}
		if reason == "" {
			t.Fatalf("exclusion of %q has no reason", name)
		}
	}
	checks := append([]check(nil), registry...)
	sort.Slice(checks, func(i, j int) bool { return checks[i].name < checks[j].name })
	for _, c := range checks {
		c := c
		t.Run(c.name, func(t *testing.T) {
			if reason, ok := h.Exclude[c.name]; ok {
				t.Logf("excluded: %s", reason)
				return
			}
			s := h.New(t)
			t.Cleanup(func() { s.Close() })
			c.run(t, &h, s)
		})
	}
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
