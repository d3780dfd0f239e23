//go:build soak

package soak

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/rediscache"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// workers is how many clients send requests at once, each one after the
// other: bounded traffic, a few hundred requests a second on loopback.
const workers = 4

// resent is the pool of call records the writers send again and again:
// after the first round every one is a duplicate, so that the data may
// only grow by what the service keeps per request (its audit log).
const resent = 2000

// sample is one measurement of the process and its data directory.
type sample struct {
	at time.Duration
	// rss is the resident set, file mappings included (bbolt maps its
	// files, so it grows with them); anon is its anonymous part, the
	// process's own memory, measured after a collection that returns
	// free memory to the system, so that it does not swing with the
	// collector's cycle.
	rss, anon int64
	heap      uint64
	data      int64
	requests  int64
	// files is the size of each top-level entry of the data directory
	// (the store's directory, the registry), to tell which one grows.
	files map[string]int64
}

// TestSoak serves reads (lookups, neighbours, networks) and resends of
// call records, by the mutation and the stream, over the embedded store
// (with the Redis cache when REDIS_URL is set) for SCAMGRAPH_SOAK (a Go
// duration), sampling RSS and data-file size ten times. It fails on a
// failed request, or when the anonymous RSS or the store's files grew by 10% or more
// between the end of the first fifth (warm) and the end. The registry's
// file, which holds the audit log of every request, is reported apart.
func TestSoak(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("SCAMGRAPH_SOAK"))
	if err != nil || d <= 0 {
		t.Fatalf("SCAMGRAPH_SOAK=%q: want a duration such as 30m (make soak sets it from SOAK_DURATION)", os.Getenv("SCAMGRAPH_SOAK"))
	}
	dir := t.TempDir()
	store, err := embeddedstore.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	if _, err := demo.Load(ctx, store, demo.Config{Scale: 0.1}); err != nil {
		t.Fatal(err)
	}
	rec, err := embeddedstore.OpenAccessRecords(filepath.Join(dir, "access.db"))
	if err != nil {
		t.Fatal(err)
	}
	reg := access.New(rec, time.Now)
	defer reg.Close()
	keys, err := demo.SetUpAccess(ctx, reg, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var s intel.Store = store
	var cache server.CachePinger
	if url := os.Getenv("REDIS_URL"); url != "" {
		opts, err := redis.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		client := redis.NewClient(opts)
		defer client.Close()
		c := rediscache.New(store, client, rediscache.Options{Prefix: fmt.Sprintf("soak:%d:", time.Now().UnixNano())})
		s, cache = c, c
	}
	srv := server.New(server.DefaultConfig(), usecase.New(s, reg, usecase.Options{}), cache, zerolog.Nop(), server.NewMetrics())
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	reader := demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)
	writer := demo.KeyFor(keys, "TH-CCIB", access.RoleEnricher)

	var requests, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	points := demo.EntryPoints()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Timeout: 30 * time.Second}
			for i := w; ; i += workers {
				select {
				case <-stop:
					return
				default:
				}
				err := oneRequest(hc, ts.URL, reader, writer, points, i)
				requests.Add(1)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	start := time.Now()
	var samples []sample
	for i := 1; i <= 10; i++ {
		time.Sleep(time.Until(start.Add(d * time.Duration(i) / 10)))
		samples = append(samples, measure(t, time.Since(start), dir, requests.Load()))
		last := samples[len(samples)-1]
		t.Logf("soak %s: %d requests, RSS %.1f MiB (anonymous %.1f MiB), heap %.1f MiB, data %.1f MiB", last.at.Round(time.Second), last.requests,
			mib(last.rss), mib(last.anon), mib(int64(last.heap)), mib(last.data))
	}
	close(stop)
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d requests failed; first: %v", n, requests.Load(), firstErr.Load())
	}
	warm, end := samples[1], samples[len(samples)-1]
	rssGrowth := growth(warm.anon, end.anon)
	storeGrowth := growth(warm.files["store"], end.files["store"])
	auditGrowth := growth(warm.files["access.db"], end.files["access.db"])
	t.Logf("soak over %s: %d requests (%.0f/s), 0 failed; once warm (at %s): anonymous RSS %.1f → %.1f MiB (%+.1f%%; with file mappings %.1f → %.1f MiB), store files %.1f → %.1f MiB (%+.1f%%), registry with the audit log %.1f → %.1f MiB (%+.1f%%, %.0f bytes a request)",
		d, end.requests, float64(end.requests)/d.Seconds(), warm.at.Round(time.Second), mib(warm.anon), mib(end.anon), rssGrowth, mib(warm.rss), mib(end.rss),
		mib(warm.files["store"]), mib(end.files["store"]), storeGrowth,
		mib(warm.files["access.db"]), mib(end.files["access.db"]), auditGrowth,
		float64(end.files["access.db"]-warm.files["access.db"])/float64(max(1, end.requests-warm.requests)))
	if rssGrowth >= 10 {
		t.Errorf("anonymous RSS grew %.1f%% once warm, want under 10%%", rssGrowth)
	}
	if storeGrowth >= 10 {
		t.Errorf("the store's files grew %.1f%% once warm under resends only, want under 10%%", storeGrowth)
	}
	// The audit log keeps one entry per request by design (the agreement
	// requires it), so the registry grows with the traffic until a
	// retention setting prunes it; its growth is reported above, not
	// judged.
}

// oneRequest sends request i of the mix: mostly reads, one in ten a
// resend of a slice of the record pool (by the mutation or the stream).
func oneRequest(hc *http.Client, url, reader, writer string, points []demo.EntryPoint, i int) error {
	p := points[i%len(points)]
	switch i % 10 {
	case 0:
		var recs []map[string]any
		for j := range 20 {
			r := ingest.SyntheticCall((i*20 + j) % resent)
			recs = append(recs, map[string]any{"type": "call", "recordId": r.RecordID, "caller": r.Caller, "callee": r.Callee,
				"start": r.Start, "durationSec": *r.DurationSec, "evidenceRef": r.EvidenceRef, "visibility": r.Visibility})
		}
		return post(hc, url, writer, `mutation($r: [RecordInput!]!) { ingest(records: $r) { totals { rejected } } }`, map[string]any{"r": recs})
	case 5:
		var body bytes.Buffer
		enc := json.NewEncoder(&body)
		for j := range 20 {
			r := ingest.SyntheticCall((i*20 + j) % resent)
			r.Agency, r.Country = "", ""
			enc.Encode(r)
		}
		req, _ := http.NewRequest(http.MethodPost, url+"/ingest", &body)
		req.Header.Set("Authorization", "Bearer "+writer)
		res, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || strings.Contains(string(b), `"REJECTED"`) {
			return fmt.Errorf("ingest stream: status %d: %.300s", res.StatusCode, b)
		}
		return nil
	case 1, 2, 3:
		return post(hc, url, reader, `query($id: ID!) { network(seeds: [$id], depth: 2, limit: 200) { nodeCount } }`,
			map[string]any{"id": p.ID()})
	}
	return post(hc, url, reader, `query($q: String!, $r: Region, $k: EntityKind) { lookup(identifier: $q, region: $r, kind: $k) {
		key entity { id ... on PhoneNumber { links(first: 20) { totalCount edges { neighbour { id } } } } } } }`,
		map[string]any{"q": p.LocalForm, "r": string(p.Region), "k": string(p.Kind)})
}

func post(hc *http.Client, url, token, q string, vars map[string]any) error {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Purpose", "soak test")
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errors"`)) {
		return fmt.Errorf("status %d: %.300s", res.StatusCode, b)
	}
	return nil
}

// measure reads the process's RSS, the Go heap in use and the size of
// every file under dir.
func measure(t *testing.T, at time.Duration, dir string, requests int64) sample {
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := sample{at: at, heap: ms.HeapInuse, requests: requests, files: map[string]int64{}}
	s.rss, s.anon = rss(t)
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				s.data += info.Size()
				rel, _ := filepath.Rel(dir, path)
				top, _, _ := strings.Cut(rel, string(filepath.Separator))
				s.files[top] += info.Size()
			}
		}
		return nil
	})
	return s
}

// rss is the resident set size of this process and its anonymous part,
// from /proc.
func rss(t *testing.T) (total, anon int64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatalf("reading RSS: %v", err)
	}
	defer f.Close()
	kb := func(v string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		return n << 10
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			total = kb(v)
		}
		if v, ok := strings.CutPrefix(sc.Text(), "RssAnon:"); ok {
			anon = kb(v)
		}
	}
	if total == 0 || anon == 0 {
		t.Fatal("no VmRSS or RssAnon in /proc/self/status")
	}
	return total, anon
}

func growth(from, to int64) float64 { return 100 * float64(to-from) / float64(from) }

func mib(b int64) float64 { return float64(b) / (1 << 20) }
