package analytics

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Thresholds of the telco patterns.
const (
	// dailyCallLimit is the Thai regulator's: a number making more than
	// 100 calls in a day is suspended.
	dailyCallLimit = 100
	// A short-outgoing line makes at least minShortOut calls to distinct
	// numbers, answered at most maxAnswerRate of the time, with at most
	// maxIncomingShare of its calls incoming.
	minShortOut      = 3
	maxAnswerRate    = 0.5
	maxIncomingShare = 0.1
	// A SIM box is at least minBoxLines lines with the signature sharing
	// something.
	minBoxLines = 3
	// A number calling at least minForeignCallees distinct numbers of the
	// other country, answered less than maxForeignAnswer of the time.
	minForeignCallees = 5
	maxForeignAnswer  = 0.6
)

// callStats sums up a number's calls.
type callStats struct {
	out, in, answered int
	// short counts the outgoing calls shorter than shortCallSec,
	// unanswered ones included; marked those displayed with +697 or +698.
	short, marked  int
	callees        map[string]bool
	latest         time.Time
	links          []string
	cells, devices map[string]bool
}

// statsOf returns id's call statistics, computed once per neighbourhood
// and kept until id's links change (see Add): the SIM-box and telco
// findings of one score ask for the same lines' several times. What it
// returns is shared and MUST NOT be changed.
func statsOf(n *Neighbourhood, id string) callStats {
	if s, ok := n.stats[id]; ok {
		return s
	}
	s := countCalls(n, id)
	if n.stats == nil {
		n.stats = map[string]callStats{}
	}
	n.stats[id] = s
	return s
}

// countCalls computes id's call statistics from its calls.
func countCalls(n *Neighbourhood, id string) callStats {
	return countCallsIn(id, n.linksOf(id, intel.LinkCalled))
}

// CallStats are a line's call statistics worked out from a page of its
// calls that a memo keeps for many scores (see ShareCalls): they are then
// counted once, not by every score that reads the line.
type CallStats struct{ s callStats }

// CountCalls works out id's statistics from calls, a page of its calls.
func CountCalls(id string, calls []intel.Link) CallStats {
	return CallStats{countCallsIn(id, calls)}
}

// countCallsIn computes id's call statistics from calls, id's calls.
func countCallsIn(id string, calls []intel.Link) callStats {
	var s callStats
	if len(calls) == 0 {
		// Most entities near a score make no calls: their statistics
		// are all zero, and their empty sets are nil (read-only).
		return s
	}
	s.callees, s.cells, s.devices = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i := range calls {
		l := &calls[i]
		if l.To == id {
			s.in++
			continue
		}
		s.out++
		s.callees[l.To] = true
		if l.Attrs["answered"] == "true" {
			s.answered++
			if d, err := strconv.Atoi(l.Attrs["durationSec"]); err == nil && d < shortCallSec {
				s.short++
			}
		} else {
			s.short++
		}
		if m := l.Attrs["callerIdMarker"]; m == intel.MarkerVoipFromAbroad || m == intel.MarkerRoamingAbroad {
			s.marked++
		}
		if l.ObservedAt.After(s.latest) {
			s.latest = l.ObservedAt
		}
		s.links = append(s.links, l.ID)
		if c := l.Attrs["cellId"]; c != "" {
			s.cells[c] = true
		}
		if d := l.Attrs["imei"]; d != "" {
			s.devices[d] = true
		}
	}
	sort.Strings(s.links)
	return s
}

// outgoingOnly reports whether a line calls out to several numbers and is
// hardly ever called back.
func (s callStats) outgoingOnly() bool {
	return len(s.callees) >= minShortOut && float64(s.in) <= maxIncomingShare*float64(s.out+s.in)
}

// shortOutgoing reports whether the stats have the SIM-box line signature.
func (s callStats) shortOutgoing() bool {
	return s.outgoingOnly() && float64(s.answered) <= maxAnswerRate*float64(s.out)
}

// callVolume finds the busiest Bangkok calendar day over the limit.
func callVolume(n *Neighbourhood, id string) *Finding {
	days := map[string][]string{}
	last := map[string]time.Time{}
	for _, l := range n.linksOf(id, intel.LinkCalled) {
		if l.From != id {
			continue
		}
		d := l.ObservedAt.In(bangkok).Format("2006-01-02")
		days[d] = append(days[d], l.ID)
		if l.ObservedAt.After(last[d]) {
			last[d] = l.ObservedAt
		}
	}
	best := ""
	for d, ls := range days {
		if len(ls) > dailyCallLimit && (best == "" || len(ls) > len(days[best]) || (len(ls) == len(days[best]) && d < best)) {
			best = d
		}
	}
	if best == "" {
		return nil
	}
	ls := days[best]
	sort.Strings(ls)
	return &Finding{Kind: FindingCallVolume, Subject: id, Day: best, Count: len(ls), Links: capped(ls), At: last[best],
		Text: fmt.Sprintf("%d calls on %s (Asia/Bangkok), over the regulator's limit of %d a day", len(ls), best, dailyCallLimit)}
}

// displayMarkers finds outgoing calls shown with +697 or +698.
func displayMarkers(n *Neighbourhood, id string) *Finding {
	counts := map[string]int{}
	var links []string
	var latest time.Time
	for _, l := range n.linksOf(id, intel.LinkCalled) {
		m := l.Attrs["callerIdMarker"]
		if l.From != id || (m != intel.MarkerVoipFromAbroad && m != intel.MarkerRoamingAbroad) {
			continue
		}
		counts[m]++
		links = append(links, l.ID)
		if l.ObservedAt.After(latest) {
			latest = l.ObservedAt
		}
	}
	if len(links) == 0 {
		return nil
	}
	sort.Strings(links)
	var parts []string
	for _, m := range []string{intel.MarkerVoipFromAbroad, intel.MarkerRoamingAbroad} {
		if counts[m] > 0 {
			parts = append(parts, fmt.Sprintf("%d with %s", counts[m], m))
		}
	}
	return &Finding{Kind: FindingDisplayMarker, Subject: id, Count: len(links), Links: capped(links), At: latest,
		Text: fmt.Sprintf("%d calls displayed with a display marker (%s)", len(links), strings.Join(parts, ", "))}
}

// shortOutgoingFinding is one line's signature, alone.
func shortOutgoingFinding(n *Neighbourhood, id string) *Finding {
	s := statsOf(n, id)
	if !s.shortOutgoing() {
		return nil
	}
	return &Finding{Kind: FindingShortOutgoing, Subject: id, Count: len(s.callees), Links: slices.Clone(capped(s.links)), At: s.latest,
		Text: fmt.Sprintf("%d outgoing calls to %d numbers, %d answered, %d incoming", s.out, len(s.callees), s.answered, s.in)}
}

// foreignIP reports the country an IP address is placed in when it is not
// Thailand; "" when it is Thai or unknown.
func foreignIP(e intel.Entity) string {
	c := e.Attrs["geoCountry"]
	if c == "" {
		c = e.Attrs["country"]
	}
	if c == "" || strings.EqualFold(c, "TH") {
		return ""
	}
	return strings.ToUpper(c)
}

// spoofing: a VoIP account registering from foreign addresses and
// presenting Thai numbers.
func spoofing(n *Neighbourhood, acct string) *Finding {
	if kindOf(acct) != intel.KindVoipAccount {
		return nil
	}
	var ips, thai, links []string
	var latest time.Time
	current := false // a presentation that still holds does not decay
	seenIP := map[string]bool{}
	for _, l := range n.linksOf(acct, intel.LinkRegisteredFrom) {
		ip, ok := n.Entity(l.To)
		if !ok || foreignIP(ip) == "" {
			continue
		}
		if !seenIP[l.To] {
			seenIP[l.To] = true
			ips = append(ips, l.To)
		}
		links = append(links, l.ID)
		if l.ObservedAt.After(latest) {
			latest = l.ObservedAt
		}
	}
	if len(ips) == 0 {
		return nil
	}
	for _, l := range n.linksOf(acct, intel.LinkPresentedAs) {
		if l.From == acct && strings.HasPrefix(keyOf(l.To), "+66") {
			thai = append(thai, l.To)
			links = append(links, l.ID)
			if t := lastHeld(&l); t.IsZero() {
				current = true
			} else if t.After(latest) {
				latest = t
			}
		}
	}
	if len(thai) == 0 {
		return nil
	}
	sort.Strings(ips)
	sort.Strings(thai)
	sort.Strings(links)
	if current {
		latest = time.Time{}
	}
	firstIP, _ := n.Entity(ips[0])
	return &Finding{Kind: FindingSpoofing, Subject: acct, Count: len(thai), Entities: capped(append(append([]string{}, thai...), ips...)),
		Links: capped(links), At: latest,
		Text: fmt.Sprintf("registers from %d foreign IP address(es) (%s) while presenting %d Thai number(s)",
			len(ips), foreignIP(firstIP), len(thai))}
}

// crossBorderCalls: a number calling many numbers of the other country.
func crossBorderCalls(n *Neighbourhood, id string) *Finding {
	home := countryOfNumber(keyOf(id))
	if home == "" {
		return nil
	}
	callees := map[string]bool{}
	var links []string
	answered, out := 0, 0
	var latest time.Time
	for _, l := range n.linksOf(id, intel.LinkCalled) {
		if l.From != id {
			continue
		}
		c := countryOfNumber(keyOf(l.To))
		if c == "" || c == home {
			continue
		}
		out++
		callees[l.To] = true
		links = append(links, l.ID)
		if l.Attrs["answered"] == "true" {
			answered++
		}
		if l.ObservedAt.After(latest) {
			latest = l.ObservedAt
		}
	}
	if len(callees) < minForeignCallees || float64(answered) >= maxForeignAnswer*float64(out) {
		return nil
	}
	sort.Strings(links)
	return &Finding{Kind: FindingCrossBorderCalls, Subject: id, Count: len(callees), Links: capped(links), At: latest,
		Text: fmt.Sprintf("called %d distinct numbers across the border, %d of %d calls answered", len(callees), answered, out)}
}

func countryOfNumber(key string) string {
	switch {
	case strings.HasPrefix(key, "+66"):
		return "TH"
	case strings.HasPrefix(key, "+855"):
		return "KH"
	}
	return ""
}

// TelcoFindings lists the telco patterns id shows in n.
func TelcoFindings(n *Neighbourhood, id string) []Finding {
	var out []Finding
	for _, f := range []*Finding{callVolume(n, id), displayMarkers(n, id), spoofing(n, id), crossBorderCalls(n, id)} {
		if f != nil {
			out = append(out, *f)
		}
	}
	if f := simBox(n, id); f != nil {
		out = append(out, *f)
	} else if f := shortOutgoingFinding(n, id); f != nil {
		out = append(out, *f)
	}
	return out
}
