package server

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the service's Prometheus collectors, on a registry of their
// own so that tests can build many servers in one process.
type Metrics struct {
	Registry *prometheus.Registry

	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	errors       *prometheus.CounterVec
	cache        *prometheus.CounterVec
	storeLatency *prometheus.HistogramVec
	authFailures *prometheus.CounterVec
	audits       *prometheus.CounterVec
}

// NewMetrics registers every collector, the Go runtime's included.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scamgraph_graphql_requests_total",
			Help: "GraphQL operations by operation (type and root fields) and outcome (ok or error).",
		}, []string{"operation", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "scamgraph_graphql_request_duration_seconds",
			Help:    "GraphQL operation latency by operation.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12),
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scamgraph_graphql_errors_total",
			Help: "GraphQL errors by extensions.code.",
		}, []string{"code"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scamgraph_cache_events_total",
			Help: "Redis cache lookups by operation and result (hit, miss, error).",
		}, []string{"op", "result"}),
		storeLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "scamgraph_store_duration_seconds",
			Help:    "Store call latency by method.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2.5, 12),
		}, []string{"method"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scamgraph_auth_refusals_total",
			Help: "Requests refused before any work, by code (UNAUTHENTICATED, BAD_USER_INPUT, INTERNAL).",
		}, []string{"code"}),
		audits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scamgraph_audit_entries_total",
			Help: "Audit entries the HTTP layer appended, by kind (READ, WRITE) and outcome (OK, DENIED, ERROR), and failed appends (outcome FAILED).",
		}, []string{"kind", "outcome"}),
	}
	m.Registry.MustRegister(m.requests, m.latency, m.errors, m.cache, m.storeLatency, m.authFailures, m.audits,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// CacheHit, CacheMiss and CacheError let the Redis cache report to Prometheus.
func (m *Metrics) CacheHit(op string) { m.cache.WithLabelValues(op, "hit").Inc() }

// CacheMiss counts a lookup the cache could not answer.
func (m *Metrics) CacheMiss(op string) { m.cache.WithLabelValues(op, "miss").Inc() }

// CacheError counts a lookup that failed open because Redis did not answer.
func (m *Metrics) CacheError(op string) { m.cache.WithLabelValues(op, "error").Inc() }

// observeStore records one store call.
func (m *Metrics) observeStore(method string, start time.Time) {
	m.storeLatency.WithLabelValues(method).Observe(time.Since(start).Seconds())
}

// requestMetrics is the gqlgen extension that times operations and counts errors.
type requestMetrics struct{ m *Metrics }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = requestMetrics{}

func (requestMetrics) ExtensionName() string                          { return "Metrics" }
func (requestMetrics) Validate(schema graphql.ExecutableSchema) error { return nil }

func (r requestMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	op := operationLabel(ctx)
	r.m.latency.WithLabelValues(op).Observe(time.Since(start).Seconds())
	outcome := "ok"
	if resp != nil && len(resp.Errors) > 0 {
		outcome = "error"
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" {
				code = "UNKNOWN"
			}
			r.m.errors.WithLabelValues(code).Inc()
		}
	}
	r.m.requests.WithLabelValues(op, outcome).Inc()
	return resp
}

// operationLabel names an operation by its type and root fields, which the
// schema bounds, rather than by its client-chosen name, which nothing bounds.
func operationLabel(ctx context.Context) string {
	if !graphql.HasOperationContext(ctx) {
		return "invalid"
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil {
		return "invalid"
	}
	var fields []string
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, nil) {
		fields = append(fields, f.Name)
	}
	sort.Strings(fields)
	return string(oc.Operation.Operation) + " " + strings.Join(fields, ",")
}
