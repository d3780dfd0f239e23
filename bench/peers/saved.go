package peers

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/scamgraph/scamgraph/demo"
)

// savedFile keeps a run's read results beside the report, so that a run
// of the ingest workloads alone (Config.IngestOnly) can rewrite the report
// with them. It holds an API key of the run and is not committed.
const savedFile = "results.json"

// savedLatencies is how many latencies per result are kept: evenly spaced
// through the sorted list, enough for every percentile the report shows.
const savedLatencies = 2000

// saved is the part of a Run that results.json keeps.
type saved struct {
	Machine          string
	World            demo.Stats
	Questions        Questions
	Targets          []Target
	Results          []Result
	Scale            float64
	Concurrency      []int
	Warmup, Duration time.Duration
	Started          time.Time
}

func (r *Run) save() error {
	s := saved{Machine: r.Machine, World: r.World, Questions: r.Questions, Targets: r.Targets, Scale: r.Config.Scale,
		Concurrency: r.Config.Concurrency, Warmup: r.Config.Warmup, Duration: r.Config.Duration, Started: r.Started}
	for _, res := range r.Results {
		if n := len(res.Latencies); n > savedLatencies {
			kept := make([]time.Duration, savedLatencies)
			for i := range kept {
				kept[i] = res.Latencies[i*(n-1)/(savedLatencies-1)]
			}
			res.Latencies = kept
		}
		s.Results = append(s.Results, res)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(r.Config.Out, savedFile), b, 0o600)
}

// restore loads the read results of the last full run into r.
func (r *Run) restore() error {
	b, err := os.ReadFile(filepath.Join(r.Config.Out, savedFile))
	if err != nil {
		return err
	}
	var s saved
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	r.Machine, r.World, r.Questions, r.Targets, r.Results, r.Started = s.Machine, s.World, s.Questions, s.Targets, s.Results, s.Started
	r.Config.Scale, r.Config.Concurrency, r.Config.Warmup, r.Config.Duration = s.Scale, s.Concurrency, s.Warmup, s.Duration
	return nil
}
