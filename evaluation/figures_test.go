package evaluation_test

import (
	"testing"

	"github.com/scamgraph/scamgraph/evaluation"
)

// checkRiskFigures requires the figures that need the risk list and the
// rings. Until the analytics branch is merged they are reported as not
// available, and say so.
func checkRiskFigures(t *testing.T, r evaluation.Report) {
	t.Helper()
	if r.ScamNumbers == nil || r.Mules == nil || r.MeanJaccard == nil || r.InnocentScore == nil {
		if len(r.NotAvailable) == 0 {
			t.Errorf("risk or ring figures missing without a word: %+v", r)
		}
	}
}
