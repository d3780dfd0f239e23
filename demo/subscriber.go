package demo

import "github.com/scamgraph/scamgraph/intel"

// person is an ordinary subscriber: a phone number, perhaps a bank account,
// and the people they call and pay. Victims are people too: the scam parts
// of the world reach into this population rather than inventing victims
// with no life of their own.
type person struct {
	phone    string // entity id
	account  string // entity id, "" when the person has no account in the world
	region   intel.Region
	contacts []int32 // indexes into world.people
	activity float64 // relative share of the calls and payments they make
}

// Population sizes at scale 1. With the scam artefacts, the victims'
// reports and the subscriber records they make about 28,000 entities, most
// of them innocent.
const (
	thaiSubscribers       = 13000
	cambodianSubscribers  = 3000
	victimCount           = 3000
	thaiAccountShare      = 0.60
	cambodianAccountShare = 0.40
	bangkokLineShare      = 0.06 // businesses and homes with a fixed line
)

// populate draws the population, picks the victims among the Thai mobile
// subscribers with a bank account, and emits their phones and accounts.
func (w *world) populate() {
	d := w.dice("population")
	nTH, nKH := w.scaled(thaiSubscribers, 10), w.scaled(cambodianSubscribers, 4)
	w.thai = nTH
	w.people = make([]person, nTH+nKH)
	for i := range w.people {
		p := &w.people[i]
		p.region = intel.RegionTH
		if i >= nTH {
			p.region = intel.RegionKH
		}
		p.activity = 0.2 + d.ExpFloat64() // a few chatty people, most quiet
		switch {
		case i == 0:
			// The victim entry point is person 0, with a known account.
			p.phone = intel.EntityID(intel.KindPhoneNumber, VictimNumber.Key)
			p.account = intel.EntityID(intel.KindBankAccount, VictimAccount.Key)
			continue
		case p.region == intel.RegionKH:
			p.phone = intel.EntityID(intel.KindPhoneNumber, w.numbers.fresh(d, cambodianMobile))
			if d.chance(cambodianAccountShare) {
				p.account = intel.EntityID(intel.KindBankAccount, w.numbers.fresh(d, cambodianAccount(pick(d, cambodianBanks))))
			}
		default:
			shape := thaiMobile
			if d.chance(bangkokLineShare) {
				shape = bangkokFixed
			}
			p.phone = intel.EntityID(intel.KindPhoneNumber, w.numbers.fresh(d, shape))
			if d.chance(thaiAccountShare) {
				p.account = intel.EntityID(intel.KindBankAccount, w.numbers.fresh(d, thaiAccount(pick(d, thaiBanks))))
			}
		}
	}
	w.pickVictims(d)
	w.drawContacts(d)
	victim := map[int]bool{}
	for _, v := range w.victims {
		victim[v] = true
	}
	for i, p := range w.people {
		_, key, _ := intel.SplitEntityID(p.phone)
		var raw []string
		if victim[i] {
			raw = []string{localForm(key)} // as the victim wrote it in the police report
		}
		w.out.entity(w.phone(key, nil, raw...))
		if p.account != "" {
			_, acct, _ := intel.SplitEntityID(p.account)
			w.out.entity(w.account(acct))
		}
	}
}

// pickVictims chooses the victims among Thai mobile subscribers with an
// account, person 0 first; enough of them for the SIM-box hub's fan-out.
func (w *world) pickVictims(d dice) {
	want := w.scaled(victimCount, 2)
	w.victims = []int{0}
	for _, i := range d.Perm(w.thai) {
		if len(w.victims) >= want {
			break
		}
		p := w.people[i]
		if i != 0 && p.account != "" && !isBangkokLine(p.phone) {
			w.victims = append(w.victims, i)
		}
	}
}

func isBangkokLine(phoneID string) bool {
	_, key, _ := intel.SplitEntityID(phoneID)
	return len(key) == 11 && key[:4] == "+662"
}

// drawContacts gives everyone a circle: mostly people near them in the
// population (a village, an office), some anywhere in their country, and a
// few across the border (migrant workers and their families), so that the
// innocent graph has communities joined by a few long links.
func (w *world) drawContacts(d dice) {
	n := len(w.people)
	for i := range w.people {
		p := &w.people[i]
		lo, hi := 0, w.thai // own country's slice of the population
		if p.region == intel.RegionKH {
			lo, hi = w.thai, n
		}
		k := d.between(3, 12)
		seen := map[int32]bool{int32(i): true}
		for tries := 0; len(p.contacts) < k && tries < 4*k; tries++ {
			var c int
			switch x := d.Float64(); {
			case x < 0.75:
				c = min(max(i+d.between(-120, 120), lo), hi-1)
			case x < 0.96:
				c = lo + d.IntN(hi-lo)
			default:
				c = d.IntN(n)
			}
			if seen[int32(c)] {
				continue
			}
			seen[int32(c)] = true
			p.contacts = append(p.contacts, int32(c))
		}
	}
}
