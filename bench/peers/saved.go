package peers

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
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
	Worlds           []World
	Targets          []Target
	Concurrency      []int
	Warmup, Duration time.Duration
	Started          time.Time
}

func (r *Run) save() error {
	s := saved{Machine: r.Machine, Targets: r.Targets,
		Concurrency: r.Config.Concurrency, Warmup: r.Config.Warmup, Duration: r.Config.Duration, Started: r.Started}
	for _, w := range r.Worlds {
		results := w.Results
		w.Results = nil
		for _, res := range results {
			if n := len(res.Latencies); n > savedLatencies {
				kept := make([]time.Duration, savedLatencies)
				for i := range kept {
					kept[i] = res.Latencies[i*(n-1)/(savedLatencies-1)]
				}
				res.Latencies = kept
			}
			w.Results = append(w.Results, res)
		}
		s.Worlds = append(s.Worlds, w)
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
	if len(s.Worlds) == 0 {
		return fmt.Errorf("%s holds no world's results", savedFile)
	}
	r.Machine, r.Worlds, r.Targets, r.Started = s.Machine, s.Worlds, s.Targets, s.Started
	r.Config.Concurrency, r.Config.Warmup, r.Config.Duration = s.Concurrency, s.Warmup, s.Duration
	r.Config.Scale, r.Config.LargeScale = s.Worlds[0].Scale, 0
	if len(s.Worlds) > 1 {
		r.Config.LargeScale = s.Worlds[1].Scale
	}
	r.setView(0)
	return nil
}
