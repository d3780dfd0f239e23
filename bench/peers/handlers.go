package peers

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
)

// staticBody is what the static handler (target F) answers: about the size
// of a lookup answer.
const staticBody = `{"data":{"lookup":{"key":"+66925550142","entity":{"id":"PhoneNumber:+66925550142","label":"+66 92 555 0142"}}}}`

// StaticHandler is target F, the HTTP floor of the machine: net/http
// writing a constant JSON body.
func StaticHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/static", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(staticBody))
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
	return mux
}

// rawAnswer is the raw handler's answer: an entity's id and label, or a
// node list with the truncation flag (a path's nodes in order).
type rawAnswer struct {
	ID        string   `json:"id,omitempty"`
	Label     string   `json:"label,omitempty"`
	Nodes     []string `json:"nodes,omitempty"`
	Truncated bool     `json:"truncated,omitempty"`
}

// RawHandler is target E: the Neo4j statements ScamGraph's store runs for
// a lookup, a network and a shortest path, called straight from a minimal
// net/http handler, with no GraphQL, no authentication per request, no
// audit and no cache. The reader's access is fixed once, at start-up.
func RawHandler(store *neo4jstore.Store, a *intel.Access) http.Handler {
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, v rawAnswer, err error) {
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("/lookup", func(w http.ResponseWriter, r *http.Request) {
		e, err := store.FindEntity(r.Context(), intel.Kind(r.FormValue("kind")), r.FormValue("key"))
		reply(w, rawAnswer{ID: e.ID, Label: e.Label}, err)
	})
	mux.HandleFunc("/network", func(w http.ResponseWriter, r *http.Request) {
		depth, _ := strconv.Atoi(r.FormValue("depth"))
		limit, _ := strconv.Atoi(r.FormValue("limit"))
		sub, err := expand(r.Context(), store, a, r.FormValue("seed"), depth, limit)
		reply(w, rawAnswer{Nodes: nodeIDs(sub.Nodes), Truncated: sub.Truncated}, err)
	})
	mux.HandleFunc("/path", func(w http.ResponseWriter, r *http.Request) {
		p, err := store.ShortestPath(r.Context(), intel.PathQuery{From: r.FormValue("from"), To: r.FormValue("to"),
			MaxDepth: 4, Access: a})
		var out rawAnswer
		if p != nil {
			out.Nodes = nodeIDs(p.Nodes)
		}
		reply(w, out, err)
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
	return mux
}

// expand asks a store for a network the way ScamGraph's network query
// does: limit nodes, four times as many links, and bare, as a query for
// the nodes' ids is (intel.ExpandQuery.Bare).
func expand(ctx context.Context, s intel.Store, a *intel.Access, seed string, depth, limit int) (intel.Subgraph, error) {
	return s.Expand(ctx, intel.ExpandQuery{Seeds: []string{seed}, Depth: depth, MaxNodes: limit, MaxLinks: min(4*limit, intel.MaxLinksCap),
		Access: a, Bare: true})
}

func nodeIDs(es []intel.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
