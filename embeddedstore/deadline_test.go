package embeddedstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// TestTraversalsEndWithTheRequestDeadline: the embedded store has no
// transaction timeout of its own; its traversals check the request's
// context between levels, so a request whose deadline has passed gets the
// deadline error (TIMEOUT to a client), once, and no answer. Over a clique
// of 60 numbers and an unreachable target, a path search visits every link.
func TestTraversalsEndWithTheRequestDeadline(t *testing.T) {
	s := MustOpen(t, t.TempDir())
	var b intel.Batch
	var ids []string
	for i := range 61 {
		e := intel.Entity{Kind: intel.KindPhoneNumber, Key: fmt.Sprintf("+668%08d", i)}
		e.ID = intel.EntityID(e.Kind, e.Key)
		ids = append(ids, e.ID)
		b.Entities = append(b.Entities, e)
	}
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for i := range 60 {
		for j := i + 1; j < 60; j++ {
			b.Links = append(b.Links, intel.Link{Type: intel.LinkCalled, From: ids[i], To: ids[j], EventKey: fmt.Sprintf("c-%d-%d", i, j),
				Provenance: intel.Provenance{Agency: "TH-CIB", Country: intel.RegionTH, Confidence: 0.9, EvidenceRef: "CIB-1",
					Visibility: intel.VisibilityShareable, ObservedAt: at}})
		}
	}
	if _, err := s.Upsert(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Millisecond))
	defer cancel()
	checks := map[string]func(ctx context.Context) error{
		"ShortestPath": func(ctx context.Context) error {
			_, err := s.ShortestPath(ctx, intel.PathQuery{From: ids[0], To: ids[60], MaxDepth: intel.MaxPathDepth})
			return err
		},
		"Expand": func(ctx context.Context) error {
			_, err := s.Expand(ctx, intel.ExpandQuery{Seeds: []string{ids[0]}, Depth: 4})
			return err
		},
	}
	for name, run := range checks {
		if err := run(context.Background()); err != nil {
			t.Fatalf("%s with time to spare: %v", name, err)
		}
		err := run(expired)
		if !errors.Is(err, context.DeadlineExceeded) || intel.ClientCode(err) != intel.CodeTimeout {
			t.Errorf("%s past the deadline: %v (client code %s), want the deadline error", name, err, intel.ClientCode(err))
		}
	}
}
