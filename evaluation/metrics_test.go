package evaluation_test

import (
	"math"
	"slices"
	"testing"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/evaluation"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestTopK(t *testing.T) {
	ranked := []string{"s1", "x1", "s2", "s2", "x2", "s3"}
	d := evaluation.TopK(ranked, []string{"s1", "s2", "s3", "s4"}, 104, 5)
	if d.K != 5 || d.TruePositives != 2 || d.FalsePositives != 2 || d.Positives != 4 || d.Negatives != 100 {
		t.Fatalf("got %+v", d)
	}
	if !near(d.Recall, 0.5) || !near(d.FalsePositiveRate, 0.02) || !near(d.FalseDiscoveryRate, 0.4) {
		t.Errorf("rates %+v", d)
	}
	if all := evaluation.TopK(ranked, []string{"s1"}, 10, 0); all.K != len(ranked) {
		t.Errorf("k 0 takes %d, want the whole list", all.K)
	}
	if empty := evaluation.TopK(nil, nil, 0, 3); empty.Recall != 0 || empty.FalsePositiveRate != 0 {
		t.Errorf("empty %+v", empty)
	}
}

func TestJaccardAndRings(t *testing.T) {
	if j := evaluation.Jaccard([]string{"a", "b", "c"}, []string{"b", "c", "d", "d"}); !near(j, 0.5) {
		t.Errorf("jaccard = %v, want 0.5", j)
	}
	if j := evaluation.Jaccard(nil, nil); j != 0 {
		t.Errorf("jaccard of empties = %v", j)
	}
	scores := evaluation.MatchRings(
		map[string][]string{"poipet": {"a", "b", "c", "d"}, "bavet": {"x", "y"}},
		map[string][]string{"r1": {"a", "b", "c"}, "r2": {"x", "y", "z", "a"}, "r3": {"q"}})
	if len(scores) != 2 || scores[0].Name != "bavet" || scores[0].Found != "r2" || !near(scores[0].Jaccard, 0.5) ||
		scores[1].Found != "r1" || !near(scores[1].Jaccard, 0.75) {
		t.Fatalf("scores %+v", scores)
	}
	if m := evaluation.MeanJaccard(scores); !near(m, 0.625) {
		t.Errorf("mean %v", m)
	}
}

func TestScoreTrails(t *testing.T) {
	planted := [][2]string{{"v1", "e1"}, {"v1", "e2"}, {"v2", "e1"}, {"v2", "e1"}}
	r := evaluation.ScoreTrails(planted, map[string][]string{"v1": {"e1", "e9"}, "v2": {"e1"}})
	if r.Planted != 3 || r.Recovered != 2 || !near(r.Recall, 2.0/3) || len(r.Missed) != 1 || r.Missed[0] != "v1 -> e2" {
		t.Fatalf("got %+v", r)
	}
}

func TestScoreSIMBoxes(t *testing.T) {
	box := func(members ...string) analytics.Risk {
		return analytics.Risk{Findings: []analytics.Finding{{Kind: analytics.FindingSIMBox, Entities: members}}}
	}
	boxes := []demo.SIMBox{{Hub: "a1", SIMs: []string{"a1", "a2", "a3"}}, {Hub: "b1", SIMs: []string{"b1", "b2"}}}
	risks := map[string]analytics.Risk{
		"a1": box("a2", "a3", "x1"), "a2": box("a1", "a3"), "a3": {},
		"b1": box("b2"), "y1": box("y2"), "z1": {},
	}
	r := evaluation.ScoreSIMBoxes(boxes, risks)
	if r.Planted != 5 || r.Found != 3 || !near(r.Recall, 0.6) || r.PerBox[0] != [2]int{2, 3} || r.PerBox[1] != [2]int{1, 2} {
		t.Errorf("recall %+v, want 3 of 5 lines found, 2 of 3 and 1 of 2", r)
	}
	if want := []string{"x1", "y1", "y2"}; !slices.Equal(r.FalsePositives, want) || r.Checked != 6 {
		t.Errorf("false positives %v of %d, want %v of 6", r.FalsePositives, r.Checked, want)
	}
}
