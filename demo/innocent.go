package demo

import (
	"math"

	"github.com/scamgraph/scamgraph/intel"
)

// Innocent traffic at scale 1: ordinary people calling and paying the
// people they know. It is most of the graph, as it is most of any call
// record or bank statement an investigator obtains, and it is what makes
// finding the scam a search.
const (
	innocentCalls     = 82000
	innocentTransfers = 15000
	merchantShare     = 0.03 // account holders who are shops, paid by strangers
)

// The sources of ordinary records: operators' call records and bank
// statements obtained in investigations, each under its country's law.
var (
	srcThaiCDR        = source{agencyNBTC, basisComputer, mixRecords, [2]float64{0.98, 1}, "CDR"}
	srcThaiCDRPolice  = source{agencyCCIB, basisComputer, mixRecords, [2]float64{0.98, 1}, "CDR"}
	srcCambodianCDR   = source{agencyMPTC, basisKHTelecom, mixRecords, [2]float64{0.98, 1}, "CDR"}
	srcCrossBorderCDR = source{agencyMPTC, basisMOU, mixRecords, [2]float64{0.98, 1}, "CDR"}
	srcThaiStatement  = source{agencyAMLO, basisAMLA, mixRecords, [2]float64{0.95, 1}, "STATEMENT"}
	srcKHStatement    = source{agencyCAFIU, basisKHAML, mixRecords, [2]float64{0.95, 1}, "STATEMENT"}
)

// buildInnocentTraffic records the ordinary calls and transfers.
func (w *world) buildInnocentTraffic() {
	w.innocentCalls(w.dice("innocent-calls"))
	w.innocentTransfers(w.dice("innocent-transfers"))
}

// innocentCalls: busy people call more; everyone calls their own circle.
func (w *world) innocentCalls(d dice) {
	weights := make([]float64, len(w.people))
	for i, p := range w.people {
		weights[i] = p.activity
	}
	callers := newWeighted(weights)
	for n := w.background(innocentCalls, 20); n > 0 && w.out.err == nil; n-- {
		p := w.people[callers.draw(d)]
		if len(p.contacts) == 0 {
			continue
		}
		q := w.people[pick(d, p.contacts)]
		src := srcThaiCDR
		switch {
		case p.region != q.region:
			src = srcCrossBorderCDR
		case p.region == intel.RegionKH:
			src = srcCambodianCDR
		case d.chance(0.4):
			src = srcThaiCDRPolice
		}
		answered := d.chance(0.8)
		w.call(p.phone, q.phone, src.fact(d, at(d.uniform(0, HistoryDays))), duration(d, answered, 90), answered, "")
	}
}

// innocentTransfers: people pay people they know, and shops; money crosses
// the border mostly as migrant workers' remittances home.
func (w *world) innocentTransfers(d dice) {
	var holders []int
	var weights []float64
	for i, p := range w.people {
		if p.account != "" {
			holders = append(holders, i)
			weights = append(weights, p.activity)
		}
	}
	if len(holders) < 2 {
		return
	}
	var merchants []int
	for _, i := range holders {
		if d.chance(merchantShare) {
			merchants = append(merchants, i)
		}
	}
	if len(merchants) == 0 {
		merchants = holders[:1]
	}
	payers := newWeighted(weights)
	for n := w.background(innocentTransfers, 10); n > 0 && w.out.err == nil; n-- {
		pi := holders[payers.draw(d)]
		p := w.people[pi]
		qi := pick(d, merchants)
		if len(p.contacts) > 0 && d.chance(0.7) {
			if c := pick(d, p.contacts); w.people[c].account != "" {
				qi = int(c)
			}
		}
		q := w.people[qi]
		if qi == pi {
			continue
		}
		when := at(d.uniform(0, HistoryDays))
		switch {
		case p.region == intel.RegionKH:
			amount := d.logNormal(25, 1)
			w.transfer(p.account, q.account, srcKHStatement.fact(d, when), amount*thbPerUSD, "USD", pick(d, []string{"BAKONG", "MOBILE_BANKING"}))
		case q.region == intel.RegionKH:
			amount := math.Round(d.logNormal(3000, 0.6))
			w.transfer(p.account, q.account, srcThaiStatement.fact(d, when), amount, "THB", "CROSS_BORDER_QR")
		default:
			amount := math.Round(d.logNormal(500, 1.1))
			w.transfer(p.account, q.account, srcThaiStatement.fact(d, when), amount, "THB", pick(d, []string{"PROMPTPAY", "PROMPTPAY", "MOBILE_BANKING", "ATM", "COUNTER"}))
		}
	}
}
