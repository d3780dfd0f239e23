package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// selection is the set of fields a query asks for below the field being
// resolved, as dotted paths ("edges", "edges.link", "nodes.entity.key").
// A resolver that answers a large list (a network) builds the costly parts
// of each item only when they are asked for: the link-analysis front ends
// often want ids and ends alone, and building every link's provenance for
// them was half the cost of a network request.
type selection map[string]bool

// selected reads the selection of the field being resolved. Fragments are
// followed whatever their type condition and @skip/@include are not
// evaluated, so a field is counted as asked for whenever it might be: the
// set errs towards building too much, never too little.
func selected(ctx context.Context) selection { return selectionOf(ctx, true) }

// firstLevel is selected for the fields right below the field being
// resolved only: all a resolver deciding what to read ahead needs to know,
// for less work on the hot lookup path.
func firstLevel(ctx context.Context) selection { return selectionOf(ctx, false) }

func selectionOf(ctx context.Context, deep bool) selection {
	out := selection{}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	doc := graphql.GetOperationContext(ctx).Doc
	seen := map[string]bool{}
	var walk func(prefix string, set ast.SelectionSet)
	walk = func(prefix string, set ast.SelectionSet) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				p := prefix + s.Name
				out[p] = true
				if deep {
					walk(p+".", s.SelectionSet)
				}
			case *ast.InlineFragment:
				walk(prefix, s.SelectionSet)
			case *ast.FragmentSpread:
				// A fragment spread twice at one level is walked once; a
				// spread at another level is walked again under its prefix.
				key := prefix + "..." + s.Name
				if seen[key] || doc == nil {
					continue
				}
				seen[key] = true
				if f := doc.Fragments.ForName(s.Name); f != nil {
					walk(prefix, f.SelectionSet)
				}
			}
		}
	}
	walk("", fc.Field.Selections)
	return out
}

// has reports whether path was asked for; a nil selection (no operation
// in the context, as when a resolver is called directly) asks for all.
func (s selection) has(path string) bool {
	return s == nil || s[path]
}
