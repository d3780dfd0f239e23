package demo

import (
	"math"

	"github.com/scamgraph/scamgraph/intel"
)

// muleNet is the money side of the scam: Thai accounts rented or bought
// from their holders, in layers, and the Cambodian accounts the money leaves
// through. Victims pay the first layer; each layer forwards onward, quickly
// and in pieces, so that by the time a victim reports, the money is gone.
type muleNet struct {
	layer1, layer2, layer3 []string // Thai mule accounts (entity ids)
	cashOut                []string // Cambodian accounts receiving from Thailand
	collectors             []string // Cambodian e-wallets the cash-out accounts empty into
	// next lists, per account, where it forwards money.
	next map[string][]string
	// paid lists, per victim (in the order of world.victims), the payments
	// they made, so that their report can name the accounts and the loss.
	paid [][]payment
}

// payment is one transfer of a victim into a first-layer mule.
type payment struct {
	mule string // entity id
	day  float64
	thb  float64 // as the transfer records it, to the satang
}

// Mule-network sizes at scale 1.
const (
	layer1Mules      = 40
	layer2Mules      = 20
	layer3Mules      = 10
	cashOutAccounts  = 12
	collectorWallets = 4
	payingShare      = 0.6  // victims who paid
	thbPerUSD        = 35.5 // the world's fixed exchange rate
)

// The sources of money evidence.
var (
	srcVictimReport = source{agencyCCIB, basisTechCrime, mixScam, [2]float64{0.9, 1}, "CASE"}
	srcMuleSTR      = source{agencyAMLO, basisAMLA, mixScam, [2]float64{0.85, 1}, "STR"}
	srcCashOut      = source{agencyCAFIU, basisKHAML, mixSuspects, [2]float64{0.85, 1}, "STR"}
)

// buildMules opens the mule accounts, routes them, and records the victims'
// payments and every onward transfer.
func (w *world) buildMules() {
	d := w.dice("mules")
	m := &w.mules
	m.next = map[string][]string{}
	thai := func(n int, fixed string) []string {
		var ids []string
		for j := 0; j < w.scaled(n, 1); j++ {
			key := w.numbers.fresh(d, thaiAccount(pick(d, thaiBanks)))
			if j == 0 && fixed != "" {
				key = fixed
			}
			e := w.account(key)
			e.RawForms = []string{thaiSlipForm(e.Attrs["bank"], key)} // as victims' slips show it
			if d.chance(0.35) {
				e.Attrs["status"] = "FROZEN"
				e.Attrs["frozenUntil"] = at(d.uniform(HistoryDays, HistoryDays+180)).Format("2006-01-02") // frozen when the history ends
			}
			w.out.entity(e)
			ids = append(ids, e.ID)
		}
		return ids
	}
	cambodian := func(n int, banks []string, fixed string) []string {
		var ids []string
		for j := 0; j < w.scaled(n, 1); j++ {
			key := w.numbers.fresh(d, cambodianAccount(pick(d, banks)))
			if j == 0 && fixed != "" {
				key = fixed
			}
			e := w.account(key)
			w.out.entity(e)
			ids = append(ids, e.ID)
		}
		return ids
	}
	m.layer1 = thai(layer1Mules, FirstLayerMule.Key)
	m.layer2 = thai(layer2Mules, "")
	m.layer3 = thai(layer3Mules, "")
	m.cashOut = cambodian(cashOutAccounts, []string{"ABA", "ACLEDA", "WING", "HUIONE"}, CashOutAccount.Key)
	m.collectors = cambodian(collectorWallets, []string{"HUIONE"}, "")
	w.routeMules(d)
	w.victimPayments(d)
}

// routeMules decides where each account forwards to. Most second-layer
// accounts pass money to a third layer; some send it straight over the
// border. The entry mule's route is fixed so that MoneyTrail holds: its
// second layer forwards only to the first third-layer account, which
// forwards only to the entry cash-out account.
func (w *world) routeMules(d dice) {
	m := &w.mules
	for i, a := range m.layer1 {
		m.next[a] = []string{pick(d, m.layer2), pick(d, m.layer2)}
		if i == 0 {
			m.next[a] = []string{m.layer2[0], m.layer2[min(1, len(m.layer2)-1)]}
		}
	}
	fixed := map[string]bool{}
	for _, a := range m.next[m.layer1[0]] {
		fixed[a] = true
		m.next[a] = []string{m.layer3[0]}
	}
	for _, a := range m.layer2 {
		switch {
		case fixed[a]:
		case d.chance(0.3):
			m.next[a] = []string{pick(d, m.cashOut)}
		default:
			m.next[a] = []string{pick(d, m.layer3), pick(d, m.layer3)}
		}
	}
	for i, a := range m.layer3 {
		m.next[a] = []string{pick(d, m.cashOut), pick(d, m.cashOut)}
		if i == 0 {
			m.next[a] = []string{m.cashOut[0]}
		}
	}
	for _, a := range m.cashOut {
		m.next[a] = []string{pick(d, m.collectors)}
	}
}

// victimPayments records each paying victim's transfers into the first
// layer, escalating as the story they were told escalates, and then lets the
// money flow: forwarded within the hour, swept daily from the second layer,
// every other day from the third, weekly out of the cash-out accounts.
func (w *world) victimPayments(d dice) {
	m := &w.mules
	weights := make([]float64, len(m.layer1))
	for i := range weights {
		weights[i] = 0.5 + d.ExpFloat64()
	}
	weights[0] = 6 // the entry mule takes a large share of the victims
	l1 := newWeighted(weights)
	flow := newFlow()
	m.paid = make([][]payment, len(w.victims))
	for n, v := range w.victims {
		payer := w.people[v].account
		if n > 0 && !d.chance(payingShare) {
			continue
		}
		mule, day, amount := m.layer1[l1.draw(d)], d.uniform(15, 165), d.logNormal(6000, 0.8)
		payments := d.between(1, 4)
		if n == 0 {
			mule, day, payments = m.layer1[0], 72.5, 3
		}
		for k := 0; k < payments; k++ {
			src := srcVictimReport
			if d.chance(0.4) {
				src = srcMuleSTR
			}
			prov := src.fact(d, at(day))
			if n == 0 {
				prov.Visibility = intel.VisibilityShareable
			}
			w.transfer(payer, mule, prov, amount, "THB", pick(d, []string{"MOBILE_BANKING", "MOBILE_BANKING", "PROMPTPAY", "ATM"}))
			m.paid[n] = append(m.paid[n], payment{mule: mule, day: day, thb: math.Round(amount*100) / 100})
			w.forward(d, mule, day, amount, flow, payer)
			if n > 0 && d.chance(0.25) {
				mule = m.layer1[l1.draw(d)]
			}
			day, amount = day+d.uniform(0.5, 6), amount*d.uniform(1.3, 2.5)
		}
	}
	w.sweep(d, m.layer2, flow, 1, srcMuleSTR)
	w.sweep(d, m.layer3, flow, 2, srcMuleSTR)
	w.sweep(d, m.cashOut, flow, 7, srcCashOut)
}

// forward passes a payment on from a first-layer mule within minutes, in
// one or two pieces, keeping a little back as the holder's fee.
func (w *world) forward(d dice, mule string, day, amount float64, f flow, payer string) {
	next := w.mules.next[mule]
	pieces := 1 + b2i(d.chance(0.5))
	for p := 0; p < pieces; p++ {
		to := next[p%len(next)]
		when := day + d.uniform(5, 90)/(24*60)
		part := amount * 0.98 / float64(pieces)
		w.transfer(mule, to, srcMuleSTR.fact(d, at(when)), part, "THB", pick(d, []string{"MOBILE_BANKING", "PROMPTPAY"}))
		f.add(to, when, part)
		w.hold(to, payer, at(when))
	}
}

// sweep empties each account of accs every period days: all that arrived in
// the period leaves in one transfer to its next account.
func (w *world) sweep(d dice, accs []string, f flow, period int, src source) {
	for _, a := range accs {
		for _, b := range f.buckets(a, period) {
			to := pick(d, w.mules.next[a])
			when := float64((b.index+1)*period) - d.uniform(0.05, 0.3)
			amount := b.amount * 0.99
			currency, channel := "THB", "MOBILE_BANKING"
			if isCambodianAccount(to) {
				currency, channel = "USD", "CROSS_BORDER"
				if isCambodianAccount(a) {
					channel = "E_WALLET"
				}
			}
			prov := src.fact(d, at(when))
			if a == w.mules.layer3[0] && to == w.mules.cashOut[0] {
				prov.Visibility = intel.VisibilityShareable
			}
			w.transfer(a, to, prov, amount, currency, channel)
			f.add(to, when, amount)
			w.passOn(a, to, at(when))
		}
	}
}

// transfer records one transfer; an amount given in baht is converted when
// the currency is the US dollar, in which Cambodian accounts are kept.
func (w *world) transfer(from, to string, prov intel.Provenance, thb float64, currency, channel string) {
	amount := thb
	if currency == "USD" {
		amount = thb / thbPerUSD
	}
	family := "TRX-TH"
	if prov.Country == intel.RegionKH {
		family = "TRX-KH"
	}
	w.out.link(intel.Link{
		Type: intel.LinkTransferred, From: from, To: to, EventKey: w.eventKey(family), Provenance: prov,
		Attrs: map[string]string{"amount": money(amount), "currency": currency, "channel": channel},
	})
}

func isCambodianAccount(id string) bool {
	_, key, _ := intel.SplitEntityID(id)
	return len(key) > 3 && key[:3] == "KH:"
}

// flow remembers how much (in baht) reached each mule account on each day,
// so that the sweeps can move it on; days index a slice, not a map, so that
// the sweeps visit them in order.
type flow map[string][]float64

func newFlow() flow { return flow{} }

func (f flow) add(acct string, day, thb float64) {
	days := f[acct]
	if days == nil {
		days = make([]float64, HistoryDays+8)
		f[acct] = days
	}
	days[int(math.Min(day, float64(len(days)-1)))] += thb
}

// bucket is what arrived in one period.
type bucket struct {
	index  int
	amount float64
}

// buckets returns, in time order, the periods of period days in which
// money reached acct.
func (f flow) buckets(acct string, period int) []bucket {
	var out []bucket
	days := f[acct]
	for i := 0; i < len(days); i += period {
		sum := 0.0
		for j := i; j < i+period && j < len(days); j++ {
			sum += days[j]
		}
		if sum > 0 {
			out = append(out, bucket{index: i / period, amount: sum})
		}
	}
	return out
}
