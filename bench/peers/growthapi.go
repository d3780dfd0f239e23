package peers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// askAPI times what a user waits for at p's size: the same lookups and
// 2-link networks as ask, sent as the TH-CCIB analyst's GraphQL requests
// (the peer workloads' queries) to ScamGraph's own handler over s, served
// by this process on loopback, one request at a time. Every answer is
// checked against what the store answered ask through the sharing rules:
// the lookup names the entity asked for, or none when the analyst may not
// see it, and the network holds its seed.
func (p *GrowthPoint) askAPI(ctx context.Context, s intel.Store, reg *access.Registry, token string, ids []string) error {
	svc := usecase.New(s, reg, usecase.Options{})
	srv := server.New(server.DefaultConfig(), svc, nil, zerolog.Nop(), server.NewMetrics())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String() + "/graphql"
	client := &http.Client{Timeout: time.Minute}
	ask := func(query string, vars map[string]any, check func(body []byte) error) (time.Duration, error) {
		body := graphQLBody(query, vars)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Purpose", "peer benchmark")
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(t0)
		if err != nil {
			return 0, err
		}
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("%s: %.300s", resp.Status, b)
		}
		return took, check(b)
	}
	order := askOrder(ids)
	var lookups, hops []time.Duration
	for i := range growthLookups {
		id := order[i%len(order)]
		_, key, _ := intel.SplitEntityID(id)
		took, err := ask(sgLookup, map[string]any{"i": key, "k": string(intel.KindPhoneNumber)}, func(b []byte) error {
			var out struct {
				Data struct {
					Lookup struct{ Entity *struct{ ID string } }
				}
			}
			if err := json.Unmarshal(b, &out); err != nil || (out.Data.Lookup.Entity != nil) != p.visible[id] ||
				out.Data.Lookup.Entity != nil && out.Data.Lookup.Entity.ID != id {
				return fmt.Errorf("lookup of %s answered %.300s", key, b)
			}
			return nil
		})
		if err != nil {
			return err
		}
		lookups = append(lookups, took)
	}
	for i := range growthNetworks {
		seed := order[(i*7919)%len(order)]
		took, err := ask(sgNetwork, map[string]any{"s": []string{seed}, "d": 2, "l": networkLimit}, func(b []byte) error {
			if p.visible[seed] != strings.Contains(string(b), `"`+seed+`"`) {
				return fmt.Errorf("network around %s answered %.300s", seed, b)
			}
			return nil
		})
		if err != nil {
			return err
		}
		hops = append(hops, took)
	}
	slices.Sort(lookups)
	slices.Sort(hops)
	p.APILookupP50, p.APILookupP99 = quantile(lookups, 0.5), quantile(lookups, 0.99)
	p.APITwoHopP50 = quantile(hops, 0.5)
	return nil
}
