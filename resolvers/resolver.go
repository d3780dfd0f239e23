// Package resolvers holds the GraphQL resolvers: thin functions that
// translate arguments into the use cases' inputs, call the use case with
// the request's caller, and map its results onto the generated GraphQL
// models. No rule is decided here: who may do what, and what a caller may
// see, is the use-case layer's (package usecase).
package resolvers

import (
	"github.com/scamgraph/scamgraph/usecase"
)

// Resolver is the dependency root shared by every resolver.
type Resolver struct {
	Service *usecase.Service
}

// maxNodes bounds nodes(ids:).
const maxNodes = 100
