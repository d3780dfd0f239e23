package analytics

import (
	"fmt"
	"sort"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Thresholds of the mule signatures.
const (
	// minFanInSenders distinct senders within the fan-in window make a fan-in.
	minFanInSenders = 3
	// minPassInflows is the fewest incoming transfers a pass-through is
	// judged on, and minPassShare the share of them that must be followed
	// by money leaving within the window.
	minPassInflows = 2
	minPassShare   = 0.7
)

type transfer struct {
	id, peer string
	at       time.Time
}

func transfersOf(n *Neighbourhood, id string) (in, out []transfer) {
	for _, l := range n.linksOf(id, intel.LinkTransferred) {
		t := transfer{id: l.ID, at: l.ObservedAt}
		if l.To == id {
			t.peer = l.From
			in = append(in, t)
		} else {
			t.peer = l.To
			out = append(out, t)
		}
	}
	byTime := func(ts []transfer) {
		sort.Slice(ts, func(i, j int) bool {
			if !ts[i].at.Equal(ts[j].at) {
				return ts[i].at.Before(ts[j].at)
			}
			return ts[i].id < ts[j].id
		})
	}
	byTime(in)
	byTime(out)
	return in, out
}

// muleFanIn finds the window with the most distinct senders paying id.
func muleFanIn(n *Neighbourhood, id string, p Params) *Finding {
	in, _ := transfersOf(n, id)
	bestLo, bestHi, best := 0, 0, 0
	for lo := range in {
		senders := map[string]bool{}
		hi := lo
		for ; hi < len(in) && in[hi].at.Sub(in[lo].at) <= p.FanInWindow; hi++ {
			senders[in[hi].peer] = true
		}
		if len(senders) > best {
			bestLo, bestHi, best = lo, hi, len(senders)
		}
	}
	if best < minFanInSenders {
		return nil
	}
	var senders, links []string
	seen := map[string]bool{}
	for _, t := range in[bestLo:bestHi] {
		links = append(links, t.id)
		if !seen[t.peer] {
			seen[t.peer] = true
			senders = append(senders, t.peer)
		}
	}
	sort.Strings(senders)
	return &Finding{Kind: FindingMuleFanIn, Subject: id, Count: best, Entities: capped(senders), Links: capped(links),
		At: in[bestHi-1].at, Day: "",
		Text: fmt.Sprintf("%d distinct senders paid in within %s from %s", best, days(p.FanInWindow), in[bestLo].at.In(bangkok).Format("2006-01-02"))}
}

// mulePassThrough: most incoming transfers are followed by money leaving
// within the window. It counts transfers, not amounts, so that a currency
// change at a border (THB in, USD out) does not hide it.
func mulePassThrough(n *Neighbourhood, id string, p Params) *Finding {
	in, out := transfersOf(n, id)
	if len(in) < minPassInflows || len(out) == 0 {
		return nil
	}
	matched := 0
	var links []string
	var latest time.Time
	j := 0
	for _, t := range in {
		for j < len(out) && out[j].at.Before(t.at) {
			j++
		}
		if j < len(out) && out[j].at.Sub(t.at) <= p.PassThroughWindow {
			matched++
			links = append(links, t.id, out[j].id)
			if out[j].at.After(latest) {
				latest = out[j].at
			}
		}
	}
	share := float64(matched) / float64(len(in))
	if share < minPassShare {
		return nil
	}
	sort.Strings(links)
	return &Finding{Kind: FindingMulePassThrough, Subject: id, Count: round(100 * share), Links: capped(compact(links)), At: latest,
		Text: fmt.Sprintf("%d of %d incoming transfers were followed by money leaving within %s", matched, len(in), hours(p.PassThroughWindow))}
}

// MuleFindings lists the money patterns id shows in n.
func MuleFindings(n *Neighbourhood, id string, p Params) []Finding {
	if kindOf(id) != intel.KindBankAccount {
		return nil
	}
	var out []Finding
	for _, f := range []*Finding{muleFanIn(n, id, p), mulePassThrough(n, id, p)} {
		if f != nil {
			out = append(out, *f)
		}
	}
	return out
}

func days(d time.Duration) string  { return fmt.Sprintf("%g days", d.Hours()/24) }
func hours(d time.Duration) string { return fmt.Sprintf("%g hours", d.Hours()) }
