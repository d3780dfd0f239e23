// Package resolvers holds the GraphQL resolvers: thin functions that parse
// arguments, call the store through the per-request loaders, and map domain
// values onto the generated GraphQL models.
package resolvers

import (
	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// Resolver is the dependency root shared by every resolver.
//
// Store is the shared store, which only writes and the ingest pipeline's
// duplicate checks use; every read goes through the request's own view
// (guard.Request.Store, behind the loaders), which applies the caller's
// access rules.
type Resolver struct {
	Store    intel.Store
	Registry *access.Registry
	Logger   zerolog.Logger
}

// maxNodes bounds nodes(ids:).
const maxNodes = 100
