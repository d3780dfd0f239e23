package analytics

import (
	"math"
	"sort"

	"github.com/scamgraph/scamgraph/intel"
)

// Limits of case linkage.
const (
	DefaultLinkedCases = 20
	MaxLinkedCases     = 100
	// MaxLinkageArtefacts bounds the artefacts one question may name.
	MaxLinkageArtefacts = 50
)

// kindWeights say how much sharing one artefact of a kind tells about two
// cases. A bank account or a SIP account is opened by one person for one
// purpose, so two victims paying the same account, or called from the same
// SIP account, are very likely victims of the same gang; a chat account
// nearly as much; an IP address is shared by every customer behind a
// carrier's NAT; a phone number is the weakest, since victims also name
// the numbers of banks, couriers and the police.
var kindWeights = map[intel.Kind]float64{
	intel.KindBankAccount:      1.0,
	intel.KindVoipAccount:      1.0,
	intel.KindMessagingAccount: 0.8,
	intel.KindIPAddress:        0.6,
	intel.KindPhoneNumber:      0.5,
}

// KindWeight is how much sharing an artefact of kind k weighs before its
// rarity is taken into account.
func KindWeight(k intel.Kind) float64 {
	if w, ok := kindWeights[k]; ok {
		return w
	}
	return 0.5
}

// ArtefactWeight is what sharing one artefact adds to two cases' link:
// its kind's weight, divided by log2(1+n) where n is how many other cases
// name it. An artefact one other case names keeps its full weight; one
// fifteen cases name weighs a quarter, so a number every victim names (a
// bank's hotline, a popular courier) cannot by itself tie cases together.
func ArtefactWeight(k intel.Kind, otherCases int) float64 {
	n := math.Max(1, float64(otherCases))
	return KindWeight(k) / math.Log2(1+n)
}

// SharedArtefact is one artefact two cases share, and what it weighs.
type SharedArtefact struct {
	ID   string
	Kind intel.Kind
	// Cases counts the cases, other than the one asked about, that name it.
	Cases  int
	Weight float64
}

// LinkedCase is an existing case that shares artefacts with the one asked
// about, and the strength of what they share (the sum of the weights).
type LinkedCase struct {
	Case   string
	Score  float64
	Shared []SharedArtefact
}

// LinkCases ranks the cases that name any of the asked-about artefacts.
// naming lists, per artefact, the cases that name it (as read through the
// reader's view); exclude is the case asked about, if any, which is left
// out of the answer and of the counts. Cases come strongest first (ties by
// id), at most first of them; each lists its shared artefacts heaviest
// first. It is pure, so every backend's answer ranks alike.
func LinkCases(exclude string, naming map[string][]string, first int) []LinkedCase {
	byCase := map[string]*LinkedCase{}
	artefacts := make([]string, 0, len(naming))
	for a := range naming {
		artefacts = append(artefacts, a)
	}
	sort.Strings(artefacts)
	for _, a := range artefacts {
		cases := distinct(naming[a], exclude)
		if len(cases) == 0 {
			continue
		}
		k, _, _ := intel.SplitEntityID(a)
		shared := SharedArtefact{ID: a, Kind: k, Cases: len(cases), Weight: round3(ArtefactWeight(k, len(cases)))}
		for _, c := range cases {
			lc := byCase[c]
			if lc == nil {
				lc = &LinkedCase{Case: c}
				byCase[c] = lc
			}
			lc.Shared = append(lc.Shared, shared)
		}
	}
	out := make([]LinkedCase, 0, len(byCase))
	for _, lc := range byCase {
		sort.Slice(lc.Shared, func(i, j int) bool {
			if lc.Shared[i].Weight != lc.Shared[j].Weight {
				return lc.Shared[i].Weight > lc.Shared[j].Weight
			}
			return lc.Shared[i].ID < lc.Shared[j].ID
		})
		score := 0.0
		for _, s := range lc.Shared {
			score += s.Weight
		}
		lc.Score = round3(score)
		out = append(out, *lc)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Case < out[j].Case
	})
	if first > 0 && len(out) > first {
		out = out[:first]
	}
	return out
}

func distinct(ids []string, exclude string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if id != exclude && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// round3 keeps three decimals, so that a score reads the same whatever
// order floating-point sums were taken in.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
