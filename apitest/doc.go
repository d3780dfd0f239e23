// Package apitest drives the whole API — HTTP, GraphQL, loaders, cache and
// store — over every backend: a parity test that the same queries give the
// same answers on the embedded store and on Neo4j, with and without Redis,
// a fail-open test that stops Redis under load, and the HTTP benchmarks that
// `make bench` prints. It holds tests only; this file exists for the doc.
package apitest
