package demo

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// dice is the world's source of chance. Every part of the world (the
// population, each call centre, the mules, ...) rolls its own dice, seeded
// from the world seed and the part's name, so that changing how one part is
// built leaves the draws of every other part as they were.
type dice struct{ *rand.Rand }

// newDice seeds a PCG generator from the world seed and a part name.
func newDice(seed int64, part string) dice {
	h := fnv.New64a()
	h.Write([]byte(part))
	return dice{rand.New(rand.NewPCG(uint64(seed), h.Sum64()))}
}

// chance is true with probability p.
func (d dice) chance(p float64) bool { return d.Float64() < p }

// between returns an integer in [lo, hi], both included.
func (d dice) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + d.IntN(hi-lo+1)
}

// uniform returns a float in [lo, hi).
func (d dice) uniform(lo, hi float64) float64 { return lo + d.Float64()*(hi-lo) }

// digits returns n random decimal digits, leading zeros allowed.
func (d dice) digits(n int) string {
	var b strings.Builder
	b.Grow(n)
	for i := 0; i < n; i++ {
		b.WriteByte(byte('0' + d.IntN(10)))
	}
	return b.String()
}

// pick returns one element of s, which must not be empty.
func pick[T any](d dice, s []T) T { return s[d.IntN(len(s))] }

// logNormal draws a positive amount whose logarithm is normal: most money
// moves in small sums, a few transfers are large, as in real statements.
func (d dice) logNormal(median, sigma float64) float64 {
	return median * math.Exp(d.NormFloat64()*sigma)
}

// money formats an amount with two decimals, as bank statements do.
func money(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64) }

// weighted draws indexes in proportion to fixed weights, by binary search
// over the cumulative sums: the way the world makes a few people, mules or
// victims far busier than the rest.
type weighted struct{ cum []float64 }

// newWeighted prepares a draw over weights, which must not all be zero.
func newWeighted(weights []float64) weighted {
	cum := make([]float64, len(weights))
	total := 0.0
	for i, w := range weights {
		total += w
		cum[i] = total
	}
	return weighted{cum: cum}
}

// draw returns an index with probability proportional to its weight.
func (w weighted) draw(d dice) int {
	x := d.Float64() * w.cum[len(w.cum)-1]
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if w.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
