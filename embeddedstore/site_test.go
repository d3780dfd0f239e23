package embeddedstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// siteCall is a call from line n placed through cell.
func siteCall(n int, cell string) intel.Link {
	l := intel.Link{Type: intel.LinkCalled, From: fmt.Sprintf("PhoneNumber:+6689000%04d", n),
		To: "PhoneNumber:+66810000000", EventKey: fmt.Sprintf("site-%d", n),
		Attrs: map[string]string{"cellId": cell, "imei": "350000000000011"},
		Provenance: intel.Provenance{Agency: "TH-CIB", Country: intel.RegionTH, Confidence: 1,
			ObservedAt: time.Date(2025, 1, 2, 3, 4, n, 0, time.UTC)}}
	l.Normalize()
	return l
}

// TestSiteIndexIsRebuiltOnOpenAndFollowsAChangedCall checks that the
// in-memory site index behind CallersAt is rebuilt from the data file on
// open, and that a call re-sent with another cell moves to that cell's
// listing: the index is kept beside the records, never stored, so both
// are the only ways it can go stale.
func TestSiteIndexIsRebuiltOnOpenAndFollowsAChangedCall(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := MustOpen(t, dir)
	calls := []intel.Link{siteCall(1, "cell-a"), siteCall(2, "cell-a"), siteCall(3, "cell-b")}
	if _, err := s.Upsert(ctx, intel.Batch{Links: calls}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = MustOpen(t, dir)
	callers := func(attr intel.SiteAttr, site string) []string {
		t.Helper()
		got, err := s.CallersAt(ctx, intel.SiteQuery{Attr: attr, Values: []string{site}})
		if err != nil {
			t.Fatal(err)
		}
		return got[site].IDs
	}
	if got, want := callers(intel.SiteCell, "cell-a"), []string{calls[0].From, calls[1].From}; !slices.Equal(got, want) {
		t.Fatalf("cell-a after reopen lists %v, want %v", got, want)
	}
	if got := callers(intel.SiteDevice, "350000000000011"); len(got) != 3 {
		t.Fatalf("the shared IMEI after reopen lists %v, want all three lines", got)
	}
	moved := siteCall(2, "cell-b")
	if _, err := s.Upsert(ctx, intel.Batch{Links: []intel.Link{moved}}); err != nil {
		t.Fatal(err)
	}
	if got, want := callers(intel.SiteCell, "cell-a"), []string{calls[0].From}; !slices.Equal(got, want) {
		t.Fatalf("cell-a after line 2's call moved lists %v, want %v", got, want)
	}
	if got, want := callers(intel.SiteCell, "cell-b"), []string{calls[1].From, calls[2].From}; !slices.Equal(got, want) {
		t.Fatalf("cell-b after line 2's call moved lists %v, want %v", got, want)
	}
}
