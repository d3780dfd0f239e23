package fetch

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
)

func TestZZEval(t *testing.T) {
	ctx := context.Background()
	s, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Now()
	if _, err := demo.Load(ctx, s, demo.Config{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("load %v", time.Since(t0))
	var truth map[string][]string
	b, _ := os.ReadFile("/tmp/truth.json")
	json.Unmarshal(b, &truth)
	p := analytics.DefaultParams(demo.Epoch.Add(182 * 24 * time.Hour))
	t0 = time.Now()
	tr, err := RunTriage(ctx, s, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("triage %v, %d scored", time.Since(t0), len(tr.Risks))
	cat := map[string]string{}
	for k, ids := range truth {
		for _, id := range ids {
			cat[id] = k
		}
	}
	for k, ids := range truth {
		lv := map[analytics.Level]int{}
		for _, id := range ids {
			r, ok := tr.Risks[id]
			if !ok {
				lv["UNSCORED"]++
				continue
			}
			lv[r.Level]++
		}
		t.Logf("%-10s %d: %v", k, len(ids), lv)
	}
	fp := map[intel.Kind]map[analytics.Level]int{}
	var fps []string
	for id, r := range tr.Risks {
		if _, ok := cat[id]; ok {
			continue
		}
		k, _, _ := intel.SplitEntityID(id)
		if fp[k] == nil {
			fp[k] = map[analytics.Level]int{}
		}
		fp[k][r.Level]++
		if r.Level.Rank() >= 2 && (k == intel.KindPhoneNumber || k == intel.KindBankAccount) {
			fps = append(fps, id)
		}
	}
	for k, v := range fp {
		t.Logf("other %-16s %v", k, v)
	}
	sort.Strings(fps)
	for i, id := range fps {
		if i > 15 {
			break
		}
		r := tr.Risks[id]
		t.Logf("FP %s %d %s", id, r.Score, r.Reasons[0].Text)
		for _, rr := range r.Reasons[1:] {
			t.Logf("     %d %s", rr.Points, rr.Text)
		}
	}
	for _, k := range []string{"staff", "rack", "roaming", "cashout", "collectors", "layer3"} {
		for i, id := range truth[k] {
			r := tr.Risks[id]
			if r.Level.Rank() >= 2 || i > 400 {
				continue
			}
			t.Logf("%s %s %d %s", k, id, r.Score, r.Level)
			for _, rr := range r.Reasons {
				t.Logf("     %d %s", rr.Points, rr.Text)
			}
		}
	}
}
