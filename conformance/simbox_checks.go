package conformance

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/fetch"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// simBoxFixture is a SIM box whose rack was bought on two ID cards: four
// lines registered to each card, all eight calling from one cell through
// the box's two channels (IMEIs), each calling four of the same six
// numbers, unanswered, and never called back. One victim report names the
// first line; nothing but the box's site joins the two cards' lines. It
// returns the rack: the eight lines and the two cards, sorted.
func simBoxFixture(t *testing.T, s intel.Store) []string {
	t.Helper()
	b := intel.Batch{Entities: []intel.Entity{caseEntity(1)}}
	var rack []string
	for h, doc := range []string{"1-1037-00099-11-1", "1-1037-00099-22-2"} {
		card := entity(intel.KindPerson, intel.PersonKey("TH", "NATIONAL_ID", doc))
		b.Entities = append(b.Entities, card)
		rack = append(rack, card.ID)
		for i := 0; i < 4; i++ {
			line := phone(fmt.Sprintf("+66890%d%05d", h, i))
			rack = append(rack, line.ID)
			b.Links = append(b.Links, state(intel.LinkRegisteredTo, line, card, "TH-NBTC", 24*5, 0))
			for k := 0; k < 4; k++ {
				l := call(line.Key, fmt.Sprintf("+6681000%04d", (i+k)%6), 24*20+12*h+2*i+k/2, fmt.Sprintf("box-%d-%d-%d", h, i, k))
				l.Attrs = map[string]string{"durationSec": "0", "answered": "false", "cellId": "520-01-1000-10001",
					"imei": fmt.Sprintf("35000000000001%d", k%2)}
				l.ID = ""
				l.Normalize()
				b.Links = append(b.Links, l)
			}
		}
	}
	b.Links = append(b.Links, reportLink(phone("+66890000000"), 1, 24*25))
	mustUpsert(t, s, b)
	slices.Sort(rack)
	return rack
}

var _ = register("RingJoinsASIMBoxAcrossIDCards", func(t *testing.T, h *Harness, s intel.Store) {
	rack := simBoxFixture(t, s)
	tr, err := fetch.RunTriage(ctxFor(t), guard.New(s, nil, nil), fixtureParams())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range rack {
		kind, _, _ := intel.SplitEntityID(id)
		if r, ok := tr.Risks[id]; kind == intel.KindPhoneNumber && (!ok || r.Level.Rank() < analytics.LevelMedium.Rank()) {
			t.Errorf("%s: %+v, want every line of the rack scored MEDIUM or above", id, r)
		}
	}
	rings := analytics.Rings(tr.Graph, tr.Risks)
	if len(rings) != 1 || !slices.Equal(rings[0].Members, rack) || rings[0].ID != analytics.RingID(rack[0]) {
		t.Fatalf("rings %+v, want one ring %s of the eight lines and both ID cards %v", rings, analytics.RingID(rack[0]), rack)
	}
})

func mustCallersAt(t *testing.T, s intel.Store, q intel.SiteQuery) map[string]intel.SiteCallers {
	t.Helper()
	got, err := s.CallersAt(ctxFor(t), q)
	if err != nil {
		t.Fatalf("CallersAt(%+v): %v", q, err)
	}
	return got
}

var _ = register("CallersAtListsTheLinesOfASite", func(t *testing.T, h *Harness, s intel.Store) {
	rack := simBoxFixture(t, s)
	var lines []string
	for _, id := range rack {
		if k, _, _ := intel.SplitEntityID(id); k == intel.KindPhoneNumber {
			lines = append(lines, id)
		}
	}
	const cell, channel = "520-01-1000-10001", "350000000000011"
	got := mustCallersAt(t, s, intel.SiteQuery{Attr: intel.SiteCell, Values: []string{cell, "520-99-0000-00000"}})
	if len(got) != 1 || !slices.Equal(got[cell].IDs, lines) || got[cell].HasMore {
		t.Errorf("cell: %+v, want the eight lines and no site no call names", got)
	}
	got = mustCallersAt(t, s, intel.SiteQuery{Attr: intel.SiteDevice, Values: []string{channel, channel}, First: 3})
	if !slices.Equal(got[channel].IDs, lines[:3]) || !got[channel].HasMore {
		t.Errorf("IMEI, first 3: %+v, want the first three lines and more", got)
	}
	// The callers are the calling ends only: the numbers called from the
	// cell are not listed.
	if got := mustCallersAt(t, s, intel.SiteQuery{Attr: intel.SiteCell, Values: []string{cell}, First: intel.MaxSiteCallers}); len(got[cell].IDs) != 8 {
		t.Errorf("cell: %d callers, want the eight lines only", len(got[cell].IDs))
	}
	_, err := s.CallersAt(ctxFor(t), intel.SiteQuery{Attr: "msisdn", Values: []string{cell}})
	wantCode(t, err, intel.EINVALID, "attr")
	_, err = s.CallersAt(ctxFor(t), intel.SiteQuery{Attr: intel.SiteCell, Values: []string{cell}, First: intel.MaxSiteCallers + 1})
	wantCode(t, err, intel.EINVALID, "first")
	_, err = s.CallersAt(ctxFor(t), intel.SiteQuery{Attr: intel.SiteCell, Values: make([]string, intel.MaxSiteValues+1)})
	wantCode(t, err, intel.EINVALID, "values")
})

// hiddenChannelFixture is a rack of four lines, each calling from a cell
// of its own through one shared channel (IMEI) and registered to nobody:
// only the handset ties them. The fourth line's call records are the
// operator's RESTRICTED ones. It returns the four lines, sorted.
func hiddenChannelFixture(t *testing.T, s intel.Store) []string {
	t.Helper()
	var b intel.Batch
	var lines []string
	for i := 0; i < 4; i++ {
		line := phone(fmt.Sprintf("+66893%06d", i))
		lines = append(lines, line.ID)
		for k := 0; k < 4; k++ {
			l := call(line.Key, fmt.Sprintf("+6681200%04d", 4*i+k), 24*20+i+k, fmt.Sprintf("chan-%d-%d", i, k))
			l.Attrs = map[string]string{"durationSec": "0", "answered": "false",
				"cellId": fmt.Sprintf("520-03-1000-3000%d", i), "imei": "350000000000099"}
			if i == 3 {
				l.Agency, l.Visibility = "TH-NBTC", intel.VisibilityRestricted
			}
			l.ID = ""
			l.Normalize()
			b.Links = append(b.Links, l)
		}
	}
	mustUpsert(t, s, b)
	return lines
}

var _ = register("SIMBoxGroupsByASiteOnlyThroughVisibleCalls", func(t *testing.T, h *Harness, s intel.Store) {
	lines := hiddenChannelFixture(t, s)
	reader := &intel.Access{Agency: "TH-CIB", Country: intel.RegionTH}
	const channel = "350000000000099"
	if got := mustCallersAt(t, s, intel.SiteQuery{Attr: intel.SiteDevice, Values: []string{channel}}); !slices.Equal(got[channel].IDs, lines) {
		t.Errorf("unrestricted: %+v, want the four lines", got)
	}
	got := mustCallersAt(t, s, intel.SiteQuery{Attr: intel.SiteDevice, Values: []string{channel}, Access: reader})
	if !slices.Equal(got[channel].IDs, lines[:3]) || got[channel].HasMore {
		t.Errorf("reader: %+v, want the three lines whose calls the reader may see, and no more", got)
	}
	if got := mustCallersAt(t, s, intel.SiteQuery{Attr: intel.SiteDevice, Values: []string{channel}, First: 3, Access: reader}); got[channel].HasMore {
		t.Errorf("reader, first 3: %+v, want no hint of a fourth line", got)
	}
	all := scoreAll(t, s, nil, lines[0])
	if f := hasFinding(all[lines[0]], analytics.FindingSIMBox); f == nil || f.Count != 4 ||
		!strings.Contains(f.Text, "a device ("+channel+") with 4 of them") {
		t.Fatalf("unrestricted: %+v, want a SIM box of the four lines sharing the channel", all[lines[0]].Findings)
	}
	seen := scoreAll(t, s, reader, lines[0])
	f := hasFinding(seen[lines[0]], analytics.FindingSIMBox)
	if f == nil || f.Count != 3 || !slices.Equal(f.Entities, lines[1:3]) || !strings.Contains(f.Text, "with 3 of them") ||
		!strings.Contains(f.Text, "0 of their 12 calls answered") {
		t.Fatalf("reader: %+v, want a SIM box of the three lines the reader may see", f)
	}
	_, hidden, _ := intel.SplitEntityID(lines[3])
	links, err := s.GetLinks(ctxFor(t), f.Links)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if l.From == lines[3] || l.Agency == "TH-NBTC" {
			t.Errorf("the finding cites the hidden call %s", l.ID)
		}
	}
	for _, r := range seen[lines[0]].Reasons {
		if strings.Contains(r.Text, hidden) || slices.Contains(r.Entities, lines[3]) {
			t.Errorf("reason %+v names the line the reader may not see", r)
		}
	}
})
