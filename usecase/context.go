package usecase

import (
	"context"

	"github.com/scamgraph/scamgraph/intel"
)

type callerKey struct{}

// WithCaller returns ctx carrying c, for the edges that hand a request to
// code that reads its caller from the context (gqlgen's resolvers).
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the request's caller. The edges admit no request
// without one, so its absence is a wiring bug; it is reported as the
// missing key it amounts to rather than a panic.
func CallerFrom(ctx context.Context) (*Caller, error) {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	if c == nil {
		return nil, intel.Errorf(intel.EUNAUTHENTICATED, "Authorization", "an API key is required")
	}
	return c, nil
}
