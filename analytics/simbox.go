package analytics

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/scamgraph/scamgraph/intel"
)

// The SIM-box grouping's bounds (see the package doc).
const (
	// SiteCallersRead is how many callers of one site (a cell or an
	// IMEI) are read to group a line with. A cell with more callers in
	// the reader's view is a public tower: sharing it says nothing, and it
	// groups no lines. A handset is never shared by that many numbers in
	// ordinary life, so a device past the bound still groups the lines
	// read at it.
	SiteCallersRead = 100
	// shortCallSec is the longest call a SIM-box line's typical call
	// lasts: most of its calls ring out unanswered (0 s) or are cut short.
	shortCallSec = 60
	// maxBoxSites bounds the sites of one line asked about: a rack's line
	// calls from one cell through a few channels; a line calling from
	// hundreds of cells is a phone on the move.
	maxBoxSites = 20
)

// What a line shares with the line scored, strongest first: the order the
// finding names them in.
const (
	shareDevice  = "device"
	shareHolder  = "holder"
	shareAccount = "VoIP account"
	shareIP      = "IP address"
	shareCell    = "cell"
)

var shareOrder = []string{shareDevice, shareHolder, shareAccount, shareIP, shareCell}

// AddSite records the callers the store listed at a site (cell or IMEI).
func (n *Neighbourhood) AddSite(attr intel.SiteAttr, value string, callers intel.SiteCallers) {
	if n.Sites == nil {
		n.Sites = map[string]intel.SiteCallers{}
	}
	n.Sites[SiteKey(attr, value)] = callers
}

// SiteKey names the site where a call was made, value being its attr
// (a cell or an IMEI), as Neighbourhood.Sites keys it.
func SiteKey(attr intel.SiteAttr, value string) string { return sitePrefix(attr) + value }

// SitesOf are the keys of the sites l names (see SiteKey): a call made
// from a cell or handset changes the callers listed there.
func SitesOf(l *intel.Link) []string {
	var out []string
	for _, attr := range []intel.SiteAttr{intel.SiteCell, intel.SiteDevice} {
		if v := l.Attrs[string(attr)]; v != "" {
			out = append(out, SiteKey(attr, v))
		}
	}
	return out
}

func sitePrefix(attr intel.SiteAttr) string {
	if attr == intel.SiteDevice {
		return siteDevice
	}
	return siteCell
}

// BoxSites says what the SIM-box finding of ids needs read beyond their
// neighbourhood: the cells and IMEIs their outgoing calls name and the IP
// addresses the VoIP accounts presenting them register from, for those
// of ids that call like a rack's line (out to several numbers, hardly ever
// called back). Other entities need nothing, which keeps an ordinary
// number's score at its usual cost.
func BoxSites(n *Neighbourhood, ids []string) (cells, devices, ips []string) {
	for _, id := range ids {
		if kindOf(id) != intel.KindPhoneNumber {
			continue
		}
		s := statsOf(n, id)
		if !s.simLine() || !n.mobile(id) {
			continue
		}
		if len(s.cells) <= maxBoxSites {
			for c := range s.cells {
				cells = append(cells, c)
			}
		}
		if len(s.devices) <= maxBoxSites {
			for d := range s.devices {
				devices = append(devices, d)
			}
		}
		for _, a := range presenters(n, id) {
			if abroad(n, a) {
				continue
			}
			for _, l := range n.linksOf(a, intel.LinkRegisteredFrom) {
				ips = append(ips, l.To)
			}
		}
	}
	return sortedUnique(cells), sortedUnique(devices), sortedUnique(ips)
}

// BoxLines says, once the sites' callers and the IP addresses' links are
// in n, which accounts' presentations (accounts registering from those
// addresses) and which lines' calls the SIM-box finding of ids reads.
func BoxLines(n *Neighbourhood, ids []string) (accounts, lines []string) {
	for _, id := range ids {
		if !n.mobile(id) {
			continue
		}
		for z := range candidates(n, id) {
			if z != id && n.mobile(z) {
				lines = append(lines, z)
			}
		}
		for _, a := range presenters(n, id) {
			if abroad(n, a) {
				continue
			}
			for _, l := range n.linksOf(a, intel.LinkRegisteredFrom) {
				if crowdedIP(n, l.To) {
					continue
				}
				for _, m := range n.linksOf(l.To, intel.LinkRegisteredFrom) {
					if m.From != a {
						accounts = append(accounts, m.From)
					}
				}
			}
		}
	}
	return sortedUnique(accounts), sortedUnique(lines)
}

// crowdedIP reports whether more than crowd VoIP accounts register from
// ip: a carrier's NAT or a public hotspot, which ties nobody.
func crowdedIP(n *Neighbourhood, ip string) bool {
	accounts := map[string]bool{}
	for _, l := range n.linksOf(ip, intel.LinkRegisteredFrom) {
		accounts[l.From] = true
	}
	return len(accounts) > crowd
}

// abroad reports whether VoIP account a registers from an IP address
// placed outside Thailand, as the reader sees it.
func abroad(n *Neighbourhood, a string) bool {
	for _, l := range n.linksOf(a, intel.LinkRegisteredFrom) {
		if ip, ok := n.Entity(l.To); ok && foreignIP(ip) != "" {
			return true
		}
	}
	return false
}

// mobile reports whether number id can be a SIM in a box: a mobile
// number, or one its numbering plan cannot tell from a fixed line. A
// fixed line or a VoIP range shown as caller ID is no SIM, whatever it
// shares. The type is the entity's when it was read, else the number's
// plan says; either way it is remembered for the neighbourhood.
func (n *Neighbourhood) mobile(id string) bool {
	if v, ok := n.mobiles[id]; ok {
		return v
	}
	var t string
	if e := n.Entities[id]; e != nil {
		t = e.Attrs["numberType"]
	}
	if t == "" {
		t = planType(keyOf(id))
	}
	v := t == "MOBILE" || t == "FIXED_LINE_OR_MOBILE"
	if n.mobiles == nil {
		n.mobiles = map[string]bool{}
	}
	n.mobiles[id] = v
	return v
}

// presenters are the VoIP accounts presenting number id as caller ID.
func presenters(n *Neighbourhood, id string) []string {
	var out []string
	for _, l := range n.linksOf(id, intel.LinkPresentedAs) {
		if l.To == id && kindOf(l.From) == intel.KindVoipAccount {
			out = append(out, l.From)
		}
	}
	return out
}

// share is one way a line is tied to the line scored: what it shares
// (shareDevice…), which one (the IMEI, the cell, the entity id) and the
// records that show it.
type share struct {
	what, which string
	links       []string
}

// candidates lists the numbers tied to id by something a rack's lines
// share, each with its ties: the holder their SIMs are registered to, a
// VoIP account presenting both, an IP address their accounts register
// from, an IMEI or a cell their calls name. A cell too busy to have been
// read in full (see SiteCallersRead) ties nobody.
func candidates(n *Neighbourhood, id string) map[string][]share {
	out := map[string][]share{}
	tie := func(z string, s share) {
		if z != id && kindOf(z) == intel.KindPhoneNumber {
			out[z] = append(out[z], s)
		}
	}
	for _, l := range n.linksOf(id, intel.LinkRegisteredTo) {
		if l.From != id {
			continue
		}
		for _, h := range n.linksOf(l.To, intel.LinkRegisteredTo) {
			tie(h.From, share{shareHolder, l.To, []string{l.ID, h.ID}})
		}
	}
	for _, a := range presenters(n, id) {
		if abroad(n, a) {
			// An account registering from abroad while presenting Thai
			// numbers is spoofing caller IDs (CALLER_ID_SPOOFING): the
			// numbers it shows are no SIMs in a box.
			continue
		}
		var mine string
		for _, p := range n.linksOf(a, intel.LinkPresentedAs) {
			if p.To == id {
				mine = p.ID
			}
		}
		for _, p := range n.linksOf(a, intel.LinkPresentedAs) {
			tie(p.To, share{shareAccount, a, []string{mine, p.ID}})
		}
		for _, r := range n.linksOf(a, intel.LinkRegisteredFrom) {
			if crowdedIP(n, r.To) {
				continue
			}
			for _, r2 := range n.linksOf(r.To, intel.LinkRegisteredFrom) {
				if r2.From == a || abroad(n, r2.From) {
					continue
				}
				for _, p := range n.linksOf(r2.From, intel.LinkPresentedAs) {
					if p.From == r2.From {
						tie(p.To, share{shareIP, r.To, []string{mine, r.ID, r2.ID, p.ID}})
					}
				}
			}
		}
	}
	mine := statsOf(n, id)
	for _, site := range [...]struct {
		what, prefix string
		of           map[string]bool
	}{{shareDevice, siteDevice, mine.devices}, {shareCell, siteCell, mine.cells}} {
		for v := range site.of {
			callers, ok := n.Sites[site.prefix+v]
			if !ok || (site.what == shareCell && callers.HasMore) {
				continue
			}
			for _, z := range callers.IDs {
				tie(z, share{what: site.what, which: v})
			}
		}
	}
	return out
}

// siteCall is the latest of id's outgoing calls naming the site, the
// record that shows the line calls from there.
func siteCall(n *Neighbourhood, id, what, value string) string {
	attr := string(intel.SiteCell)
	if what == shareDevice {
		attr = string(intel.SiteDevice)
	}
	best, bestAt := "", int64(-1)
	for _, l := range n.linksOf(id, intel.LinkCalled) {
		if l.From == id && l.Attrs[attr] == value {
			if t := l.ObservedAt.UnixMilli(); t > bestAt || (t == bestAt && l.ID < best) {
				best, bestAt = l.ID, t
			}
		}
	}
	return best
}

// boxGroup is the SIM box of id, if it is in one: its own calls, the
// other lines with what ties each to it, and the group's calls and
// answered calls pooled. group is nil when id is in no SIM box.
func boxGroup(n *Neighbourhood, id string) (mine callStats, group map[string][]share, out, answered int) {
	mine = statsOf(n, id)
	if !mine.simLine() || !n.mobile(id) {
		return mine, nil, 0, 0
	}
	group = map[string][]share{}
	out, answered = mine.out, mine.answered
	for z, ties := range candidates(n, id) {
		zs := statsOf(n, z)
		if !zs.simLine() || !n.mobile(z) {
			continue
		}
		strong := slices.ContainsFunc(ties, func(s share) bool { return s.what != shareCell })
		if !strong && (!zs.rackLine() || !mine.rackLine()) {
			continue
		}
		group[z] = ties
		out, answered = out+zs.out, answered+zs.answered
	}
	// The group is judged on its calls pooled, so that a line that
	// happened to have two of its three calls answered is still seen as
	// part of the rack it is in.
	if len(group)+1 < minBoxLines || float64(answered) > maxAnswerRate*float64(out) {
		return mine, nil, 0, 0
	}
	return mine, group, out, answered
}

// BoxMates lists the other lines of the SIM boxes ids are in: a triage
// scores them next, since nothing but the box's site may join them to a
// reported line.
func BoxMates(n *Neighbourhood, ids []string) []string {
	var out []string
	for _, id := range ids {
		_, group, _, _ := boxGroup(n, id)
		for z := range group {
			out = append(out, z)
		}
	}
	return sortedUnique(out)
}

// simLine reports whether a line calls like a SIM in a rack: out to
// several numbers, hardly ever called back, and as a local line. A box
// exists to make calls from abroad look local, so its calls carry no
// +697 (VoIP from abroad) or +698 (roaming) marker; a line most of whose
// calls were displayed with one is VoIP or roaming, whatever it shares.
func (s callStats) simLine() bool {
	return s.outgoingOnly() && 2*s.marked < s.out
}

// shortCalls reports whether most of a line's outgoing calls were short.
func (s callStats) shortCalls() bool {
	return 2*s.short >= s.out
}

// rackLine is the whole signature of one line: outgoing only, answered at
// most maxAnswerRate of the time, mostly short calls. A line tied to
// another by nothing but a cell must show all of it, as must the line
// scored then: a cell serves a whole neighbourhood.
func (s callStats) rackLine() bool {
	return s.shortOutgoing() && s.shortCalls()
}

// simBox groups id with the numbers sharing with it a device (an IMEI on
// their calls), a holder (REGISTERED_TO the same person), a VoIP account
// presenting both, an IP address their accounts register from, or a cell
// their calls name, when each of them calls like a rack's line (see
// callStats.outgoingOnly; rackLine for a cell alone) and the group's calls
// taken together were answered at most maxAnswerRate of the time. The
// finding names what the lines share, which one and how many share it,
// and cites the records: the registrations and presentations, and for a
// site each line's latest call from it.
func simBox(n *Neighbourhood, id string) *Finding {
	mine, group, out, answered := boxGroup(n, id)
	if group == nil {
		return nil
	}
	members := make([]string, 0, len(group))
	for z := range group {
		members = append(members, z)
	}
	sort.Strings(members)
	// Per kind of tie and per shared thing, the lines sharing it.
	count := map[string]map[string]int{}
	var links []string
	for _, z := range members {
		for _, s := range group[z] {
			if count[s.what] == nil {
				count[s.what] = map[string]int{}
			}
			count[s.what][s.which]++
			if s.links == nil {
				s.links = []string{siteCall(n, id, s.what, s.which), siteCall(n, z, s.what, s.which)}
			}
			links = append(links, s.links...)
		}
	}
	var parts []string
	for _, what := range shareOrder {
		if len(count[what]) == 0 {
			continue
		}
		which := make([]string, 0, len(count[what]))
		for w := range count[what] {
			which = append(which, w)
		}
		sort.Slice(which, func(i, j int) bool {
			a, b := count[what][which[i]], count[what][which[j]]
			return a > b || (a == b && which[i] < which[j])
		})
		w := which[0]
		// A holder is named by the entities cited, never in the text: a
		// person's key is an identity document's number.
		part := fmt.Sprintf("%s %s (%s) with %d of them", article(what), what, keyOf(w), count[what][w]+1)
		if what == shareHolder {
			part = fmt.Sprintf("a holder with %d of them", count[what][w]+1)
		} else if what == shareDevice || what == shareCell {
			part = fmt.Sprintf("a %s (%s) with %d of them", what, w, count[what][w]+1)
		}
		if len(which) > 1 {
			part += fmt.Sprintf(" and %d more %s", len(which)-1, plural(what, len(which)-1))
		}
		parts = append(parts, part)
	}
	sort.Strings(links)
	links = slices.DeleteFunc(compact(links), func(s string) bool { return s == "" })
	return &Finding{Kind: FindingSIMBox, Subject: id, Count: len(members) + 1, Entities: capped(members),
		Links: capped(links), At: mine.latest,
		Text: fmt.Sprintf("one of %d lines that call out and are hardly ever called back, sharing %s; %d of their %d calls answered",
			len(members)+1, strings.Join(parts, ", "), answered, out)}
}

func article(what string) string {
	if what == shareIP {
		return "an"
	}
	return "a"
}

func plural(what string, k int) string {
	if k == 1 {
		return what
	}
	if what == shareIP {
		return "IP addresses"
	}
	return what + "s"
}

// plans remembers the number type the numbering plan gives a key. A
// SIM-box finding asks it of every line at the sites of the line scored,
// lines whose entities were never read, and reading the plan
// (intel.NormalizePhone) costs more than the rest of the question: the
// answer depends on the key alone, so it is kept for every score after.
var plans = func() *lru.Cache[string, string] {
	c, err := lru.New[string, string](100000)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return c
}()

// planType is the plan's type of key, "" when the plan does not know it.
func planType(key string) string {
	if t, ok := plans.Get(key); ok {
		return t
	}
	var t string
	if id, err := intel.NormalizePhone(key, intel.RegionTH); err == nil {
		t = id.NumberType
	}
	plans.Add(key, t)
	return t
}
