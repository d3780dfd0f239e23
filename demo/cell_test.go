package demo_test

import (
	"testing"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
)

// TestSIMBoxesCallFromTheirSite: every call of a SIM box's rack, whoever
// its SIMs are registered to, is made from the box's one cell through a
// few channels' IMEIs; ordinary Thai mobiles share cells (so a shared cell
// alone marks no one) and give no IMEI.
func TestSIMBoxesCallFromTheirSite(t *testing.T) {
	var calls []intel.Link
	_, truth, err := demo.GenerateWithTruth(demo.Config{Scale: 0.5}, func(b intel.Batch) error {
		for _, l := range b.Links {
			if l.Type == intel.LinkCalled {
				calls = append(calls, l)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	box := map[string]int{}
	for i, b := range truth.SIMBoxes {
		for _, s := range b.SIMs {
			box[s] = i
		}
	}
	cells := make([]map[string]bool, len(truth.SIMBoxes))
	imeis := make([]map[string]bool, len(truth.SIMBoxes))
	for i := range cells {
		cells[i], imeis[i] = map[string]bool{}, map[string]bool{}
	}
	callers := map[string]map[string]bool{} // cell -> ordinary callers
	for _, l := range calls {
		if i, ok := box[l.From]; ok {
			cells[i][l.Attrs["cellId"]] = true
			imeis[i][l.Attrs["imei"]] = true
			continue
		}
		if c := l.Attrs["cellId"]; c != "" {
			if l.Attrs["imei"] != "" {
				t.Fatalf("ordinary call %s gives an IMEI", l.ID)
			}
			if callers[c] == nil {
				callers[c] = map[string]bool{}
			}
			callers[c][l.From] = true
		}
	}
	for i := range truth.SIMBoxes {
		if len(cells[i]) != 1 || cells[i][""] || len(imeis[i]) < 2 || len(imeis[i]) > 8 || imeis[i][""] {
			t.Errorf("SIM box %d calls from cells %v through IMEIs %v, want one cell and two to eight IMEIs", i+1, cells[i], imeis[i])
		}
	}
	shared := 0
	for _, cs := range callers {
		if len(cs) > 1 {
			shared++
		}
	}
	if shared < len(callers)/2 {
		t.Errorf("%d of %d cells serve more than one ordinary caller, want most", shared, len(callers))
	}
}
