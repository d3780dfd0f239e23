package analytics

import (
	"sort"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// A site is where lines call from, as their call records give it: the
// handset (IMEI) or the serving cell. A SIM box is one place and a few
// GSM channels, so its rack's SIMs share both whatever ID cards they were
// bought on; ordinary people share cells too, so a site ties lines in a
// ring only when several of them show the SIM-box signature there.
const (
	// siteDevice and siteCell prefix a site's key by what is shared.
	siteDevice = "imei:"
	siteCell   = "cell:"
	// siteNeighbours bounds how many site-mates each line is tied to, so
	// that a rack of hundreds of SIMs costs a linear number of ties: each
	// line is tied to the next siteNeighbours lines of the site, in id
	// order, round the circle, which keeps the site one dense piece.
	siteNeighbours = 12
)

// siteWeight is how strongly sharing one site ties two lines: a device
// more than a cell, since a cell serves a whole neighbourhood; siteMost is
// the most a pair gets however many sites its lines share.
var siteWeight = map[string]float64{siteDevice: 2, siteCell: 1}

const siteMost = 3

// siteGroups lists the sites (sorted by key) at which at least
// minBoxLines member lines call, each line like a SIM box's rack: calling
// out to several numbers and hardly ever called back, and the lines there
// answered at most maxAnswerRate of the time taken together. Each group's
// lines are sorted.
func siteGroups(n *Neighbourhood, member map[string]bool) [][]string {
	sites := map[string][]string{}
	stats := map[string]callStats{}
	for id := range member {
		if len(n.linksOf(id, intel.LinkCalled)) == 0 {
			continue
		}
		s := statsOf(n, id)
		if !s.outgoingOnly() {
			continue
		}
		stats[id] = s
		for c := range s.cells {
			sites[siteCell+c] = append(sites[siteCell+c], id)
		}
		for d := range s.devices {
			sites[siteDevice+d] = append(sites[siteDevice+d], id)
		}
	}
	keys := make([]string, 0, len(sites))
	for k := range sites {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out [][]string
	for _, k := range keys {
		lines := sites[k]
		if len(lines) < minBoxLines {
			continue
		}
		calls, answered := 0, 0
		for _, id := range lines {
			calls, answered = calls+stats[id].out, answered+stats[id].answered
		}
		if float64(answered) > maxAnswerRate*float64(calls) {
			continue
		}
		sort.Strings(lines)
		out = append(out, append([]string{k}, lines...))
	}
	return out
}

// siteTies ties the lines of each site group (the site's key first, then
// its lines, as siteGroups gives them) and returns the weight of each pair
// of lines (ids in order), at most siteMost.
func siteTies(groups [][]string) map[[2]string]float64 {
	out := map[[2]string]float64{}
	for _, g := range groups {
		key, lines := g[0], g[1:]
		w := siteWeight[siteCell]
		if strings.HasPrefix(key, siteDevice) {
			w = siteWeight[siteDevice]
		}
		tied := map[[2]string]bool{}
		for i, a := range lines {
			for j := 1; j <= min(siteNeighbours, len(lines)-1); j++ {
				b := lines[(i+j)%len(lines)]
				p := [2]string{min(a, b), max(a, b)}
				if !tied[p] {
					tied[p] = true
					out[p] = min(out[p]+w, siteMost)
				}
			}
		}
	}
	return out
}

// mergeSites joins communities that are one rack cut apart: communities
// most of whose lines call from one site (a site group) are merged. The
// modularity Louvain maximises can cut a dense but isolated group in two,
// most visibly a rack whose runs of SIMs hang from different ID cards;
// shared handsets and cells say they are one box. A community with only
// a few lines at the site (a call centre's roaming SIM that happened to
// call from the box's cell) is left as it is. comm is each node's
// community, index each member's node.
func mergeSites(comm []int, ids []string, index map[string]int, groups [][]string) {
	lines := map[int]int{}
	for i, id := range ids {
		if kindOf(id) == intel.KindPhoneNumber {
			lines[comm[i]]++
		}
	}
	parent := map[int]int{}
	var find func(c int) int
	find = func(c int) int {
		p, ok := parent[c]
		if !ok || p == c {
			return c
		}
		r := find(p)
		parent[c] = r
		return r
	}
	for _, g := range groups {
		at := map[int]int{}
		for _, id := range g[1:] {
			at[comm[index[id]]]++
		}
		var mostly []int
		for c, k := range at {
			if 2*k > lines[c] {
				mostly = append(mostly, c)
			}
		}
		sort.Ints(mostly)
		for _, c := range mostly[min(1, len(mostly)):] {
			a, b := find(mostly[0]), find(c)
			parent[max(a, b)] = min(a, b)
		}
	}
	for i := range comm {
		comm[i] = find(comm[i])
	}
}
