package demo

import (
	"fmt"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// The legal statuses a suspect moves through, as the design lists them.
const (
	statusWanted               = "WANTED"
	statusArrested             = "ARRESTED"
	statusDeported             = "DEPORTED"
	statusExtraditionRequested = "EXTRADITION_REQUESTED"
	statusExtradited           = "EXTRADITED"
)

// suspect is one person of interest while the world is being built.
type suspect struct {
	id        string
	agency    agency // whose reference the key is
	status    string
	caughtDay float64 // when an arrest ended their use of artefacts; 0 if never
	uses      map[string]bool
	role      string
	centre    *centre // the call centre they work in, nil for the others
	from      float64 // when they started using the centre's artefacts
}

// Mule herders and money handlers at scale 1; call-centre and SIM-box
// suspects follow the number of centres and hubs.
const (
	muleHerders    = 6
	moneyHandlers  = 4
	centreManagers = 1
	centreCallers  = 2
)

// buildSuspects creates the suspects behind each part of the scam and links
// each to the artefacts they use.
func (w *world) buildSuspects() {
	d := w.dice("suspects")
	seq := map[string]int{agencyCIB.code: 1} // TH-CIB:S-0001 is the entry point
	newSuspect := func(nationality, role, town string) *suspect {
		return w.newSuspect(d, seq, nationality, role, town)
	}
	nationality := func(pThai, pKhmer float64) string {
		switch x := d.Float64(); {
		case x < pThai:
			return "TH"
		case x < pThai+pKhmer:
			return "KH"
		}
		return "CN"
	}
	for i, c := range w.centres {
		var boss *suspect
		if i == 0 {
			boss = w.entrySuspect(d)
		} else {
			boss = newSuspect(nationality(0.3, 0.2), "call-centre boss", c.town)
		}
		from := c.from
		boss.centre, boss.from = c, from
		w.uses(d, boss, from, c.voip[0], c.ips[0], pick(d, c.ips), c.staff[0], pick(d, w.mules.cashOut))
		for k := 0; k < centreManagers; k++ {
			s := newSuspect(nationality(0.5, 0.4), "call-centre manager", c.town)
			s.centre, s.from = c, from
			w.uses(d, s, from, pick(d, c.voip), pick(d, c.voip), pick(d, c.voip), pick(d, c.ips), pick(d, c.presented), pick(d, c.staff))
		}
		for k := 0; k < centreCallers; k++ {
			s := newSuspect(nationality(0.8, 0.15), "caller", c.town)
			s.centre, s.from = c, from
			w.uses(d, s, from, pick(d, c.voip), pick(d, c.voip), pick(d, c.roaming), pick(d, c.staff))
		}
	}
	for _, hub := range w.hubs {
		s := newSuspect("TH", "SIM-box operator", "")
		own := w.ownPhone(d)
		w.uses(d, s, d.uniform(5, 40), hub, own, pick(d, pick(d, w.centres).ips))
	}
	for k := 0; k < w.scaled(muleHerders, 1); k++ {
		s := newSuspect("TH", "mule herder", "")
		own := w.ownPhone(d)
		arts := []string{own}
		if k == 0 {
			arts = append(arts, w.mules.layer1[0])
		}
		for n := d.between(4, 7); n > 0; n-- {
			arts = append(arts, pick(d, w.mules.layer1))
		}
		w.uses(d, s, d.uniform(5, 40), arts...)
	}
	for k := 0; k < w.scaled(moneyHandlers, 1); k++ {
		s := newSuspect(nationality(0.3, 0.4), "money handler", "")
		w.uses(d, s, d.uniform(5, 40), pick(d, w.mules.layer3), pick(d, w.mules.cashOut), pick(d, w.mules.cashOut), pick(d, w.mules.collectors))
	}
	w.useChats(w.dice("suspects/chats"))
}

// entrySuspect emits SuspectBoss: a Thai national running the Poipet centre,
// whose extradition Thailand has requested.
func (w *world) entrySuspect(d dice) *suspect {
	name := personName{"Kittisak Wongsawat", "กิตติศักดิ์ วงศ์สวัสดิ์"}
	s := &suspect{id: SuspectBoss.ID(), agency: agencyCIB, status: statusExtraditionRequested, uses: map[string]bool{}, role: "call-centre boss"}
	w.suspects = append(w.suspects, s)
	w.out.entity(suspectEntity(SuspectBoss.Key, name, thaiNames.script, "TH", s.status, "call-centre boss", "Poipet", "Boss Tong"))
	return s
}

// newSuspect draws and emits one suspect. Thai nationals are on a Thai
// agency's books, Cambodians on the Cambodian police's, Chinese nationals
// on either.
func (w *world) newSuspect(d dice, seq map[string]int, nationality, role, town string) *suspect {
	pool, ag := thaiNames, pick(d, []agency{agencyCIB, agencyCIB, agencyDSI, agencyCCIB})
	switch nationality {
	case "KH":
		pool, ag = khmerNames, agencyGDNP
	case "CN":
		pool, ag = chineseNames, pick(d, []agency{agencyGDNP, agencyDSI})
	}
	seq[ag.code]++
	key := fmt.Sprintf("%s:S-%04d", ag.code, seq[ag.code])
	s := &suspect{id: intel.EntityID(intel.KindSuspect, key), agency: ag, uses: map[string]bool{}, role: role}
	w.suspects = append(w.suspects, s)
	switch x := d.Float64(); {
	case x < 0.4:
		s.status = statusWanted
	case x < 0.65:
		s.status = statusArrested
	case x < 0.75:
		s.status = statusDeported
	case x < 0.9:
		s.status = statusExtraditionRequested
	default:
		s.status = statusExtradited
	}
	if s.status == statusArrested || s.status == statusDeported || s.status == statusExtradited {
		s.caughtDay = d.uniform(90, HistoryDays-1)
	}
	alias := ""
	if d.chance(0.4) {
		alias = pick(d, nickNames)
	}
	w.out.entity(suspectEntity(key, pool.draw(d), pool.script, nationality, s.status, role, town, alias))
	return s
}

// suspectEntity builds a suspect node: the label shows the Latin and the
// native-script name together, since Thai and Cambodian files differ in
// which they lead with; the attributes keep each separately for search.
func suspectEntity(key string, name personName, script, nationality, status, role, town, alias string) intel.Entity {
	attrs := map[string]string{
		"nameLatin": name.latin, script: name.native,
		"nationality": nationality, "legalStatus": status, "role": role,
	}
	if town != "" {
		attrs["lastKnownLocation"] = town
	}
	if alias != "" {
		attrs["alias"] = alias
	}
	return intel.Entity{
		ID: intel.EntityID(intel.KindSuspect, key), Kind: intel.KindSuspect, Key: key,
		Label: name.latin + " (" + name.native + ")", Attrs: attrs,
	}
}

// uses links s to each artefact once, from the day given until the arrest
// (if any). The suspect's own agency reports most links; the other country's
// police report the rest under the agreement, or under the extradition
// treaty once extradition is in play.
func (w *world) uses(d dice, s *suspect, from float64, artefacts ...string) {
	for _, a := range artefacts {
		if s.uses[a] {
			continue
		}
		s.uses[a] = true
		start := from + d.uniform(0, 30)
		var until float64
		if s.caughtDay > start {
			until = s.caughtDay
		}
		src := source{s.agency, basisThaiCPC, mixSuspects, [2]float64{0.55, 0.95}, "CASE"}
		if s.agency.country == intel.RegionKH {
			src.basis = basisKHCPC
		}
		if d.chance(0.3) {
			src.agency, src.basis = agencyGDNP, basisMOU
			if s.agency.country == intel.RegionKH {
				src.agency = agencyCIB
			}
			if s.status == statusExtraditionRequested || s.status == statusExtradited {
				src.basis = basisExtradition
			}
		}
		prov := src.state(d, at(start), untilTime(until))
		w.out.link(intel.Link{Type: intel.LinkUses, From: s.id, To: a, Provenance: prov})
	}
}

// untilTime turns an optional day into an optional time.
func untilTime(day float64) time.Time {
	if day == 0 {
		return time.Time{}
	}
	return at(day)
}

// ownPhone emits a fresh Thai mobile that a suspect carries.
func (w *world) ownPhone(d dice) string {
	e := w.phone(w.numbers.fresh(d, thaiMobile), nil)
	w.out.entity(e)
	return e.ID
}
