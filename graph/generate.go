// Package graph is the executable GraphQL schema that gqlgen generates from
// schema.graphqls and gqlgen.yml; nothing in it is written by hand except
// this file, which says how to regenerate it.
package graph

//go:generate sh -c "cd .. && go tool gqlgen generate --config gqlgen.yml"
