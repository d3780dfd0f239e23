// Package evaluation scores the service against a demo world whose truth
// is known: how much of what was planted (scam numbers, mules, rings,
// victim→exit money paths) the service's answers recover, and what it
// wrongly accuses (false positives, the falsely reported innocent number).
// The metrics are pure functions of the answers and the truth; Run asks
// the service for the answers.
package evaluation

import (
	"slices"
	"sort"
)

// Detection scores a ranked list of suspects against the planted ones:
// the top K of the list are taken as the service's accusations.
type Detection struct {
	// K is how many of the list were taken (at most its length).
	K int `json:"k"`
	// Positives are the planted ones; Negatives the others of the universe.
	Positives int `json:"positives"`
	Negatives int `json:"negatives"`
	// TruePositives and FalsePositives split the top K.
	TruePositives  int `json:"truePositives"`
	FalsePositives int `json:"falsePositives"`
	// Recall is TruePositives / Positives.
	Recall float64 `json:"recall"`
	// FalsePositiveRate is FalsePositives / Negatives: the share of the
	// innocent that were accused.
	FalsePositiveRate float64 `json:"falsePositiveRate"`
	// FalseDiscoveryRate is FalsePositives / K: the share of the
	// accusations that were wrong, which is what an analyst working down
	// the list feels.
	FalseDiscoveryRate float64 `json:"falseDiscoveryRate"`
}

// TopK scores the first k of ranked (all of it when k <= 0 or k exceeds
// its length) against positives, within a universe of the given size (the
// number of entities of the kind scored). Duplicates in ranked count once.
func TopK(ranked []string, positives []string, universe, k int) Detection {
	pos := map[string]bool{}
	for _, p := range positives {
		pos[p] = true
	}
	if k <= 0 || k > len(ranked) {
		k = len(ranked)
	}
	d := Detection{K: k, Positives: len(pos), Negatives: max(0, universe-len(pos))}
	seen := map[string]bool{}
	for _, id := range ranked[:k] {
		if seen[id] {
			continue
		}
		seen[id] = true
		if pos[id] {
			d.TruePositives++
		} else {
			d.FalsePositives++
		}
	}
	d.Recall = ratio(d.TruePositives, d.Positives)
	d.FalsePositiveRate = ratio(d.FalsePositives, d.Negatives)
	d.FalseDiscoveryRate = ratio(d.FalsePositives, k)
	return d
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// RingScore is how well one planted ring was recovered: the found ring
// that overlaps it most and their Jaccard index.
type RingScore struct {
	Name    string  `json:"name"`
	Members int     `json:"members"`
	Found   string  `json:"found,omitempty"`
	Jaccard float64 `json:"jaccard"`
}

// Jaccard is |a ∩ b| / |a ∪ b|, 0 for two empty sets.
func Jaccard(a, b []string) float64 {
	in := map[string]bool{}
	for _, x := range a {
		in[x] = true
	}
	union := len(in)
	inter := 0
	seen := map[string]bool{}
	for _, x := range b {
		if seen[x] {
			continue
		}
		seen[x] = true
		if in[x] {
			inter++
		} else {
			union++
		}
	}
	return ratio(inter, union)
}

// MatchRings scores each planted ring (name → members) by its best match
// among the found rings (id → members). Rings come back in name order.
func MatchRings(planted, found map[string][]string) []RingScore {
	names := make([]string, 0, len(planted))
	for n := range planted {
		names = append(names, n)
	}
	sort.Strings(names)
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]RingScore, 0, len(names))
	for _, n := range names {
		s := RingScore{Name: n, Members: len(planted[n])}
		for _, id := range ids {
			if j := Jaccard(planted[n], found[id]); j > s.Jaccard {
				s.Jaccard, s.Found = j, id
			}
		}
		out = append(out, s)
	}
	return out
}

// MeanJaccard averages the rings' scores (0 when there are none).
func MeanJaccard(scores []RingScore) float64 {
	if len(scores) == 0 {
		return 0
	}
	sum := 0.0
	for _, s := range scores {
		sum += s.Jaccard
	}
	return sum / float64(len(scores))
}

// TrailRecall scores the money trails: of the planted victim→exit paths,
// how many the service's trails recovered. reached maps each victim's
// account to the exits its forward trail reached with some money.
type TrailRecall struct {
	Planted   int     `json:"planted"`
	Recovered int     `json:"recovered"`
	Recall    float64 `json:"recall"`
	// Missed lists the first missed paths as "victim -> exit".
	Missed []string `json:"missed,omitempty"`
}

// maxMissedListed keeps the report short.
const maxMissedListed = 10

// ScoreTrails computes TrailRecall from planted (victim, exit) pairs.
func ScoreTrails(planted [][2]string, reached map[string][]string) TrailRecall {
	r := TrailRecall{}
	seen := map[[2]string]bool{}
	for _, p := range planted {
		if seen[p] {
			continue
		}
		seen[p] = true
		r.Planted++
		if slices.Contains(reached[p[0]], p[1]) {
			r.Recovered++
		} else if len(r.Missed) < maxMissedListed {
			r.Missed = append(r.Missed, p[0]+" -> "+p[1])
		}
	}
	r.Recall = ratio(r.Recovered, r.Planted)
	return r
}
