package peers

import (
	"fmt"
	"slices"
)

// LookupQ asks for one entity by its canonical key; the answer is its id
// and label.
type LookupQ struct {
	ID, Kind, Key, Label string
}

// NetworkQ asks for the network around Seed, Depth links deep, at most
// Limit nodes; the answer is the set of node ids (the seed included).
type NetworkQ struct {
	Seed         string
	Depth, Limit int
	// Nodes are the expected node ids, sorted; Truncated the expected flag.
	Nodes     []string
	Truncated bool
}

// PathQ asks for a shortest path between two entities over at most four
// links; the answer's length and ends are checked, since equally short
// paths may differ.
type PathQ struct {
	From, To string
	Length   int
}

// Workload is one question type under load: Question(i) is the i-th
// question sent.
type Workload struct {
	Name     string
	Question func(i int) any
	// Floor is true for the workload the static handler (F) also runs.
	Floor bool
}

// checkLookup compares an answered id and label with the question's.
func checkLookup(q LookupQ, id, label string) error {
	if id != q.ID || label != q.Label {
		return fmt.Errorf("lookup %s: got id %q label %q, want %q %q", q.Key, id, label, q.ID, q.Label)
	}
	return nil
}

// checkNetwork compares an answered node set with the expected one;
// truncated is nil when the target does not report it.
func checkNetwork(q NetworkQ, ids []string, truncated *bool) error {
	got := slices.Clone(ids)
	slices.Sort(got)
	got = slices.Compact(got)
	if len(got) != len(ids) {
		return fmt.Errorf("network %s depth %d: %d node ids, %d of them distinct", q.Seed, q.Depth, len(ids), len(got))
	}
	if q.Truncated {
		// Which nodes a cap keeps is the store's choice; only a rules-off
		// question (AskOff) may be cut, and only its size is checked.
		if len(got) != len(q.Nodes) || (truncated != nil && !*truncated) {
			return fmt.Errorf("network %s depth %d: got %d nodes (truncated %v), want %d, truncated", q.Seed, q.Depth, len(got), truncated != nil && *truncated, len(q.Nodes))
		}
		return nil
	}
	if !slices.Equal(got, q.Nodes) {
		return fmt.Errorf("network %s depth %d: got %d nodes, want %d (%s)", q.Seed, q.Depth, len(got), len(q.Nodes), firstDiff(got, q.Nodes))
	}
	if truncated != nil && *truncated != q.Truncated {
		return fmt.Errorf("network %s depth %d: truncated %v, want %v", q.Seed, q.Depth, *truncated, q.Truncated)
	}
	return nil
}

// checkPath compares an answered path's node ids with the expected length
// and ends.
func checkPath(q PathQ, ids []string) error {
	if len(ids) != q.Length+1 || ids[0] != q.From || ids[len(ids)-1] != q.To {
		return fmt.Errorf("shortestPath %s → %s: got %v, want %d links from %s to %s", q.From, q.To, ids, q.Length, q.From, q.To)
	}
	return nil
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("first difference at %d: %q vs %q", i, got[i], want[i])
		}
	}
	return "one is a prefix of the other"
}
