package server

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/loaders"
	"github.com/scamgraph/scamgraph/resolvers"
)

// maxPurpose bounds the X-Purpose header kept in the audit log.
const maxPurpose = 256

// authenticate admits a request only with a valid key, works out what the
// key's agency may see at this moment (the agreements active now, the
// evidence granted to it) and gives the request its view of the graph and
// its loaders over that view. The terms are read afresh for every request,
// so an agreement suspended or a key revoked takes effect on the next one.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := s.requestFor(r)
		if err != nil {
			code, status := resolvers.ClientCode(err), http.StatusUnauthorized
			s.metrics.authFailures.WithLabelValues(code).Inc()
			switch code {
			case resolvers.CodeBadUserInput:
				status = http.StatusBadRequest
			case resolvers.CodeInternal:
				s.logger.Error().Err(err).Str("request_id", requestID(r.Context())).Msg("authentication")
				status = http.StatusServiceUnavailable
			case resolvers.CodeUnauthenticated:
				w.Header().Set("WWW-Authenticate", `Bearer realm="scamgraph"`)
			}
			writeJSON(w, status, map[string]any{"errors": []map[string]any{{
				"message":    clientMessage(err),
				"extensions": map[string]any{"code": code},
			}}})
			return
		}
		ctx := access.WithRequestID(guard.WithRequest(r.Context(), req), requestID(r.Context()))
		ctx = loaders.With(ctx, loaders.New(req.Store))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requestFor authenticates r and builds its Request.
func (s *Server) requestFor(r *http.Request) (*guard.Request, error) {
	tok, err := bearerToken(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	purpose := strings.TrimSpace(r.Header.Get("X-Purpose"))
	if len(purpose) > maxPurpose || !utf8.ValidString(purpose) {
		return nil, intel.Errorf(intel.EINVALID, "X-Purpose", "must be valid UTF-8 of at most %d bytes", maxPurpose)
	}
	if err := access.CheckPurpose(purpose); err != nil {
		return nil, err
	}
	now := time.Now()
	var p access.Principal
	var a *intel.Access
	if s.opts.BenchmarkBypassAccess {
		if p, err = s.registry.Authenticate(ctx, tok, now); err != nil {
			return nil, err
		}
		a = &intel.Access{All: true, Agency: p.Agency.Code, Country: p.Agency.Country}
	} else {
		var shared []intel.Category
		var grants []access.Grant
		if p, shared, grants, err = s.registry.Terms(ctx, tok, now); err != nil {
			return nil, err
		}
		a = accessFor(p, shared, grants)
	}
	report := &guard.Report{}
	return &guard.Request{Principal: p, Access: a, Purpose: purpose, Report: report,
		Store: guard.New(s.store, a, report)}, nil
}

// accessFor is what the principal's agency may see under the agreements
// active now (shared) and the evidence granted to it.
func accessFor(p access.Principal, shared []intel.Category, grants []access.Grant) *intel.Access {
	a := &intel.Access{Agency: p.Agency.Code, Country: p.Agency.Country, Shared: shared}
	for _, g := range grants {
		a.Granted = append(a.Granted, g.LinkIDs...)
		if len(g.Fields) == 0 {
			continue
		}
		if a.GrantedFields == nil {
			a.GrantedFields = map[string][]string{}
		}
		// Fields are unmasked on the facts given and on the entity asked
		// about, not on every entity the answering records touch.
		for _, id := range append(append([]string{}, g.LinkIDs...), g.Subject) {
			a.GrantedFields[id] = append(a.GrantedFields[id], g.Fields...)
		}
	}
	a.Normalize()
	return a
}

// bearerToken reads "Authorization: Bearer <token>".
func bearerToken(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", intel.Errorf(intel.EUNAUTHENTICATED, "Authorization",
			"an API key is required: send the header Authorization: Bearer <token> (in GraphiQL, under Headers)")
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", intel.Errorf(intel.EUNAUTHENTICATED, "Authorization", "must be \"Bearer <token>\"")
	}
	return strings.TrimSpace(tok), nil
}

// hasRole is the @hasRole directive: the field runs only for keys holding
// one of the roles.
func hasRole(ctx context.Context, _ any, next graphql.Resolver, roles []model.Role) (any, error) {
	req := guard.RequestFrom(ctx)
	if req == nil {
		return nil, intel.Errorf(intel.EUNAUTHENTICATED, "Authorization", "an API key is required")
	}
	for _, r := range roles {
		if string(r) == string(req.Principal.Key.Role) {
			return next(ctx)
		}
	}
	field := ""
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		field = fc.Field.Name
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return nil, intel.Errorf(intel.EFORBIDDEN, field, "needs the role %s; this key (%s) holds %s",
		strings.Join(names, " or "), req.Principal.Key.ID, req.Principal.Key.Role)
}

// clientMessage is what a caller may read of an error: the domain error
// with its field, or "internal error".
func clientMessage(err error) string {
	if intel.ErrorCode(err) == intel.EINTERNAL {
		return "internal error"
	}
	if f := intel.ErrorField(err); f != "" {
		return f + ": " + intel.ErrorMessage(err)
	}
	return intel.ErrorMessage(err)
}
