package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
)

// tokenLimit rejects a query of more than Max lexical tokens before it is
// parsed and validated, the way GraphQL Armor's max-tokens does: the parser
// and the validator do work that grows with the document, so a document
// padded with thousands of fields, arguments or fragments costs the server
// before any other limit can look at it. It runs after automatic persisted
// queries, which fill in the query of a hash.
type tokenLimit struct{ Max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = tokenLimit{}

func (tokenLimit) ExtensionName() string                          { return "TokenLimit" }
func (tokenLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (l tokenLimit) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	lex := lexer.New(&ast.Source{Input: params.Query})
	for n := 0; ; n++ {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			// A lexical error is the parser's to report, with its position.
			return nil
		}
		if n >= l.Max {
			return limitError("query has more than %d tokens, at most %d allowed", n, l.Max)
		}
	}
}

// aliasDirectiveLimit rejects an operation with more than MaxAliases field
// aliases or more than MaxDirectives directives, counting each fragment as
// often as it is spread, as GraphQL Armor's max-aliases and max-directives
// do. Aliases let one request repeat an expensive field under many names,
// which the depth and complexity limits price only in part; directives
// multiply the work of validation and execution.
type aliasDirectiveLimit struct{ MaxAliases, MaxDirectives int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = aliasDirectiveLimit{}

func (aliasDirectiveLimit) ExtensionName() string                          { return "AliasDirectiveLimit" }
func (aliasDirectiveLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (l aliasDirectiveLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	c := operationCounter{frags: map[string]selectionCount{}}
	n := c.count(oc.Operation.SelectionSet, 0)
	n.directives = saturatingAdd(n.directives, len(oc.Operation.Directives))
	if n.aliases > l.MaxAliases {
		return limitError("query has %d aliases, at most %d allowed", n.aliases, l.MaxAliases)
	}
	if n.directives > l.MaxDirectives {
		return limitError("query has %d directives, at most %d allowed", n.directives, l.MaxDirectives)
	}
	return nil
}

// selectionCount is what operationCounter finds in a selection set.
type selectionCount struct{ aliases, directives int }

// operationCounter counts aliases and directives, remembering each
// fragment's count so that a fragment spread many times (or fragments
// spreading each other in a chain) costs one walk, not one per path.
type operationCounter struct{ frags map[string]selectionCount }

// countCap stops the sums from overflowing; any count this high is over
// every sensible limit anyway.
const countCap = 1 << 30

func saturatingAdd(a, b int) int { return min(a+b, countCap) }

func (c operationCounter) count(set ast.SelectionSet, nesting int) selectionCount {
	var n selectionCount
	if nesting > 64 {
		// gqlparser's validation rejects fragment cycles; this guards anyway.
		return n
	}
	add := func(m selectionCount) {
		n.aliases = saturatingAdd(n.aliases, m.aliases)
		n.directives = saturatingAdd(n.directives, m.directives)
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				add(selectionCount{aliases: 1})
			}
			add(selectionCount{directives: len(s.Directives)})
			add(c.count(s.SelectionSet, nesting+1))
		case *ast.InlineFragment:
			add(selectionCount{directives: len(s.Directives)})
			add(c.count(s.SelectionSet, nesting+1))
		case *ast.FragmentSpread:
			add(selectionCount{directives: len(s.Directives)})
			if s.Definition == nil {
				continue
			}
			m, ok := c.frags[s.Name]
			if !ok {
				m = c.count(s.Definition.SelectionSet, nesting+1)
				m.directives = saturatingAdd(m.directives, len(s.Definition.Directives))
				c.frags[s.Name] = m
			}
			add(m)
		}
	}
	return n
}

// limitError is the error of an operation over one of the limits: the
// client's mistake, naming the limit and the allowance.
func limitError(format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": "BAD_USER_INPUT", "field": "query"}
	return err
}
