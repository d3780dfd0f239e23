package peers

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// ProfileDir is where, beside the report, the CPU profiles of the
// ScamGraph targets go: one per world, target and profiled workload, named
// world-target-workload.pprof, taken over the measured part of the run at
// the highest concurrency. `go tool pprof -top` reads them.
const ProfileDir = "pprof"

// profileName is the file a profile of target t running workload w in
// world tag is written to, under ProfileDir.
func profileName(tag, t, w string) string { return fmt.Sprintf("%s-%s-%s.pprof", tag, t, w) }

// captureCPU samples a target's CPU (its --pprof-addr, pprofBase) over the
// measured part of a run: it waits out warmup, then asks for a profile of
// duration, whole seconds and at least one, and writes it to path. The
// channel it returns gives the outcome once the profile is written.
func captureCPU(ctx context.Context, pprofBase string, warmup, duration time.Duration, path string) <-chan error {
	done := make(chan error, 1)
	go func() {
		select {
		case <-time.After(warmup):
		case <-ctx.Done():
			done <- ctx.Err()
			return
		}
		secs := max(1, int(duration.Round(time.Second)/time.Second))
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", pprofBase, secs), nil)
		if err != nil {
			done <- err
			return
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- fmt.Errorf("CPU profile: %w", err)
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			done <- fmt.Errorf("CPU profile: %s", resp.Status)
			return
		}
		f, err := os.Create(path)
		if err != nil {
			done <- err
			return
		}
		_, err = io.Copy(f, resp.Body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		done <- err
	}()
	return done
}

// share is a part of a profile's samples: a package's or a function's.
type share struct {
	Name  string
	Share float64
}

// profileSummary is what the report says of one profile: the CPU it
// sampled over how long, where that time was spent by package (the
// functions running, not their callers) and the functions that ran most.
type profileSummary struct {
	File      string
	CPU, Wall time.Duration
	Packages  []share
	Functions []share
}

// summarize reads a CPU profile and keeps its top n packages and functions
// by the samples spent in them.
func summarize(path string, n int) (profileSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return profileSummary{}, err
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return profileSummary{}, fmt.Errorf("%s: %w", path, err)
	}
	// The CPU sample type is the last, in nanoseconds.
	v := len(p.SampleType) - 1
	byPkg, byFunc := map[string]int64{}, map[string]int64{}
	var total int64
	for _, s := range p.Sample {
		if len(s.Location) == 0 || len(s.Value) <= v {
			continue
		}
		total += s.Value[v]
		name := "?"
		if lines := s.Location[0].Line; len(lines) > 0 && lines[0].Function != nil {
			name = lines[0].Function.Name
		}
		byFunc[name] += s.Value[v]
		byPkg[packageOf(name)] += s.Value[v]
	}
	out := profileSummary{File: filepath.Base(path), CPU: time.Duration(total), Wall: time.Duration(p.DurationNanos)}
	out.Packages, out.Functions = topShares(byPkg, total, n), topShares(byFunc, total, n)
	return out, nil
}

// packageOf is the import path of a function's package, as pprof names
// functions ("github.com/x/y.(*T).M" is in "github.com/x/y").
func packageOf(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	if dot := strings.IndexByte(fn[slash+1:], '.'); dot >= 0 {
		return fn[:slash+1+dot]
	}
	return fn
}

func topShares(m map[string]int64, total int64, n int) []share {
	var out []share
	for name, v := range m {
		out = append(out, share{Name: name, Share: float64(v) / float64(max(total, 1))})
	}
	slices.SortFunc(out, func(a, b share) int {
		if c := cmp.Compare(b.Share, a.Share); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out[:min(n, len(out))]
}

// profilesSection is the report's account of the profiles in out's
// ProfileDir, or "" when there are none.
func profilesSection(out string) (string, error) {
	files, err := filepath.Glob(filepath.Join(out, ProfileDir, "*.pprof"))
	if err != nil || len(files) == 0 {
		return "", err
	}
	slices.Sort(files)
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Profiles\n\nCPU profiles of the ScamGraph targets over the measured part of a run at the highest "+
		"concurrency, in `%s/` beside this report (`go tool pprof -top %s/<file>`; `-http :8000` for the graph). "+
		"Each row: the CPU the target's process used while sampled, the packages whose functions ran most "+
		"(their own time, not their callees'), and the functions that ran most.\n\n"+
		"| profile | CPU / wall | by package | by function |\n|---|---:|---|---|\n", ProfileDir, ProfileDir)
	for _, f := range files {
		s, err := summarize(f, 5)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "| [%s](%s/%s) | %.1fs / %.1fs | %s | %s |\n", strings.TrimSuffix(s.File, ".pprof"), ProfileDir, s.File,
			s.CPU.Seconds(), s.Wall.Seconds(), sharesText(s.Packages), sharesText(s.Functions))
	}
	return b.String(), nil
}

func sharesText(ss []share) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = fmt.Sprintf("`%s` %.0f%%", strings.TrimPrefix(s.Name, "github.com/scamgraph/scamgraph/"), 100*s.Share)
	}
	return strings.Join(parts, ", ")
}
