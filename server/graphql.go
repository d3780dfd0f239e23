package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/zerolog/hlog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/scamgraph/scamgraph/graph"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/resolvers"
)

// graphQL builds the gqlgen handler with explicit transports (GET and POST,
// as the GraphQL-over-HTTP spec has them, wrapped in httpTransport: a
// malformed body is the client's 400, a store that is unavailable a 503),
// a parsed-query cache, automatic persisted queries and the limits.
func (s *Server) graphQL() http.Handler {
	cfg := graph.Config{Resolvers: &resolvers.Resolver{Service: s.service}}
	setComplexity(&cfg.Complexity)
	srv := handler.New(graph.NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(httpTransport{Transport: transport.GET{}})
	srv.AddTransport(httpTransport{Transport: transport.POST{}, checkBody: true, maxBody: s.cfg.MaxBodyBytes})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	// Outermost, so that it judges the response as it goes out.
	srv.Use(unavailableStatus{})
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	// After APQ, which fills in the query the token limit counts.
	// A limit of 0 is no limit.
	if s.cfg.TokenLimit > 0 {
		srv.Use(tokenLimit{Max: s.cfg.TokenLimit})
	}
	if s.cfg.AliasLimit > 0 || s.cfg.DirectiveLimit > 0 {
		srv.Use(aliasDirectiveLimit{MaxAliases: orUnlimited(s.cfg.AliasLimit), MaxDirectives: orUnlimited(s.cfg.DirectiveLimit)})
	}
	srv.Use(extension.FixedComplexityLimit(s.cfg.ComplexityLimit))
	srv.Use(depthLimit{Max: s.cfg.DepthLimit})
	srv.Use(requestMetrics{m: s.metrics})
	srv.Use(auditTrail{s: s})
	srv.SetErrorPresenter(s.presentError)
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		s.logger.Error().Str("request_id", requestID(ctx)).Interface("panic", p).
			Bytes("stack", debug.Stack()).Msg("panic in resolver")
		return errors.New("panic in resolver")
	})
	return srv
}

// presentError is the one place a resolver's error becomes what a client
// sees: domain errors keep their message and gain extensions.code and
// field (an unavailable store is also logged, with its cause, as a
// warning); a timeout says so; anything else is logged with the request id
// and shown as "internal error".
func (s *Server) presentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	var domain *intel.Error
	switch {
	case errors.As(err, &domain) && domain.Code != intel.EINTERNAL:
		if domain.Field == "" && domain.Code == intel.EINVALID {
			// A scalar's input error (see package scalars) does not know
			// the argument it was given for; its path ends in that name.
			if name, ok := lastPathName(gerr.Path); ok {
				d := *domain
				d.Field = name
				domain = &d
			}
		}
		gerr.Message = domain.Error()
		gerr.Extensions = map[string]any{"code": intel.ClientCode(domain)}
		if domain.Field != "" {
			gerr.Extensions["field"] = domain.Field
		}
		if domain.Code == intel.EUNAVAILABLE {
			logUnavailable(s.logger.Warn(), err).Str("request_id", requestID(ctx)).Str("path", gerr.Path.String()).
				Msg("store unavailable")
		}
	case errors.Is(err, context.DeadlineExceeded):
		gerr.Message = fmt.Sprintf("request took longer than %s", s.cfg.RequestTimeout)
		gerr.Extensions = map[string]any{"code": intel.CodeTimeout}
	case errors.Is(err, context.Canceled):
		gerr.Message = "request cancelled"
		gerr.Extensions = map[string]any{"code": "CANCELLED"}
	case gerr.Extensions["code"] != nil:
		// gqlgen's own input errors (e.g. a wrong argument type) already
		// carry a code and a clear message.
	case isCoercionError(ctx, err, gerr):
		// gqlgen's coercion of an argument (an enum value it does not
		// know, a malformed scalar) or of the request's extensions (APQ)
		// fails without a code; the input was the client's.
		// It is named, as a use case names a field of nested input
		// (records[0].country), with the values an enum takes.
		gerr.Extensions = map[string]any{"code": intel.CodeBadUserInput}
		if name, enum, ok := inputPath(ctx, gerr.Path); ok {
			gerr.Extensions["field"] = name
			gerr.Message = name + ": " + gerr.Message
			if len(enum) > 0 {
				gerr.Message += " (want one of " + strings.Join(enum, ", ") + ")"
			}
		}
	default:
		s.logger.Error().Err(err).Str("request_id", requestID(ctx)).Str("path", gerr.Path.String()).Msg("internal error")
		gerr.Message = "internal error"
		gerr.Extensions = map[string]any{"code": intel.CodeInternal, "requestId": requestID(ctx)}
	}
	return gerr
}

// isCoercionError tells gqlgen's own errors of coercing the input from
// errors of resolvers: they are GraphQL errors that were raised either
// before any field ran (the operation's parameters and extensions) or on a
// path that runs past the field into one of its arguments.
func isCoercionError(ctx context.Context, err error, gerr *gqlerror.Error) bool {
	var gq *gqlerror.Error
	if !errors.As(err, &gq) {
		return false
	}
	if graphql.GetFieldContext(ctx) == nil {
		return true
	}
	_, ok := argumentName(ctx, gerr.Path)
	return ok
}

// argumentName is the argument of the current field that path runs into,
// if it does: path is the field's own path followed by an argument name.
func argumentName(ctx context.Context, path ast.Path) (string, bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return "", false
	}
	own := fc.Path()
	if len(path) <= len(own) {
		return "", false
	}
	for i := range own {
		if own[i] != path[i] {
			return "", false
		}
	}
	name, ok := path[len(own)].(ast.PathName)
	if !ok || fc.Field.Definition == nil || fc.Field.Definition.Arguments.ForName(string(name)) == nil {
		return "", false
	}
	return string(name), true
}

// lastPathName is the name at the end of an error's path, if it ends in
// a name rather than a list index.
func lastPathName(path ast.Path) (string, bool) {
	if len(path) == 0 {
		return "", false
	}
	name, ok := path[len(path)-1].(ast.PathName)
	return string(name), ok
}

// orUnlimited reads a limit of 0 (or less) as no limit.
func orUnlimited(limit int) int {
	if limit <= 0 {
		return countCap
	}
	return limit
}

func requestID(ctx context.Context) string {
	if id, ok := hlog.IDFromCtx(ctx); ok {
		return id.String()
	}
	return ""
}

// GraphQL is the bare GraphQL endpoint, without authentication or body
// limits: Handler wraps it in both. It expects a caller and loaders in the
// request's context (usecase.WithCaller, loaders.With).
func (s *Server) GraphQL() http.Handler { return s.graphQL() }
