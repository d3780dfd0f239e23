package demo

import (
	"fmt"
	"math"
	"strconv"

	"github.com/scamgraph/scamgraph/intel"
)

// site is where a call centre works from: a Cambodian border town or city,
// the /24 its Internet connections come from and the VoIP provider its
// accounts are opened with. The networks are chosen to look like Cambodian
// ISPs' address space; what the world says about them is invented.
type site struct {
	town, province string
	net24          string
	provider       string
}

// sites are the call centres of the world; Poipet, across from Aranyaprathet,
// comes first and holds the entry points.
var sites = []site{
	{"Poipet", "Banteay Meanchey", "175.100.37", "mekongvoice.example"},
	{"Bavet", "Svay Rieng", "110.74.218", "asiasip.example"},
	{"Sihanoukville", "Preah Sihanouk", "103.197.106", "callbridge.example"},
	{"Phnom Penh", "Phnom Penh", "175.100.92", "voxlink.example"},
	{"O'Smach", "Oddar Meanchey", "110.74.203", "mekongvoice.example"},
	{"Koh Kong", "Koh Kong", "103.216.49", "asiasip.example"},
}

// centre is one call centre and the artefacts it runs (entity ids).
type centre struct {
	site
	index       int     // position in world.centres
	from, until float64 // days after Epoch it operated
	ips         []string
	voip        []string
	presented   []string // Thai numbers its VoIP accounts show (+697)
	roaming     []string // Thai SIMs carried over the border (+698)
	staff       []string // Cambodian mobiles of its staff
	chats       []*chat  // LINE and Telegram accounts its callers move victims to
	// windows holds, per presented number, the days it was being shown.
	windows map[string][][2]float64
}

// Per-centre sizes at scale 1.
const (
	centreIPs       = 8
	centreVoIP      = 15
	centrePresented = 20
	centreRoaming   = 4
	centreStaff     = 10
)

// VoIP user-name stems and softphones seen in the registrations.
var (
	sipUserStems = []string{"cs-agent", "support", "th-desk", "op", "line", "kf", "service", "desk"}
	userAgents   = []string{"Zoiper rv2.10.20.4", "MicroSIP/3.21.4", "Linphone/5.2.5 (Android)", "Obi202", "GS Wave/1.0.22", "eyeBeam release 1011d"}
)

// The sources of call-centre evidence.
var (
	srcRegistration = source{agencyMPTC, basisMOU, mixScam, [2]float64{0.9, 0.99}, "VOIP-REG"}
	srcPresentation = source{agencyMPTC, basisMOU, mixScam, [2]float64{0.75, 0.9}, "VOIP-CLI"}
	// The Thai side infers some presentations from +697 traffic instead.
	srcPresentationSeen = source{agencyNBTC, basisTechCrime, mixScam, [2]float64{0.7, 0.85}, "CLI-ANALYSIS"}
	srcMarkedCalls      = source{agencyNBTC, basisTechCrime, mixScam, [2]float64{0.97, 1}, "CDR"}
	srcStaffCalls       = source{agencyMPTC, basisMOU, mixScam, [2]float64{0.95, 1}, "CDR"}
	srcInternal         = source{agencyMPTC, basisKHTelecom, mixRecords, [2]float64{0.95, 1}, "CDR"}
)

// buildCallCentres places the call centres, their infrastructure and their
// calls to victims.
func (w *world) buildCallCentres() {
	victimDraw := w.victimSkew()
	for i, s := range sites {
		d := w.dice("centre/" + s.town)
		c := &centre{site: s, index: i, windows: map[string][][2]float64{}}
		c.from = d.uniform(2, 50)
		c.until = math.Min(c.from+d.uniform(100, 170), HistoryDays-0.5)
		w.centres = append(w.centres, c)
		w.centreArtefacts(d, c, i == 0)
		w.centreRegistrations(d, c, i == 0)
		w.centrePresentations(d, c, i == 0)
		w.centreCalls(d, c, victimDraw, i == 0)
	}
}

// victimSkew makes some victims far more often called than others, as
// gangs return to the victims who answered.
func (w *world) victimSkew() weighted {
	d := w.dice("victim-skew")
	weights := make([]float64, len(w.victims))
	for i := range weights {
		weights[i] = 0.3 + d.ExpFloat64()
	}
	return newWeighted(weights)
}

// centreArtefacts emits the centre's IPs, VoIP accounts and phone numbers.
// The Poipet centre's first IP, account and presented number are entry points.
func (w *world) centreArtefacts(d dice, c *centre, entry bool) {
	for j := 0; j < w.scaled(centreIPs, 2); j++ {
		key := w.numbers.fresh(d, hostIn(c.net24), hostNear(c.net24))
		if entry && j == 0 {
			key = RegistrationIP.Key
		}
		e := w.artefact(intel.KindIPAddress, key, intel.RegionKH)
		e.Attrs["geoCountry"] = "KH"
		e.Attrs["geoCity"] = c.town
		w.out.entity(e)
		c.ips = append(c.ips, e.ID)
	}
	for j := 0; j < w.scaled(centreVoIP, 2); j++ {
		key := w.numbers.fresh(d, func(d dice) string {
			return fmt.Sprintf("sip:%s%02d@%s", pick(d, sipUserStems), d.IntN(100), c.provider)
		}, func(d dice) string {
			return fmt.Sprintf("sip:%s%04d@%s", pick(d, sipUserStems), d.IntN(10000), c.provider)
		})
		if entry && j == 0 {
			key = VoipAccount.Key
		}
		e := w.artefact(intel.KindVoipAccount, key, intel.RegionKH)
		w.out.entity(e)
		c.voip = append(c.voip, e.ID)
	}
	for j := 0; j < w.scaled(centrePresented, 2); j++ {
		shape := thaiMobile
		if d.chance(0.25) {
			shape = bangkokFixed // posing as a police station or a bank
		}
		key := w.numbers.fresh(d, shape)
		if entry && j == 0 {
			key = PresentedNumber.Key
		}
		local := localForm(key)
		e := w.phone(key, []string{intel.MarkerVoipFromAbroad}, local, intel.MarkerVoipFromAbroad+" "+local)
		w.out.entity(e)
		c.presented = append(c.presented, e.ID)
	}
	for j := 0; j < w.scaled(centreRoaming, 1); j++ {
		key := w.numbers.fresh(d, thaiMobile)
		local := localForm(key)
		e := w.phone(key, []string{intel.MarkerRoamingAbroad}, local, intel.MarkerRoamingAbroad+" "+local)
		w.out.entity(e)
		c.roaming = append(c.roaming, e.ID)
	}
	for j := 0; j < w.scaled(centreStaff, 2); j++ {
		key := w.numbers.fresh(d, cambodianMobile)
		e := w.phone(key, nil, localForm(key))
		w.out.entity(e)
		c.staff = append(c.staff, e.ID)
	}
}

// centreRegistrations records each VoIP account registering, mostly from
// the centre's own addresses and now and then from another centre's, as
// staff move between compounds.
func (w *world) centreRegistrations(d dice, c *centre, entry bool) {
	for j, acct := range c.voip {
		n := d.between(20, 40)
		for k := 0; k < n; k++ {
			ip := pick(d, c.ips)
			if len(w.centres) > 1 && d.chance(0.1) {
				ip = pick(d, pick(d, w.centres).ips)
			}
			day := d.uniform(c.from, c.until)
			prov := srcRegistration.fact(d, at(day))
			if entry && j == 0 && k == 0 {
				ip, prov = c.ips[0], srcRegistration.fact(d, at(58.3))
				prov.Visibility = intel.VisibilityShareable // the evidence chain must be visible to both sides
			}
			transport := pick(d, []string{"udp", "udp", "tcp", "tls"})
			w.out.link(intel.Link{
				Type: intel.LinkRegisteredFrom, From: acct, To: ip,
				EventKey: w.eventKey("REG-KH"), Provenance: prov,
				Attrs: map[string]string{"userAgent": pick(d, userAgents), "transport": transport},
			})
		}
	}
}

// centrePresentations records which Thai numbers each VoIP account showed
// as its caller ID, and when. Every presented number is shown by at least
// one account; the entry account shows the entry number over days 55-110.
func (w *world) centrePresentations(d dice, c *centre, entry bool) {
	shown := make(map[string]map[string]bool, len(c.voip))
	present := func(acct, number string, from, until float64, share bool) {
		if shown[acct] == nil {
			shown[acct] = map[string]bool{}
		}
		if shown[acct][number] {
			return
		}
		shown[acct][number] = true
		c.windows[number] = append(c.windows[number], [2]float64{from, until})
		src := srcPresentation
		if d.chance(0.3) {
			src = srcPresentationSeen
		}
		prov := src.state(d, at(from), at(until))
		if share {
			prov.Visibility = intel.VisibilityShareable
		}
		w.out.link(intel.Link{Type: intel.LinkPresentedAs, From: acct, To: number, Provenance: prov})
	}
	window := func() (float64, float64) {
		from := d.uniform(c.from, math.Max(c.from, c.until-14))
		return from, math.Min(from+d.uniform(14, 60), c.until)
	}
	for p, number := range c.presented {
		if entry && p == 0 {
			present(c.voip[0], number, 55, 110, true)
			continue
		}
		from, until := window()
		present(c.voip[p%len(c.voip)], number, from, until, false)
	}
	for _, acct := range c.voip {
		for k := d.between(1, 3); k > 0; k-- {
			from, until := window()
			present(acct, pick(d, c.presented), from, until, false)
		}
	}
}

// centreCalls records the centre's calls: presented numbers calling victims
// behind the +697 marker, roaming Thai SIMs behind +698, staff calling
// victims from Cambodian numbers, and staff calling each other.
func (w *world) centreCalls(d dice, c *centre, victimDraw weighted, entry bool) {
	victim := func() int { return w.victims[victimDraw.draw(d)] }
	for p, number := range c.presented {
		if entry && p == 0 {
			// The entry victim's grooming: four long answered calls.
			for k, day := range []float64{70.4, 70.9, 71.6, 72.2} {
				prov := srcMarkedCalls.fact(d, at(day))
				prov.Visibility = intel.VisibilityShareable
				w.call(number, w.people[0].phone, prov, 900+300*k, true, intel.MarkerVoipFromAbroad)
				w.approached(0, approach{caller: number, centre: c.index, day: day, answered: true})
			}
		}
		wins := c.windows[number]
		for k := d.between(50, 90); k > 0; k-- {
			win := pick(d, wins)
			w.scamCall(d, c.index, number, victim(), srcMarkedCalls, d.uniform(win[0], win[1]), intel.MarkerVoipFromAbroad)
		}
	}
	for _, number := range c.roaming {
		for k := d.between(40, 70); k > 0; k-- {
			w.scamCall(d, c.index, number, victim(), srcMarkedCalls, d.uniform(c.from, c.until), intel.MarkerRoamingAbroad)
		}
	}
	for _, number := range c.staff {
		for k := d.between(5, 15); k > 0; k-- {
			w.scamCall(d, c.index, number, victim(), srcStaffCalls, d.uniform(c.from, c.until), "")
		}
		for k := d.between(10, 30); k > 0; k-- {
			other := pick(d, c.staff)
			if other == number {
				continue
			}
			answered := d.chance(0.9)
			prov := srcInternal.fact(d, at(d.uniform(c.from, c.until)))
			w.call(number, other, prov, duration(d, answered, 60), answered, "")
		}
	}
}

// scamCall records one call from a centre's number to a victim (an index
// into people): often unanswered, and when answered, long enough to talk
// someone into a transfer.
func (w *world) scamCall(d dice, centre int, from string, victim int, src source, day float64, marker string) {
	answered := d.chance(0.45)
	w.call(from, w.people[victim].phone, src.fact(d, at(day)), duration(d, answered, 240), answered, marker)
	w.approached(victim, approach{caller: from, centre: centre, day: day, answered: answered})
}

// approach is one scam call a victim received, remembered so that the
// victim's report can name the number that called and the gang behind it.
type approach struct {
	caller   string // entity id of the calling number
	centre   int    // index into world.centres of the gang behind the call
	day      float64
	answered bool
}

// approached remembers that a scam call reached person p.
func (w *world) approached(p int, a approach) {
	if w.approaches == nil {
		w.approaches = make([][]approach, len(w.people))
	}
	w.approaches[p] = append(w.approaches[p], a)
}

// call records one call with its duration, whether it was answered and the
// caller-ID marker the callee saw, if any, made from the caller's usual
// cell (see homeCell).
func (w *world) call(from, to string, prov intel.Provenance, seconds int, answered bool, marker string) {
	w.callFrom(from, to, prov, seconds, answered, marker, homeCell(from), "")
}

// callFrom records one call made on a given cell and, when known, handset
// (IMEI): the serving cell and the device an operator's call record gives.
func (w *world) callFrom(from, to string, prov intel.Provenance, seconds int, answered bool, marker, cell, imei string) {
	family := "CDR-TH"
	if prov.Country == intel.RegionKH {
		family = "CDR-KH"
	}
	attrs := map[string]string{"durationSec": strconv.Itoa(seconds), "answered": strconv.FormatBool(answered)}
	if marker != "" {
		attrs["callerIdMarker"] = marker
	}
	if cell != "" {
		attrs["cellId"] = cell
	}
	if imei != "" {
		attrs["imei"] = imei
	}
	w.out.link(intel.Link{Type: intel.LinkCalled, From: from, To: to, EventKey: w.eventKey(family), Provenance: prov, Attrs: attrs})
}

// duration draws how long a call lasted, in seconds: 0 when unanswered,
// otherwise around median seconds and at most an hour.
func duration(d dice, answered bool, median float64) int {
	if !answered {
		return 0
	}
	return int(math.Min(3600, math.Max(5, d.logNormal(median, 0.9))))
}
