package peers

import (
	"context"
	"net/http"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/loaders"
	"github.com/scamgraph/scamgraph/neo4jstore"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// rulesOffAgency is the agency whose operator asks every question of the
// rules-off targets.
const rulesOffAgency = "TH-CCIB"

// UnguardedHandler is the benchmark's own stack without the sharing rules
// (targets a and b): ScamGraph's GraphQL handler, in all the server wraps
// it in but the rules (server.Framed), over the same store,
// metrics decorator and entity memo (on Neo4j) as `scamgraph serve`, every request
// made by the operator of TH-CCIB, as BenchmarkAccessRules (apitest)
// builds it: an unrestricted view, no key to check, no terms to read, no
// audit entry to write. Production has no such switch; only the benchmark builds it. The
// returned function closes the store.
func UnguardedHandler(ctx context.Context, store, dataDir, neo4jURI string) (http.Handler, func() error, error) {
	var (
		s     intel.Store
		reg   *access.Registry
		close func() error
		// serve runs the entity memo over Neo4j only.
		memoTTL time.Duration
	)
	switch store {
	case "embedded":
		es, err := embeddedstore.Open(dataDir)
		if err != nil {
			return nil, nil, err
		}
		rec, err := embeddedstore.OpenAccessRecords(filepath.Join(dataDir, "access.db"))
		if err != nil {
			es.Close()
			return nil, nil, err
		}
		s, reg = es, access.New(rec, time.Now)
		close = func() error { rec.Close(); return es.Close() }
	default:
		ns, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: neo4jURI})
		if err != nil {
			return nil, nil, err
		}
		s, reg, close = ns, access.New(ns.AccessRecords(), time.Now), func() error { ns.Close(); return nil }
		memoTTL = usecase.DefaultEntityMemoTTL
	}
	metrics := server.NewMetrics()
	svc := usecase.New(server.Instrument(s, metrics), reg, usecase.Options{EntityMemoTTL: memoTTL})
	srv := server.New(server.DefaultConfig(), svc, nil, zerolog.Nop(), metrics)
	gql := srv.GraphQL()
	country, _ := intel.AgencyCountry(rulesOffAgency)
	agency := access.Agency{Code: rulesOffAgency, Country: country}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.Handle("/graphql", srv.Framed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := svc.Operator(agency, access.RoleAnalyst)
		ctx := loaders.With(usecase.WithCaller(r.Context(), c), loaders.New(svc.Reader(c)))
		gql.ServeHTTP(w, r.WithContext(ctx))
	})))
	return mux, close, nil
}

// OperatorAccess is the view of the rules-off targets: everything.
func OperatorAccess() *intel.Access {
	country, _ := intel.AgencyCountry(rulesOffAgency)
	return &intel.Access{All: true, Agency: rulesOffAgency, Country: country}
}
