package peers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Request is one HTTP call a target answers: a POST of Body to Path, or a
// GET when Body is nil.
type Request struct {
	Path   string
	Body   []byte
	Header http.Header
}

// Caller turns the i-th question of a workload into a request and checks
// the response body against the expected answer; a target and a workload
// together make one.
type Caller interface {
	Request(i int) Request
	Check(i int, status int, body []byte) error
}

// LoadConfig is how hard and how long the load generator drives a target.
type LoadConfig struct {
	Concurrency int
	Warmup      time.Duration
	Duration    time.Duration
}

// Result is what one load run measured: requests answered correctly per
// second, latencies of those, and every failure counted.
type Result struct {
	Target, Workload string
	Concurrency      int
	Requests         int
	Errors           int
	FirstError       string
	Elapsed          time.Duration
	// Latencies are the correct answers' latencies, sorted.
	Latencies []time.Duration
}

// Rate is correct answers per second.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Quantile is the q-th latency quantile (0 < q ≤ 1) of correct answers.
func (r Result) Quantile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(r.Latencies))+0.5) - 1
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

// Drive runs c against base with cfg.Concurrency workers that each send
// one request at a time: first for cfg.Warmup unmeasured, then for
// cfg.Duration measured. Every body is checked; a wrong answer counts as an
// error exactly like a failed request.
func Drive(ctx context.Context, client *http.Client, base string, c Caller, cfg LoadConfig) Result {
	var next atomic.Int64
	run := func(d time.Duration, record bool) (lat [][]time.Duration, errs int, first string, elapsed time.Duration) {
		lat = make([][]time.Duration, cfg.Concurrency)
		var errCount atomic.Int64
		var firstErr sync.Once
		var wg sync.WaitGroup
		start := time.Now()
		deadline := start.Add(d)
		for w := 0; w < cfg.Concurrency; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for ctx.Err() == nil && time.Now().Before(deadline) {
					i := int(next.Add(1) - 1)
					t0 := time.Now()
					err := call(ctx, client, base, c, i)
					took := time.Since(t0)
					if err != nil {
						errCount.Add(1)
						firstErr.Do(func() { first = err.Error() })
						continue
					}
					if record {
						lat[w] = append(lat[w], took)
					}
				}
			}(w)
		}
		wg.Wait()
		return lat, int(errCount.Load()), first, time.Since(start)
	}
	if cfg.Warmup > 0 {
		run(cfg.Warmup, false)
	}
	lat, errs, first, elapsed := run(cfg.Duration, true)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	return Result{Concurrency: cfg.Concurrency, Requests: len(all), Errors: errs, FirstError: first,
		Elapsed: elapsed, Latencies: all}
}

// call sends question i and checks its answer.
func call(ctx context.Context, client *http.Client, base string, c Caller, i int) error {
	r := c.Request(i)
	method := http.MethodGet
	var body io.Reader
	if r.Body != nil {
		method, body = http.MethodPost, bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+r.Path, body)
	if err != nil {
		return err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if err := c.Check(i, resp.StatusCode, b); err != nil {
		return fmt.Errorf("question %d: %w", i, err)
	}
	return nil
}

// NewClient is the load generator's HTTP client: keep-alive connections,
// enough of them for every worker, and no timeout shorter than a slow
// answer deserves.
func NewClient(concurrency int) *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		MaxIdleConns: concurrency * 2, MaxIdleConnsPerHost: concurrency * 2, IdleConnTimeout: time.Minute,
	}}
}
