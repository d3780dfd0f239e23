package demo

import "sort"

// SIM boxes sit in Thailand with racks of Thai SIMs and turn calls that
// arrive over the Internet from a call centre into ordinary local calls, so
// that victims see a Thai mobile number and no +697 marker. In call records
// a SIM-box number is a hub: hundreds of distinct callees in a day or two,
// far past the 100 calls a day at which Thai operators suspend a number.
const (
	simBoxHubs       = 5
	hubVictims       = 1150 // distinct victims of the entry hub at scale 1
	hubBurstDays     = 2.5  // the entry hub's burst
	otherHubVictimLo = 250
	otherHubVictimHi = 500
)

var srcSIMBoxCalls = source{agencyNBTC, basisTechCrime, mixScam, [2]float64{0.95, 1}, "CDR"}

// buildSIMBoxes places the SIM-box hubs and their call bursts.
func (w *world) buildSIMBoxes() {
	d := w.dice("simbox")
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
			w.call(e.ID, w.people[w.victims[c.victim]].phone, srcSIMBoxCalls.fact(d, at(c.day)), duration(d, answered, 45), answered, "")
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
