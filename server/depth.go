package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// depthLimit rejects operations nested deeper than Max fields. The
// complexity limit prices breadth; this bounds depth, which a graph schema
// invites (links → neighbour → links → …). Introspection fields are not
// counted, so explorers keep working.
type depthLimit struct{ Max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                          { return "DepthLimit" }
func (depthLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, 0, map[string]int{}); depth > d.Max {
		return limitError("query is nested %d levels deep, at most %d allowed", depth, d.Max)
	}
	return nil
}

// selectionDepth follows fragments too; gqlparser's validation has already
// rejected fragment cycles, and seen guards against them anyway. frags
// remembers each fragment's depth, so that fragments spreading each other
// several times over cost one walk each rather than one per path.
func selectionDepth(set ast.SelectionSet, seen int, frags map[string]int) int {
	if seen > 64 {
		return seen
	}
	deepest := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.Name) > 1 && s.Name[:2] == "__" {
				continue
			}
			d = 1 + selectionDepth(s.SelectionSet, seen+1, frags)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, seen+1, frags)
		case *ast.FragmentSpread:
			if s.Definition == nil {
				continue
			}
			var ok bool
			if d, ok = frags[s.Name]; !ok {
				d = selectionDepth(s.Definition.SelectionSet, seen+1, frags)
				frags[s.Name] = d
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}
