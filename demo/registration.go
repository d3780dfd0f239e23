package demo

import (
	"fmt"
	"maps"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Subscriber records say whom a number, a SIP account or a bank account is
// registered to: REGISTERED_TO facts from the operators' records (through
// the Thai regulator and the Cambodian ministry) and the banks' customer
// records (through the anti-money-laundering offices), each carrying the
// name, document number and address the record gives. Investigators ask for
// them for the numbers and accounts in their cases, so the world holds them
// for the scam's artefacts, for the victims who reported and for a sample of
// everyone else. The scam's artefacts show what investigators look for:
// one nominee holding several mule accounts, and a whole SIM-box rack
// registered to one or two ID cards, far past the five SIMs above which
// Thailand makes a subscriber verify again.
const (
	ordinaryRecords  = 2000 // ordinary subscribers with records at scale 1
	foreignShareTH   = 0.05 // Thai subscribers registered on a Cambodian passport
	foreignShareKH   = 0.08 // Cambodian subscribers registered on a Chinese passport
	nomineeSIMShare  = 0.5  // roaming SIMs registered to a mule-account nominee
	boxHoldersMost   = 3    // ID cards behind one SIM box other than the entry one
	centreHolderMost = 3    // passports and ID cards behind one centre's SIP accounts
)

// nomineeHoldings is how many mule accounts one nominee opened: mostly one,
// sometimes several (the "mule farm" an AMLO analyst looks for).
var nomineeHoldings = newWeighted([]float64{0.5, 0.25, 0.15, 0.1})

// mixSubscribers is the visibility of ordinary people's records: personal
// data mostly stays in the country that holds it.
var mixSubscribers = visibilityMix{domestic: 0.55, restricted: 0.1}

// The sources of subscriber records.
var (
	srcThaiSubscriber      = source{agencyNBTC, basisComputer, mixSubscribers, [2]float64{0.9, 1}, "SUBSCRIBER"}
	srcCambodianSubscriber = source{agencyMPTC, basisKHTelecom, mixSubscribers, [2]float64{0.9, 1}, "SUBSCRIBER"}
	srcThaiCustomer        = source{agencyAMLO, basisAMLA, mixSubscribers, [2]float64{0.95, 1}, "KYC"}
	srcCambodianCustomer   = source{agencyCAFIU, basisKHAML, mixSubscribers, [2]float64{0.95, 1}, "KYC"}
	srcScamSIMs            = source{agencyNBTC, basisTechCrime, mixScam, [2]float64{0.9, 1}, "SUBSCRIBER"}
	srcMuleCustomer        = source{agencyAMLO, basisAMLA, mixScam, [2]float64{0.9, 1}, "KYC"}
	srcCashOutCustomer     = source{agencyCAFIU, basisKHAML, mixScam, [2]float64{0.9, 1}, "KYC"}
	srcSIPSubscriber       = source{agencyMPTC, basisMOU, mixScam, [2]float64{0.9, 1}, "SUBSCRIBER"}
)

// buildSubscriberRecords registers the scam's SIMs, SIP accounts and mule
// accounts to their holders, then ordinary people's numbers and accounts.
func (w *world) buildSubscriberRecords() {
	d := w.dice("subscribers")
	w.registerSIMBoxes(d)
	w.registerMules(d)
	w.registerSIPAccounts(d)
	w.registerOrdinary(w.dice("subscribers/ordinary"))
}

// register records that artefact is registered to h from day since (by
// the calendar day, as records give it), in a batch the agency handed over
// on day asked.
func (w *world) register(d dice, src source, artefact string, h *holder, since, asked float64, share bool) {
	prov := src.state(d, dayStart(since), time.Time{})
	prov.EvidenceRef = fmt.Sprintf("%s/%s/%s", src.agency.code, src.evidence, at(asked).Format("2006-01"))
	if share {
		prov.Visibility = intel.VisibilityShareable
	}
	if w.holders == nil {
		w.holders = map[string][]string{}
	}
	w.holders[artefact] = append(w.holders[artefact], h.id)
	w.out.link(intel.Link{
		Type: intel.LinkRegisteredTo, From: artefact, To: h.id, Provenance: prov,
		Attrs: map[string]string{"documentType": h.docType}, Sensitive: maps.Clone(h.sensitive),
	})
}

// dayStart is the start, in Thai and Cambodian time (UTC+7), of the day a
// moment after Epoch falls on: how a record that gives only a date is read.
func dayStart(day float64) time.Time {
	local := at(day).Add(7 * time.Hour)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	return midnight.Add(-7 * time.Hour)
}

// registerSIMBoxes registers each rack in bulk, within a day or two, a few
// weeks before it went live: the entry rack to SIMFarmHolder, the others to
// one to three ID cards, Thai or borrowed from Cambodian workers.
func (w *world) registerSIMBoxes(d dice) {
	for b, box := range w.boxes {
		var holders []*holder
		if b == 0 {
			holders = []*holder{w.simFarmHolder()}
		} else {
			for k := d.between(1, boxHoldersMost); k > 0; k-- {
				nationality := thaiCitizen
				if d.chance(0.3) {
					nationality = khmerCitizen
				}
				holders = append(holders, w.newHolder(d, intel.RegionTH, nationality, ""))
			}
		}
		bought := box.start - d.uniform(5, 30)
		asked := min(box.until+d.uniform(3, 20), HistoryDays-1)
		for s, sim := range box.sims {
			h := holders[s*len(holders)/len(box.sims)] // each card a run of the rack
			w.register(d, srcScamSIMs, sim, h, bought+d.uniform(0, 1.5), asked, b == 0)
		}
	}
}

// registerMules registers the Thai mule accounts to Thai nominees, some of
// whom hold several and also a roaming SIM the gangs carry over the border,
// and the Cambodian cash-out accounts and wallets to Cambodian and Chinese
// holders, who never hold a Thai account: the MoneyTrail path stays four
// links long only because no holder joins the two ends.
func (w *world) registerMules(d dice) {
	m := &w.mules
	thai := append(append(append([]string(nil), m.layer1...), m.layer2...), m.layer3...)
	var nominees []*holder
	for i := 0; i < len(thai); {
		h := w.newHolder(d, intel.RegionTH, thaiCitizen, "")
		nominees = append(nominees, h)
		for k := 1 + nomineeHoldings.draw(d); k > 0 && i < len(thai); k-- {
			w.register(d, srcMuleCustomer, thai[i], h, -d.uniform(20, 400), d.uniform(60, HistoryDays-1), false)
			i++
		}
	}
	for _, c := range w.centres {
		for _, sim := range c.roaming {
			h := pick(d, nominees)
			if !d.chance(nomineeSIMShare) {
				h = w.newHolder(d, intel.RegionTH, thaiCitizen, "")
			}
			w.register(d, srcScamSIMs, sim, h, c.from-d.uniform(5, 40), min(c.until, HistoryDays-1), false)
		}
	}
	kh := append(append([]string(nil), m.cashOut...), m.collectors...)
	for i := 0; i < len(kh); {
		nationality := khmerCitizen
		if d.chance(0.4) {
			nationality = chineseCitizen
		}
		h := w.newHolder(d, intel.RegionKH, nationality, "")
		for k := d.between(1, 3); k > 0 && i < len(kh); k-- {
			w.register(d, srcCashOutCustomer, kh[i], h, -d.uniform(20, 400), d.uniform(60, HistoryDays-1), false)
			i++
		}
	}
}

// registerSIPAccounts registers each centre's SIP accounts with its
// provider, on a few passports and ID cards of people living in the
// centre's town, shortly before the centre opened. Cambodia hands these
// records over under the agreement.
func (w *world) registerSIPAccounts(d dice) {
	for _, c := range w.centres {
		var holders []*holder
		for k := d.between(1, centreHolderMost); k > 0; k-- {
			nationality := chineseCitizen
			if d.chance(0.4) {
				nationality = khmerCitizen
			}
			holders = append(holders, w.newHolder(d, intel.RegionKH, nationality, c.town))
		}
		for _, acct := range c.voip {
			w.register(d, srcSIPSubscriber, acct, pick(d, holders), c.from-d.uniform(1, 10), min(c.until, HistoryDays-1), false)
		}
	}
}

// registerOrdinary registers the numbers and accounts of the victims who
// reported and of a sample of everyone else to their own holders, each
// under their country's operator and bank records.
func (w *world) registerOrdinary(d dice) {
	chosen := make([]bool, len(w.people))
	for _, p := range w.reporters {
		chosen[p] = true
	}
	for _, p := range d.Perm(len(w.people))[:min(w.scaled(ordinaryRecords, 10), len(w.people))] {
		chosen[p] = true
	}
	for i, p := range w.people {
		if !chosen[i] {
			continue
		}
		phoneSrc, accountSrc, nationality := srcThaiSubscriber, srcThaiCustomer, thaiCitizen
		if p.region == intel.RegionKH {
			phoneSrc, accountSrc, nationality = srcCambodianSubscriber, srcCambodianCustomer, khmerCitizen
		}
		switch {
		case p.region == intel.RegionTH && d.chance(foreignShareTH):
			nationality = khmerCitizen
		case p.region == intel.RegionKH && d.chance(foreignShareKH):
			nationality = chineseCitizen
		}
		h := w.newHolder(d, p.region, nationality, "")
		asked := d.uniform(30, HistoryDays-1)
		w.register(d, phoneSrc, p.phone, h, -d.uniform(30, 3000), asked, false)
		if p.account != "" {
			w.register(d, accountSrc, p.account, h, -d.uniform(30, 3000), asked, false)
		}
	}
}
