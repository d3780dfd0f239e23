package analytics

import (
	"sort"

	"github.com/scamgraph/scamgraph/intel"
)

// contact lists the kinds of artefact a scam reaches its victims through.
var contact = map[intel.Kind]bool{intel.KindPhoneNumber: true, intel.KindVoipAccount: true, intel.KindMessagingAccount: true}

// A victim's report names what the scam used on them: the number that
// called, the chat account the victim was moved to, the account they paid.
// The contact artefacts named in one report (numbers, VoIP and chat
// accounts) worked the same victim for one gang, so reports tie them,
// weakly, and the more reports name a pair the stronger, up to a bound.
// The accounts paid are left out: mule accounts take money for many gangs
// at once, so a victim's payment says which mules, not which gang; the
// money's own transfers and holders tie the mules together.
const (
	// coReportEach and coReportMost are what one shared report adds to a
	// pair and the most shared reports give it: no more than a few calls.
	coReportEach = 0.25
	coReportMost = 1
	// maxCoReported is the most members a report may name and still tie
	// them: a report naming a long list (an investigation's summary) says
	// little about any one pair, and would cost pairs by the square.
	maxCoReported = 8
)

// coReportTies returns, for each pair of contact members (ids in order)
// named together in reports, the tie those reports give them. Reports
// marked false tie nothing.
func coReportTies(n *Neighbourhood, member map[string]bool) map[[2]string]float64 {
	named := map[string][]string{}
	for id := range member {
		if !contact[kindOf(id)] {
			continue
		}
		for _, c := range reportsOf(n, id) {
			if statusWeight(c.status) > 0 {
				named[c.caseID] = append(named[c.caseID], id)
			}
		}
	}
	count := map[[2]string]int{}
	for _, ids := range named {
		if len(ids) < 2 || len(ids) > maxCoReported {
			continue
		}
		sort.Strings(ids)
		for i, a := range ids {
			for _, b := range ids[i+1:] {
				count[[2]string{a, b}]++
			}
		}
	}
	out := make(map[[2]string]float64, len(count))
	for p, k := range count {
		out[p] = min(float64(k)*coReportEach, coReportMost)
	}
	return out
}
