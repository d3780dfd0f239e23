package rediscache

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestExp(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c
		}
	}()
	for _, cte := range []bool{false, true} {
		c := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{ln.Addr().String()}, ContextTimeoutEnabled: cte})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		start := time.Now()
		err := c.Get(ctx, "x").Err()
		cancel()
		t.Logf("cte=%v err=%v after %v", cte, err, time.Since(start))
		c2 := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"127.0.0.1:1"}, ContextTimeoutEnabled: cte})
		ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
		start = time.Now()
		err = c2.Get(ctx, "x").Err()
		cancel()
		t.Logf("closed cte=%v err=%v after %v", cte, err, time.Since(start))
	}
}
