package demo

import (
	"fmt"
	"math"
	"sort"
)

// SIM boxes sit in Thailand with racks of Thai SIMs and turn calls that
// arrive over the Internet from a call centre into ordinary local calls, so
// that victims see a Thai mobile number and no +697 marker. In call records
// a SIM-box number is a hub: hundreds of distinct callees in a day or two,
// far past the 100 calls a day at which Thai operators suspend a number.
// The rest of the rack calls a little each, rotating to stay under that
// limit, and the whole rack is registered to one or a few people: bought in
// bulk on borrowed identity cards.
const (
	simBoxHubs       = 5
	hubVictims       = 1150 // distinct victims of the entry hub at scale 1
	hubBurstDays     = 2.5  // the entry hub's burst
	otherHubVictimLo = 250
	otherHubVictimHi = 500
	// entryRackSIMs is the size of the entry box's rack, hub included: all
	// of it is registered to SIMFarmHolder, in every world.
	entryRackSIMs = 32
	// rackCallsLo and rackCallsHi bound the calls of one rack SIM other
	// than the hub.
	rackCallsLo = 3
	rackCallsHi = 10
)

// rackSizes are the port counts SIM boxes are sold with.
var rackSizes = []int{16, 32, 32, 64}

var srcSIMBoxCalls = source{agencyNBTC, basisTechCrime, mixScam, [2]float64{0.95, 1}, "CDR"}

// simBox is one SIM box while the world is built.
type simBox struct {
	centre       int      // index into world.centres of the centre whose calls it relays
	start, until float64  // days after Epoch the rack was in use
	sims         []string // entity ids, the hub first
	site         dice     // draws the channel of each call (see site)
	cell         string   // the cell the box sits in
	imeis        []string // its channels' IMEIs
}

// buildSIMBoxes places the SIM-box hubs and their call bursts.
func (w *world) buildSIMBoxes() {
	d := w.dice("simbox")
	relay := w.dice("simbox/relay")
	w.simBoxSIMs = map[string]bool{}
	for h := 0; h < w.scaled(simBoxHubs, 1); h++ {
		key := w.numbers.fresh(d, thaiMobile)
		target, start, length := w.scaled(d.between(otherHubVictimLo, otherHubVictimHi), 1), d.uniform(10, 170), d.uniform(1, 3)
		if h == 0 {
			key, target, start, length = SIMBoxHub.Key, w.scaled(hubVictims, 1), 40.25, hubBurstDays
		}
		target = min(target, len(w.victims))
		e := w.phone(key, nil, localForm(key))
		w.out.entity(e)
		w.hubs = append(w.hubs, e.ID)
		w.simBoxSIMs[e.ID] = true
		box := &simBox{centre: relay.IntN(len(w.centres)), start: start, until: start + length, sims: []string{e.ID}}
		w.site(box, h)
		if h == 0 {
			box.centre = 0 // the entry box relays for the Poipet centre, across the border
		}
		w.boxes = append(w.boxes, box)

		// One call to each chosen victim, a second to some, in time order.
		chosen := d.Perm(len(w.victims))[:target]
		var calls []simCall
		for _, v := range chosen {
			for n := 1 + b2i(d.chance(0.08)); n > 0; n-- {
				calls = append(calls, simCall{day: d.uniform(start, start+length), victim: v})
			}
		}
		sort.Slice(calls, func(i, j int) bool { return calls[i].day < calls[j].day })
		for _, c := range calls {
			answered := d.chance(0.3)
			victim := w.victims[c.victim]
			w.boxCall(box, e.ID, w.people[victim].phone, callRecord{srcSIMBoxCalls.fact(d, at(c.day)), duration(d, answered, 45), answered})
			w.approached(victim, approach{caller: e.ID, centre: box.centre, day: c.day, answered: answered})
		}
	}
}

// buildSIMRacks fills the rest of each box's rack. It runs after the
// ordinary traffic, so that the racks' call records number after the
// ordinary ones and a world loaded before the racks existed keeps its
// record ids.
func (w *world) buildSIMRacks() {
	victimDraw := w.victimSkew()
	for h, box := range w.boxes {
		w.simRack(w.dice(fmt.Sprintf("simbox/rack/%d", h)), box, victimDraw, h == 0)
	}
}

// simRack fills the rest of a box's rack with fresh Thai SIMs, each calling
// a few victims on one day of the weeks around the hub's burst.
func (w *world) simRack(d dice, box *simBox, victimDraw weighted, entry bool) {
	size := pick(d, rackSizes)
	if entry {
		size = entryRackSIMs
	}
	lo, hi := math.Max(0, box.start-20), math.Min(box.until+20, HistoryDays-1)
	for s := 1; s < size; s++ {
		e := w.phone(w.numbers.fresh(d, thaiMobile), nil)
		w.out.entity(e)
		box.sims = append(box.sims, e.ID)
		w.simBoxSIMs[e.ID] = true
		day := d.uniform(lo, hi)
		box.start, box.until = math.Min(box.start, day), math.Max(box.until, day+1)
		for k := d.between(rackCallsLo, rackCallsHi); k > 0; k-- {
			victim := w.victims[victimDraw.draw(d)]
			answered := d.chance(0.3)
			when := day + d.Float64()
			w.boxCall(box, e.ID, w.people[victim].phone, callRecord{srcSIMBoxCalls.fact(d, at(when)), duration(d, answered, 60), answered})
			w.approached(victim, approach{caller: e.ID, centre: box.centre, day: when, answered: answered})
		}
	}
}

// simCall is one planned call of a hub.
type simCall struct {
	day    float64
	victim int
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
