package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// benchLookupQuery is the peer benchmark's lookup (bench/peers): the key
// and the entity's id and label.
const benchLookupQuery = `query($i:String!,$k:EntityKind){lookup(identifier:$i,kind:$k){key entity{id label}}}`

// benchParallelism is how many requests per CPU the lookup benchmark keeps
// in flight, about what the peer benchmark's 64 clients make on 2 CPUs.
const benchParallelism = 32

// BenchmarkLookupHandler measures one lookup through the whole handler
// (key, purpose, GraphQL, the reader's view, audit) on the demo world in
// the embedded store, without a network in between, so that a CPU profile
// (-cpuprofile) shows what the service itself spends: the SIM-box hub,
// with over a thousand links, again and again (hub), whose lookup reads
// Cambodian facts and is audited; a number known only through Thai facts,
// again and again (local), whose lookup leaves no audit entry; and the
// demo's phone numbers in turn (cold). It keeps benchParallelism requests per CPU in
// flight.
func BenchmarkLookupHandler(b *testing.B) {
	s := embeddedtest.Open(b)
	if _, err := demo.Load(context.Background(), s, demo.Config{}); err != nil {
		b.Fatal(err)
	}
	reg, keys := accesstest.Registry(b)
	svc := usecase.New(s, reg, usecase.Options{})
	srv := server.New(server.DefaultConfig(), svc, nil, zerolog.Nop(), server.NewMetrics())
	h := srv.Handler()
	token := demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)
	// The cold lookups ask the numbers the analyst may see.
	c, err := svc.Authenticate(context.Background(), usecase.Credentials{Token: token, Purpose: "lookup benchmark"})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	_, err = demo.Generate(demo.Config{}, func(batch intel.Batch) error {
		for _, e := range batch.Entities {
			if e.Kind == intel.KindPhoneNumber {
				ids = append(ids, e.ID)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	seen, err := guard.New(s, c.Access(), nil).GetEntities(context.Background(), ids)
	if err != nil {
		b.Fatal(err)
	}
	var numbers []string
	for _, id := range ids {
		if e, ok := seen[id]; ok {
			numbers = append(numbers, e.Key)
		}
	}
	// A number known only through Thai facts: its lookup crosses no border
	// and leaves no audit entry, which shows what the audit costs the hub.
	sums, err := s.Summaries(context.Background(), ids)
	if err != nil {
		b.Fatal(err)
	}
	local := ""
	for _, id := range ids {
		e, shown := seen[id]
		if !shown || len(sums[id].Groups) < 3 {
			continue
		}
		thai := true
		for _, g := range sums[id].Groups {
			thai = thai && g.Country == intel.RegionTH
		}
		if thai {
			local = e.Key
			break
		}
	}
	if local == "" {
		b.Fatal("the demo world holds no number known only through Thai facts")
	}
	body := func(key string) []byte {
		out, _ := json.Marshal(map[string]any{"query": benchLookupQuery, "variables": map[string]any{"i": key, "k": "PhoneNumber"}})
		return out
	}
	ask := func(b *testing.B, payload []byte) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(payload))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Purpose", "lookup benchmark")
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"entity":{`) {
			b.Fatalf("status %d: %.300s", w.Code, w.Body.String())
		}
	}
	hub := body(demo.SIMBoxHub.Key)
	b.Run("hub", func(b *testing.B) {
		b.SetParallelism(benchParallelism)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ask(b, hub)
			}
		})
	})
	thai := body(local)
	b.Run("local", func(b *testing.B) {
		b.SetParallelism(benchParallelism)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ask(b, thai)
			}
		})
	})
	bodies := make([][]byte, len(numbers))
	for i, n := range numbers {
		bodies[i] = body(n)
	}
	b.Run("cold", func(b *testing.B) {
		var next int64
		var mu = make(chan struct{}, 1)
		b.SetParallelism(benchParallelism)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				mu <- struct{}{}
				i := next
				next++
				<-mu
				ask(b, bodies[i%int64(len(bodies))])
			}
		})
	})
}
