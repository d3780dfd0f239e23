// Package server is the HTTP edge of ScamGraph: the GraphQL endpoint with its
// guards (body limit, timeout, depth and complexity limits, APQ, query
// cache), the GraphiQL explorer, health, readiness and metrics. It is the one
// place where errors become what clients see.
package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"

	"github.com/scamgraph/scamgraph/usecase"
	"github.com/scamgraph/scamgraph/webui"
)

// Config holds the HTTP-level settings; cmd fills it from flags and env.
type Config struct {
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes int64
	// RequestTimeout bounds one request, store calls included.
	RequestTimeout time.Duration
	// ComplexityLimit, DepthLimit, AliasLimit, DirectiveLimit and
	// TokenLimit bound one operation, in line with GraphQL Armor's defaults
	// (cost 5000, aliases 15, directives 50, tokens 1000) except depth: a
	// Relay connection nests two levels per hop (links { edges { node } }),
	// so 12 here allows what Armor's 6 allows on a flat schema.
	ComplexityLimit int
	DepthLimit      int
	AliasLimit      int
	DirectiveLimit  int
	TokenLimit      int
	// MaxIngestBytes bounds one streaming import (POST /ingest), which has
	// no request timeout: large loads take as long as they take.
	MaxIngestBytes int64
	// SeparateMetrics leaves /metrics off the API's routes, for a service
	// that serves MetricsHandler on a listen address of its own.
	SeparateMetrics bool
	// AllowedOrigins are the origins of front ends on other hosts that may
	// call /graphql and /ingest from a browser (CORS); empty means same
	// origin only. See ParseOrigins.
	AllowedOrigins []string
}

// DefaultConfig is what the service runs with unless told otherwise.
func DefaultConfig() Config {
	return Config{MaxBodyBytes: 1 << 20, RequestTimeout: 10 * time.Second, ComplexityLimit: 5000, DepthLimit: 12,
		AliasLimit: 15, DirectiveLimit: 50, TokenLimit: 1000, MaxIngestBytes: 8 << 30}
}

// CachePinger reports whether the cache answers; nil when there is no cache.
type CachePinger interface {
	CachePing(ctx context.Context) error
}

// Server serves the API of one use-case service.
type Server struct {
	cfg     Config
	service *usecase.Service
	cache   CachePinger
	logger  zerolog.Logger
	metrics *Metrics
	// backupFiles are what GET /admin/backup copies (EnableBackup).
	backupFiles []BackupFile
}

// New builds a server over service, whose store should already be
// instrumented and cached as wanted; cache may be nil.
func New(cfg Config, service *usecase.Service, cache CachePinger, logger zerolog.Logger, metrics *Metrics) *Server {
	return &Server{cfg: cfg, service: service, cache: cache, logger: logger, metrics: metrics}
}

// Handler returns the routes, wrapped in logging and request ids.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	gql := s.graphQL()
	mux.Handle("/graphql", s.withCORS(s.limits(s.authenticate(gql))))
	mux.Handle("/ingest", s.withCORS(s.authenticate(http.HandlerFunc(s.ingestStream))))
	mux.Handle("/export", s.withCORS(s.limits(s.authenticate(http.HandlerFunc(s.exportNetwork)))))
	mux.Handle("/admin/backup", s.authenticate(http.HandlerFunc(s.backup)))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/readyz", s.ready)
	if !s.cfg.SeparateMetrics {
		mux.Handle("/metrics", s.MetricsHandler())
	}
	// The pages and their assets are the binary's own; anything else under
	// / is an unknown path, answered in JSON like the API's other errors.
	mux.Handle("/", webui.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
	})))
	return s.frame(mux)
}

// frame wraps h in what every request passes through: its logger, its
// request id and the access log.
func (s *Server) frame(h http.Handler) http.Handler {
	h = accessLog(h)
	h = hlog.RequestIDHandler("request_id", "X-Request-Id")(h)
	return hlog.NewHandler(s.logger)(h)
}

// Framed is a GraphQL endpoint h with everything the service's /graphql
// passes through besides the sharing rules: CORS, the body limits, the
// access log, the request id and the request's logger. Handler serves the
// authenticated endpoint so; a benchmark that measures what the rules
// cost wraps its own rules-free endpoint in it, so that the two stacks
// differ by the rules alone.
func (s *Server) Framed(h http.Handler) http.Handler {
	return s.frame(s.withCORS(s.limits(h)))
}

// MetricsHandler serves the Prometheus metrics.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{})
}

// ready answers 200 when the store answers and 503 otherwise. The cache
// is optional (the service answers from the store without it), so a cache
// that is down makes the service degraded, still ready. Failures are named,
// never shown: their text can carry addresses and internals.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	status := map[string]string{"status": "ready", "store": "ok"}
	code := http.StatusOK
	if err := s.service.Ping(ctx); err != nil {
		s.logger.Warn().Err(err).Msg("readiness: store does not answer")
		status["store"], status["status"] = "unavailable", "unready"
		code = http.StatusServiceUnavailable
	}
	if s.cache != nil {
		status["cache"] = "ok"
		if err := s.cache.CachePing(ctx); err != nil {
			s.logger.Warn().Err(err).Msg("readiness: cache does not answer")
			status["cache"] = "unavailable"
			if code == http.StatusOK {
				status["status"] = "degraded"
			}
		}
	}
	writeJSON(w, code, status)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
