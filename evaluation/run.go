package evaluation

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// Targets are what the issue asks of the service on a planted world.
const (
	TargetRecall      = 0.95
	TargetFalsePos    = 0.05
	TargetRingJaccard = 0.9
)

// Report is what an evaluation prints: the world, how loading it went,
// and each figure.
type Report struct {
	Seed       int64         `json:"seed"`
	Scale      float64       `json:"scale"`
	Background float64       `json:"background"`
	Store      string        `json:"store"`
	Entities   int           `json:"entities"`
	Links      int           `json:"links"`
	Loaded     ingest.Totals `json:"loaded"`
	LoadTime   time.Duration `json:"loadTime"`
	// ScamNumbers and Mules score the top-K of the risk list by kind.
	ScamNumbers *Detection `json:"scamNumbers"`
	Mules       *Detection `json:"mules"`
	// Rings score the planted rings against the rings found.
	Rings       []RingScore `json:"rings"`
	MeanJaccard *float64    `json:"meanJaccard"`
	// SIMBoxes score the SIM-box findings against the planted racks.
	SIMBoxes *SIMBoxRecall `json:"simBoxes"`
	// Trails score the planted victim→exit money paths.
	Trails    TrailRecall   `json:"trails"`
	TrailTime time.Duration `json:"trailTime"`
	// Innocent is the falsely reported number's score and level.
	Innocent      string `json:"innocent"`
	InnocentScore *int   `json:"innocentScore"`
	InnocentLevel string `json:"innocentLevel,omitempty"`
}

// Load ingests the records of a world written by demo.WriteWorld through
// the service's ingest path, as the operator of the store.
func Load(ctx context.Context, svc *usecase.Service, dir string) (ingest.Totals, error) {
	f, err := os.Open(filepath.Join(dir, demo.RecordsFile))
	if err != nil {
		return ingest.Totals{}, err
	}
	defer f.Close()
	dec, err := ingest.NewDecoder(f, ingest.FormatNDJSON, "")
	if err != nil {
		return ingest.Totals{}, err
	}
	var firstErr error
	totals, err := svc.IngestStream(ctx, svc.Operator(access.Agency{}, access.RoleAdmin), dec, ingest.Options{},
		func(r ingest.Result) error {
			if r.Status == ingest.StatusRejected && firstErr == nil {
				firstErr = fmt.Errorf("record on line %d rejected: %s: %s", r.Line, r.Field, r.Reason)
			}
			return nil
		})
	if err == nil && firstErr != nil {
		err = firstErr
	}
	return totals, err
}

// Options tune Run.
type Options struct {
	// TopK is how many of each risk list count as accusations; 0 means as
	// many as were planted.
	TopK int
	// Store names the backend, for the report.
	Store string
}

// Run asks the service about a loaded world and scores the answers
// against its truth. The caller is the operator's unrestricted view: the
// evaluation measures what the service can find, not what a reader may see.
func Run(ctx context.Context, svc *usecase.Service, truth demo.Truth, stats demo.Stats, opts Options) (Report, error) {
	r := Report{Seed: truth.Seed, Scale: truth.Scale, Background: truth.Background, Store: opts.Store,
		Entities: stats.Entities, Links: stats.Links, Innocent: truth.Innocent}
	start := time.Now()
	trails, err := scoreTrails(ctx, svc, truth)
	if err != nil {
		return r, err
	}
	r.Trails, r.TrailTime = trails, time.Since(start)
	c := svc.Operator(access.Agency{Code: "EVAL", Country: intel.RegionTH}, access.RoleAnalyst)
	listed := map[string]analytics.Risk{}
	phones, err := ranked(ctx, svc, c, intel.KindPhoneNumber, nil, listed)
	if err != nil {
		return r, err
	}
	if err := simBoxRisks(ctx, svc.Reader(c), truth.SIMBoxes, listed); err != nil {
		return r, err
	}
	boxes := ScoreSIMBoxes(truth.SIMBoxes, listed)
	r.SIMBoxes = &boxes
	k := opts.TopK
	if k == 0 {
		k = len(truth.ScamNumbers)
	}
	numbers := TopK(phones, truth.ScamNumbers, stats.EntitiesByKind[intel.KindPhoneNumber], k)
	r.ScamNumbers = &numbers
	// The gangs' own wallets are neither mules nor innocent: they are left
	// out of the list scored and of its universe.
	collectors := map[string]bool{}
	for _, id := range truth.Collectors {
		collectors[id] = true
	}
	accounts, err := ranked(ctx, svc, c, intel.KindBankAccount, collectors, nil)
	if err != nil {
		return r, err
	}
	k = opts.TopK
	if k == 0 {
		k = len(truth.Mules)
	}
	mules := TopK(accounts, truth.Mules, stats.EntitiesByKind[intel.KindBankAccount]-len(collectors), k)
	r.Mules = &mules
	found := map[string][]string{}
	for after := ""; ; {
		page, err := svc.Rings(ctx, c, usecase.MaxRiskPage, after)
		if err != nil {
			return r, err
		}
		for _, ring := range page.Rings {
			found[ring.ID] = ring.Members
			after = ring.ID
		}
		if !page.HasNextPage || len(page.Rings) == 0 {
			break
		}
	}
	planted := map[string][]string{}
	for _, ring := range truth.Rings {
		planted[ring.Name] = ring.Members
	}
	r.Rings = MatchRings(planted, found)
	mean := MeanJaccard(r.Rings)
	r.MeanJaccard = &mean
	risks, err := svc.Reader(c).Risks(ctx, []string{truth.Innocent})
	if err != nil {
		return r, err
	}
	if risk, ok := risks[truth.Innocent]; ok {
		score := risk.Score
		r.InnocentScore, r.InnocentLevel = &score, string(risk.Level)
	} else {
		zero := 0
		r.InnocentScore, r.InnocentLevel = &zero, string(analytics.LevelNone)
	}
	return r, nil
}

// ranked returns the risk list of one kind, every level from LOW up,
// highest first, leaving out the ids in skip; the risks listed are kept
// in risks when it is not nil.
func ranked(ctx context.Context, svc *usecase.Service, c *usecase.Caller, kind intel.Kind, skip map[string]bool,
	risks map[string]analytics.Risk) ([]string, error) {
	var out []string
	for after := ""; ; {
		page, err := svc.RiskList(ctx, c, usecase.RiskListQuery{Kind: kind, Level: analytics.LevelLow, First: usecase.MaxRiskPage, After: after})
		if err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			if !skip[it.Entity.ID] {
				out = append(out, it.Entity.ID)
			}
			if risks != nil {
				risks[it.Entity.ID] = it.Risk
			}
			after = it.Cursor
		}
		if !page.HasNextPage || len(page.Items) == 0 {
			return out, nil
		}
	}
}

// ServiceOptions are the service's options for an evaluation: risk scored
// as of the world's end (demo.End), as an analyst would have the day
// after, rather than years later when every report has decayed.
func ServiceOptions() usecase.Options {
	return usecase.Options{Analytics: usecase.AnalyticsOptions{Now: func() time.Time { return demo.End }}}
}

// scoreTrails follows every planted victim's money forward from its first
// payment and checks which exits the trail reached.
func scoreTrails(ctx context.Context, svc *usecase.Service, truth demo.Truth) (TrailRecall, error) {
	var planted [][2]string
	since := map[string]time.Time{}
	for _, p := range truth.MoneyPaths {
		planted = append(planted, [2]string{p.Victim, p.Exit})
		if s, ok := since[p.Victim]; !ok || p.Paid.Before(s) {
			since[p.Victim] = p.Paid
		}
	}
	victims := make([]string, 0, len(since))
	for v := range since {
		victims = append(victims, v)
	}
	sort.Strings(victims)
	reached := map[string][]string{}
	for _, v := range victims {
		c := svc.Operator(access.Agency{Code: "EVAL", Country: intel.RegionTH}, access.RoleAnalyst)
		tr, err := svc.MoneyTrail(ctx, c, usecase.MoneyTrailQuery{From: v, Direction: analytics.TrailForward,
			Window: intel.TimeWindow{Since: since[v]}, MaxHops: analytics.DefaultTrailHops})
		if err != nil {
			return TrailRecall{}, fmt.Errorf("money trail from %s: %w", v, err)
		}
		for _, a := range tr.Accounts {
			if a.ID != v && len(a.Reachable) > 0 {
				reached[v] = append(reached[v], a.ID)
			}
		}
	}
	return ScoreTrails(planted, reached), nil
}

// Print writes the report for a person.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "world: seed %d, scale %g, background %g: %d entities, %d links\n", r.Seed, r.Scale, r.Background, r.Entities, r.Links)
	fmt.Fprintf(w, "loaded into %s through the ingest path: %d records, %d accepted, %d duplicate, %d rejected, in %s\n",
		r.Store, r.Loaded.Records, r.Loaded.Accepted, r.Loaded.Duplicate, r.Loaded.Rejected, r.LoadTime.Round(time.Millisecond))
	detection := func(name string, d *Detection) {
		if d == nil {
			fmt.Fprintf(w, "%-24s not available\n", name+":")
			return
		}
		fmt.Fprintf(w, "%-24s recall %.3f (target ≥ %.2f), false-positive rate %.4f (target ≤ %.2f), top %d: %d right, %d wrong (false discovery %.3f)\n",
			name+":", d.Recall, TargetRecall, d.FalsePositiveRate, TargetFalsePos, d.K, d.TruePositives, d.FalsePositives, d.FalseDiscoveryRate)
	}
	detection("scam numbers", r.ScamNumbers)
	detection("mule accounts", r.Mules)
	if r.MeanJaccard == nil {
		fmt.Fprintf(w, "%-24s not available\n", "rings:")
	} else {
		fmt.Fprintf(w, "%-24s mean Jaccard %.3f (target ≥ %.2f)\n", "rings:", *r.MeanJaccard, TargetRingJaccard)
		for _, s := range r.Rings {
			fmt.Fprintf(w, "  %-22s %3d members, best match %s, Jaccard %.3f\n", s.Name, s.Members, s.Found, s.Jaccard)
		}
	}
	if b := r.SIMBoxes; b == nil {
		fmt.Fprintf(w, "%-24s not available\n", "SIM boxes:")
	} else {
		fmt.Fprintf(w, "%-24s recall %.3f: %d of %d planted lines in a SIM_BOX finding (per rack %v); %d numbers not planted in one, of %d checked\n",
			"SIM boxes:", b.Recall, b.Found, b.Planted, b.PerBox, len(b.FalsePositives), b.Checked)
		for _, id := range b.FalsePositives[:min(10, len(b.FalsePositives))] {
			fmt.Fprintf(w, "  wrongly grouped %s\n", id)
		}
	}
	fmt.Fprintf(w, "%-24s %d of %d planted victim→exit paths recovered, recall %.3f, in %s\n", "money trails:",
		r.Trails.Recovered, r.Trails.Planted, r.Trails.Recall, r.TrailTime.Round(time.Millisecond))
	for _, m := range r.Trails.Missed {
		fmt.Fprintf(w, "  missed %s\n", m)
	}
	if r.InnocentScore == nil {
		fmt.Fprintf(w, "%-24s %s: not available\n", "innocent number:", r.Innocent)
	} else {
		fmt.Fprintf(w, "%-24s %s: score %d, level %s (target below MEDIUM)\n", "innocent number:", r.Innocent, *r.InnocentScore, r.InnocentLevel)
	}
}
