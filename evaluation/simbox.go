package evaluation

import (
	"context"
	"slices"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/usecase"
)

// SIMBoxRecall scores the SIM-box findings against the planted racks: a
// planted line is found when its own risk carries a SIM_BOX finding; a
// number is wrongly grouped when it is not a planted line yet carries one
// or is named as a member of one.
type SIMBoxRecall struct {
	// Planted counts the planted SIM-box lines, hubs included; Found
	// those with a SIM_BOX finding.
	Planted int     `json:"planted"`
	Found   int     `json:"found"`
	Recall  float64 `json:"recall"`
	// PerBox is, per planted rack in the truth's order, lines found of
	// lines planted.
	PerBox [][2]int `json:"perBox"`
	// FalsePositives are the numbers in a SIM_BOX finding (its subject or
	// a member) that no rack holds, sorted; Checked counts the numbers
	// whose findings were read (the planted lines and every number on the
	// risk list).
	FalsePositives []string `json:"falsePositives"`
	Checked        int      `json:"checked"`
}

// ScoreSIMBoxes scores the SIM_BOX findings of the numbers in risks (the
// planted lines and whatever else was read) against the planted racks.
func ScoreSIMBoxes(boxes []demo.SIMBox, risks map[string]analytics.Risk) SIMBoxRecall {
	planted := map[string]bool{}
	var out SIMBoxRecall
	for _, b := range boxes {
		found := 0
		for _, s := range b.SIMs {
			planted[s] = true
			if boxFinding(risks[s]) != nil {
				found++
			}
		}
		out.Planted += len(b.SIMs)
		out.Found += found
		out.PerBox = append(out.PerBox, [2]int{found, len(b.SIMs)})
	}
	out.Recall = ratio(out.Found, out.Planted)
	out.Checked = len(risks)
	wrong := map[string]bool{}
	for id, r := range risks {
		f := boxFinding(r)
		if f == nil {
			continue
		}
		for _, m := range append([]string{id}, f.Entities...) {
			if !planted[m] {
				wrong[m] = true
			}
		}
	}
	out.FalsePositives = []string{}
	for id := range wrong {
		out.FalsePositives = append(out.FalsePositives, id)
	}
	slices.Sort(out.FalsePositives)
	return out
}

func boxFinding(r analytics.Risk) *analytics.Finding {
	for i := range r.Findings {
		if r.Findings[i].Kind == analytics.FindingSIMBox {
			return &r.Findings[i]
		}
	}
	return nil
}

// simBoxRisks reads the risks of the planted SIM-box lines, in pages, and
// adds them to listed (the risk list's), which already holds the others.
func simBoxRisks(ctx context.Context, r usecase.Reader, boxes []demo.SIMBox, listed map[string]analytics.Risk) error {
	var ids []string
	for _, b := range boxes {
		for _, s := range b.SIMs {
			if _, ok := listed[s]; !ok {
				ids = append(ids, s)
			}
		}
	}
	for start := 0; start < len(ids); start += usecase.MaxRiskPage {
		got, err := r.Risks(ctx, ids[start:min(start+usecase.MaxRiskPage, len(ids))])
		if err != nil {
			return err
		}
		for id, risk := range got {
			listed[id] = risk
		}
	}
	return nil
}
