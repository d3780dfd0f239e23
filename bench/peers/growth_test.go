package peers

import (
	"math"
	"testing"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
)

// ScaleFor finds the scale of a world of a given size, though the world
// does not grow linearly with its scale: the world at the scale it gives
// for the links of the world at 1.5 holds them within 2%.
func TestScaleForFindsTheSize(t *testing.T) {
	count := func(scale float64) int {
		stats, err := demo.Generate(demo.Config{Scale: scale}, func(intel.Batch) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		return stats.Links
	}
	want := count(1.5)
	scale, err := ScaleFor(want)
	if err != nil {
		t.Fatal(err)
	}
	if got := count(scale); math.Abs(float64(got-want)) > 0.02*float64(want) {
		t.Errorf("ScaleFor(%d) = %.3f, whose world holds %d links", want, scale, got)
	}
}
