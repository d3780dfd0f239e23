package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/scamgraph/scamgraph/graph"
)

// apiSchema is the API's schema, read to name the input a coercion error
// is about and the values an enum there takes.
var apiSchema = graph.NewExecutableSchema(graph.Config{}).Schema()

// inputPath names the part of the current field's argument that a
// coercion error's path runs into, the way the use cases name nested
// input (records[0].involved[1].kind), and, when that part is an enum,
// the values it takes. ok is false when the path does not run into an
// argument of the field.
func inputPath(ctx context.Context, path ast.Path) (name string, enum []string, ok bool) {
	arg, ok := argumentName(ctx, path)
	if !ok {
		return "", nil, false
	}
	fc := graphql.GetFieldContext(ctx)
	typ := fc.Field.Definition.Arguments.ForName(arg).Type
	var b strings.Builder
	b.WriteString(arg)
	for _, step := range path[len(fc.Path())+1:] {
		switch p := step.(type) {
		case ast.PathIndex:
			fmt.Fprintf(&b, "[%d]", int(p))
			if typ != nil {
				typ = typ.Elem
			}
		case ast.PathName:
			b.WriteString("." + string(p))
			typ = fieldType(typ, string(p))
		}
	}
	if typ != nil && typ.Elem == nil {
		if def := apiSchema.Types[typ.Name()]; def != nil && def.Kind == ast.Enum {
			for _, v := range def.EnumValues {
				enum = append(enum, v.Name)
			}
		}
	}
	return b.String(), enum, true
}

// fieldType is the type of the field name of the input object typ, nil
// when typ is not an input object that has it.
func fieldType(typ *ast.Type, name string) *ast.Type {
	if typ == nil || typ.Elem != nil {
		return nil
	}
	def := apiSchema.Types[typ.Name()]
	if def == nil || def.Kind != ast.InputObject {
		return nil
	}
	if f := def.Fields.ForName(name); f != nil {
		return f.Type
	}
	return nil
}
