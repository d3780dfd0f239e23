package apitest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/rediscache"
)

// faultProxy forwards TCP between the cache's client and a Redis until it
// is told to black-hole: from then on it keeps accepting connections and
// reading what the client sends, and forwards nothing either way, the way a
// Redis behind a dead network path or a stalled host looks to a client.
type faultProxy struct {
	ln       net.Listener
	upstream string
	holed    atomic.Bool
	wg       sync.WaitGroup
}

func mustFaultProxy(t testing.TB, upstream string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, upstream: upstream}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

func (p *faultProxy) addr() string { return p.ln.Addr().String() }

func (p *faultProxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer client.Close()
			var server net.Conn
			if !p.holed.Load() {
				server, _ = net.Dial("tcp", p.upstream)
			}
			if server == nil {
				io.Copy(io.Discard, client)
				return
			}
			defer server.Close()
			go p.pipe(client, server)
			p.pipe(server, client)
		}()
	}
}

// pipe copies src to dst until either fails or the proxy black-holes,
// after which it only drains src.
func (p *faultProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.holed.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// commandLog is a go-redis hook that records when each command (or
// pipeline) started and how long it took, so the test can count the calls
// that went to Redis after a fault and report how long they waited.
type commandLog struct {
	mu    sync.Mutex
	calls []redisCall
}

type redisCall struct {
	start time.Time
	took  time.Duration
	err   bool
}

func (l *commandLog) record(start time.Time, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, redisCall{start, time.Since(start), err != nil && err != redis.Nil})
}

// since returns the calls that started at or after t.
func (l *commandLog) since(t time.Time) []redisCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []redisCall
	for _, c := range l.calls {
		if !c.start.Before(t) {
			out = append(out, c)
		}
	}
	return out
}

func (l *commandLog) DialHook(next redis.DialHook) redis.DialHook { return next }

func (l *commandLog) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		l.record(start, err)
		return err
	}
}

func (l *commandLog) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		l.record(start, err)
		return err
	}
}

// errorObserver records when the cache first saw Redis fail.
type errorObserver struct {
	errors atomic.Int64
	first  atomic.Int64
}

func (o *errorObserver) CacheHit(string)  {}
func (o *errorObserver) CacheMiss(string) {}
func (o *errorObserver) CacheError(string) {
	if o.errors.Add(1) == 1 {
		o.first.Store(time.Now().UnixNano())
	}
}

// timedRequest is one lookup as a client saw it.
type timedRequest struct {
	start time.Time
	took  time.Duration
}

// TestRedisFaultsFailNoReadAndCostOneTimeout drives lookups from eight
// clients through the real handler over a cache whose Redis then fails,
// killed (connections refused) or black-holed (a proxy that accepts and
// never answers). Every request must still succeed with the right answer,
// and once the cache has seen one failure its reads leave Redis alone for
// RetryAfter: the calls that went to Redis after the first failure are at
// most the ones already under way then (one per worker and read of a
// request), however many requests follow. The latencies are reported, not
// asserted.
func TestRedisFaultsFailNoReadAndCostOneTimeout(t *testing.T) {
	s, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := demo.Load(context.Background(), s, demo.Config{Scale: 0.05}); err != nil {
		t.Fatal(err)
	}
	for _, fault := range []string{"Killed", "BlackHoled"} {
		t.Run(fault, func(t *testing.T) {
			addr, stopRedis := MustOwnRedis(t)
			proxy := mustFaultProxy(t, addr)
			// The client as cmd/scamgraph builds it: short dial and socket
			// timeouts and context deadlines honoured.
			client := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{proxy.addr()},
				DialTimeout: time.Second, ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond,
				ContextTimeoutEnabled: true})
			t.Cleanup(func() { client.Close() })
			log := &commandLog{}
			client.AddHook(log)
			obs := &errorObserver{}
			// RetryAfter outlasts the faulty phase, so that any read that
			// goes to Redis after the first failure is one too many.
			cached := rediscache.New(s, client, rediscache.Options{Logger: zerolog.Nop(), Observer: obs,
				RetryAfter: time.Minute})
			ts := serve(t, backend{name: "embedded+redis", store: cached, cache: cached})

			const workers = 8
			points := demo.EntryPoints()
			var failed atomic.Int64
			var firstErr atomic.Value
			var mu sync.Mutex
			var requests []timedRequest
			var faultAt atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					hc := &http.Client{Timeout: 10 * time.Second}
					for i := w; ; i += workers {
						select {
						case <-stop:
							return
						default:
						}
						p := points[i%len(points)]
						start := time.Now()
						r, err := query(hc, ts.URL, `query($q: String!, $r: Region, $k: EntityKind) { lookup(identifier: $q, region: $r, kind: $k) { key entity { id } } }`,
							map[string]any{"q": p.LocalForm, "r": string(p.Region), "k": string(p.Kind)})
						took := time.Since(start)
						if err == nil && !containsID(r.Data, p.ID()) {
							err = fmt.Errorf("wrong answer for %s: %s", p.LocalForm, r.Data)
						}
						if err != nil {
							failed.Add(1)
							firstErr.CompareAndSwap(nil, err)
							continue
						}
						mu.Lock()
						requests = append(requests, timedRequest{start, took})
						mu.Unlock()
					}
				}()
			}
			time.Sleep(time.Second)
			faultAt.Store(time.Now().UnixNano())
			if fault == "Killed" {
				stopRedis()
			} else {
				proxy.holed.Store(true)
			}
			time.Sleep(2 * time.Second)
			close(stop)
			wg.Wait()

			if n := failed.Load(); n > 0 {
				t.Fatalf("%d reads failed with Redis %s; first: %v", n, fault, firstErr.Load())
			}
			if obs.errors.Load() == 0 {
				t.Fatalf("the cache saw no Redis failure after Redis was %s", fault)
			}
			at := time.Unix(0, faultAt.Load())
			tripped := time.Unix(0, obs.first.Load())
			var before, after []time.Duration
			for _, r := range requests {
				if r.start.Before(at) {
					before = append(before, r.took)
				} else {
					after = append(after, r.took)
				}
			}
			if len(after) < 50 {
				t.Fatalf("only %d requests after the fault: too few to show anything", len(after))
			}
			// Calls that started after the first failure was seen: at most
			// those a worker had already decided on, one per read of a
			// request (a lookup reads the entity and its summary).
			late := log.since(tripped)
			if limit := workers * 4; len(late) > limit {
				t.Errorf("%d Redis calls started after the cache saw Redis fail (at most %d were under way): reads did not leave the dead cache alone",
					len(late), limit)
			}
			var faulty []time.Duration
			for _, c := range log.since(at) {
				if c.err {
					faulty = append(faulty, c.took)
				}
			}
			t.Logf("Redis %s: %d reads before, %d after, 0 failed; first failure seen %s after the fault; %d Redis calls after it",
				fault, len(before), len(after), tripped.Sub(at).Round(time.Millisecond), len(late))
			t.Logf("Redis %s: request latency before p50 %s max %s; after p50 %s p99 %s max %s; failed Redis calls %d, slowest %s (the cache stops waiting at %s)",
				fault, pct(before, 50), pct(before, 100), pct(after, 50), pct(after, 99), pct(after, 100),
				len(faulty), pct(faulty, 100), rediscache.DefaultTimeout)
		})
	}
}

// pct is the p-th percentile of ds, rounded for a log line.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	i := min(len(ds)-1, len(ds)*p/100)
	return ds[i].Round(100 * time.Microsecond)
}
