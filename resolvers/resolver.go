// Package resolvers holds the GraphQL resolvers: thin functions that parse
// arguments, call the store through the per-request loaders, and map domain
// values onto the generated GraphQL models.
package resolvers

import (
	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/intel"
)

// Resolver is the dependency root shared by every resolver.
type Resolver struct {
	Store  intel.Store
	Logger zerolog.Logger
}

// maxNodes bounds nodes(ids:).
const maxNodes = 100
