package apitest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/rediscache"
	"github.com/scamgraph/scamgraph/servicetest"
)

// MustOwnRedis starts a redis-server of the test's own on a free loopback
// port, so the test can stop it; the shared one from `make services` must
// stay up for everyone else.
func MustOwnRedis(t testing.TB) (addr string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(servicetest.Binary(t, "redis-server"), "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatalf("redis-server (install it, or run make test): %v", err)
	}
	addr = fmt.Sprintf("127.0.0.1:%d", port)
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	for i := 0; c.Ping(context.Background()).Err() != nil; i++ {
		if i > 100 {
			t.Fatal("own redis-server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	var once sync.Once
	stop = func() { once.Do(func() { cmd.Process.Kill(); cmd.Wait() }) }
	t.Cleanup(stop)
	return addr, stop
}

// TestStoppingRedisMidLoopFailsNoRequest runs lookups from several clients,
// kills Redis halfway, and requires every request to succeed with the right
// answer: the cache fails open to the store.
func TestStoppingRedisMidLoopFailsNoRequest(t *testing.T) {
	s, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := demo.Load(context.Background(), s, demo.Config{Scale: 0.05}); err != nil {
		t.Fatal(err)
	}
	addr, stopRedis := MustOwnRedis(t)
	client := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{addr}})
	t.Cleanup(func() { client.Close() })
	cached := rediscache.New(s, client, rediscache.Options{Logger: zerolog.Nop()})
	ts := serve(t, backend{name: "embedded+redis", store: cached, cache: cached})

	// The clients send a fixed number of lookups; Redis is killed once a
	// third of them have been answered, so requests run both before and
	// after, on any machine, however fast.
	const workers, total = 8, 1200
	points := demo.EntryPoints()
	var ok, failed, sent atomic.Int64
	var firstErr atomic.Value
	var before atomic.Int64
	var stopped sync.Once
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Timeout: 10 * time.Second}
			for i := sent.Add(1); i <= total; i = sent.Add(1) {
				p := points[int(i)%len(points)]
				r, err := query(hc, ts.URL, `query($q: String!, $r: Region, $k: EntityKind) { lookup(identifier: $q, region: $r, kind: $k) { key entity { id } } }`,
					map[string]any{"q": p.LocalForm, "r": string(p.Region), "k": string(p.Kind)})
				if err == nil && !containsID(r.Data, p.ID()) {
					err = fmt.Errorf("wrong answer for %s: %s", p.LocalForm, r.Data)
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				if ok.Add(1) == total/3 {
					stopped.Do(func() {
						before.Store(ok.Load())
						stopRedis()
					})
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of %d requests failed after Redis stopped; first: %v", failed.Load(), ok.Load()+failed.Load(), firstErr.Load())
	}
	if before.Load() == 0 || ok.Load() <= before.Load()+int64(workers) {
		t.Fatalf("no requests ran before (%d) or after (%d) Redis stopped", before.Load(), ok.Load()-before.Load())
	}
	t.Logf("%d requests with Redis up, %d after it stopped, 0 failed", before.Load(), ok.Load()-before.Load())
}

func containsID(data []byte, id string) bool {
	return len(data) > 0 && bytesContains(data, []byte(`"id":"`+id+`"`))
}
