package demo

import (
	"fmt"
	"github.com/scamgraph/scamgraph/intel"
	"math"
	"slices"
	"sort"
	"time"
)

// Truth is what the generator planted in a world, for an evaluation to
// score the service against: which numbers scam, which accounts are mules,
// which artefacts work together, where victims' money went, and which
// number was reported by mistake. Every artefact is named by entity id.
type Truth struct {
	Seed       int64   `json:"seed"`
	Scale      float64 `json:"scale"`
	Background float64 `json:"background"`
	// Rings are the gangs: each call centre with its artefacts, the SIM
	// boxes relaying its calls, its chat accounts and its people.
	Rings []Ring `json:"rings"`
	// ScamNumbers are the phone numbers that called victims for a gang:
	// caller IDs shown behind +697, roaming SIMs, staff phones and SIM-box SIMs.
	ScamNumbers []string `json:"scamNumbers"`
	// Mules are the bank accounts victims' money passed through: the three
	// Thai layers and the Cambodian cash-out accounts.
	Mules []string `json:"mules"`
	// Collectors are the gangs' own wallets the cash-out accounts empty into.
	Collectors []string `json:"collectors"`
	// SIMBoxes are the SIM racks, each its SIMs, the hub first.
	SIMBoxes []SIMBox `json:"simBoxes"`
	// SpoofingVoIP are the VoIP accounts that register from Cambodian
	// addresses while presenting Thai numbers as caller ID.
	SpoofingVoIP []string `json:"spoofingVoip"`
	// MoneyPaths are the victim→exit paths: a victim's account and a
	// cross-border cash-out account some of its money reached, each hop
	// after the one before.
	MoneyPaths []MoneyPath `json:"moneyPaths"`
	// Innocent is a number a victim reported by mistake: an ordinary
	// subscriber's, with ordinary traffic and one report naming it.
	Innocent string `json:"innocent"`
	// Background counts the ordinary subscribers whose traffic hides the scam.
	People int `json:"people"`
}

// Ring is one gang and its members.
type Ring struct {
	Name    string   `json:"name"`
	Members []string `json:"members"`
}

// SIMBox is one SIM rack.
type SIMBox struct {
	Hub  string   `json:"hub"`
	SIMs []string `json:"sims"`
}

// MoneyPath is a planted victim→exit path.
type MoneyPath struct {
	// Victim is the victim's own bank account, where the money started.
	Victim string `json:"victim"`
	// Exit is the Cambodian account it crossed the border into.
	Exit string `json:"exit"`
	// Paid is when the victim's money first left the victim's account,
	// and Exited when it crossed the border.
	Paid   time.Time `json:"paid"`
	Exited time.Time `json:"exited"`
}

// holding is one victim's money at an account, arrived at a moment.
type holding struct {
	payer string
	at    time.Time
}

// hold notes that payer's money reached acct at the moment given.
func (w *world) hold(acct, payer string, when time.Time) {
	if w.held == nil {
		w.held = map[string][]holding{}
	}
	w.held[acct] = append(w.held[acct], holding{payer: payer, at: when})
}

// passOn moves on every victim's money that reached from before the
// moment of a sweep to to, and notes a money path where it crosses into
// Cambodia. Money that arrived after the sweep stays for the next one.
func (w *world) passOn(from, to string, when time.Time) {
	var stay []holding
	for _, h := range w.held[from] {
		if !h.at.Before(when) {
			stay = append(stay, h)
			continue
		}
		w.hold(to, h.payer, when)
		if isCambodianAccount(to) && !isCambodianAccount(from) {
			w.exit(h.payer, to, when)
		}
	}
	w.held[from] = stay
}

func (w *world) exit(payer, to string, when time.Time) {
	if w.planted[[2]string{payer, to}] {
		return
	}
	if w.planted == nil {
		w.planted = map[[2]string]bool{}
	}
	w.planted[[2]string{payer, to}] = true
	w.paths = append(w.paths, MoneyPath{Victim: payer, Exit: to, Exited: when})
}

// truth gathers what the parts of the world planted.
func (w *world) truth() Truth {
	t := Truth{Seed: w.cfg.Seed, Scale: w.cfg.Scale, Background: w.cfg.Background, People: len(w.people),
		Innocent: w.falseReport}
	numbers := map[string]bool{}
	for _, c := range w.centres {
		r := Ring{Name: c.town}
		r.Members = append(r.Members, c.ips...)
		r.Members = append(r.Members, c.voip...)
		r.Members = append(r.Members, c.presented...)
		r.Members = append(r.Members, c.roaming...)
		r.Members = append(r.Members, c.staff...)
		for _, ch := range c.chats {
			r.Members = append(r.Members, ch.id)
		}
		for _, s := range w.suspects {
			if s.centre == c {
				r.Members = append(r.Members, s.id)
			}
		}
		t.Rings = append(t.Rings, w.withHolders(r))
		t.SpoofingVoIP = append(t.SpoofingVoIP, c.voip...)
		for _, n := range append(append(append([]string{}, c.presented...), c.roaming...), c.staff...) {
			numbers[n] = true
		}
	}
	// A SIM box is a cell of its own: its SIMs, the ID cards behind them
	// and the operator who runs it (with the operator's own phone). It
	// relays a centre's calls, but no record joins it to the centre.
	for i, b := range w.boxes {
		t.SIMBoxes = append(t.SIMBoxes, SIMBox{Hub: b.sims[0], SIMs: slices.Clone(b.sims)})
		r := Ring{Name: fmt.Sprintf("SIM box %d", i+1), Members: slices.Clone(b.sims)}
		for _, s := range w.suspects {
			if s.uses[b.sims[0]] {
				r.Members = append(r.Members, s.id)
				r.Members = append(r.Members, ownPhones(s, w)...)
			}
		}
		t.Rings = append(t.Rings, w.withHolders(r))
		for _, s := range b.sims {
			numbers[s] = true
		}
	}
	for n := range numbers {
		t.ScamNumbers = append(t.ScamNumbers, n)
	}
	sort.Strings(t.ScamNumbers)
	m := w.mules
	t.Mules = sortedUnique(append(append(append(append([]string{}, m.layer1...), m.layer2...), m.layer3...), m.cashOut...))
	t.Collectors = sortedUnique(m.collectors)
	t.SpoofingVoIP = sortedUnique(t.SpoofingVoIP)
	// The money network: the mule layers, the cash-out accounts and
	// wallets, their nominee holders, and the herders and handlers.
	money := Ring{Name: "mule network", Members: append(slices.Clone(t.Mules), t.Collectors...)}
	for _, s := range w.suspects {
		if s.role == "mule herder" || s.role == "money handler" {
			money.Members = append(money.Members, s.id)
			money.Members = append(money.Members, ownPhones(s, w)...)
		}
	}
	t.Rings = append(t.Rings, w.withHolders(money))
	firstPaid := map[string]time.Time{}
	for n, paid := range m.paid {
		if len(paid) > 0 {
			firstPaid[w.people[w.victims[n]].account] = at(paid[0].day)
		}
	}
	for _, p := range w.paths {
		p.Paid = firstPaid[p.Victim]
		t.MoneyPaths = append(t.MoneyPaths, p)
	}
	sort.Slice(t.MoneyPaths, func(i, j int) bool {
		if t.MoneyPaths[i].Victim != t.MoneyPaths[j].Victim {
			return t.MoneyPaths[i].Victim < t.MoneyPaths[j].Victim
		}
		return t.MoneyPaths[i].Exit < t.MoneyPaths[j].Exit
	})
	return t
}

// withHolders adds to a ring the people its artefacts are registered to:
// the nominees and borrowed ID cards are part of the gang's set-up.
func (w *world) withHolders(r Ring) Ring {
	for _, m := range slices.Clone(r.Members) {
		r.Members = append(r.Members, w.holders[m]...)
	}
	r.Members = sortedUnique(r.Members)
	return r
}

// ownPhones are the phone numbers a suspect uses that belong to no gang
// structure: the suspect's own.
func ownPhones(s *suspect, w *world) []string {
	var out []string
	for a := range s.uses {
		if k, _, _ := intel.SplitEntityID(a); k == intel.KindPhoneNumber && !w.simBoxSIMs[a] {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

func sortedUnique(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// buildFalseReport plants the mistake every hotline sees: a victim names
// the number of someone in their own circle, who had called them too, as
// the scammer's, and their account as where the money went. The number has only ordinary traffic and this one report,
// so a service that takes one uncorroborated report as proof condemns an
// innocent person.
func (w *world) buildFalseReport() {
	d := w.dice("false-report")
	victims := map[int]bool{}
	for _, v := range w.victims {
		victims[v] = true
	}
	reporter := w.victims[len(w.victims)-1]
	circle := append([]int32{}, w.people[reporter].contacts...)
	for tries := 0; tries < 1000; tries++ {
		p := d.IntN(w.thai)
		if len(circle) > 0 {
			p, circle = int(circle[0]), circle[1:]
		}
		if p >= w.thai || victims[p] || w.people[p].phone == "" || w.people[p].account == "" || w.simBoxSIMs[w.people[p].phone] {
			continue
		}
		key := thaiCaseKey(at(HistoryDays-10).Year(), 999000+d.IntN(900))
		if w.numbers.used[key] {
			continue
		}
		w.numbers.reserve(key)
		w.falseReport = w.people[p].phone
		w.fileReport(d, &report{person: reporter, src: srcThaiReport, key: key, day: HistoryDays - 10,
			scamType: "impersonation", channel: "HOTLINE_1441", loss: math.Round(d.logNormal(3000, 0.5)),
			named: []mention{{"caller", w.people[p].phone}, {"destination_account", w.people[p].account}}})
		return
	}
}

// IsPlanted reports whether id is one of the planted scam artefacts: a
// scam number, a mule, a collector, a spoofing VoIP account or a ring member.
func (t *Truth) IsPlanted(id string) bool {
	if slices.Contains(t.ScamNumbers, id) || slices.Contains(t.Mules, id) || slices.Contains(t.Collectors, id) ||
		slices.Contains(t.SpoofingVoIP, id) {
		return true
	}
	for _, r := range t.Rings {
		if slices.Contains(r.Members, id) {
			return true
		}
	}
	return false
}
