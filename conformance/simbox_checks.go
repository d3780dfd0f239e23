package conformance

import (
	"fmt"
	"slices"
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
