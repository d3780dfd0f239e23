// Package analytics turns the facts a reader may see into intelligence:
// money trails and case linkage here, each a pure function over facts
// read through the reader's view, so that every backend gives the same
// answer and no answer rests on a fact its reader may not see.
package analytics

import (
	"math/big"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// TrailDirection says which way a money trail follows transfers.
type TrailDirection string

// The directions of a trail.
const (
	// TrailForward asks where the money that left the origin went.
	TrailForward TrailDirection = "FORWARD"
	// TrailBackward asks where the money that reached the origin came from.
	TrailBackward TrailDirection = "BACKWARD"
)

// Valid reports whether d is a known direction.
func (d TrailDirection) Valid() bool { return d == TrailForward || d == TrailBackward }

// Limits of a money trail. A trail is read hop by hop, so its cost grows
// with the accounts reached, not with the graph; these caps keep one
// request from reading a bank's whole ledger. A capped trail says so.
const (
	DefaultTrailHops = 4
	MaxTrailHops     = 6
	// MaxTrailLinks bounds the transfers read for one trail.
	MaxTrailLinks = 5000
	// MaxTrailAccounts bounds the accounts a trail expands.
	MaxTrailAccounts = 1000
)

// Rates are reference exchange rates, in units of each currency per US
// dollar. A trail uses them only to carry its bound across a currency
// change (baht in, dollars out): the amount that can leave in dollars is
// bounded by the baht that arrived, converted at the reference rate.
type Rates map[string]*big.Rat

// ReferenceRates are the rates the service uses: round figures of the
// order of 2024's averages. A bound carried across a currency change is as
// good as its rate, which is why a hop that changes currency says so.
var ReferenceRates = Rates{
	"USD":  big.NewRat(1, 1),
	"USDT": big.NewRat(1, 1),
	"USDC": big.NewRat(1, 1),
	"THB":  big.NewRat(71, 2), // 35.5
	"KHR":  big.NewRat(4100, 1),
	"CNY":  big.NewRat(72, 10),
	"EUR":  big.NewRat(92, 100),
}

// convert returns x in currency from as currency to, and false when either
// rate is unknown (the bound cannot cross that change).
func (r Rates) convert(x *big.Rat, from, to string) (*big.Rat, bool) {
	if from == to {
		return new(big.Rat).Set(x), true
	}
	rf, okf := r[from]
	rt, okt := r[to]
	if !okf || !okt || rf.Sign() == 0 {
		return nil, false
	}
	out := new(big.Rat).Quo(x, rf)
	return out.Mul(out, rt), true
}

// Transfer is a TRANSFERRED link read for money analysis: its amount as an
// exact rational, its currency and its time.
type Transfer struct {
	Link     intel.Link
	Amount   *big.Rat
	Currency string
	// At is the transfer's time in Unix milliseconds.
	At int64
}

// ReadTransfer reads a TRANSFERRED link's amount and currency; ok is false
// for any other link, or one whose amount is not a positive decimal (the
// ingest path never stores such a link, but an analysis must not trust that).
func ReadTransfer(l intel.Link) (t Transfer, ok bool) {
	if l.Type != intel.LinkTransferred {
		return t, false
	}
	amount, ok := new(big.Rat).SetString(strings.TrimSpace(l.Attrs["amount"]))
	if !ok || amount.Sign() <= 0 {
		return t, false
	}
	cur := strings.ToUpper(strings.TrimSpace(l.Attrs["currency"]))
	if cur == "" {
		return t, false
	}
	return Transfer{Link: l, Amount: amount, Currency: cur, At: l.ObservedAt.UnixMilli()}, true
}

// Money is an amount in one currency.
type Money struct {
	Amount   *big.Rat
	Currency string
}

// String writes the amount to the cent, as "1234.50 THB".
func (m Money) String() string { return FormatAmount(m.Amount) + " " + m.Currency }

// FormatAmount writes an amount as decimal text to two places, the way
// the API shows money.
func FormatAmount(x *big.Rat) string {
	if x == nil {
		return "0.00"
	}
	return x.FloatString(2)
}

// CurrencyChange marks a hop whose bound was carried across a change of
// currency at an account: money arrived there in In and left in Out.
type CurrencyChange struct {
	Account string
	In, Out string
}

// TrailHop is one transfer on a trail and how much of the origin's money
// it can have carried.
type TrailHop struct {
	Transfer
	// Carried is the most of the origin's money (FORWARD), or of the money
	// that reached the origin (BACKWARD), that this transfer can have
	// moved, in the transfer's currency; never more than its amount.
	Carried *big.Rat
	// Depth is the hop's distance from the origin, counted in transfers.
	Depth int
	// Change is set when the bound crossed a currency change.
	Change *CurrencyChange
}

// TrailAccount is one account a trail reaches.
type TrailAccount struct {
	ID string
	// Depth is the fewest transfers between the origin and the account.
	Depth int
	// Reachable is, per currency, how much of the origin's money can have
	// reached the account (FORWARD), or how much of what reached the origin
	// can have come from it (BACKWARD). For the origin itself it is the
	// total that left it (FORWARD) or reached it (BACKWARD) on the trail.
	Reachable []Money
	// FanIn and FanOut mark accounts where the trail's money arrives from
	// two or more accounts, or leaves to two or more.
	FanIn, FanOut bool
	// First and Last bound the trail's transfers at the account.
	First, Last time.Time
}

// Trail is the answer to a money-trail question.
type Trail struct {
	Origin    string
	Direction TrailDirection
	// Hops are the transfers that can have carried the money, in time order.
	Hops []TrailHop
	// Accounts are the accounts reached, the origin first, then by depth
	// and id.
	Accounts []TrailAccount
	// Truncated is true when a cap stopped the trail before it was complete.
	Truncated bool
}

// Account returns the trail's account with the given id.
func (t *Trail) Account(id string) (TrailAccount, bool) {
	for _, a := range t.Accounts {
		if a.ID == id {
			return a, true
		}
	}
	return TrailAccount{}, false
}

// flowEdge is a transfer oriented the way the trail follows it: money
// flows from src to dst at time at. Following a trail backward is
// following the reversed transfers forward in reversed time, which is
// what lets one algorithm serve both directions.
type flowEdge struct {
	t        *Transfer
	src, dst string
	at       int64
}

// balance is the origin's money an account holds, per currency.
type balance map[string]*big.Rat

func (b balance) add(cur string, x *big.Rat) {
	if b[cur] == nil {
		b[cur] = new(big.Rat)
	}
	b[cur].Add(b[cur], x)
}

// FollowMoney computes a trail over the given transfers: which of them can
// have carried the origin's money, and at most how much of it, and at most
// how much can have reached each account. It is pure, and every backend's
// answer goes through it, so two stores holding the same transfers give
// the same trail.
//
// The rule is a flow bound. Transfers are taken in time order; money that
// arrives at an account at one instant can leave only at a later one. The
// origin's own transfers carry their whole amount. A transfer from any
// other account can have carried no more than its amount, nor more than
// the origin's money that had reached that account before it left, nor
// more than the origin moved in all. Which of an account's transfers the
// money took is not known (an account that received 1,000 and sent 700
// and then 4,300 can have sent the 1,000 either way), so each transfer is
// bounded on its own: the figures are upper bounds, each one checkable
// against the transfers before it, and an account is on the trail only if
// some path of transfers, each after the one before, joins it to the
// origin. Backward, the same rule runs on the reversed transfers in
// reversed time: a transfer into an account can have supplied no more
// than the account later sent on towards the origin.
//
// Amounts in different currencies are compared at the given reference
// rates (a hop funded by money that arrived in another currency is marked
// with the change); a currency without a rate cannot fund another.
// Transfers that are not TRANSFERRED links with a positive amount are
// ignored, and so is money returning to the origin.
func FollowMoney(origin string, dir TrailDirection, links []intel.Link, rates Rates) Trail {
	return FollowTransfers(origin, dir, ReadTransfers(links), rates)
}

// ReadTransfers reads the transfers among links (see ReadTransfer), each
// link once, so that a caller following a trail hop by hop parses each
// transfer once however often the flow is recomputed.
func ReadTransfers(links []intel.Link) []Transfer {
	seen := map[string]bool{}
	out := make([]Transfer, 0, len(links))
	for _, l := range links {
		if t, ok := ReadTransfer(l); ok && !seen[l.ID] {
			seen[l.ID] = true
			out = append(out, t)
		}
	}
	return out
}

// FollowTransfers is FollowMoney over transfers already read.
func FollowTransfers(origin string, dir TrailDirection, transfers []Transfer, rates Rates) Trail {
	out := Trail{Origin: origin, Direction: dir, Hops: []TrailHop{}, Accounts: []TrailAccount{}}
	edges := orient(transfers, dir)
	moved := balance{} // what the origin moved in all, per currency
	for _, e := range edges {
		if e.src == origin && e.dst != origin {
			moved.add(e.t.Currency, e.t.Amount)
		}
	}
	arrived := map[string]balance{}
	var hops []TrailHop
	for i := 0; i < len(edges); {
		j := i
		for j < len(edges) && edges[j].at == edges[i].at {
			j++
		}
		// Transfers at one instant can pass on only what arrived before
		// it; what arrived at this instant is credited afterwards.
		var now []TrailHop
		for _, e := range edges[i:j] {
			if e.dst == origin {
				continue
			}
			h := TrailHop{Transfer: *e.t, Carried: new(big.Rat).Set(e.t.Amount)}
			if e.src != origin {
				avail, other := value(arrived[e.src], e.t.Currency, rates)
				if avail.Sign() == 0 {
					continue
				}
				if total, _ := value(moved, e.t.Currency, rates); total.Cmp(avail) < 0 {
					avail = total
				}
				if avail.Sign() == 0 {
					continue
				}
				h.Carried = minRat(h.Carried, avail)
				if other != "" {
					h.Change = currencyChange(e, other)
				}
			}
			now = append(now, h)
		}
		for _, h := range now {
			dst := flowDst(h.Link, dir)
			if arrived[dst] == nil {
				arrived[dst] = balance{}
			}
			arrived[dst].add(h.Currency, h.Carried)
			hops = append(hops, h)
		}
		i = j
	}
	out.Hops, out.Accounts = summariseTrail(origin, dir, hops, moved, rates)
	return out
}

// orient turns the transfers into flow edges for dir, in flow-time order.
func orient(transfers []Transfer, dir TrailDirection) []flowEdge {
	edges := make([]flowEdge, 0, len(transfers))
	for i := range transfers {
		t := &transfers[i]
		e := flowEdge{t: t, src: t.Link.From, dst: t.Link.To, at: t.At}
		if dir == TrailBackward {
			e.src, e.dst, e.at = t.Link.To, t.Link.From, -t.At
		}
		edges = append(edges, e)
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].at != edges[j].at {
			return edges[i].at < edges[j].at
		}
		return edges[i].t.Link.ID < edges[j].t.Link.ID
	})
	return edges
}

func flowDst(l intel.Link, dir TrailDirection) string {
	if dir == TrailBackward {
		return l.From
	}
	return l.To
}

// value is what b is worth in currency cur, at the reference rates, and
// the first other currency (by name) that contributed to it, if any.
func value(b balance, cur string, rates Rates) (*big.Rat, string) {
	total := new(big.Rat)
	other := ""
	curs := make([]string, 0, len(b))
	for c := range b {
		curs = append(curs, c)
	}
	slices.Sort(curs)
	for _, c := range curs {
		x, ok := rates.convert(b[c], c, cur)
		if !ok || x.Sign() == 0 {
			continue
		}
		total.Add(total, x)
		if c != cur && other == "" {
			other = c
		}
	}
	return total, other
}

// currencyChange names the change in the transfers' real direction: money
// came into the account in one currency and went out in another.
func currencyChange(e flowEdge, held string) *CurrencyChange {
	if e.t.Link.From == e.src { // forward: held money arrived, the hop leaves
		return &CurrencyChange{Account: e.src, In: held, Out: e.t.Currency}
	}
	return &CurrencyChange{Account: e.src, In: e.t.Currency, Out: held}
}

func minRat(a, b *big.Rat) *big.Rat {
	if a.Cmp(b) <= 0 {
		return new(big.Rat).Set(a)
	}
	return new(big.Rat).Set(b)
}

// summariseTrail orders the hops in time order, works out each hop's and each
// account's depth (fewest hops from the origin over hops that carried
// money), what reached each account, and where the trail fans in or out.
func summariseTrail(origin string, dir TrailDirection, hops []TrailHop, moved balance, rates Rates) ([]TrailHop, []TrailAccount) {
	// Forward, the hops were found in time order already; backward, in
	// reversed time.
	if dir == TrailBackward {
		sort.Slice(hops, func(i, j int) bool {
			if hops[i].At != hops[j].At {
				return hops[i].At < hops[j].At
			}
			return hops[i].Link.ID < hops[j].Link.ID
		})
	}
	// Depth: a breadth-first walk over the carrying hops in flow direction.
	next := map[string][]int{}
	for i, h := range hops {
		src := h.Link.From
		if dir == TrailBackward {
			src = h.Link.To
		}
		next[src] = append(next[src], i)
	}
	depth := map[string]int{origin: 0}
	level := []string{origin}
	for d := 1; len(level) > 0; d++ {
		var nextLevel []string
		for _, a := range level {
			for _, i := range next[a] {
				dst := flowDst(hops[i].Link, dir)
				if hops[i].Depth == 0 {
					hops[i].Depth = d
				}
				if _, ok := depth[dst]; !ok {
					depth[dst] = d
					nextLevel = append(nextLevel, dst)
				}
			}
		}
		slices.Sort(nextLevel)
		level = nextLevel
	}
	reach := map[string]balance{}
	senders, receivers := map[string]map[string]bool{}, map[string]map[string]bool{}
	first, last := map[string]int64{}, map[string]int64{}
	note := func(m map[string]map[string]bool, a, b string) {
		if m[a] == nil {
			m[a] = map[string]bool{}
		}
		m[a][b] = true
	}
	seenAt := func(a string, at int64) {
		if f, ok := first[a]; !ok || at < f {
			first[a] = at
		}
		if l, ok := last[a]; !ok || at > l {
			last[a] = at
		}
	}
	for _, h := range hops {
		from, to := h.Link.From, h.Link.To
		note(receivers, from, to)
		note(senders, to, from)
		seenAt(from, h.At)
		seenAt(to, h.At)
		// The money is credited to the account it reached in flow terms;
		// the origin's figure is what it moved.
		credit := flowDst(h.Link, dir)
		if reach[credit] == nil {
			reach[credit] = balance{}
		}
		reach[credit].add(h.Currency, h.Carried)
		if flowSrc := otherEnd(h.Link, credit); flowSrc == origin {
			if reach[origin] == nil {
				reach[origin] = balance{}
			}
			reach[origin].add(h.Currency, h.Carried)
		}
	}
	accounts := make([]TrailAccount, 0, len(depth))
	for id, d := range depth {
		a := TrailAccount{ID: id, Depth: d, Reachable: cappedByLoss(reach[id], moved, rates),
			FanIn: len(senders[id]) >= 2, FanOut: len(receivers[id]) >= 2}
		if f, ok := first[id]; ok {
			a.First, a.Last = time.UnixMilli(f).UTC(), time.UnixMilli(last[id]).UTC()
		}
		accounts = append(accounts, a)
	}
	sort.Slice(accounts, func(i, j int) bool {
		if accounts[i].Depth != accounts[j].Depth {
			return accounts[i].Depth < accounts[j].Depth
		}
		return accounts[i].ID < accounts[j].ID
	})
	return hops, accounts
}

func otherEnd(l intel.Link, end string) string {
	if l.From == end {
		return l.To
	}
	return l.From
}

// cappedByLoss lists what reached an account, per currency, each figure no more
// than the origin moved in all (converted): many transfers into one
// account can each have carried the same money.
func cappedByLoss(b balance, moved balance, rates Rates) []Money {
	out := moneyList(b)
	for i, m := range out {
		if total, _ := value(moved, m.Currency, rates); total.Cmp(m.Amount) < 0 {
			out[i].Amount = total
		}
	}
	return out
}

func moneyList(b balance) []Money {
	out := []Money{}
	for c, x := range b {
		if x.Sign() > 0 {
			out = append(out, Money{Amount: new(big.Rat).Set(x), Currency: c})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}
