package rediscache_test

import (
	"context"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/rediscache"
)

// readAll reads e, its link and its summary every way the cache serves
// them and fails the test on any wrong answer.
func readAll(t *testing.T, ctx context.Context, s intel.Store, e intel.Entity, l intel.Link) {
	t.Helper()
	got, err := s.GetEntities(ctx, []string{e.ID, "PhoneNumber:+66800000000"})
	if err != nil || len(got) != 1 || got[e.ID].Attrs["carrier"] != "AIS" {
		t.Fatalf("GetEntities: %+v, %v", got, err)
	}
	found, err := s.FindEntity(ctx, e.Kind, e.Key)
	if err != nil || !reflect.DeepEqual(found, got[e.ID]) {
		t.Fatalf("FindEntity: %+v, %v", found, err)
	}
	if _, err := s.FindEntity(ctx, e.Kind, "+66800000000"); intel.ErrorCode(err) != intel.ENOTFOUND {
		t.Fatalf("FindEntity of an unknown key: %v", err)
	}
	links, err := s.GetLinks(ctx, []string{l.ID})
	if err != nil || links[l.ID].EventKey != l.EventKey {
		t.Fatalf("GetLinks: %+v, %v", links, err)
	}
	sums, err := s.Summaries(ctx, []string{e.ID})
	if err != nil || sums[e.ID].LinkCount != 1 {
		t.Fatalf("Summaries: %+v, %v", sums, err)
	}
}

func fixtureBatch() (intel.Entity, intel.Link, intel.Batch) {
	e := phone("+66812345678")
	e.Attrs = map[string]string{"carrier": "AIS"}
	l := call(e.Key, "+855123456789", 1, "cdr-1")
	return e, l, intel.Batch{Entities: []intel.Entity{e}, Links: []intel.Link{l}}
}

func TestFailOpenWhenRedisRefuses(t *testing.T) {
	client := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"127.0.0.1:1"}, MaxRetries: -1})
	t.Cleanup(func() { client.Close() })

	t.Run("ReadsAndWritesAnswerAndErrorsAreCountedAndLoggedOnce", func(t *testing.T) {
		obs, logs := &countingObserver{}, &logBuffer{}
		// RetryAfter is tiny so that every read tries Redis and fails.
		c := rediscache.New(MustOpen(t, t.TempDir()), client, rediscache.Options{Observer: obs,
			Logger: zerolog.New(logs), LogInterval: time.Hour, RetryAfter: time.Nanosecond})
		e, l, b := fixtureBatch()
		mustUpsert(t, c, b)
		for i := 0; i < 10; i++ {
			readAll(t, ctxFor(t), c, e, l)
		}
		if n := obs.Count("error", "Upsert"); n != 1 {
			t.Errorf("failed invalidation counted %d times, want 1", n)
		}
		// Each readAll makes five reads, each of which tries Redis once.
		if n := obs.Count("error", ""); n != 1+10*5 {
			t.Errorf("observer counted %d Redis errors, want 51", n)
		}
		if n := obs.Count("hit", ""); n != 0 {
			t.Errorf("%d hits without a Redis", n)
		}
		lines := logs.Lines()
		if len(lines) != 1 {
			t.Fatalf("%d log lines within one LogInterval, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
		}
		if !strings.Contains(lines[0], "127.0.0.1:1") || !strings.Contains(lines[0], `"level":"warn"`) {
			t.Errorf("log line does not say what failed: %s", lines[0])
		}
		if err := c.Ping(ctxFor(t)); err != nil {
			t.Errorf("Ping must not depend on Redis: %v", err)
		}
		if err := c.CachePing(ctxFor(t)); err == nil {
			t.Error("CachePing succeeded without a Redis")
		}
	})

	t.Run("ReadsLeaveRedisAloneForRetryAfter", func(t *testing.T) {
		obs := &countingObserver{}
		c := rediscache.New(MustOpen(t, t.TempDir()), client,
			rediscache.Options{Observer: obs, RetryAfter: time.Hour})
		e, l, b := fixtureBatch()
		mustUpsert(t, c, b)
		for i := 0; i < 10; i++ {
			readAll(t, ctxFor(t), c, e, l)
		}
		if n := obs.Count("error", ""); n != 1 {
			t.Errorf("%d Redis errors, want only the write's: reads must not retry within RetryAfter", n)
		}
		if n := obs.Count("miss", ""); n != 10*6 {
			t.Errorf("%d misses counted for reads that skipped Redis, want 60", n)
		}
		// Writes still try to invalidate: a skipped delete could leave a
		// stale value behind once Redis is back.
		mustUpsert(t, c, b)
		if n := obs.Count("error", "Upsert"); n != 2 {
			t.Errorf("second write: %d invalidation errors in all, want 2", n)
		}
	})

	t.Run("EachIntervalLogsAgain", func(t *testing.T) {
		logs := &logBuffer{}
		c := rediscache.New(MustOpen(t, t.TempDir()), client, rediscache.Options{
			Logger: zerolog.New(logs), LogInterval: time.Nanosecond, RetryAfter: time.Nanosecond})
		e, l, b := fixtureBatch()
		mustUpsert(t, c, b)
		readAll(t, ctxFor(t), c, e, l)
		if n := len(logs.Lines()); n < 2 {
			t.Errorf("%d log lines with a tiny LogInterval, want one per error", n)
		}
	})
}

// TestFailOpenWhenRedisHangs points the cache at a server that accepts
// connections and never answers, with a client that leaves context
// deadlines out of its socket reads (its default): every call must still
// come back within Options.Timeout, not the client's ReadTimeout, which is
// longer than the deadline these reads have.
func TestFailOpenWhenRedisHangs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		conns.Wait()
	})
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				defer conn.Close()
				buf := make([]byte, 4096)
				for {
					if _, err := conn.Read(buf); err != nil {
						return
					}
				}
			}()
		}
	}()
	client := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{ln.Addr().String()},
		MaxRetries: -1, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second})
	t.Cleanup(func() { client.Close() })

	obs := &countingObserver{}
	c := rediscache.New(MustOpen(t, t.TempDir()), client, rediscache.Options{
		Timeout: 20 * time.Millisecond, InvalidationTimeout: 20 * time.Millisecond, Observer: obs})
	e, l, b := fixtureBatch()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.Upsert(ctx, b); err != nil {
		t.Fatal(err)
	}
	readAll(t, ctx, c, e, l)
	if n := obs.Count("error", ""); n == 0 {
		t.Error("no Redis error was counted")
	}
	if err := c.CachePing(ctx); err == nil {
		t.Error("CachePing succeeded against a Redis that never answers")
	}
}
