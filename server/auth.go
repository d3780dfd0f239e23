package server

import (
	"net/http"
	"strings"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/loaders"
	"github.com/scamgraph/scamgraph/usecase"
)

// authenticate admits a request only with a valid key: it hands the
// bearer token and purpose to the use-case layer, which decides, and gives
// the request its caller and its loaders over the caller's reads. A refusal
// is answered here, in the one vocabulary of errors (writeError).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := bearerToken(r)
		var c *usecase.Caller
		if err == nil {
			c, err = s.service.Authenticate(r.Context(), usecase.Credentials{Token: tok,
				Purpose: r.Header.Get("X-Purpose"), RequestID: requestID(r.Context()), AsOf: r.Header.Get("X-As-Of")})
		}
		if err != nil {
			noteRefusal(r.Context(), err)
			code := intel.ClientCode(err)
			s.metrics.authFailures.WithLabelValues(code).Inc()
			if code == intel.CodeUnauthenticated {
				w.Header().Set("WWW-Authenticate", `Bearer realm="scamgraph"`)
			}
			s.writeError(w, r, err)
			return
		}
		defer s.service.InFlight(c)()
		noteCaller(r.Context(), c)
		ctx := access.WithRequestID(usecase.WithCaller(r.Context(), c), requestID(r.Context()))
		ctx = loaders.With(ctx, loaders.New(s.service.Reader(c)))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// bearerToken reads "Authorization: Bearer <token>"; an absent header is
// no token, which the use case refuses with the reason.
func bearerToken(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", nil
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", intel.Errorf(intel.EUNAUTHENTICATED, "Authorization", "must be \"Bearer <token>\"")
	}
	return strings.TrimSpace(tok), nil
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
