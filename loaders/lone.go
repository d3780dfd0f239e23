package loaders

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"
)

// Loader batches the loads of the items of a list, and answers a field
// that is in no list at once. A batch waits a little (wait) so that the
// resolvers of a list, which run concurrently, all queue before it
// fetches; a field of a single object (lookup's risk, an entity's
// summary) has no siblings to wait for, so it fetches its one key without
// the wait, and the answer is kept for the rest of the request as a batch
// answer would be.
type Loader[K comparable, V any] struct {
	*dataloadgen.Loader[K, V]
	fetch func(context.Context, []K) (map[K]V, error)
}

func newLoader[K comparable, V any](fetch func(context.Context, []K) (map[K]V, error)) *Loader[K, V] {
	return &Loader[K, V]{Loader: dataloadgen.NewMappedLoader(fetch, dataloadgen.WithWait(wait)), fetch: fetch}
}

// Load loads one key: batched with its siblings inside a list, or
// outside GraphQL (where no field context says there are none), and
// fetched at once for a lone field. A key the fetch does not answer is
// dataloadgen.ErrNotFound either way.
func (l *Loader[K, V]) Load(ctx context.Context, key K) (V, error) {
	if !lone(ctx) {
		return l.Loader.Load(ctx, key)
	}
	var zero V
	got, err := l.fetch(ctx, []K{key})
	var perKey dataloadgen.MappedFetchError[K]
	if errors.As(err, &perKey) {
		if e, ok := perKey[key]; ok {
			return zero, e
		}
	} else if err != nil {
		return zero, err
	}
	v, ok := got[key]
	if !ok {
		return zero, dataloadgen.ErrNotFound
	}
	l.Loader.Prime(key, v)
	return v, nil
}

// lone reports whether ctx is a GraphQL field's that no list holds: no
// field on its path is an item of a list. Outside GraphQL the answer is
// false, so that callers that load concurrently by hand still batch.
func lone(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	for ; fc != nil; fc = fc.Parent {
		if fc.Index != nil {
			return false
		}
	}
	return true
}
