package evaluation_test

import (
	"context"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/evaluation"
	"github.com/scamgraph/scamgraph/usecase"
)

// TestEvaluationOfATinyWorld runs the whole evaluation on a tiny world:
// written as records, loaded through the ingest path, asked and scored.
// It asserts that the report carries every figure, and that every planted
// victim→exit money path is recovered; the quality of the other figures
// is for the evaluation to show, not for a test to pin.
func TestEvaluationOfATinyWorld(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	stats, truth, err := demo.WriteWorld(dir, demo.Config{Scale: 0.05, Background: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	read, err := demo.ReadTruth(dir)
	if err != nil || read.Innocent != truth.Innocent || len(read.MoneyPaths) != len(truth.MoneyPaths) {
		t.Fatalf("truth file read back as %+v (%v)", read, err)
	}
	if len(truth.Rings) == 0 || len(truth.ScamNumbers) == 0 || len(truth.Mules) == 0 || len(truth.SIMBoxes) == 0 ||
		len(truth.SpoofingVoIP) == 0 || len(truth.MoneyPaths) == 0 || truth.Innocent == "" {
		t.Fatalf("the truth misses a planted part: %+v", truth)
	}
	store, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := usecase.New(store, nil, evaluation.ServiceOptions())
	totals, err := evaluation.Load(ctx, svc, dir)
	if err != nil {
		t.Fatal(err)
	}
	if totals.Rejected != 0 || totals.Accepted != stats.Links {
		t.Fatalf("loaded %+v, want all %d records accepted", totals, stats.Links)
	}
	// The ingest path stores the planted artefacts under the ids the truth names.
	ids := append(append([]string{truth.Innocent}, truth.Mules...), truth.ScamNumbers...)
	found, err := store.GetEntities(ctx, ids)
	if err != nil || len(found) != len(ids) {
		t.Fatalf("%d of %d planted artefacts stored (%v)", len(found), len(ids), err)
	}
	r, err := evaluation.Run(ctx, svc, truth, stats, evaluation.Options{Store: "embedded"})
	if err != nil {
		t.Fatal(err)
	}
	r.Loaded = totals
	if r.Trails.Planted != len(truth.MoneyPaths) || r.Trails.Recall != 1 {
		t.Errorf("money trails %+v, want all %d planted paths recovered", r.Trails, len(truth.MoneyPaths))
	}
	var out strings.Builder
	r.Print(&out)
	for _, figure := range []string{"scam numbers:", "mule accounts:", "rings:", "SIM boxes:", "money trails:", "innocent number:"} {
		if !strings.Contains(out.String(), figure) {
			t.Errorf("the report has no %q line:\n%s", figure, out.String())
		}
	}
	if r.SIMBoxes == nil || r.SIMBoxes.Planted == 0 {
		t.Errorf("SIM boxes scored as %+v, want the planted lines counted", r.SIMBoxes)
	}
	if r.ScamNumbers == nil || r.Mules == nil || r.MeanJaccard == nil || len(r.Rings) != len(truth.Rings) || r.InnocentScore == nil {
		t.Errorf("the report misses a figure: %+v", r)
	}
	if r.ScamNumbers != nil && (r.ScamNumbers.Positives != len(truth.ScamNumbers) || r.ScamNumbers.K == 0) {
		t.Errorf("scam numbers scored as %+v, want the %d planted", r.ScamNumbers, len(truth.ScamNumbers))
	}
}
