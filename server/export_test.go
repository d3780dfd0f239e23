package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/export"
	"github.com/scamgraph/scamgraph/export/exporttest"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// exportSeed is the demo's Thai number whose facts are partly shared with
// Cambodia and partly domestic, with subscriber data on them.
const exportSeed = "PhoneNumber:+66925550142"

// demoHandler serves the real handler over a small demo world; requests
// carry the keys the tests give them.
func demoHandler(t *testing.T) (*httptest.Server, *access.Registry, []demo.Key) {
	t.Helper()
	store := embeddedtest.Open(t)
	if _, err := demo.Load(context.Background(), store, demo.Config{Scale: 0.05}); err != nil {
		t.Fatal(err)
	}
	reg, keys := accesstest.Registry(t)
	// Risk, and so rings, as of the demo world's end: scored today, its
	// reports would have decayed away.
	opts := usecase.Options{Analytics: usecase.AnalyticsOptions{Now: func() time.Time { return demo.End }}}
	srv := server.New(server.DefaultConfig(), usecase.New(store, reg, opts), nil, zerolog.Nop(), server.NewMetrics())
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, reg, keys
}

func sendAs(t *testing.T, req *http.Request, token string) (*http.Response, []byte) {
	t.Helper()
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Purpose", "CASE-2026-0001")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// networkAnswer is what the GraphQL network query shows the same reader.
type networkAnswer struct {
	nodes, edges []string
	masked       map[string][]string
}

func networkFor(t *testing.T, ts *httptest.Server, token string) networkAnswer {
	t.Helper()
	q := `{ network(seeds: ["` + exportSeed + `"], depth: 2, limit: 300) { nodes { id } edges { id } } }`
	body, _ := json.Marshal(map[string]any{"query": q})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	_, raw := sendAs(t, req, token)
	var r struct {
		Data struct {
			Network struct {
				Nodes, Edges []struct{ ID string }
			}
		}
		Errors     []any
		Extensions struct {
			Redactions []struct{ ID, Field string }
		}
	}
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("network: %v %s", err, raw)
	}
	a := networkAnswer{masked: map[string][]string{}}
	for _, n := range r.Data.Network.Nodes {
		a.nodes = append(a.nodes, n.ID)
	}
	for _, e := range r.Data.Network.Edges {
		a.edges = append(a.edges, e.ID)
	}
	for _, m := range r.Extensions.Redactions {
		a.masked[m.ID] = append(a.masked[m.ID], m.Field)
	}
	return a
}

func exportFiles(t *testing.T, ts *httptest.Server, token string) map[export.Format][]byte {
	t.Helper()
	return exportFilesOf(t, ts, token, url.Values{"seed": {exportSeed}, "depth": {"2"}, "limit": {"300"}})
}

// exportFilesOf downloads what params name in every format.
func exportFilesOf(t *testing.T, ts *httptest.Server, token string, params url.Values) map[export.Format][]byte {
	t.Helper()
	files := map[export.Format][]byte{}
	for _, f := range export.Formats {
		v := url.Values{"format": {string(f)}}
		for k, vals := range params {
			v[k] = vals
		}
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/export?"+v.Encode(), nil)
		res, body := sendAs(t, req, token)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("export %s: %d %s", f, res.StatusCode, body)
		}
		if ct := res.Header.Get("Content-Type"); ct != f.ContentType() {
			t.Errorf("export %s: Content-Type %q", f, ct)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.HasSuffix(cd, f.Extension()+`"`) {
			t.Errorf("export %s: Content-Disposition %q", f, cd)
		}
		files[f] = body
	}
	return files
}

func TestExportsHoldWhatTheReaderSeesAndNothingMore(t *testing.T) {
	ts, reg, keys := demoHandler(t)
	var thEdges []string
	for _, reader := range []string{"TH-CCIB", "KH-GDNP"} {
		t.Run(reader, func(t *testing.T) {
			token := demo.KeyFor(keys, reader, access.RoleAnalyst)
			want := networkFor(t, ts, token)
			got := exporttest.Read(t, exportFiles(t, ts, token))
			for format, g := range got {
				var nodes, edges []string
				for id := range g.Nodes {
					nodes = append(nodes, id)
				}
				for _, e := range g.Edges {
					edges = append(edges, e["id"])
				}
				slices.Sort(nodes)
				slices.Sort(edges)
				if !slices.Equal(nodes, sorted(want.nodes)) || !slices.Equal(edges, sorted(want.edges)) {
					t.Errorf("%s: %d nodes and %d edges, the network query shows this reader %d and %d",
						format, len(nodes), len(edges), len(want.nodes), len(want.edges))
				}
				// Masked as the API masks: every masked field named, and no
				// personal value of it in the file.
				for id, fields := range want.masked {
					attrs := g.Nodes[id]
					for _, e := range g.Edges {
						if e["id"] == id {
							attrs = e
						}
					}
					if attrs == nil {
						continue
					}
					for _, f := range fields {
						if !strings.Contains(attrs["masked"], f) {
							t.Errorf("%s: %s does not say %s is masked", format, id, f)
						}
						if attrs["personal."+f] != "" {
							t.Errorf("%s: %s shows the masked %s", format, id, f)
						}
					}
				}
			}
			t.Logf("%s sees %d nodes, %d links, %d masked elements", reader, len(want.nodes), len(want.edges), len(want.masked))
			if reader == "TH-CCIB" {
				thEdges = want.edges
				return
			}
			if len(want.masked) == 0 {
				t.Errorf("the Cambodian reader's network masks nothing: the fixture no longer tests masking")
			}
			if len(want.edges) >= len(thEdges) {
				t.Errorf("the Cambodian reader sees %d links, the Thai one %d: the fixture no longer hides anything",
					len(want.edges), len(thEdges))
			}
			entries, err := reg.QueryAudit(context.Background(), access.AuditFilter{Agency: reader, Operation: access.OpExport})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != len(export.Formats) {
				t.Errorf("%d export entries in the audit log, want one per export (%d)", len(entries), len(export.Formats))
			}
			for _, e := range entries {
				if !slices.Contains(e.Entities, exportSeed) {
					t.Errorf("an export's audit entry does not name its seed: %+v", e)
				}
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestExportRefusesBadParametersByName(t *testing.T) {
	ts, _, keys := demoHandler(t)
	token := demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)
	for query, field := range map[string]string{
		"format=pdf&seed=" + exportSeed:                       "format",
		"format=graphml":                                      "seed",
		"format=graphml&seed=+66925550142":                    "seed",
		"format=graphml&seed=" + exportSeed + "&depth=x":      "depth",
		"format=graphml&seed=" + exportSeed + "&depth=9":      "depth",
		"format=graphml&seed=" + exportSeed + "&limit=0":      "limit",
		"format=gexf&seed=" + exportSeed + "&linkTypes=CALLS": "linkTypes",
		"format=gexf&seed=" + exportSeed + "&since=yesterday": "since",
	} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/export?"+strings.ReplaceAll(query, "+", "%2B"), nil)
		res, body := sendAs(t, req, token)
		var r struct {
			Errors []struct {
				Extensions map[string]any
			}
		}
		json.Unmarshal(body, &r)
		if res.StatusCode != http.StatusBadRequest || len(r.Errors) != 1 || r.Errors[0].Extensions["field"] != field ||
			r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: %d %s, want 400 BAD_USER_INPUT naming %s", query, res.StatusCode, body, field)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/export?format=graphml&seed="+url.QueryEscape(exportSeed), nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("an export without a key: %d, want 401", res.StatusCode)
	}
}

func TestRingsAndMoneyTrailsExportAsTheyAreShown(t *testing.T) {
	ts, _, keys := demoHandler(t)
	token := demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)
	data, errs := gqlAs(t, ts.URL, token, `{ rings(first: 1) { nodes { id size } } }`, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	rings := data["rings"].(map[string]any)["nodes"].([]any)
	if len(rings) == 0 {
		t.Fatal("the demo world has no ring in the Thai analyst's view")
	}
	ring := rings[0].(map[string]any)
	for f, g := range exporttest.Read(t, exportFilesOf(t, ts, token, url.Values{"ring": {ring["id"].(string)}})) {
		if len(g.Nodes) != int(ring["size"].(float64)) || len(g.Edges) == 0 {
			t.Errorf("ring export %s: %d nodes and %d edges, the ring has %v members", f, len(g.Nodes), len(g.Edges), ring["size"])
		}
		for _, e := range g.Edges {
			if g.Nodes[e["source"]] == nil || g.Nodes[e["target"]] == nil {
				t.Errorf("ring export %s: link %s leaves the ring", f, e["id"])
			}
		}
	}
	const victim = "BankAccount:TH:004:7730215864"
	data, errs = gqlAs(t, ts.URL, token, `{ moneyTrail(from: "`+victim+`", maxHops: 3) { hops { link { id } } accounts { entity { id } } } }`, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	tr := data["moneyTrail"].(map[string]any)
	hops := map[string]bool{}
	for _, h := range tr["hops"].([]any) {
		hops[h.(map[string]any)["link"].(map[string]any)["id"].(string)] = true
	}
	accounts := len(tr["accounts"].([]any))
	if len(hops) == 0 {
		t.Fatal("the victim's money trail is empty")
	}
	for f, g := range exporttest.Read(t, exportFilesOf(t, ts, token, url.Values{"trail": {victim}, "maxHops": {"3"}})) {
		if len(g.Nodes) != accounts || len(g.Edges) != len(hops) {
			t.Errorf("trail export %s: %d nodes and %d edges, the trail has %d accounts and %d transfers", f, len(g.Nodes), len(g.Edges), accounts, len(hops))
		}
		for _, e := range g.Edges {
			if !hops[e["id"]] {
				t.Errorf("trail export %s: %s is not one of the trail's transfers", f, e["id"])
			}
		}
	}
	// Mistakes name the parameter.
	for query, field := range map[string]string{"format=gexf&trail=KBANK": "trail", "format=gexf&trail=" + victim + "&direction=UP": "direction",
		"format=gexf&ring=nothing": "ring"} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/export?"+query, nil)
		res, body := sendAs(t, req, token)
		if res.StatusCode/100 != 4 || !strings.Contains(string(body), `"field":"`+field+`"`) {
			t.Errorf("%s: %d %s, want a 4xx naming %s", query, res.StatusCode, body, field)
		}
	}
}
