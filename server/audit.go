package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// auditTrail hands each GraphQL operation to the use-case layer's audit
// (usecase.Service.Finish) before its response goes out, and lists the
// masked fields in the response's extensions. What the entry says — which
// operations ran, how they ended, what was written and which of the other
// country's facts were shown — is recorded by the use cases themselves,
// not read back from the response.
type auditTrail struct{ s *Server }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = auditTrail{}

func (auditTrail) ExtensionName() string                          { return "AuditTrail" }
func (auditTrail) Validate(schema graphql.ExecutableSchema) error { return nil }

func (a auditTrail) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	c, err := usecase.CallerFrom(ctx)
	if resp == nil || err != nil {
		return resp
	}
	if red := c.Redactions(); len(red) > 0 {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["redactions"] = red
	}
	if err := a.s.finish(ctx, c); err != nil {
		// A read or write that cannot be audited is not shown: the rule
		// is that the log holds everything a caller saw. A registry that
		// is unavailable says so, as the operation itself would have.
		if intel.ErrorCode(err) == intel.EUNAVAILABLE {
			return &graphql.Response{Errors: gqlerror.List{a.s.presentError(ctx, err)}}
		}
		zerolog.Ctx(ctx).Error().Err(err).Msg("audit append failed")
		return graphql.ErrorResponse(ctx, "internal error: the request could not be audited")
	}
	return resp
}

// finish writes the request's audit entry and counts it.
func (s *Server) finish(ctx context.Context, c *usecase.Caller) error {
	e, wrote, err := s.service.Finish(ctx, c)
	if !wrote {
		return nil
	}
	outcome := e.Outcome
	if err != nil {
		outcome = "FAILED"
	}
	s.metrics.audits.WithLabelValues(e.Kind, outcome).Inc()
	return err
}
